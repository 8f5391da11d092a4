"""Absolute URLs for links that leave the service (emails, CSV for mail merge, receipts)."""
from __future__ import annotations

from flask import current_app, has_request_context, request, url_for

from .tokens import make_sign_token, receipt_code

CLI_BASE_URL = "http://127.0.0.1:5000"


def external_url(endpoint: str, **values) -> str:
    base = current_app.config["BASE_URL"]
    if base is None:
        base = request.url_root if has_request_context() else CLI_BASE_URL
    if has_request_context():
        path = url_for(endpoint, **values)
    else:
        with current_app.test_request_context("/"):
            path = url_for(endpoint, **values)
    return base.rstrip("/") + path


def sign_link(person) -> str:
    return external_url("sign.sign", token=make_sign_token(person.id, person.link_generation))


def verification_code(signature) -> str:
    return receipt_code(signature.id, signature.content_hash, signature.signed_at)


def verification_link(signature) -> str:
    """A short, readable link anyone can open to check a receipt: /verify/<receipt number>/<code>."""
    return external_url("sign.verify_code", receipt_id=signature.id, code=verification_code(signature))
