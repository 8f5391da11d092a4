"""Flask commands for HR automation: `flask --app signoff_service <command>`."""
from __future__ import annotations

import secrets
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from . import db, evidence, ledger, rounds
from .auth import AdminError, create_admin, set_password
from .csvio import InvalidPeople, parse_people
from .protocols import UnknownProtocol, current_hash, find_version
from .registers import csv_chunks, record_export


def _fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


def _round(conn, round_id: str):
    round_row = rounds.get_round(conn, round_id)
    if round_row is None:
        _fail(f"no sign-off round {round_id!r}")
    return round_row


@click.command("init-db")
@with_appcontext
def init_db_command():
    """Apply any database migrations not yet applied (safe to run again)."""
    applied = db.migrate(db.engine())
    click.echo("applied: " + ", ".join(applied) if applied else "database is up to date")


@click.command("create-admin")
@click.argument("email")
@click.option("--password", help="Omit to be prompted (keeps it out of shell history).")
@with_appcontext
def create_admin_command(email, password):
    """Create an HR account."""
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        with db.transaction() as conn:
            create_admin(conn, email, password)
    except AdminError as e:
        _fail(str(e))
    click.echo(f"created HR account {email}", err=True)


@click.command("open-round")
@click.argument("council")
@click.option("--version", "version_id", help="Protocol version id (default: the version in force).")
@click.option("--due", help="Due date, YYYY-MM-DD.")
@click.option("--people", "people_path", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="CSV with header name,email,role[,department,ward].")
@click.option("--statement", help="The acknowledgement statement, for a version with no signature block.")
@click.option("--name", help='What HR calls the round, e.g. "May 2027 induction" (default: the council, version '
                             "and today's date).")
@click.option("--actor", default="cli", show_default=True, help="Who is opening the round (for the ledger).")
@with_appcontext
def open_round_command(council, version_id, due, people_path, statement, name, actor):
    """Open a sign-off round; prints only the round id."""
    try:
        people = parse_people(people_path.read_bytes())
        with db.transaction() as conn:
            round_id = rounds.open_round(conn, council, version_id, due, people, actor, statement, name)
    except OSError as e:
        _fail(f"{people_path}: {e.strerror}")
    except InvalidPeople as e:
        _fail("\n".join(f"{people_path}: {err}" for err in e.errors))
    except (UnknownProtocol, rounds.RoundError) as e:
        _fail(str(e))
    click.echo(round_id)


@click.command("links")
@click.argument("round_id")
@click.option("--outstanding", is_flag=True, help="Only people who have not signed yet.")
@with_appcontext
def links_command(round_id, outstanding):
    """Each person's personal signing link as CSV (name,email,role,link) for a mail merge."""
    status = "unsigned" if outstanding else None
    with db.transaction() as conn:  # the export's ledger entry; the rows stream after it, from a snapshot
        round_row = _round(conn, round_id)
        record_export(conn, round_row, "links", "cli", status)
    for chunk in csv_chunks(round_row, "links", status):
        click.echo(chunk, nl=False)


@click.command("register")
@click.argument("round_id")
@with_appcontext
def register_command(round_id):
    """The completion register of a round as CSV."""
    with db.transaction() as conn:  # the export's ledger entry; the rows stream after it, from a snapshot
        round_row = _round(conn, round_id)
        record_export(conn, round_row, "register", "cli")
    for chunk in csv_chunks(round_row, "register"):
        click.echo(chunk, nl=False)


@click.command("remind")
@click.argument("round_id")
@with_appcontext
def remind_command(round_id):
    """Email a reminder, with their link, to everyone in the round who has not signed."""
    from .mail import MailError, send_links

    with db.reading() as conn:
        _round(conn, round_id)
    try:
        sent = send_links(round_id, actor="cli", reminder=True)
    except MailError as e:
        _fail(str(e))
    click.echo(f"sent {sent} reminder(s)", err=True)


@click.command("verify-ledger")
@with_appcontext
def verify_ledger_command():
    """Recompute the audit ledger's hash chain and check every signature record against its entry;
    exit 1 naming the first problem."""
    with db.reading() as conn:
        report = ledger.verify(conn)
        signatures = evidence.verify_signatures(conn) if report.ok else None
    if not report.ok:
        click.echo(f"ledger BROKEN: {report.problem}")
        sys.exit(1)
    click.echo(f"ledger OK: {report.entries} entries")
    if not signatures.ok:
        click.echo(f"signatures BROKEN: {signatures.problem}")
        sys.exit(1)
    click.echo(f"signatures OK: {signatures.checked} records match their ledger entries")
    click.echo(f"head: entry {report.entries}, {report.head} (keep a copy elsewhere as an anchor)")


@click.command("evidence")
@click.argument("round_id")
@click.argument("email")
@click.option("--out", "out_dir", default=".", show_default=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the two files.")
@with_appcontext
def evidence_command(round_id, email, out_dir):
    """The evidence pack for one person: a printable HTML page and a JSON file; prints their paths."""
    from flask import render_template

    with db.transaction() as conn:
        round_row = _round(conn, round_id)
        try:
            pack = evidence.evidence_pack(conn, round_row, email, actor="cli")
        except evidence.NoSuchPerson as e:
            _fail(str(e))
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = f"evidence-{round_id}-{evidence.file_safe(pack['person']['email'])}"
    with current_app.test_request_context("/"):
        html = render_template("admin/evidence.html", pack=pack)
    for path, text in ((out_dir / f"{stem}.html", html), (out_dir / f"{stem}.json", evidence.evidence_json(pack))):
        path.write_text(text, encoding="utf-8")
        click.echo(str(path))


@click.command("set-password")
@click.argument("email")
@click.option("--password", help="Omit to be prompted (keeps it out of shell history).")
@with_appcontext
def set_password_command(email, password):
    """Change an HR account's password; every session of that account ends."""
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        with db.transaction() as conn:
            set_password(conn, email, password, actor="cli")
    except AdminError as e:
        _fail(str(e))
    click.echo(f"changed the password of {email}; its sessions have ended", err=True)


DEMO_PEOPLE = (  # invented demo people; the protocol text itself always comes from the library
    "name,email,role,department,ward\n"
    "Alex Demo,alex.demo@example.org,member,,Demo Ward\n"
    "Sam Example,sam.example@example.org,officer,Democratic Services,\n"
    "Jo Sample,jo.sample@example.org,co-opted member,,\n"
)


@click.command("demo")
@click.option("--admin-email", default="hr@example.org", show_default=True)
@click.option("--base-url", help="The service's public URL, for the printed links (default: SIGNOFF_BASE_URL).")
@with_appcontext
def demo_command(admin_email, base_url):
    """Create an HR login and a demo round for South Ribble's protocol in force; print how to try them."""
    if base_url:
        current_app.config["BASE_URL"] = base_url.rstrip("/")
    password = secrets.token_urlsafe(12)
    from sqlalchemy import select

    with db.transaction() as conn:
        existing = conn.execute(select(db.admins.c.id).where(db.admins.c.email == admin_email)).first()
        if existing:  # a rerun gets a fresh password for the same demo account
            set_password(conn, admin_email, password, actor="demo")
        else:
            create_admin(conn, admin_email, password, actor="demo")
        # A rerun shows the same demo round (with whatever was signed in it) rather than adding another,
        # unless the library's text has changed since (a corrected transcription): that round's link
        # would refuse to sign, so the demo opens a new one.
        protocol, version = find_version("south-ribble")
        round_id = conn.execute(select(db.rounds.c.id).where(
            db.rounds.c.created_by == admin_email, db.rounds.c.council_id == protocol.id,
            db.rounds.c.version_id == version.id, db.rounds.c.content_hash == current_hash(protocol.id, version.id))
            .order_by(db.rounds.c.created_at.desc()).limit(1)).scalar()
        if round_id is None:
            round_id = rounds.open_round(conn, protocol.id, version.id, None, parse_people(DEMO_PEOPLE), admin_email,
                                         name="Demo round")
    with db.transaction() as conn:
        round_row = rounds.get_round(conn, round_id)
        record_export(conn, round_row, "links", "demo")
    links = "".join(csv_chunks(round_row, "links"))
    from .links import external_url

    click.echo(f"HR login:  {external_url('auth.login')}")
    click.echo(f"  email:    {admin_email}")
    click.echo(f"  password: {password}")
    click.echo(f"Round:     {round_row.name} (South Ribble, version in force)")
    click.echo(f"  for HR:   {external_url('admin.round_page', round_id=round_id)}")
    click.echo("  signing links:")
    for line in links.splitlines()[1:]:
        click.echo("  " + line)


@click.command("settings")
@with_appcontext
def settings_command():
    """Every setting: its environment variable, current value (secrets hidden), default and meaning."""
    from .config import SETTINGS

    for setting in SETTINGS:
        value = current_app.config[setting.name]
        shown = "(set)" if setting.name == "SECRET_KEY" and value else value
        if setting.name == "DATABASE_URL" and value:
            from sqlalchemy.engine import make_url

            shown = make_url(value).render_as_string(hide_password=True)
        click.echo(f"SIGNOFF_{setting.name} = {shown!r}  (default {setting.default!r})\n    {setting.help}")


COMMANDS = (settings_command, init_db_command, create_admin_command, open_round_command, links_command, register_command,
            remind_command, verify_ledger_command, evidence_command, set_password_command, demo_command)


def init_app(app) -> None:
    for command in COMMANDS:
        app.cli.add_command(command)
