"""The signer's pages: the personal signing link, the receipt and the public verification link."""
from __future__ import annotations

import hmac

from flask import Blueprint, abort, current_app, render_template, request, url_for

from . import db, evidence, rounds
from .csrf import csrf_token
from .drawing import InvalidDrawing, check_drawing
from .errors import render_error, sentence
from .links import verification_code, verification_link
from .protocols import (UnknownProtocol, current_hash, find_version, handbook_url, redline,
                        version_contents, version_html)
from .readable import Contact, contact_for
from .tokens import ExpiredLink, LinkError, normalise_code, read_receipt_token, read_sign_token

bp = Blueprint("sign", __name__)


def same_name(typed: str, on_record: str) -> bool:
    """Case- and space-insensitive: 'jane  SMITH ' matches 'Jane Smith'."""
    return " ".join(typed.split()).casefold() == " ".join(on_record.split()).casefold()


def link_problem(error: LinkError, contact: Contact | None = None):
    if isinstance(error, ExpiredLink):
        return render_error(410, "This signing link has expired",
                            "Personal links stay valid for {} days after they are sent.".format(
                                current_app.config["LINK_MAX_AGE_DAYS"]),
                            template_name="expired", date_signed=error.date_signed, contact=contact)
    return render_error(error.status, "This signing link is not valid", sentence(str(error)),
                        template_name="invalid", contact=contact)


def _contact_for(person_id: str | None) -> Contact | None:
    if person_id is None:
        return None
    with db.reading() as conn:
        person = rounds.get_person(conn, person_id)
        round_row = rounds.get_round(conn, person.round_id) if person else None
    return contact_for(person.role, round_row.created_by) if round_row else None


def _to_receipt(receipt_id: str):
    # No "Redirecting..." body: every client follows a 303, and this answers every signature.
    return "", 303, {"Location": url_for("sign.receipt", receipt_id=receipt_id)}


def _user_agent() -> str:
    return request.headers.get("User-Agent", "")[:500]


def _claim(token: str):
    """(what a genuine, current link claims: person and generation, None) or (None, the response to send)."""
    try:
        return read_sign_token(token), None
    except ExpiredLink as e:
        # The token is genuine, only old: someone who signed still gets their receipt.
        with db.reading() as conn:
            signature = rounds.signature_of(conn, e.person_id) if e.person_id else None
        if signature is not None:
            return None, _to_receipt(signature.id)
        return None, link_problem(e, _contact_for(e.person_id))
    except LinkError as e:
        return None, link_problem(e)


def _unusable(claim, link) -> str | None:
    """Why the link cannot be used to sign ('unknown', 'signed', 'withdrawn', 'replaced'), or None."""
    if link is None:
        return "unknown"
    if link.receipt_id is not None:
        return "signed"
    if link.person.removed_at:
        return "withdrawn"
    if claim.generation != link.person.link_generation:
        return "replaced"
    return None


def _unusable_page(reason: str, link):
    if reason == "unknown":
        return link_problem(LinkError("this link's person is not in any sign-off round"))
    if reason == "signed":
        return _to_receipt(link.receipt_id)
    contact = contact_for(link.person.role, link.round.created_by)
    if reason == "withdrawn":
        return render_error(410, "This signing link has been withdrawn",
                            "You were removed from this sign-off round, so the link no longer works.",
                            template_name="withdrawn", contact=contact)
    return render_error(410, "This signing link has been replaced",
                        "A newer link was issued to you; please use the most recent email.",
                        template_name="withdrawn", contact=contact)


def _load(token: str):
    """(the link's SigningLink, None) if it can be used to sign, or else (None, the response to send)."""
    claim, problem = _claim(token)
    if problem is not None:
        return None, problem
    with db.reading() as conn:
        link = rounds.signing_link(conn, claim.person_id)
    reason = _unusable(claim, link)
    return (None, _unusable_page(reason, link)) if reason else (link, None)


def _refuse_changed_text(round_row) -> None:
    # Never ask anyone to sign text other than the text the round recorded.
    if current_hash(round_row.council_id, round_row.version_id) != round_row.content_hash:
        abort(409, description="The protocol text has changed since this sign-off round was opened, so it "
                               "cannot be signed through this link. Please ask the team that sent it to you for a new link.")


def _form_context(round_row) -> dict:
    """What the signing form shows of the round and its protocol version: the same for everyone in it."""
    protocol, version = find_version(round_row.council_id, round_row.version_id)
    return dict(round=round_row, protocol=protocol, version=version, protocol_html=version_html(protocol, version),
                protocol_contents=version_contents(protocol, version),
                statements=rounds.round_statements(round_row),
                handbook_url=handbook_url(round_row.council_id, round_row.version_id))


class FieldErrors(dict):
    """The signing form's messages by field; a field without one has the empty message, so the
    template can ask `errors.agree` of every field (Jinja is strict about missing values). An
    attribute, which Jinja looks up first: as a missing key, each of the form's seven questions
    cost Jinja a caught AttributeError on every view of the page."""

    def __getattr__(self, field: str) -> str:
        return self.get(field, "")


def _page(token, link, errors=None, typed_name="", status=200):
    _refuse_changed_text(link.round)
    contact = contact_for(link.person.role, link.round.created_by)
    context = _form_context(link.round)
    older = changes = older_version = None
    if link.older_receipt_id is not None:
        with db.reading() as conn:
            older = rounds.get_signature(conn, link.older_receipt_id)
        try:
            _, older_version = find_version(link.round.council_id, older.version_id)
            changes = redline(context["protocol"], older_version, context["version"])
        except UnknownProtocol:
            older_version = None
    return render_template("sign/sign.html", name=link.person.name, contact=contact,
                           form_token=csrf_token(bound_to=token), errors=FieldErrors(errors or {}),
                           typed_name=typed_name, older=older, older_version=older_version, redline=changes,
                           **context), status


@bp.get("/sign/<token>")
def sign(token: str):
    link, problem = _load(token)
    if problem is not None:
        return problem
    if link.person.first_opened_at is None:  # later views are read-only: no write lock taken
        with db.transaction() as conn:
            rounds.record_first_open(conn, link.person, request.remote_addr, _user_agent())
    body, status = _page(token, link)
    return body, status, {"Cache-Control": "no-store", "Vary": "Cookie"}  # HR's session shows HR's header


@bp.post("/sign/<token>")
def submit(token: str):
    claim, problem = _claim(token)
    if problem is not None:
        return problem
    typed_name = request.form.get("full_name", "")
    errors = {}
    if request.form.get("agree") != "yes":
        errors["agree"] = "Tick the box to confirm you agree to the statement."
    if not typed_name.strip():
        errors["full_name"] = "Type your full name."
    try:
        drawing = check_drawing(request.form.get("signature", ""), current_app.config["MAX_SIGNATURE_BYTES"])
    except InvalidDrawing as e:
        errors["signature"] = sentence(str(e)) + " Clear it and try again, or sign with your typed name only."
    receipt_id = None
    # Checked before the write lock is taken, since every signer waits for whoever holds it; the
    # insert itself re-checks, under the lock, that the link is still the person's current one.
    with db.reading() as conn:
        link = rounds.signing_link(conn, claim.person_id)
    reason = _unusable(claim, link)
    if link is None or reason is not None:
        return _unusable_page(reason or "unknown", link)
    if "full_name" not in errors and not same_name(typed_name, link.person.name):
        errors["full_name"] = "The name you typed does not match the name HR has for this link."
    if not errors:
        _refuse_changed_text(link.round)
        ack = rounds.Acknowledgement(" ".join(typed_name.split()), drawing, request.remote_addr, _user_agent())
        signature = rounds.prepare_signature(link, ack)  # before the lock: every signer waits for its holder
        with db.transaction() as conn:
            receipt_id = rounds.record_signature(conn, signature)
    if receipt_id is not None:
        return _to_receipt(receipt_id)
    if errors:
        return _page(token, link, errors, typed_name[:200], status=400)
    return _load(token)[1]  # not recorded: removed or sent a new link since the check above; say which


@bp.get("/receipts/<receipt_id>")
def receipt(receipt_id: str):
    with db.reading() as conn:
        signature = rounds.get_signature(conn, receipt_id)
        round_row = rounds.get_round(conn, signature.round_id) if signature else None
    if signature is None or round_row is None:
        abort(404, description="There is no receipt with that id.")
    return render_template("sign/receipt.html", signature=signature, round=round_row,
                           statements=rounds.round_statements(signature), signed_text=_signed_text(signature),
                           verify_url=verification_link(signature), code=verification_code(signature),
                           contact=contact_for(signature.role, round_row.created_by),
                           handbook_url=handbook_url(signature.council_id, signature.version_id))


def _signed_text(signature):
    """The text the receipt's signer signed, rendered as they read it; None if the library no longer
    holds that exact text (the receipt then points to the handbook and its fingerprint)."""
    if current_hash(signature.council_id, signature.version_id) != signature.content_hash:
        return None
    protocol, version = find_version(signature.council_id, signature.version_id)
    return version_html(protocol, version)


def _verified_page(signature, round_row):
    """The receipt as the register holds it, if the record still matches what was issued (its ledger
    entry); else a plain statement that it does not."""
    with db.reading() as conn:
        changed = evidence.mismatches(signature, evidence.signed_entry(conn, signature))
    if changed:
        return render_error(409, "This record does not match what was issued",
                            "The register's record of this acknowledgement has been changed since it was signed "
                            f"(it differs in: {', '.join(changed)}), so it cannot be relied on. The audit ledger "
                            "keeps what was recorded at signing. Please report this to HR.")
    return render_template("sign/verify.html", signature=signature, round=round_row,
                           statements=rounds.round_statements(signature))


def _no_match():
    return render_error(404, "No matching acknowledgement",
                        "The link was issued by this service, but the acknowledgement it names is not "
                        "in the register as issued. Please report this to HR.")


@bp.get("/verify")
def verify_form():
    """Check a receipt by its number and code (as printed on it), without the link: no JavaScript needed."""
    receipt_id = request.args.get("receipt", "").strip().upper()
    code = normalise_code(request.args.get("code", ""))
    if receipt_id and code:
        return "", 303, {"Location": url_for("sign.verify_code", receipt_id=receipt_id, code=code)}
    return render_template("sign/verify_form.html", receipt_id=receipt_id, code=code,
                           missing=bool(request.args) and not (receipt_id and code))


@bp.get("/verify/<receipt_id>/<code>")
def verify_code(receipt_id: str, code: str):
    with db.reading() as conn:
        signature = rounds.get_signature(conn, receipt_id.upper())
        round_row = rounds.get_round(conn, signature.round_id) if signature else None
    if signature is None or not hmac.compare_digest(normalise_code(code), verification_code(signature)):
        return render_error(404, "No receipt matches",
                            "There is no receipt with that number and verification code. Check both against "
                            "the receipt (the code is eight letters and digits, like K7QX-M2PD).")
    return _verified_page(signature, round_row)


@bp.get("/verify/<token>")
def verify(token: str):
    """The long verification links of receipts issued before the short ones: they still verify."""
    try:
        claim = read_receipt_token(token)
    except LinkError as e:
        return render_error(400, "This verification link is not genuine", sentence(str(e)))
    with db.reading() as conn:
        signature = rounds.get_signature(conn, claim["r"])
        round_row = rounds.get_round(conn, signature.round_id) if signature else None
    matches = signature is not None and all(hmac.compare_digest(a, b) for a, b in (
        (claim["h"], signature.content_hash), (claim["t"], signature.signed_at)))
    if not matches:
        return _no_match()
    return _verified_page(signature, round_row)
