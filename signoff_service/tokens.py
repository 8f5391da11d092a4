"""All itsdangerous use: personal signing links and receipt verification links, one salt each.

Errors are typed and carry what the page needs to explain itself (when an expired link was
issued, and whose it was, so the page can say whom to ask for a new one).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeSerializer, URLSafeTimedSerializer

from .errors import SignoffError

SIGN_LINK_SALT = "signoff.sign-link.v1"
RECEIPT_SALT = "signoff.receipt-verification.v1"


class LinkError(SignoffError):
    """A link that cannot be used; `status` is the HTTP status its page is served with."""

    status = 400


class ForgedLink(LinkError):
    """Not a link this service issued for this purpose (forged, tampered, truncated or mistyped)."""


class ExpiredLink(LinkError):
    status = 410

    def __init__(self, date_signed: datetime | None, person_id: str | None):
        super().__init__(f"link issued {date_signed} has expired")
        self.date_signed = date_signed
        self.person_id = person_id


@dataclass(frozen=True)
class SignLink:
    person_id: str
    generation: int  # links issued before the latest reissue are withdrawn


@lru_cache(maxsize=16)
def _serializer(kind: type, secret_key: str, salt: str):
    # Built once per key: every signing page reads a token, and building one costs as much as using it.
    return kind(secret_key, salt=salt)


def _sign_serializer() -> URLSafeTimedSerializer:
    return _serializer(URLSafeTimedSerializer, current_app.config["SECRET_KEY"], SIGN_LINK_SALT)


def _receipt_serializer() -> URLSafeSerializer:
    return _serializer(URLSafeSerializer, current_app.config["SECRET_KEY"], RECEIPT_SALT)


def make_sign_token(person_id: str, generation: int) -> str:
    return _sign_serializer().dumps({"p": person_id, "g": generation})


@lru_cache(maxsize=16)
def _sign_link_signer(secret_key: str) -> TimestampSigner:
    return _serializer(URLSafeTimedSerializer, secret_key, SIGN_LINK_SALT).make_signer(SIGN_LINK_SALT)


def read_sign_token(token: str) -> SignLink:
    serializer = _sign_serializer()
    max_age = current_app.config["LINK_MAX_AGE_DAYS"] * 86400
    try:
        # serializer.loads(token, max_age) in two steps, with the signer built once: it would build
        # one per call, which costs a third of reading a link (every signing page reads one).
        payload = serializer.load_payload(_sign_link_signer(current_app.config["SECRET_KEY"]).unsign(
            token, max_age=max_age))
    except SignatureExpired as e:
        # The signature is genuine (only the age failed), so the payload can be trusted.
        payload = serializer.load_payload(e.payload) if e.payload is not None else None
        raise ExpiredLink(e.date_signed, _person(payload)) from None
    except BadSignature:
        raise ForgedLink("this link was not issued by the sign-off service, or has been altered") from None
    if _person(payload) is None or not isinstance(payload.get("g"), int):
        raise ForgedLink("this link does not name a person")
    return SignLink(payload["p"], payload["g"])


def _person(payload) -> str | None:
    if isinstance(payload, dict) and isinstance(payload.get("p"), str):
        return payload["p"]
    return None


def make_receipt_token(receipt_id: str, content_hash: str, signed_at: str) -> str:
    return _receipt_serializer().dumps({"r": receipt_id, "h": content_hash, "t": signed_at})


def read_receipt_token(token: str) -> dict:
    """{'r': receipt id, 'h': content hash, 't': signed at}, as issued with the receipt."""
    try:
        payload = _receipt_serializer().loads(token)
    except BadSignature:
        raise ForgedLink("this verification link was not issued by the sign-off service, or has been altered") from None
    if not isinstance(payload, dict) or not all(isinstance(payload.get(k), str) for k in "rht"):
        raise ForgedLink("this verification link is incomplete")
    return payload


# A receipt's short verification code: what a person can read out or type. It is an HMAC, under the
# service's secret, of the receipt number, the text's fingerprint and the time of signing, so the
# readable link /verify/<receipt>/<code> proves the register still holds the receipt as issued.
RECEIPT_CODE_SALT = b"signoff.receipt-code.v1"
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: easy to read aloud and type


def receipt_code(receipt_id: str, content_hash: str, signed_at: str) -> str:
    """An 8-character code like 'K7QX-M2PD' (40 bits)."""
    import hashlib
    import hmac

    key = hmac.digest(current_app.config["SECRET_KEY"].encode(), RECEIPT_CODE_SALT, "sha256")
    digest = hmac.digest(key, "\n".join((receipt_id, content_hash, signed_at)).encode(), hashlib.sha256)
    number = int.from_bytes(digest[:5], "big")
    chars = "".join(_CODE_ALPHABET[(number >> (5 * i)) & 31] for i in range(8))
    return f"{chars[:4]}-{chars[4:]}"


def normalise_code(text: str) -> str:
    """What someone typed, as the code is printed: upper case, no spaces, one hyphen in the middle."""
    chars = "".join(c for c in text.upper() if c.isalnum())
    return f"{chars[:4]}-{chars[4:]}" if len(chars) == 8 else chars
