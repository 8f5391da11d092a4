"""Sign-off rounds and the people in them: every change is one transaction with its ledger entries."""
from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import NamedTuple

from sqlalchemy import Connection, bindparam, false, func, select, text, update

from handbook import content_hash, signable

from . import db, ledger
from .csvio import InvalidPeople, PersonRow, RowError, collector_paused, email_key
from .errors import SignoffError
from .protocols import ProtocolError, find_version, statements_for

STATUSES = ("signed", "outstanding", "overdue")
_NEW_PERSON_COLUMNS = ("id", "round_id", "name", "email", "email_key", "role", "department", "ward", "link_generation",
                       "added_at")


class RoundError(SignoffError):
    """A request about rounds that cannot be carried out; the message says why."""


def new_round_id() -> str:
    return secrets.token_hex(4)


def new_person_ids(count: int) -> list[str]:
    """`count` new person ids: random (64 bits each, as secrets.token_hex(8) gives), in ascending
    order, so a county's import adds them to the people's primary key and the ledger's person index
    in order rather than all over each index (about a tenth of SQLite's work for 100,000 people:
    bench/signoff_scale.py). The order says nothing about the person: it is the CSV's."""
    raw = secrets.token_hex(8 * count)
    return sorted(raw[i:i + 16] for i in range(0, 16 * count, 16))


def new_receipt_id() -> str:
    raw = secrets.token_hex(10).upper()
    return "-".join(raw[i:i + 5] for i in range(0, 20, 5))


def parse_due(value: str | None) -> str | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise RoundError(f"due date {value!r} is not a date like 2026-12-31") from None


def today() -> str:
    return datetime.now(timezone.utc).date().isoformat()


MAX_ROUND_NAME = 120


def round_name(given: str | None, protocol, version) -> str:
    """HR's name for a round, tidied; without one, the council, version and today's date."""
    name = " ".join((given or "").split())
    if len(name) > MAX_ROUND_NAME:
        raise RoundError(f"the round's name is {len(name)} characters long; keep it to {MAX_ROUND_NAME}")
    return name or f"{protocol.council.display_name}, {version.label}, opened {today()}"


def open_round(conn: Connection, council_id: str, version_id: str | None, due: str | None,
               people: list[PersonRow], actor: str, statement: str | None = None, name: str | None = None) -> str:
    protocol, version = find_version(council_id, version_id)
    refusal = signable(protocol, version)
    if refusal is not None:
        raise RoundError(refusal)
    try:
        statements, source = statements_for(version, statement)
    except ProtocolError as e:
        raise RoundError(str(e)) from None
    round_id, due_date, name = new_round_id(), parse_due(due), round_name(name, protocol, version)
    digest = content_hash(protocol, version)
    conn.execute(db.rounds.insert().values(
        id=round_id, name=name, council_id=protocol.id, council_name=protocol.council.display_name,
        protocol_title=protocol.title, version_id=version.id, version_label=version.label, content_hash=digest,
        statements=json.dumps(list(statements), ensure_ascii=False), statement_source=source,
        due_date=due_date, created_at=db.utcnow(), created_by=actor))
    ledger.append(conn, "round opened", actor, round_id, name=name, council=protocol.id, version=version.id,
                  content_hash=digest, statements=list(statements), statement_source=source, due=due_date)
    add_people(conn, round_id, people, actor)
    return round_id


BULK_IMPORT = 1000  # people added at once after which PostgreSQL's statistics are refreshed


def add_people(conn: Connection, round_id: str, people: list[PersonRow], actor: str) -> list[str]:
    existing = {row.email_key for row in conn.execute(
        select(db.people.c.email_key).where(db.people.c.round_id == round_id))}
    keys = [email_key(p.email) for p in people]
    clashes = [RowError(i, "email", f"{p.email} is already in this round")
               for i, (p, key) in enumerate(zip(people, keys, strict=True), start=2) if key in existing]
    if clashes:
        raise InvalidPeople(clashes)
    # Everyone in one bulk load, and their ledger entries in another: a county's 100,000 people
    # import in seconds (bench/signoff_scale.py), where a statement per row took minutes.
    ids, now = new_person_ids(len(people)), db.utcnow()
    if not people:
        return ids
    with collector_paused():  # see collector_paused: a quarter of a county's import
        # Only the columns a new person has (the rest start NULL), as one bulk load (db.insert_rows).
        db.insert_rows(conn, db.people, _NEW_PERSON_COLUMNS, [
            (person_id, round_id, person.name, person.email, key, person.role, person.department, person.ward, 1, now)
            for person_id, person, key in zip(ids, people, keys, strict=True)])
        ledger.append_many(conn, [ledger.Entry("person added", actor, round_id, person_id, {
            "name": person.name, "email": person.email, "role": person.role, "department": person.department,
            "ward": person.ward}, at=now) for person_id, person in zip(ids, people, strict=True)])
    if conn.dialect.name == "postgresql" and len(people) >= BULK_IMPORT:
        # PostgreSQL plans by its table statistics, which lag a bulk insert: planned as if the round
        # were empty, HR's round page at 100,000 people took seconds (bench/signoff_scale.py).
        # Only the columns HR's queries select people by, join or sort them on: a third of the time
        # of every column (about 0.3 s at 100,000 people), and the row count is refreshed either way.
        conn.execute(text("ANALYZE people (id, round_id, name, email_key, role, removed_at)"))
    return ids


# The signing pages' reads, built once (building a select per request cost more than running it).
_ROUND_BY_ID = select(db.rounds).where(db.rounds.c.id == bindparam("round_id"))
_PERSON_BY_ID = select(db.people).where(db.people.c.id == bindparam("person_id"))
_SIGNATURE_BY_PERSON = select(db.signatures).where(db.signatures.c.person_id == bindparam("person_id"))
_SIGNATURE_BY_ID = select(db.signatures).where(db.signatures.c.id == bindparam("receipt_id"))


def get_round(conn: Connection, round_id: str):
    return conn.execute(_ROUND_BY_ID, {"round_id": round_id}).first()


def round_statements(round_row) -> list[str]:
    return json.loads(round_row.statements)


def get_person(conn: Connection, person_id: str):
    return conn.execute(_PERSON_BY_ID, {"person_id": person_id}).first()


def signature_of(conn: Connection, person_id: str):
    return conn.execute(_SIGNATURE_BY_PERSON, {"person_id": person_id}).first()


def get_signature(conn: Connection, receipt_id: str):
    return conn.execute(_SIGNATURE_BY_ID, {"receipt_id": receipt_id}).first()


def remove_person(conn: Connection, person_id: str, actor: str, reason: str | None = None) -> None:
    person = get_person(conn, person_id)
    if person is None or person.removed_at:
        raise RoundError("no such person in this round")
    if signature_of(conn, person_id) is not None:
        raise RoundError(f"{person.name} has already signed; a signature is evidence and stays on the register")
    now = db.utcnow()
    conn.execute(update(db.people).where(db.people.c.id == person_id).values(removed_at=now))
    ledger.append(conn, "person removed", actor, person.round_id, person_id, at=now, name=person.name, email=person.email,
                  reason=reason)


def reissue_link(conn: Connection, person_id: str, actor: str, reason: str | None = None) -> int:
    """Withdraw the person's earlier links; returns the new link generation."""
    person = get_person(conn, person_id)
    if person is None or person.removed_at:
        raise RoundError("no such person in this round")
    generation = person.link_generation + 1
    conn.execute(update(db.people).where(db.people.c.id == person_id).values(link_generation=generation))
    ledger.append(conn, "link reissued", actor, person.round_id, person_id, generation=generation, reason=reason)
    return generation


_MARK_FIRST_OPEN = (update(db.people)
                    .where(db.people.c.id == bindparam("person_id"), db.people.c.first_opened_at.is_(None))
                    .values(first_opened_at=bindparam("now")))


def record_first_open(conn: Connection, person, ip: str | None, user_agent: str | None) -> None:
    now = db.utcnow()
    if conn.execute(_MARK_FIRST_OPEN, {"person_id": person.id, "now": now}).rowcount == 1:
        ledger.append(conn, "link opened", "signer", person.round_id, person.id, at=now, ip=ip, user_agent=user_agent)


IDENTIFIED_BY = "personal link"


def drawing_digest(drawn_signature: str | None) -> str | None:
    """SHA-256 of the stored drawing (its data URL), as the ledger records it."""
    if drawn_signature is None:
        return None
    return "sha256:" + hashlib.sha256(drawn_signature.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Acknowledgement:
    typed_name: str
    drawn_signature: str | None
    ip: str | None
    user_agent: str | None


# One statement, so the whole signing transaction is: insert this, append to the ledger. It copies
# the record from the person and round rows under the write lock, and inserts nothing if the person
# was removed or their link reissued meanwhile, or if they have signed already (ON CONFLICT, which
# SQLite and PostgreSQL spell alike), so no savepoint or re-read is needed to stay correct.
_INSERT_SIGNATURE_FOR_LINK = text("""
    INSERT INTO signatures (id, person_id, round_id, council_id, version_id, content_hash, statements,
                            name_on_record, typed_name, email, role, identified_by, agreed, drawn_signature,
                            signed_at, ip, user_agent)
    SELECT :receipt_id, p.id, p.round_id, r.council_id, r.version_id, r.content_hash, r.statements,
           p.name, :typed_name, p.email, p.role, :identified_by, 1, :drawn_signature, :signed_at, :ip, :user_agent
    FROM people p JOIN rounds r ON r.id = p.round_id
    WHERE p.id = :person_id AND p.removed_at IS NULL AND p.link_generation = :generation
    ON CONFLICT (person_id) DO NOTHING""")
_RECEIPT_OF_PERSON = select(db.signatures.c.id).where(db.signatures.c.person_id == bindparam("person_id"))


class SignatureToRecord(NamedTuple):
    """A signature ready to store (prepare_signature): everything but the time of signing, which is
    taken under the write lock, so the signing POST does the rest before it queues for the lock."""
    person_id: str
    round_id: str
    generation: int
    receipt_id: str
    insert: dict  # the insert's parameters, but signed_at
    details: ledger.Details  # the "signed" ledger entry's


def prepare_signature(link: SigningLink, ack: Acknowledgement) -> SignatureToRecord:
    person, round_row = link.person, link.round
    receipt_id = new_receipt_id()
    # Everything the signature record holds, so verify-ledger can check the record against it
    # (the drawing by its hash).
    details = ledger.details(
        receipt=receipt_id, council=round_row.council_id, version=round_row.version_id,
        content_hash=round_row.content_hash, statements=round_statements(round_row), name_on_record=person.name,
        typed_name=ack.typed_name, email=person.email, role=person.role, identified_by=IDENTIFIED_BY, agreed=True,
        drawn_signature=ack.drawn_signature is not None, drawing_sha256=drawing_digest(ack.drawn_signature),
        ip=ack.ip, user_agent=ack.user_agent)
    return SignatureToRecord(person.id, round_row.id, person.link_generation, receipt_id, {
        "receipt_id": receipt_id, "typed_name": ack.typed_name, "drawn_signature": ack.drawn_signature,
        "ip": ack.ip, "user_agent": ack.user_agent, "person_id": person.id, "identified_by": IDENTIFIED_BY,
        "generation": person.link_generation}, details)


def record_signature(conn: Connection, signature: SignatureToRecord) -> str | None:
    """Store the signature and its ledger entry; returns the receipt id (the earlier one if the person
    has signed already), or None if the person was removed or their link reissued since the link was read."""
    now = db.utcnow()
    inserted = conn.execute(_INSERT_SIGNATURE_FOR_LINK, {**signature.insert, "signed_at": now}).rowcount
    if inserted != 1:
        return conn.execute(_RECEIPT_OF_PERSON, {"person_id": signature.person_id}).scalar()
    ledger.append_entry(conn, ledger.Entry("signed", "signer", signature.round_id, signature.person_id,
                                           signature.details, now))
    return signature.receipt_id


# --- A personal link's state: everything its pages need, in one read ----------------------------

class PersonRecord(NamedTuple):
    """A row of `people` (its columns in table order: tests/service/test_db.py checks them)."""
    id: str
    round_id: str
    name: str
    email: str
    email_key: str
    role: str
    department: str | None
    ward: str | None
    link_generation: int
    added_at: str
    removed_at: str | None
    link_sent_at: str | None
    first_opened_at: str | None
    last_reminded_at: str | None


class RoundRecord(NamedTuple):
    """A row of `rounds` (its columns in table order: tests/service/test_db.py checks them)."""
    council_id: str
    council_name: str
    protocol_title: str
    version_id: str
    version_label: str
    content_hash: str
    statements: str
    statement_source: str
    due_date: str | None
    created_at: str
    created_by: str
    id: str
    name: str


_older_signer, _older = db.people.alias("older_signer"), db.signatures.alias("older")
_OLDER_RECEIPT = (select(_older.c.id)
                  .select_from(_older.join(_older_signer, _older_signer.c.id == _older.c.person_id))
                  .where(_older_signer.c.email_key == db.people.c.email_key,
                         _older.c.council_id == db.rounds.c.council_id, _older.c.version_id != db.rounds.c.version_id)
                  .order_by(_older.c.signed_at.desc()).limit(1).scalar_subquery())
_LINK_STATE = (select(*db.people.c, *db.rounds.c, db.signatures.c.id, _OLDER_RECEIPT)
               .select_from(db.people.join(db.rounds, db.rounds.c.id == db.people.c.round_id)
                            .outerjoin(db.signatures, db.signatures.c.person_id == db.people.c.id))
               .where(db.people.c.id == bindparam("person_id")))
_PEOPLE_COLUMNS, _ROUND_COLUMNS = len(db.people.c), len(db.rounds.c)


@dataclass(frozen=True)
class SigningLink:
    """The person a link names, their round, their receipt if they have signed, and the receipt of
    their latest signature of another version of the same council's protocol (for the redline)."""
    person: PersonRecord
    round: RoundRecord
    receipt_id: str | None
    older_receipt_id: str | None


def signing_link(conn: Connection, person_id: str) -> SigningLink | None:
    """The link's state, read in `conn`'s transaction."""
    row = conn.execute(_LINK_STATE, {"person_id": person_id}).first()
    if row is None:
        return None
    split = _PEOPLE_COLUMNS + _ROUND_COLUMNS
    return SigningLink(PersonRecord._make(row[:_PEOPLE_COLUMNS]), RoundRecord._make(row[_PEOPLE_COLUMNS:split]),
                       row[split], row[split + 1])


# --- Completion: what HR sees -----------------------------------------------------------------

@dataclass(frozen=True)
class Completion:
    total: int
    signed: int
    overdue: int

    @property
    def outstanding(self) -> int:
        return self.total - self.signed - self.overdue

    @property
    def percent(self) -> int:
        return round(100 * self.signed / self.total) if self.total else 0


def is_overdue(round_row, on: str | None = None) -> bool:
    return bool(round_row.due_date) and (on or today()) > round_row.due_date


# Everyone who signed is still in their round: a signed person cannot be removed (remove_person)
# and a removed person cannot sign (record_signature). So a round's signatures count its signed
# people without looking at the people (at 100,000 people that join cost HR's pages 200 ms), and its
# active people are counted from the partial index people_active_by_round (migration 0007).


def _active_count(conn: Connection, round_id: str) -> int:
    return conn.execute(select(func.count()).select_from(db.people)
                        .where(db.people.c.round_id == round_id, db.people.c.removed_at.is_(None))).scalar_one()


def _signed_count(conn: Connection, round_id: str) -> int:
    return conn.execute(select(func.count()).select_from(db.signatures)
                        .where(db.signatures.c.round_id == round_id)).scalar_one()


def completion(conn: Connection, round_row) -> Completion:
    total, signed = _active_count(conn, round_row.id), _signed_count(conn, round_row.id)
    return Completion(total, signed, total - signed if is_overdue(round_row) else 0)


def all_rounds(conn: Connection) -> list[tuple]:
    """(round, completion) for every round, newest first, counted in two grouped queries."""
    totals: dict[str, int] = dict(conn.execute(  # see _active_count and _signed_count
        select(db.people.c.round_id, func.count()).where(db.people.c.removed_at.is_(None))
        .group_by(db.people.c.round_id)).all())
    signed: dict[str, int] = dict(conn.execute(
        select(db.signatures.c.round_id, func.count()).group_by(db.signatures.c.round_id)).all())
    out = []
    for row in conn.execute(select(db.rounds).order_by(db.rounds.c.created_at.desc())):
        total, done = totals.get(row.id, 0), signed.get(row.id, 0)
        out.append((row, Completion(total, done, total - done if is_overdue(row) else 0)))
    return out


def _people_filter(round_row, role: str | None, status: str | None):
    """(the people joined to their signatures, the conditions for the round, role and status asked for)."""
    conditions = [db.people.c.round_id == round_row.id, db.people.c.removed_at.is_(None)]
    if role:
        conditions.append(db.people.c.role == role)
    if status == "signed":
        conditions.append(db.signatures.c.id.is_not(None))
    elif status == "unsigned":
        conditions.append(db.signatures.c.id.is_(None))
    elif status in ("outstanding", "overdue"):
        if (status == "overdue") != is_overdue(round_row):
            conditions.append(false())  # none are in that state today
        else:
            conditions.append(db.signatures.c.id.is_(None))
    return db.people.outerjoin(db.signatures, db.signatures.c.person_id == db.people.c.id), conditions


def count_people(conn: Connection, round_row, role: str | None = None, status: str | None = None) -> int:
    if status in ("outstanding", "overdue"):  # the unsigned, if the round is in that state today
        if (status == "overdue") != is_overdue(round_row):
            return 0
        status = "unsigned"
    if role is None:  # counted without the join (see completion)
        if status == "signed":
            return _signed_count(conn, round_row.id)
        total = _active_count(conn, round_row.id)
        return total - _signed_count(conn, round_row.id) if status == "unsigned" else total
    with_signature, conditions = _people_filter(round_row, role, status)
    # Without a status, the signatures are not needed: counted from the people index alone.
    counted = with_signature if status else db.people
    return conn.execute(select(func.count()).select_from(counted).where(*conditions)).scalar_one()


def people_query(round_row, role: str | None = None, status: str | None = None, limit: int | None = None,
                 offset: int = 0):
    """The matching people by name (`limit` of them from `offset`, or all): each with their signature,
    if any, and when they last signed another version of the same council's protocol, if they did."""
    with_signature, conditions = _people_filter(round_row, role, status)
    if limit is not None:
        # The page's people are found first, on their own: the database then looks up older
        # signatures for the page alone, not for every row it skips to reach a late page.
        page = (select(db.people.c.id).select_from(with_signature).where(*conditions)
                .order_by(db.people.c.name, db.people.c.email_key).limit(limit).offset(offset).subquery())
        with_signature = with_signature.join(page, page.c.id == db.people.c.id)
    # Per listed person (a correlated subquery), so a page of 100 looks up 100 people, not everyone.
    older_signer, older = db.people.alias("older_signer"), db.signatures.alias("older")
    older_signed_at = (select(func.max(older.c.signed_at))
                       .select_from(older.join(older_signer, older_signer.c.id == older.c.person_id))
                       .where(older_signer.c.email_key == db.people.c.email_key,
                              older.c.council_id == round_row.council_id, older.c.version_id != round_row.version_id)
                       .scalar_subquery())
    return (select(db.people, db.signatures.c.id.label("receipt_id"), db.signatures.c.signed_at,
                   older_signed_at.label("older_signed_at"))
            .select_from(with_signature).where(*conditions)
            .order_by(db.people.c.name, db.people.c.email_key))


def people_in_round(conn: Connection, round_row, role: str | None = None, status: str | None = None,
                    limit: int | None = None, offset: int = 0):
    """(how many match, the matching people by name, `limit` of them from `offset`): see people_query."""
    query = people_query(round_row, role, status, limit, offset)
    return count_people(conn, round_row, role, status), list(conn.execute(query))


def person_status(round_row, person_row) -> str:
    if person_row.receipt_id:
        return "signed"
    return "overdue" if is_overdue(round_row) else "outstanding"
