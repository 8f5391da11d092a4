"""The service's exception family, and one error handler: an HTML page (`errors/<status>.html`, else
the generic one) or JSON for JSON clients."""
from __future__ import annotations

from flask import abort, current_app, jsonify, render_template, request
from jinja2 import Template
from werkzeug.exceptions import HTTPException, InternalServerError


class SignoffError(Exception):
    """Every error the service raises on purpose (bad input, an unusable link, a refused action,
    unsafe configuration) is one of these; its message is written for the person who sees it."""


def sentence(text: str) -> str:
    """A message as a sentence: first letter upper case (the rest untouched, unlike str.capitalize), full stop."""
    text = text.strip()
    return text[:1].upper() + text[1:] + ("" if text.endswith((".", "?", "!")) else ".")


def wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def render_error(status: int, title: str, message: str, template_name: str | None = None, **context):
    """The error page (`errors/<template_name>.html`, `errors/<status>.html` or the generic one) or JSON."""
    if wants_json():
        return jsonify(status=status, error=title, message=message), status
    names: list[str | Template] = [f"errors/{status}.html", "errors/error.html"]
    if template_name:
        names.insert(0, f"errors/{template_name}.html")
    context.setdefault("contact", None)
    return render_template(names, status=status, title=title, message=message, **context), status


def handle_http(error: HTTPException):
    response = render_error(error.code or 500, error.name, error.description or "")
    retry_after = getattr(error, "retry_after", None)
    if error.code == 429 and retry_after:
        return response[0], response[1], {"Retry-After": str(retry_after)}
    return response


def handle_unexpected(error: Exception):
    if isinstance(error, HTTPException):
        return handle_http(error)
    current_app.logger.exception("unhandled error on %s %s", request.method, request.path)
    return handle_http(InternalServerError())


def refuse_nul_characters() -> None:
    """No text field holds a NUL character (PostgreSQL cannot store one): a clear 400 on both
    databases, before anything is read or written."""
    # Only a request that sends a form has one (werkzeug parses these two types, nothing else):
    # asking for the form of one without costs the busiest page, the signing link's GET, a
    # twentieth of its CPU.
    sent_form = request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data")
    for values in (request.args, request.form) if sent_form else (request.args,):
        if any("\x00" in key or "\x00" in value for key, value in values.items(multi=True)):
            abort(400, description="The request contains a NUL character, which is not text. Check what was "
                                   "typed or pasted and try again.")


def init_app(app) -> None:
    app.before_request(refuse_nul_characters)
    app.register_error_handler(HTTPException, handle_http)
    if not app.testing:
        app.register_error_handler(Exception, handle_unexpected)

