"""Signature records checked against the ledger, and the evidence pack for one person.

Each signature's "signed" ledger entry, written in the same transaction, records what the
signature record holds (see rounds.prepare_signature). The database refuses to change signature
records (migration 0004); whoever drops that guard and edits a record is found here: by
`verify-ledger` for every record, and by the receipt verification page for the one it shows.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import Connection, select

from . import db, ledger, rounds
from .errors import SignoffError
from .protocols import current_hash


class NoSuchPerson(SignoffError):
    """No one with that email in that round."""


# Signature record column -> (the signed entry's field, what a reader calls it). Fields older
# entries did not record yet (name on record, email, role, drawing hash) are checked when present.
RECORDED_FIELDS = {
    "id": ("receipt", "receipt number"),
    "council_id": ("council", "council"),
    "version_id": ("version", "protocol version"),
    "content_hash": ("content_hash", "content hash of the text signed"),
    "name_on_record": ("name_on_record", "name on record"),
    "typed_name": ("typed_name", "typed name"),
    "email": ("email", "email"),
    "role": ("role", "role"),
    "identified_by": ("identified_by", "how the signer was identified"),
    "ip": ("ip", "internet address"),
    "user_agent": ("user_agent", "browser"),
}


def mismatches(signature, entry) -> list[str]:
    """What in the signature record differs from its "signed" ledger entry (reader-facing names);
    empty when the record is as issued. `entry` None: the record has no entry at all."""
    if entry is None:
        return ["the audit ledger has no entry for this signature"]
    details = json.loads(entry.details)
    found = []
    for column, (field, label) in RECORDED_FIELDS.items():
        if field in details and details[field] != getattr(signature, column):
            found.append(label)
    if details.get("statements") != rounds.round_statements(signature):
        found.append("statement agreed")
    if (entry.at, entry.person_id, entry.round_id) != (signature.signed_at, signature.person_id, signature.round_id):
        found.append("time signed, person or round")
    if bool(details.get("agreed")) != bool(signature.agreed):
        found.append("agreement")
    if details.get("drawn_signature") != (signature.drawn_signature is not None):
        found.append("drawn signature")
    elif "drawing_sha256" in details and details["drawing_sha256"] != rounds.drawing_digest(signature.drawn_signature):
        found.append("drawn signature")
    return found


_SIGNED_ENTRIES_OF_PERSON = (select(db.ledger).where(db.ledger.c.person_id.is_not(None))
                             .where(db.ledger.c.event == "signed").order_by(db.ledger.c.seq))


def signed_entry(conn: Connection, signature):
    """The ledger's "signed" entry for this signature (by the person's entries, indexed), or None."""
    for entry in conn.execute(_SIGNED_ENTRIES_OF_PERSON.where(db.ledger.c.person_id == signature.person_id)):
        if json.loads(entry.details).get("receipt") == signature.id:
            return entry
    return None


@dataclass(frozen=True)
class SignatureReport:
    checked: int
    problem: str | None  # the first signature record that does not match its ledger entry

    @property
    def ok(self) -> bool:
        return self.problem is None


def verify_signatures(conn: Connection) -> SignatureReport:
    """Every signature record against its "signed" ledger entry, and every such entry against a
    record (a removed record is found too). Streams both tables."""
    entries = {}
    for entry in conn.execution_options(stream_results=True, yield_per=5000).execute(
            select(db.ledger).where(db.ledger.c.event == "signed")):
        entries[json.loads(entry.details).get("receipt")] = entry
    checked, problem = 0, None
    records = conn.execution_options(stream_results=True, yield_per=2000).execute(
        select(db.signatures).order_by(db.signatures.c.signed_at))
    try:
        for signature in records:
            differing = mismatches(signature, entries.pop(signature.id, None))
            if differing:
                problem = f"signature {signature.id} does not match what was issued: {', '.join(differing)}"
                break
            checked += 1
    finally:
        records.close()  # also when stopped early: PostgreSQL's server-side cursor ends here
    if problem is not None:
        return SignatureReport(checked, problem)
    if entries:
        receipt, entry = next(iter(entries.items()))
        return SignatureReport(checked, f"signature {receipt} (ledger entry {entry.seq}) is missing from the "
                                        "signature records")
    return SignatureReport(checked, None)


# --- The evidence pack -------------------------------------------------------------------------

HOW_TO_CHECK = (
    "Each ledger entry's hash is \"sha256:\" followed by the SHA-256 (hex) of the UTF-8 JSON of the "
    "entry's fields seq, at, event, actor, round_id, person_id, details (the text exactly as listed) "
    "and prev_hash, with keys sorted, no spaces (separators \",\" and \":\") and non-ASCII characters "
    "written as themselves. Recompute it for each entry listed here: it must equal the entry's hash.",
    "In the service's full ledger, each entry's prev_hash is the previous entry's hash (the first "
    "entry's is \"genesis\") and the numbers run without gaps up to the chain head recorded here: "
    "`flask --app signoff_service verify-ledger` does this for every entry, and checks every "
    "signature record against its \"signed\" entry as below.",
    "The signature record must match its \"signed\" entry: receipt number, council, version, content "
    "hash, statements, names, email, role, internet address, browser and time; the drawing's "
    "SHA-256 (of its data URL) where the entry records one.",
    "The content hash names the exact protocol text: the handbook's library computes it from the "
    "version's text (`handbook.content_hash`); it must equal the hash of the version in the "
    "handbook's sources.",
    "Keep the chain head somewhere else as an anchor: a later export whose chain still contains "
    "this head (same number, same hash) shows nothing before it was changed.",
)


def _entry(row) -> dict:
    return {"seq": row.seq, "at": row.at, "event": row.event, "actor": row.actor, "round_id": row.round_id,
            "person_id": row.person_id, "details": row.details, "prev_hash": row.prev_hash, "hash": row.hash,
            "hash_recomputed_ok": ledger.entry_hash(row.seq, row.at, row.event, row.actor, row.round_id,
                                                    row.person_id, row.details, row.prev_hash) == row.hash}


def evidence_pack(conn: Connection, round_row, email: str, actor: str) -> dict:
    """Everything that proves one person's acknowledgement (or shows it is missing), as data for
    the JSON file and the printable page. The export is itself a ledger entry, before the head is read."""
    from .csvio import email_key
    from .links import verification_link

    person = conn.execute(select(db.people).where(db.people.c.round_id == round_row.id,
                                                  db.people.c.email_key == email_key(email))).first()
    if person is None:
        raise NoSuchPerson(f"{email} is not in sign-off round {round_row.id}")
    ledger.append(conn, "export", actor, round_row.id, person.id, what="evidence")
    signature = rounds.signature_of(conn, person.id)
    entry = signed_entry(conn, signature) if signature is not None else None
    round_opened = select(db.ledger).where(db.ledger.c.round_id == round_row.id, db.ledger.c.event == "round opened")
    theirs = select(db.ledger).where(db.ledger.c.person_id == person.id)
    entries = [_entry(row) for row in conn.execute(round_opened.union_all(theirs).order_by("seq"))]
    opened = next((e for e in entries if e["event"] == "link opened"), None)
    head = conn.execute(select(db.ledger_head.c.seq, db.ledger_head.c.hash).where(db.ledger_head.c.id == 1)).one()
    library_hash = current_hash(round_row.council_id, round_row.version_id)
    return {
        "format": "signoff-evidence/1",
        "exported_at": db.utcnow(),
        "exported_by": actor,
        "person": {"name_on_record": person.name, "email": person.email, "role": person.role,
                   "department": person.department, "ward": person.ward, "removed_at": person.removed_at},
        "protocol": {"council_id": round_row.council_id, "council": round_row.council_name,
                     "title": round_row.protocol_title, "version_id": round_row.version_id,
                     "version": round_row.version_label, "content_hash": round_row.content_hash,
                     "library_content_hash_now": library_hash,
                     "library_text_unchanged": library_hash == round_row.content_hash},
        "round": {"id": round_row.id, "opened_at": round_row.created_at, "opened_by": round_row.created_by,
                  "due_date": round_row.due_date, "statement_source": round_row.statement_source},
        "statements": rounds.round_statements(signature if signature is not None else round_row),
        "times_utc": {"link_issued": person.added_at, "link_emailed": person.link_sent_at,
                      "first_opened": person.first_opened_at,
                      "signed": signature.signed_at if signature is not None else None},
        "first_opened_from": json.loads(opened["details"]) if opened else None,
        "signature": None if signature is None else {
            "receipt": signature.id, "typed_name": signature.typed_name, "agreed": bool(signature.agreed),
            "identified_by": signature.identified_by, "ip": signature.ip, "user_agent": signature.user_agent,
            "drawn_signature": signature.drawn_signature,
            "drawing_sha256": rounds.drawing_digest(signature.drawn_signature),
            "verification_link": verification_link(signature),
            "matches_ledger": not mismatches(signature, entry),
            "differences_from_ledger": mismatches(signature, entry)},
        "ledger_entries": entries,
        "chain_head_at_export": {"seq": head.seq, "hash": head.hash},
        "how_to_check": list(HOW_TO_CHECK),
    }


def file_safe(text: str) -> str:
    """An email as part of a file name: letters, digits, dot, dash, @ and underscore only."""
    return "".join(c if c.isascii() and (c.isalnum() or c in ".-@_") else "_" for c in text)


def evidence_json(pack: dict) -> str:
    return json.dumps(pack, ensure_ascii=False, indent=2) + "\n"
