"""The round's CSV exports: personal links for a mail merge, and the completion register.

An export is recorded in the ledger in a short write transaction of its own; the rows are then
streamed from one read snapshot, a batch at a time, so a county's 100,000 people download in
constant memory and no writer waits for the download (bench/signoff_scale.py).
"""
from __future__ import annotations

from typing import Callable, Iterator

from sqlalchemy import Connection

from . import db, ledger, rounds
from .csvio import csv_rows
from .links import sign_link

LINKS_HEADER = ("name", "email", "role", "link")
REGISTER_HEADER = ("name", "email", "role", "department", "ward", "status", "signed_at", "receipt_id",
                   "content_hash", "version", "link_sent_at", "first_opened_at", "signed_older_version_at")
BATCH = 1000  # rows read and written at a time


def _link_row(round_row, p) -> tuple:
    return p.name, p.email, p.role, sign_link(p)  # a signed person's link shows their receipt


def _register_row(round_row, p) -> tuple:
    return (p.name, p.email, p.role, p.department, p.ward, rounds.person_status(round_row, p), p.signed_at,
            p.receipt_id, round_row.content_hash if p.receipt_id else None, round_row.version_id,
            p.link_sent_at, p.first_opened_at, p.older_signed_at)


EXPORTS: dict[str, tuple[tuple[str, ...], Callable]] = {
    "links": (LINKS_HEADER, _link_row), "register": (REGISTER_HEADER, _register_row)}


def record_export(conn: Connection, round_row, what: str, actor: str, status: str | None = None) -> int:
    """The export's ledger entry (what, how many rows), in `conn`'s transaction; returns the row count."""
    rows = rounds.count_people(conn, round_row, status=status)
    ledger.append(conn, "export", actor, round_row.id, what=what, rows=rows)
    return rows


def csv_chunks(round_row, what: str, status: str | None = None) -> Iterator[str]:
    """The export as CSV text (header first), BATCH people at a time, everyone with `status`
    ('unsigned' for the links not yet used) or everyone in the round."""
    header, row_of = EXPORTS[what]
    yield csv_rows([header], formula_safe=False)
    with db.reading() as conn:
        people = conn.execution_options(stream_results=True, yield_per=BATCH).execute(
            rounds.people_query(round_row, status=status))
        try:
            for batch in people.partitions():
                yield csv_rows(row_of(round_row, p) for p in batch)
        finally:
            people.close()  # also when the download stops early
