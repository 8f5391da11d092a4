"""CSRF protection for every form: a random token kept in the signed session, checked on each POST."""
from __future__ import annotations

import hmac
import secrets

from flask import abort, request, session

SESSION_KEY = "csrf"
FIELD = "csrf_token"
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def csrf_token() -> str:
    """The session's token (created on first use, which also sets the session cookie)."""
    token = session.get(SESSION_KEY)
    if token is None:
        token = session[SESSION_KEY] = secrets.token_urlsafe(32)
    return token


def check_csrf() -> None:
    if request.method not in UNSAFE_METHODS:
        return
    expected = session.get(SESSION_KEY)
    sent = request.form.get(FIELD) or request.headers.get("X-CSRF-Token")
    if not expected or not sent or not hmac.compare_digest(expected, sent):
        abort(400, description="This form has expired or was not sent from this site (missing or wrong "
                               "security token). Go back, reload the page and try again.")


def init_app(app) -> None:
    app.before_request(check_csrf)
    app.jinja_env.globals["csrf_token"] = csrf_token
