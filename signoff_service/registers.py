"""The round's CSV exports: personal links for a mail merge, and the completion register."""
from __future__ import annotations

from sqlalchemy import Connection

from . import ledger, rounds
from .csvio import write_csv
from .links import sign_link

LINKS_HEADER = ("name", "email", "role", "link")
REGISTER_HEADER = ("name", "email", "role", "department", "ward", "status", "signed_at", "receipt_id",
                   "content_hash", "version", "link_sent_at", "first_opened_at", "signed_older_version_at")


def links_csv(conn: Connection, round_row, actor: str, outstanding_only: bool = False) -> str:
    """Everyone's link (a signed person's link shows their receipt), or only those not yet signed."""
    _, people = rounds.people_in_round(conn, round_row, status="unsigned" if outstanding_only else None)
    ledger.append(conn, "export", actor, round_row.id, what="links", rows=len(people))
    return write_csv(LINKS_HEADER, ((p.name, p.email, p.role, sign_link(p)) for p in people))


def register_csv(conn: Connection, round_row, actor: str) -> str:
    _, people = rounds.people_in_round(conn, round_row)
    ledger.append(conn, "export", actor, round_row.id, what="register", rows=len(people))
    return write_csv(REGISTER_HEADER, (
        (p.name, p.email, p.role, p.department, p.ward, rounds.person_status(round_row, p), p.signed_at,
         p.receipt_id, round_row.content_hash if p.receipt_id else None, round_row.version_id,
         p.link_sent_at, p.first_opened_at, p.older_signed_at) for p in people))
