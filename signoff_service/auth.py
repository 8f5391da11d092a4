"""HR accounts: hashed passwords (werkzeug scrypt), rate-limited login, `login_required`."""
from __future__ import annotations

import functools
import secrets
from datetime import datetime, timedelta, timezone

from flask import Blueprint, current_app, g, redirect, render_template, request, session, url_for
from sqlalchemy import Connection, and_, func, or_, select
from werkzeug.exceptions import TooManyRequests
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


# Failed logins allowed within the window, as multiples of LOGIN_MAX_FAILURES: for one account from
# one address (a guesser); from one address over all accounts (a sprayer); for one account over
# all addresses, high enough that nobody can lock HR out of their own account with a few tries,
# low enough to stop guessing from many addresses (with scrypt and 12-character passwords).
FAILURE_LIMITS = {"account and address": 1, "address": 4, "account": 20}


def _refused_by(conn: Connection, email: str, ip: str, config) -> str | None:
    """Which login limit this attempt would break ('account and address', ...), or None."""
    since = (datetime.now(timezone.utc) - timedelta(seconds=config["LOGIN_WINDOW_SECONDS"])
             ).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    same_email, same_ip = db.login_failures.c.email == email, db.login_failures.c.ip == ip
    counts = conn.execute(select(func.count().filter(and_(same_email, same_ip)), func.count().filter(same_ip),
                                 func.count().filter(same_email))
                          .where(db.login_failures.c.at >= since, or_(same_email, same_ip))).one()
    for (limit, times), count in zip(FAILURE_LIMITS.items(), counts):
        if count >= times * config["LOGIN_MAX_FAILURES"]:
            return limit
    return None


@bp.route("/login", methods=("GET", "POST"))
def login():
    error, email = None, ""
    if request.method == "POST":
        email = email_key(request.form.get("email", ""))
        password = request.form.get("password", "")
        ip = request.remote_addr or "unknown"
        config = current_app.config
        with db.transaction() as conn:
            limit = _refused_by(conn, email, ip, config)
            if limit is not None:
                raise TooManyRequests(f"Too many failed sign-in attempts for this {limit}. Wait a while and "
                                      "try again.", retry_after=config["LOGIN_WINDOW_SECONDS"])
            admin = conn.execute(select(db.admins).where(db.admins.c.email == email)).first()
            if admin is not None and check_password_hash(admin.password_hash, password):
                ledger.append(conn, "admin signed in", email, ip=ip)
                session.clear()
                session["admin_id"] = admin.id
                return redirect(_safe_next(request.args.get("next")), 303)
            if admin is None:
                check_password_hash(_DUMMY_HASH, password)
            conn.execute(db.login_failures.insert().values(id=secrets.token_hex(8), email=email, ip=ip, at=db.utcnow()))
        error = "The email or password is not right."
    return render_template("admin/login.html", error=error, email=email), 400 if error else 200


def _safe_next(target: str | None) -> str:
    # Only local admin paths: never an open redirect to another site.
    if target and target.startswith("/admin/") and not target.startswith("//"):
        return target
    return url_for("admin.dashboard")


@bp.post("/logout")
def logout():
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
                g.admin = conn.execute(select(db.admins).where(db.admins.c.id == admin_id)).first()
    return g.admin


def login_required(view):
    @functools.wraps(view)
    def wrapped(**kwargs):
        if current_admin() is None:
            return redirect(url_for("auth.login", next=request.path), 303)
        return view(**kwargs)
    return wrapped
