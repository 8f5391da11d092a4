"""HR's pages: rounds and completion, people, links, reminders, exports, the audit ledger."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from flask import (Blueprint, Response, abort, current_app, flash, g, redirect, render_template, request,
                   stream_with_context, url_for)
from sqlalchemy import select
from werkzeug.wrappers import Response as WerkzeugResponse

from handbook import Standing, signable

from . import db, evidence, ledger, rounds
from .auth import login_required
from .csvio import ROLES, InvalidPeople, check_person, parse_people
from .errors import sentence
from .links import sign_link
from .mail import MailError, send_links
from .protocols import UnknownProtocol, find_version, library
from .registers import csv_chunks, record_export

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
@login_required
def require_login():
    return None


@bp.after_request
def no_store(response):
    # HR pages list people and their links: never kept in a shared or browser cache.
    response.headers["Cache-Control"] = "no-store"
    return response


def _round_or_404(conn, round_id: str):
    round_row = rounds.get_round(conn, round_id)
    if round_row is None:
        abort(404, description=f"There is no sign-off round {round_id!r}.")
    return round_row


@bp.get("/")
def dashboard():
    with db.reading() as conn:
        summaries = rounds.all_rounds(conn)
    return render_template("admin/dashboard.html", summaries=summaries)


@dataclass(frozen=True)
class VersionChoice:
    value: str  # "<council id>/<version id>": what the form sends back, never shown
    label: str
    refusal: str | None  # why it cannot be signed (the library's reason), or None


def _version_choices() -> list[tuple[str, list[VersionChoice]]]:
    """Every version, newest first, grouped by council (by name) under readable names; those that
    cannot be signed are listed too, disabled and saying why, so HR is not left wondering."""
    groups = []
    for protocol in sorted(library().protocols, key=lambda p: p.council.display_name.casefold()):
        options = []
        for version in reversed(protocol.versions):
            refusal = signable(protocol, version)
            why = protocol.standing(version).label.lower() if protocol.standing(version) != Standing.IN_FORCE \
                else "only part of its text is known"
            label = f"{protocol.title}: {version.label}" + (f" ({why}; cannot be signed)" if refusal else
                                                            "" if version.signature else " (no signature block)")
            options.append(VersionChoice(f"{protocol.id}/{version.id}", label, refusal))
        groups.append((protocol.council.display_name, options))
    return groups


@bp.route("/rounds/new", methods=("GET", "POST"))
def new_round():
    form = request.form
    errors: list[str] = []
    if request.method == "POST":
        council_id, _, version_id = form.get("version", "").partition("/")
        upload = request.files.get("people_csv")
        text = upload.read() if upload and upload.filename else form.get("people", "").encode("utf-8")
        name = " ".join(form.get("name", "").split())
        unnamed = [] if name else ['Give the round a name, for example "May 2027 induction".']
        try:
            people = parse_people(text)
            if unnamed:
                raise rounds.RoundError(unnamed[0])
            with db.transaction() as conn:
                round_id = rounds.open_round(conn, council_id, version_id or None, form.get("due"), people,
                                             g.admin.email, form.get("statement"), name)
            flash(f"Round \u201c{name}\u201d opened with {len(people)} people.")
            return redirect(url_for("admin.round_page", round_id=round_id), 303)
        except InvalidPeople as e:
            errors = unnamed + [f"People CSV {err}" for err in e.errors]
        except UnknownProtocol:
            errors = unnamed + ["Choose a protocol version from the list."]
        except rounds.RoundError as e:
            errors = [sentence(str(e))]
    else:
        form = _successor_form(request.args.get("from"))
    return render_template("admin/new_round.html", choices=_version_choices(), form=form, errors=errors), \
        400 if errors else 200


def _successor_form(round_id: str | None) -> dict:
    """The form pre-filled to follow round `round_id`: the protocol's newest version, the same people."""
    if not round_id:
        return {}
    with db.reading() as conn:
        round_row = _round_or_404(conn, round_id)
        _, people = rounds.people_in_round(conn, round_row)
    out = io.StringIO()  # plain CSV (not the spreadsheet-safe export): it comes straight back in
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["name", "email", "role", "department", "ward"])
    writer.writerows([p.name, p.email, p.role, p.department or "", p.ward or ""] for p in people)
    form = {"people": out.getvalue()}
    newer = newer_version(round_row)
    if newer is not None:
        form["version"] = f"{round_row.council_id}/{newer.id}"
    if round_row.statement_source == "hr":
        form["statement"] = "\n\n".join(rounds.round_statements(round_row))
    return form


def round_version_standing(round_row) -> Standing | None:
    """The standing today of the version a round asks people to sign (None: the library no longer has it)."""
    try:
        protocol, version = find_version(round_row.council_id, round_row.version_id)
    except UnknownProtocol:
        return None
    return protocol.standing(version)


def newer_version(round_row):
    """The version a next round would ask people to sign: the protocol's version in force, if it is not
    the round's own and can be signed; else None."""
    try:
        protocol = library().protocol(round_row.council_id)
    except KeyError:
        return None
    in_force = protocol.in_force
    if in_force is None or in_force.id == round_row.version_id or signable(protocol, in_force) is not None:
        return None
    return in_force


@bp.get("/rounds/<round_id>")
def round_page(round_id: str):
    role = request.args.get("role") or None
    status = request.args.get("status") or None
    if role not in (None, *ROLES) or status not in (None, *rounds.STATUSES):
        abort(400, description="Unknown role or status filter.")
    size = current_app.config["ROUND_PAGE_SIZE"]
    with db.reading() as conn:
        round_row = _round_or_404(conn, round_id)
        summary = rounds.completion(conn, round_row)
        count = summary.total if role is None and status is None else rounds.count_people(conn, round_row, role, status)
        pages = max((count + size - 1) // size, 1)
        # Past the last page (however large the number asked for) is the last page.
        page = min(max(request.args.get("page", 1, type=int) or 1, 1), pages)
        people = list(conn.execute(rounds.people_query(round_row, role, status, size, (page - 1) * size)))
    return render_template("admin/round.html", round=round_row, summary=summary, people=people, count=count,
                           page=page, pages=pages, role=role, status=status,
                           roles=ROLES, statuses=rounds.STATUSES, statements=rounds.round_statements(round_row),
                           link_for=sign_link, status_of=lambda p: rounds.person_status(round_row, p),
                           newer=newer_version(round_row), standing=round_version_standing(round_row),
                           mail_enabled=bool(current_app.config["SMTP_HOST"]))


@bp.post("/rounds/<round_id>/people")
def add_person(round_id: str):
    form = request.form
    upload = request.files.get("people_csv")
    try:
        if upload and upload.filename:
            people = parse_people(upload.read())
        else:
            extra = {k: form.get(k, "") for k in ("department", "ward")}
            person, problems = check_person(2, form.get("name", ""), form.get("email", ""), form.get("role", ""), extra)
            if person is None:
                raise InvalidPeople(problems)
            people = [person]
        with db.transaction() as conn:
            _round_or_404(conn, round_id)
            rounds.add_people(conn, round_id, people, g.admin.email)
    except InvalidPeople as e:
        single = not (upload and upload.filename)
        for err in e.errors:
            flash(f"Not added: {err.column or 'row'} {err.message}" if single else f"Not added: CSV {err}", "error")
        return redirect(url_for("admin.round_page", round_id=round_id), 303)
    flash(f"Added {len(people)} {'person' if len(people) == 1 else 'people'}.")
    return redirect(url_for("admin.round_page", round_id=round_id), 303)


# Removing someone and reissuing a link cannot be undone (a removed person's link stops working; a
# reissued link withdraws the earlier ones), so each asks HR to confirm on a page of its own (no
# JavaScript needed) and to give a reason, which the audit log records with the action.
CONFIRMATIONS = {
    "remove": dict(title="Remove {name} from this round?", button="Remove {name}",
                   consequence="Their signing link will stop working at once. They stay in the audit log, and "
                               "you can add them again later, with a new link.",
                   done="Removed {name}; their link no longer works."),
    "reissue": dict(title="Issue {name} a new signing link?", button="Issue a new link",
                    consequence="Every link they have been sent so far stops working; only the new one will. "
                                "Send them the new link afterwards (copy it or email it from the round's page).",
                    done="Issued {name} a new link; earlier links no longer work."),
}


def _person_in_round(conn, round_id: str, person_id: str):
    person = rounds.get_person(conn, person_id)
    if person is None or person.round_id != round_id or person.removed_at:
        abort(404, description="No such person in this round.")
    return person


def _confirm_person_action(round_id: str, person_id: str, kind: str, act) -> WerkzeugResponse | tuple[str, int]:
    wording = CONFIRMATIONS[kind]
    with db.reading() as conn:
        round_row = _round_or_404(conn, round_id)
        person = _person_in_round(conn, round_id, person_id)
    reason = " ".join(request.form.get("reason", "").split())
    error = None
    if request.method == "POST":
        if reason:
            try:
                with db.transaction() as conn:
                    act(conn, _person_in_round(conn, round_id, person_id), reason)
                flash(wording["done"].format(name=person.name))
            except rounds.RoundError as e:
                flash(sentence(str(e)), "error")
            return redirect(url_for("admin.round_page", round_id=round_id), 303)
        error = "Give a reason: it is recorded in the audit log."
    return render_template("admin/confirm.html", round=round_row, person=person, kind=kind, reason=reason, error=error,
                           **{k: v.format(name=person.name) for k, v in wording.items()}), 400 if error else 200


@bp.route("/rounds/<round_id>/people/<person_id>/remove", methods=("GET", "POST"))
def remove_person(round_id: str, person_id: str):
    return _confirm_person_action(round_id, person_id, "remove",
                                  lambda conn, p, reason: rounds.remove_person(conn, p.id, g.admin.email, reason))


@bp.route("/rounds/<round_id>/people/<person_id>/reissue", methods=("GET", "POST"))
def reissue_link(round_id: str, person_id: str):
    return _confirm_person_action(round_id, person_id, "reissue",
                                  lambda conn, p, reason: rounds.reissue_link(conn, p.id, g.admin.email, reason))


@bp.post("/rounds/<round_id>/send")
def send(round_id: str):
    reminder = request.form.get("kind") == "reminder"
    person_id = request.form.get("person_id")
    with db.reading() as conn:
        _round_or_404(conn, round_id)
    try:
        sent = send_links(round_id, g.admin.email, reminder=reminder, person_ids=[person_id] if person_id else None)
        flash(f"Sent {sent} {'reminder' if reminder else 'link'} email{'s' if sent != 1 else ''}.")
    except MailError as e:
        flash(sentence(str(e)), "error")
    return redirect(url_for("admin.round_page", round_id=round_id), 303)


def _export(round_id: str, what: str, filename: str, status: str | None = None) -> Response:
    """A CSV download: recorded in the ledger first (a short write transaction), then streamed from a
    read snapshot, so no writer waits for it and memory stays flat however large the round."""
    with db.transaction() as conn:
        round_row = _round_or_404(conn, round_id)
        record_export(conn, round_row, what, g.admin.email, status)
    return Response(stream_with_context(csv_chunks(round_row, what, status)), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"})


@bp.get("/rounds/<round_id>/links.csv")
def links_export(round_id: str):
    outstanding = request.args.get("outstanding") == "1"
    return _export(round_id, "links", f"signing-links-{round_id}.csv", "unsigned" if outstanding else None)


@bp.get("/rounds/<round_id>/register.csv")
def register_export(round_id: str):
    return _export(round_id, "register", f"register-{round_id}.csv")


def _evidence(round_id: str, person_id: str) -> dict:
    with db.transaction() as conn:  # the export is a ledger entry
        round_row = _round_or_404(conn, round_id)
        person = rounds.get_person(conn, person_id)
        if person is None or person.round_id != round_id:
            abort(404, description="No such person in this round.")
        return evidence.evidence_pack(conn, round_row, person.email, g.admin.email)


@bp.get("/rounds/<round_id>/people/<person_id>/evidence")
def evidence_page(round_id: str, person_id: str):
    """The evidence pack as a printable page (its JSON file is linked from it)."""
    return render_template("admin/evidence.html", pack=_evidence(round_id, person_id),
                           json_url=url_for("admin.evidence_file", round_id=round_id, person_id=person_id))


@bp.get("/rounds/<round_id>/people/<person_id>/evidence.json")
def evidence_file(round_id: str, person_id: str):
    pack = _evidence(round_id, person_id)
    name = f"evidence-{round_id}-{evidence.file_safe(pack['person']['email'])}.json"
    return Response(evidence.evidence_json(pack), mimetype="application/json", headers={
        "Content-Disposition": f'attachment; filename="{name}"'})


@bp.get("/audit")
def audit():
    round_id = request.args.get("round") or None
    with db.reading() as conn:  # the newest entries, checked as far as they go: verify-ledger checks all
        recent = ledger.recent(conn, round_id)
        round_names = dict(conn.execute(select(db.rounds.c.id, db.rounds.c.name)).all())
    return render_template("admin/audit.html", recent=recent, entries=recent.entries, round_id=round_id,
                           round_names=round_names)
