"""HR accounts: hashed passwords (werkzeug scrypt), rate-limited login, `login_required`."""
from __future__ import annotations

import functools
import math
import secrets
from datetime import datetime, timedelta, timezone
from typing import NamedTuple

from flask import Blueprint, current_app, g, redirect, render_template, request, session, url_for
from sqlalchemy import Connection, and_, delete, func, or_, select, text, update
from werkzeug.security import check_password_hash, generate_password_hash

from . import db, ledger
from .csvio import EMAIL, email_key
from .errors import SignoffError

bp = Blueprint("auth", __name__, url_prefix="/admin")
MIN_PASSWORD_LENGTH = 12
# Checked against when the email is unknown, so a wrong email costs the same time as a wrong password.
_DUMMY_HASH = generate_password_hash(secrets.token_urlsafe(16))


class AdminError(SignoffError):
    """An HR account that cannot be created as asked."""


def create_admin(conn: Connection, email: str, password: str, actor: str = "cli") -> str:
    email = email.strip()
    if not EMAIL.match(email):
        raise AdminError(f"{email!r} is not an email address")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AdminError(f"the password must be at least {MIN_PASSWORD_LENGTH} characters")
    if conn.execute(select(db.admins.c.id).where(db.admins.c.email == email_key(email))).first():
        raise AdminError(f"an HR account for {email} already exists")
    admin_id = secrets.token_hex(8)
    password_hash = generate_password_hash(password, current_app.config["PASSWORD_HASH_METHOD"])
    conn.execute(db.admins.insert().values(id=admin_id, email=email_key(email), password_hash=password_hash,
                                           created_at=db.utcnow()))
    ledger.append(conn, "admin created", actor, email=email_key(email))
    return admin_id


# Failed logins within the window after which sign-in slows down, as multiples of LOGIN_MAX_FAILURES:
# for one account from one address (a guesser); from one address over all accounts (a sprayer);
# for one account over all addresses. Past a limit, an address must wait LOGIN_SLOWDOWN_SECONDS after
# its own last failure before its next attempt is checked (after its last failure for that account,
# or for any account once the address itself is past its limit); an attempt that comes sooner is
# answered at once, "try again in N seconds", without checking the password. Nothing waits in the
# server: a sync worker held asleep is a worker signers cannot use, so a flood of slowed sign-ins
# would stall them. Failures from other addresses never hold an address back, so nobody can lock
# HR out from elsewhere; each limit crossed is recorded in the ledger once per window.
FAILURE_LIMITS = {"account and address": 1, "address": 4, "account": 20}


def _since(config) -> str:
    return (datetime.now(timezone.utc) - timedelta(seconds=config["LOGIN_WINDOW_SECONDS"])
            ).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class Failures(NamedTuple):
    """Failed sign-ins in the window that bear on one attempt: each login limit reached (with its
    count), and when this address last failed for this account and for any account."""
    limits: dict[str, int]
    last_for_account: str | None
    last_for_address: str | None


def _failures(conn: Connection, email: str, ip: str, config) -> Failures:
    same_email, same_ip = db.login_failures.c.email == email, db.login_failures.c.ip == ip
    at = db.login_failures.c.at
    row = conn.execute(select(func.count().filter(and_(same_email, same_ip)), func.count().filter(same_ip),
                              func.count().filter(same_email), func.max(at).filter(and_(same_email, same_ip)),
                              func.max(at).filter(same_ip))
                       .where(at >= _since(config), or_(same_email, same_ip))).one()
    limits = {limit: count for (limit, times), count in zip(FAILURE_LIMITS.items(), row[:3], strict=True)
              if count >= times * config["LOGIN_MAX_FAILURES"]}
    return Failures(limits, row[3], row[4])


def _wait_seconds(failures: Failures, config) -> int:
    """Whole seconds this address must still wait before its attempt at this account is checked (0: none)."""
    if "address" in failures.limits:
        last = failures.last_for_address
    elif failures.limits:  # this account's limits: only this address's own failures hold it back
        last = failures.last_for_account
    else:
        return 0
    if last is None:
        return 0
    since_last = (datetime.now(timezone.utc) - datetime.fromisoformat(last.replace("Z", "+00:00"))).total_seconds()
    return max(0, math.ceil(config["LOGIN_SLOWDOWN_SECONDS"] - since_last))


def _record_failure(conn: Connection, email: str, ip: str, config) -> None:
    """Count a failed sign-in, prune those older than the window, and put each limit this failure
    reaches in the ledger (once per window: a flood of failures does not flood the ledger)."""
    before = _failures(conn, email, ip, config).limits
    conn.execute(db.login_failures.insert().values(id=secrets.token_hex(8), email=email, ip=ip, at=db.utcnow()))
    conn.execute(delete(db.login_failures).where(db.login_failures.c.at < _since(config)))
    for limit in _failures(conn, email, ip, config).limits.keys() - before.keys():
        ledger.append(conn, "sign-in slowed down", "system", email=email, ip=ip, limit=limit)


def _safe_next(target: str | None) -> str:
    # Only local admin paths, in plain printable characters: never an open redirect to another
    # site, and never a header split (a CR or LF decoded from %0d%0a).
    if (target and target.startswith("/admin/") and not target.startswith("//") and target.isprintable()
            and target.isascii() and "\\" not in target):
        return target
    return url_for("admin.dashboard")


@bp.route("/login", methods=("GET", "POST"))
def login():
    error, email = None, ""
    if request.method == "POST":
        email = email_key(request.form.get("email", ""))
        password = request.form.get("password", "")
        ip = request.remote_addr or "unknown"
        config = current_app.config
        with db.reading() as conn:
            failures = _failures(conn, email, ip, config)
            admin = conn.execute(_ADMIN.where(db.admins.c.email == email)).first()
        wait = _wait_seconds(failures, config)
        if wait:  # answered at once, the password unchecked (see FAILURE_LIMITS)
            error = (f"Sign-in is slowed down after repeated failed attempts. Try again in {wait} "
                     f"second{'s' if wait != 1 else ''}.")
            return render_template("admin/login.html", error=error, email=email), 429, {"Retry-After": str(wait)}
        # The hash (about 200 ms of scrypt) is checked outside any transaction: on SQLite a write
        # transaction holds the write lock, and signers would queue behind HR's sign-in.
        good = check_password_hash(admin.password_hash if admin else _DUMMY_HASH, password) and admin is not None
        target = _safe_next(request.args.get("next"))
        with db.transaction() as conn:
            if good:
                ledger.append(conn, "admin signed in", email, ip=ip)
            else:
                _record_failure(conn, email, ip, config)
        if good:
            start_session(admin)
            return redirect(target, 303)
        error = "The email or password is not right."
        if failures.limits:
            error += (" Sign-in is slowed down after repeated failures: wait {:g} seconds before trying "
                      "again.".format(config["LOGIN_SLOWDOWN_SECONDS"]))
    return render_template("admin/login.html", error=error, email=email), 400 if error else 200


def start_session(admin) -> None:
    """A fresh session for `admin`, bound to their session version and expiring after
    SESSION_IDLE_HOURS without a request."""
    session.clear()
    session.permanent = True
    session["admin_id"] = admin.id
    session["session_version"] = admin.session_version


def end_sessions(conn: Connection, admin_id: str) -> None:
    """End every session of the account (every browser, a copied cookie too): its version moves on."""
    conn.execute(text("INSERT INTO admin_session_versions (admin_id, version) VALUES (:admin_id, 1) "
                      "ON CONFLICT (admin_id) DO UPDATE SET version = admin_session_versions.version + 1"),
                 {"admin_id": admin_id})


# An HR account with its session version (0 until its first sign-out or password change).
_ADMIN = (select(db.admins, func.coalesce(db.admin_session_versions.c.version, 0).label("session_version"))
          .select_from(db.admins.outerjoin(db.admin_session_versions,
                                           db.admin_session_versions.c.admin_id == db.admins.c.id)))


def set_password(conn: Connection, email: str, password: str, actor: str) -> None:
    """Change an HR account's password; every session of the account ends."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AdminError(f"the password must be at least {MIN_PASSWORD_LENGTH} characters")
    admin = conn.execute(select(db.admins).where(db.admins.c.email == email_key(email))).first()
    if admin is None:
        raise AdminError(f"there is no HR account for {email}")
    conn.execute(update(db.admins).where(db.admins.c.id == admin.id).values(
        password_hash=generate_password_hash(password, current_app.config["PASSWORD_HASH_METHOD"])))
    end_sessions(conn, admin.id)
    ledger.append(conn, "admin password changed", actor, email=admin.email)


@bp.post("/logout")
def logout():
    admin = current_admin()
    if admin is not None:
        with db.transaction() as conn:
            end_sessions(conn, admin.id)
            ledger.append(conn, "admin signed out", admin.email, ip=request.remote_addr or "unknown")
    session.clear()
    return redirect(url_for("auth.login"), 303)


def current_admin():
    """The signed-in HR account, or None: looked up once per request, and only when asked (the
    signing pages, the busiest, never ask). Sets `g.admin` for the views behind `login_required`."""
    if "admin" not in g:
        admin_id = session.get("admin_id")
        g.admin = None
        if admin_id:
            with db.reading() as conn:
                admin = conn.execute(_ADMIN.where(db.admins.c.id == admin_id)).first()
            # A session from before the account's last sign-out or password change is over.
            g.admin = admin if admin is not None and session.get("session_version") == admin.session_version else None
    return g.admin


def login_required(view):
    @functools.wraps(view)
    def wrapped(**kwargs):
        if current_admin() is None:
            return redirect(url_for("auth.login", next=request.path), 303)
        return view(**kwargs)
    return wrapped
