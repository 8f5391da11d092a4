"""The audit ledger: append-only and hash-chained.

Each entry's hash is SHA-256 over its own fields (sequence number included) and the previous
entry's hash, so `verify` finds the first entry that was altered (its hash no longer matches),
inserted (the next entry no longer follows it) or deleted (a gap in the numbers, or the head row
no longer matching the last entry). Appends lock the single head row, so concurrent writers
from several processes still build one chain. The database refuses UPDATE and DELETE on the
table (triggers, migration 0002); anyone able to drop those and rewrite the whole table can
recompute every hash, so `verify-ledger` prints nothing secret and HR can note the count as an anchor.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Iterator, NamedTuple

from sqlalchemy import Connection, bindparam, select, update

from . import db

GENESIS = "genesis"


# One encoder, built once: json.dumps with these options builds a new one per call.
_CANONICAL = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))
_STRING = json.encoder.encode_basestring  # what _CANONICAL writes for a string (ensure_ascii=False)


def _json_value(value) -> str:
    """`value` as _CANONICAL writes it: strings, None and integers directly (a county's import hashes
    hundreds of thousands of them), anything else through the encoder itself."""
    if type(value) is str:
        return _STRING(value)
    if value is None:
        return "null"
    if type(value) is int:
        return int.__repr__(value)
    return _CANONICAL.encode(value)


def _canonical(fields: dict) -> str:
    """Canonical JSON (sorted keys, no spaces, UTF-8 text), byte for byte what _CANONICAL gives."""
    try:  # sorted() or _STRING raise TypeError for keys other than strings, which the encoder converts
        return "{" + ",".join([_STRING(key) + ":" + (_STRING(value) if type(value) is str else _json_value(value))
                               for key, value in sorted(fields.items())]) + "}"
    except TypeError:
        return _CANONICAL.encode(fields)


# The hashed fields in canonical order (sorted keys), filled in by entry_hash.
_HASHED = '{"actor":%s,"at":%s,"details":%s,"event":%s,"person_id":%s,"prev_hash":%s,"round_id":%s,"seq":%s}'


def entry_hash(seq: int, at: str, event: str, actor: str, round_id: str | None, person_id: str | None,
               details: str, prev_hash: str) -> str:
    """SHA-256 over the canonical JSON (see _canonical) of the entry's fields and the previous hash."""
    text = _HASHED % (_json_value(actor), _json_value(at), _json_value(details), _json_value(event),
                      _json_value(person_id), _json_value(prev_hash), _json_value(round_id), _json_value(seq))
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


# Built once: appends are on every write path, the signing POST's included.
_LOCK_HEAD = select(db.ledger_head.c.seq, db.ledger_head.c.hash).where(db.ledger_head.c.id == 1).with_for_update()
_INSERT_ENTRY = db.ledger.insert()
_MOVE_HEAD = (update(db.ledger_head).where(db.ledger_head.c.id == 1)
              .values(seq=bindparam("new_seq"), hash=bindparam("new_hash")))


class Details(NamedTuple):
    """An entry's details already written as the ledger stores them (canonical JSON): see `details`."""
    text: str


def details(**fields) -> Details:
    """The details of an entry to append later, serialised now: the signing POST builds its entry's
    details before it queues for the write lock, so the lock is held for the chain's own work alone."""
    return Details(_canonical(fields))


class Entry(NamedTuple):
    """An entry to append: what happened, who did it, to which round and person, and its details
    (a dict, or `Details` already serialised). A named tuple: a county's import builds 100,000 of
    them, and a frozen dataclass costs several times as much to build. The default details are
    shared and never modified (only read here)."""
    event: str
    actor: str
    round_id: str | None = None
    person_id: str | None = None
    details: dict | Details = {}
    at: str | None = None  # default: now


# The ledger's columns in the order _Chain.rows gives each row's values.
COLUMNS = ("seq", "at", "event", "actor", "round_id", "person_id", "details", "prev_hash", "hash")


def append(conn: Connection, event: str, actor: str, round_id: str | None = None,
           person_id: str | None = None, at: str | None = None, **details) -> int:
    """Add an entry inside the caller's transaction; returns its sequence number."""
    return append_entry(conn, Entry(event, actor, round_id, person_id, details, at))


def append_entry(conn: Connection, entry: Entry) -> int:
    """Add `entry` inside the caller's transaction; returns its sequence number."""
    chain = _Chain(conn.execute(_LOCK_HEAD).one())
    (row,) = chain.rows([entry])
    conn.execute(_INSERT_ENTRY, dict(zip(COLUMNS, row, strict=True)))
    conn.execute(_MOVE_HEAD, {"new_seq": chain.seq, "new_hash": chain.hash})
    return chain.seq


def append_many(conn: Connection, new_entries: list[Entry]) -> int:
    """Add the entries, in order, inside the caller's transaction, as one bulk load (db.insert_rows):
    each row's hash is computed as the load takes it (on PostgreSQL the server stores the rows
    already sent meanwhile), and the head is moved once, to the last. Returns the last sequence number."""
    chain = _Chain(conn.execute(_LOCK_HEAD).one())
    first = chain.seq
    db.insert_rows(conn, db.ledger, COLUMNS, chain.rows(new_entries))
    if chain.seq != first:
        conn.execute(_MOVE_HEAD, {"new_seq": chain.seq, "new_hash": chain.hash})
    return chain.seq


class _Chain:
    """The chain's end (number and hash of the last entry), moved on by each row `rows` gives."""

    def __init__(self, head) -> None:
        self.seq, self.hash = int(head.seq), str(head.hash)

    def rows(self, new_entries: list[Entry]) -> Iterator[tuple]:
        """The entries' rows (values in COLUMNS order), numbered and hash-chained on from the end."""
        seq, prev, now, sha256, value = self.seq, self.hash, db.utcnow(), hashlib.sha256, _json_value
        for entry in new_entries:
            seq += 1
            at = entry.at or now
            details = entry.details
            details_text = details.text if isinstance(details, Details) else _canonical(details)
            # entry_hash, inlined: a county's import hashes 100,000 entries here.
            digest = "sha256:" + sha256((_HASHED % (
                value(entry.actor), value(at), value(details_text), value(entry.event), value(entry.person_id),
                value(prev), value(entry.round_id), value(seq))).encode("utf-8")).hexdigest()
            self.seq, self.hash = seq, digest
            yield seq, at, entry.event, entry.actor, entry.round_id, entry.person_id, details_text, prev, digest
            prev = digest


@dataclass(frozen=True)
class LedgerReport:
    entries: int
    problem: str | None  # the first problem found, naming the entry
    head: str = GENESIS  # the last good entry's hash: note it elsewhere as an anchor

    @property
    def ok(self) -> bool:
        return self.problem is None


def verify(conn: Connection) -> LedgerReport:
    expected_seq, prev_hash, count = 1, GENESIS, 0
    rows = conn.execute(select(db.ledger).order_by(db.ledger.c.seq))
    for row in rows:
        if row.seq != expected_seq:
            return LedgerReport(count, f"entry {expected_seq} is missing (deleted): the next entry is {row.seq}")
        if row.prev_hash != prev_hash:
            return LedgerReport(count, f"entry {row.seq} ({row.event}) does not follow entry {row.seq - 1}: "
                                       "an entry was inserted or altered before it")
        recomputed = entry_hash(row.seq, row.at, row.event, row.actor, row.round_id, row.person_id,
                                row.details, row.prev_hash)
        if recomputed != row.hash:
            return LedgerReport(count, f"entry {row.seq} ({row.event}) was altered: its hash does not match its contents")
        expected_seq, prev_hash, count = row.seq + 1, row.hash, count + 1
    head = conn.execute(select(db.ledger_head.c.seq, db.ledger_head.c.hash).where(db.ledger_head.c.id == 1)).one()
    if head.seq != count or head.hash != prev_hash:
        return LedgerReport(count, f"entries after {count} are missing (deleted): the ledger head records "
                                   f"entry {head.seq}", prev_hash)
    return LedgerReport(count, None, prev_hash)


def entries(conn: Connection, round_id: str | None = None, limit: int = 200) -> list:
    query = select(db.ledger).order_by(db.ledger.c.seq.desc()).limit(limit)
    if round_id is not None:
        query = query.where(db.ledger.c.round_id == round_id)
    return list(conn.execute(query))


@dataclass(frozen=True)
class RecentEntries:
    """The newest entries (of one round, or of all), as HR's audit page shows them, checked as far as
    they go without reading the whole ledger: verify-ledger is the full check."""
    entries: list
    head_seq: int
    head: str
    problem: str | None  # the first shown entry found altered, or not linked to the one before it

    @property
    def ok(self) -> bool:
        return self.problem is None


def recent(conn: Connection, round_id: str | None = None, limit: int = 200) -> RecentEntries:
    shown = entries(conn, round_id, limit)
    head = conn.execute(select(db.ledger_head.c.seq, db.ledger_head.c.hash).where(db.ledger_head.c.id == 1)).one()
    return RecentEntries(shown, head.seq, head.hash, _first_problem(shown, head, whole_chain=round_id is None))


def _first_problem(shown: list, head, whole_chain: bool) -> str | None:
    """Each shown entry's hash against its contents; for the unfiltered list (consecutive entries,
    newest first) also each one's link to the one before it, and the newest against the head."""
    if whole_chain and shown and (shown[0].seq, shown[0].hash) != (head.seq, head.hash):
        return f"the newest entry ({shown[0].seq}) is not the ledger head (entry {head.seq}): entries were removed"
    for newer, row in zip([None, *shown], shown, strict=False):  # each entry beside the newer one before it
        if entry_hash(row.seq, row.at, row.event, row.actor, row.round_id, row.person_id, row.details,
                      row.prev_hash) != row.hash:
            return f"entry {row.seq} ({row.event}) was altered: its hash does not match its contents"
        if whole_chain and newer is not None and (newer.seq != row.seq + 1 or newer.prev_hash != row.hash):
            return f"entry {newer.seq} ({newer.event}) does not follow entry {row.seq}"
    return None

