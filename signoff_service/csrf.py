"""CSRF protection for every form, checked on each POST.

HR's forms carry a random token kept in the signed session. The signing form needs no session:
its URL is a personal link, itself a secret, so its token is an HMAC of that link (a cross-site
page cannot compute it without knowing the link). Signers therefore get no cookie at all.
"""
from __future__ import annotations

import base64
import hmac
import secrets

from flask import abort, current_app, request, session

SESSION_KEY = "csrf"
FIELD = "csrf_token"
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
LINK_PURPOSE = b"signoff.csrf.personal-link\x00"


def csrf_token(bound_to: str | None = None) -> str:
    """The token a form carries: bound to a personal link's token, or else to the session
    (created on first use, which also sets the session cookie)."""
    if bound_to is not None:
        return _link_token(bound_to)
    token = session.get(SESSION_KEY)
    if token is None:
        token = session[SESSION_KEY] = secrets.token_urlsafe(32)
    return token


def _link_token(link: str) -> str:
    # hmac.digest with the digest's name is OpenSSL's one-shot HMAC: a third of hmac.new's time.
    digest = hmac.digest(current_app.config["SECRET_KEY"].encode("utf-8"), LINK_PURPOSE + link.encode("utf-8"),
                         "sha256")
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def check_csrf() -> None:
    if request.method not in UNSAFE_METHODS:
        return
    link = (request.view_args or {}).get("token")  # a form posted to a personal link's URL
    expected = _link_token(link) if link else session.get(SESSION_KEY)
    sent = request.form.get(FIELD) or request.headers.get("X-CSRF-Token")
    if not expected or not sent or not hmac.compare_digest(expected, sent):
        abort(400, description="This form has expired or was not sent from this site (missing or wrong "
                               "security token). Go back, reload the page and try again.")


def init_app(app) -> None:
    app.before_request(check_csrf)
    app.jinja_env.globals["csrf_token"] = csrf_token
