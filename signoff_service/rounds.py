"""Sign-off rounds and the people in them: every change is one transaction with its ledger entries."""
from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timezone

from sqlalchemy import Connection, bindparam, false, func, select, update
from sqlalchemy.exc import IntegrityError

from handbook import content_hash

from . import db, ledger
from .csvio import InvalidPeople, PersonRow, RowError, email_key
from .protocols import find_version, statements_for

STATUSES = ("signed", "outstanding", "overdue")
SIGNED_PEOPLE = db.signatures.join(db.people, db.people.c.id == db.signatures.c.person_id)
_INSERT_PERSON = db.people.insert()
_INSERT_SIGNATURE = db.signatures.insert()


class RoundError(ValueError):
    """A request about rounds that cannot be carried out; the message says why."""


def new_round_id() -> str:
    return secrets.token_hex(4)


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


def open_round(conn: Connection, council_id: str, version_id: str | None, due: str | None,
               people: list[PersonRow], actor: str, statement: str | None = None) -> str:
    protocol, version = find_version(council_id, version_id)
    try:
        statements, source = statements_for(version, statement)
    except ValueError as e:
        raise RoundError(str(e)) from None
    round_id, due_date = new_round_id(), parse_due(due)
    digest = content_hash(protocol, version)
    conn.execute(db.rounds.insert().values(
        id=round_id, council_id=protocol.id, council_name=protocol.council.name or protocol.council.display_name,
        protocol_title=protocol.title, version_id=version.id, version_label=version.label, content_hash=digest,
        statements=json.dumps(list(statements), ensure_ascii=False), statement_source=source,
        due_date=due_date, created_at=db.utcnow(), created_by=actor))
    ledger.append(conn, "round opened", actor, round_id, council=protocol.id, version=version.id,
                  content_hash=digest, statements=list(statements), statement_source=source, due=due_date)
    add_people(conn, round_id, people, actor)
    return round_id


def add_people(conn: Connection, round_id: str, people: list[PersonRow], actor: str) -> list[str]:
    existing = {row.email_key for row in conn.execute(
        select(db.people.c.email_key).where(db.people.c.round_id == round_id))}
    clashes = [RowError(i, "email", f"{p.email} is already in this round")
               for i, p in enumerate(people, start=2) if email_key(p.email) in existing]
    if clashes:
        raise InvalidPeople(clashes)
    ids, now = [], db.utcnow()
    for person in people:
        person_id = secrets.token_hex(8)
        conn.execute(_INSERT_PERSON, dict(
            id=person_id, round_id=round_id, name=person.name, email=person.email, email_key=email_key(person.email),
            role=person.role, department=person.department, ward=person.ward, link_generation=1, added_at=now,
            removed_at=None, link_sent_at=None, first_opened_at=None, last_reminded_at=None))
        ledger.append(conn, "person added", actor, round_id, person_id, at=now, name=person.name,
                      email=person.email, role=person.role, department=person.department, ward=person.ward)
        ids.append(person_id)
    return ids


# The signing pages' reads, built once (building a select per request cost more than running it).
_ROUND_BY_ID = select(db.rounds).where(db.rounds.c.id == bindparam("round_id"))
_PERSON_BY_ID = select(db.people).where(db.people.c.id == bindparam("person_id"))
_SIGNATURE_BY_PERSON = select(db.signatures).where(db.signatures.c.person_id == bindparam("person_id"))
_SIGNATURE_BY_ID = select(db.signatures).where(db.signatures.c.id == bindparam("receipt_id"))
_OLDER_SIGNATURE = (select(db.signatures).select_from(SIGNED_PEOPLE)
                    .where(db.people.c.email_key == bindparam("email_key"),
                           db.signatures.c.council_id == bindparam("council_id"),
                           db.signatures.c.version_id != bindparam("version_id"))
                    .order_by(db.signatures.c.signed_at.desc()).limit(1))


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


def remove_person(conn: Connection, person_id: str, actor: str) -> None:
    person = get_person(conn, person_id)
    if person is None or person.removed_at:
        raise RoundError("no such person in this round")
    if signature_of(conn, person_id) is not None:
        raise RoundError(f"{person.name} has already signed; a signature is evidence and stays on the register")
    now = db.utcnow()
    conn.execute(update(db.people).where(db.people.c.id == person_id).values(removed_at=now))
    ledger.append(conn, "person removed", actor, person.round_id, person_id, at=now, name=person.name, email=person.email)


def reissue_link(conn: Connection, person_id: str, actor: str) -> int:
    """Withdraw the person's earlier links; returns the new link generation."""
    person = get_person(conn, person_id)
    if person is None or person.removed_at:
        raise RoundError("no such person in this round")
    generation = person.link_generation + 1
    conn.execute(update(db.people).where(db.people.c.id == person_id).values(link_generation=generation))
    ledger.append(conn, "link reissued", actor, person.round_id, person_id, generation=generation)
    return generation


_MARK_FIRST_OPEN = (update(db.people)
                    .where(db.people.c.id == bindparam("person_id"), db.people.c.first_opened_at.is_(None))
                    .values(first_opened_at=bindparam("now")))


def record_first_open(conn: Connection, person, ip: str | None, user_agent: str | None) -> None:
    now = db.utcnow()
    result = conn.execute(_MARK_FIRST_OPEN, {"person_id": person.id, "now": now})
    if result.rowcount == 1:
        ledger.append(conn, "link opened", "signer", person.round_id, person.id, at=now, ip=ip, user_agent=user_agent)


@dataclass(frozen=True)
class Acknowledgement:
    typed_name: str
    drawn_signature: str | None
    ip: str | None
    user_agent: str | None


def record_signature(conn: Connection, person, round_row, ack: Acknowledgement) -> str:
    """Store the signature and its ledger entry; returns the receipt id (an existing one if already signed)."""
    receipt_id, now = new_receipt_id(), db.utcnow()
    try:
        with conn.begin_nested():
            conn.execute(_INSERT_SIGNATURE, dict(
                id=receipt_id, person_id=person.id, round_id=round_row.id, council_id=round_row.council_id,
                version_id=round_row.version_id, content_hash=round_row.content_hash,
                statements=round_row.statements, name_on_record=person.name, typed_name=ack.typed_name,
                email=person.email, role=person.role, identified_by="personal link", agreed=1,
                drawn_signature=ack.drawn_signature, signed_at=now, ip=ack.ip, user_agent=ack.user_agent))
    except IntegrityError:
        existing = signature_of(conn, person.id)
        if existing is None:
            raise
        return existing.id
    ledger.append(conn, "signed", "signer", round_row.id, person.id, at=now, receipt=receipt_id,
                  council=round_row.council_id, version=round_row.version_id, content_hash=round_row.content_hash,
                  statements=round_statements(round_row), typed_name=ack.typed_name, agreed=True,
                  drawn_signature=ack.drawn_signature is not None, ip=ack.ip, user_agent=ack.user_agent)
    return receipt_id


def older_signature(conn: Connection, person, round_row):
    """This person's (by email) latest signature for another version of the same council's protocol."""
    return conn.execute(_OLDER_SIGNATURE, {"email_key": person.email_key, "council_id": round_row.council_id,
                                           "version_id": round_row.version_id}).first()


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


def completion(conn: Connection, round_row) -> Completion:
    active = db.people.c.removed_at.is_(None)
    total = conn.execute(select(func.count()).select_from(db.people)
                         .where(db.people.c.round_id == round_row.id, active)).scalar_one()
    signed = conn.execute(select(func.count()).select_from(SIGNED_PEOPLE)
                          .where(db.signatures.c.round_id == round_row.id, active)).scalar_one()
    return Completion(total, signed, total - signed if is_overdue(round_row) else 0)


def all_rounds(conn: Connection) -> list[tuple]:
    """(round, completion) for every round, newest first, counted in two grouped queries."""
    active = db.people.c.removed_at.is_(None)
    totals = dict(conn.execute(select(db.people.c.round_id, func.count()).where(active)
                               .group_by(db.people.c.round_id)).all())
    signed = dict(conn.execute(select(db.signatures.c.round_id, func.count())
                               .select_from(SIGNED_PEOPLE).where(active)
                               .group_by(db.signatures.c.round_id)).all())
    out = []
    for row in conn.execute(select(db.rounds).order_by(db.rounds.c.created_at.desc())):
        total, done = totals.get(row.id, 0), signed.get(row.id, 0)
        out.append((row, Completion(total, done, total - done if is_overdue(row) else 0)))
    return out


def people_in_round(conn: Connection, round_row, role: str | None = None, status: str | None = None,
                    limit: int | None = None, offset: int = 0):
    """The round's people with their signature (if any) and any older-version signature, by name."""
    older = (select(db.people.c.email_key, func.max(db.signatures.c.signed_at).label("older_signed_at"))
             .select_from(SIGNED_PEOPLE)
             .where(db.signatures.c.council_id == round_row.council_id,
                    db.signatures.c.version_id != round_row.version_id)
             .group_by(db.people.c.email_key).subquery())
    query = (select(db.people, db.signatures.c.id.label("receipt_id"), db.signatures.c.signed_at,
                    older.c.older_signed_at)
             .select_from(db.people.outerjoin(db.signatures, db.signatures.c.person_id == db.people.c.id)
                          .outerjoin(older, older.c.email_key == db.people.c.email_key))
             .where(db.people.c.round_id == round_row.id, db.people.c.removed_at.is_(None))
             .order_by(db.people.c.name, db.people.c.email_key))
    if role:
        query = query.where(db.people.c.role == role)
    if status == "signed":
        query = query.where(db.signatures.c.id.is_not(None))
    elif status == "unsigned":
        query = query.where(db.signatures.c.id.is_(None))
    elif status in ("outstanding", "overdue"):
        if (status == "overdue") != is_overdue(round_row):
            query = query.where(false())  # none are in that state today
        else:
            query = query.where(db.signatures.c.id.is_(None))
    count = conn.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    if limit is not None:
        query = query.limit(limit).offset(offset)
    return count, list(conn.execute(query))


def person_status(round_row, person_row) -> str:
    if person_row.receipt_id:
        return "signed"
    return "overdue" if is_overdue(round_row) else "outstanding"
