"""Every setting the service reads, declared once with its default and what it is for.

Values come from (later wins): these defaults, `SIGNOFF_*` environment variables (Flask's
`from_prefixed_env`), then the `test_config` mapping given to `create_app`.
"""
from __future__ import annotations

import math
import os
import secrets
import zlib
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any, Callable

from .errors import SignoffError

ENVIRONMENTS = ("development", "testing", "production")
# Secrets that appear in tutorials and examples; refused in production like a missing one.
WEAK_SECRETS = {"dev", "secret", "changeme", "change-me", "default", "development", "test", "testing"}
MIN_PRODUCTION_SECRET_LENGTH = 32
# 32 random hex digits estimate at about 115 bits, token_urlsafe(48) at about 350; one letter
# repeated at 0 or 8, "abcd" repeated at 32, "0123456789" repeated at 80.
MIN_PRODUCTION_SECRET_BITS = 96
ZLIB_OVERHEAD_BYTES = 11  # header, checksum and block framing, beyond the compressed text itself


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str
    parse: Callable[[Any], Any] = lambda v: v


def _optional_str(value):
    return None if value in (None, "") else str(value)


def _time_zone(value):
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(str(value))
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"SIGNOFF_TIME_ZONE {value!r} is not a time zone name such as Europe/London") from None
    return str(value)


def _bool(value):
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)


SETTINGS = (
    Setting("ENV", "development", "development | testing | production. Production refuses to start "
            "without a strong SECRET_KEY and a BASE_URL, and always sends Secure cookies and HSTS.", str),
    Setting("SECRET_KEY", None, "Signs links, receipts and session cookies. Outside production an unset key "
            "is generated once into instance/secret_key.", _optional_str),
    Setting("DATABASE_URL", None, "SQLAlchemy URL, e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test. "
            "Default: SQLite file instance/signoff.sqlite3.", _optional_str),
    Setting("HANDBOOK_URL", "http://127.0.0.1:8000", "Base URL of the handbook site; signers get a link to "
            "<HANDBOOK_URL>/councils/<council>/<version>/.", lambda v: str(v).rstrip("/")),
    Setting("BASE_URL", None, "This service's public base URL (https://...), used in every link it gives out "
            "(signing links, receipts, email, CSV). Required in production, where links never come from the "
            "request's Host header. Elsewhere the default is the request's own host, or http://127.0.0.1:5000 from "
            "the CLI.", _optional_str),
    Setting("PROTOCOLS_DIR", None, "Protocol library directory. Default: the handbook library's "
            "(HANDBOOK_PROTOCOLS or the repository's protocols/).", _optional_str),
    Setting("LINK_MAX_AGE_DAYS", 30, "Days a personal signing link stays valid after it is issued.", int),
    Setting("SMTP_HOST", None, "SMTP server for sending links and reminders; unset means no email.", _optional_str),
    Setting("SMTP_PORT", 25, "SMTP server port.", int),
    Setting("MAIL_FROM", "signoff@localhost", "From address of link and reminder emails.", str),
    # Who asks people to sign, and whom they contact: councillors deal with democratic services,
    # staff with HR. Shown on every signer-facing page and on the public "Sign this protocol" page.
    Setting("CONTACT_MEMBERS_TEAM", "Democratic Services", "The team that asks councillors (members and "
            "co-opted members) to sign, named on their signing pages (\"Democratic Services asks you ...\").", str),
    Setting("CONTACT_MEMBERS_EMAIL", None, "That team's email address, shown to councillors for help with "
            "signing. Unset: the email of the HR user who opened the round.", _optional_str),
    Setting("CONTACT_MEMBERS_PHONE", None, "That team's phone number, shown beside its email (optional).",
            _optional_str),
    Setting("CONTACT_OFFICERS_TEAM", "HR", "The team that asks officers (staff) to sign, named on their "
            "signing pages.", str),
    Setting("CONTACT_OFFICERS_EMAIL", None, "That team's email address, shown to officers for help with "
            "signing. Unset: the email of the HR user who opened the round.", _optional_str),
    Setting("CONTACT_OFFICERS_PHONE", None, "That team's phone number, shown beside its email (optional).",
            _optional_str),
    Setting("TIME_ZONE", "Europe/London", "The council's time zone (an IANA name): dates and times are shown "
            "in it, UK style (\"3 March 2027, 2:05pm GMT\"); they are stored in UTC.", _time_zone),
    Setting("MAX_CONTENT_LENGTH", 2 * 1024 * 1024, "Largest request body in bytes (CSV uploads, signatures); "
            "larger gets 413.", int),
    Setting("MAX_SIGNATURE_BYTES", 200 * 1024, "Largest drawn signature (decoded PNG/SVG) in bytes.", int),
    Setting("LOGIN_MAX_FAILURES", 5, "Failed HR logins within LOGIN_WINDOW_SECONDS for one account from one IP "
            "address after which further attempts are slowed down (4x that from one address over all accounts, "
            "20x for one account over all addresses).", int),
    Setting("LOGIN_WINDOW_SECONDS", 900, "The login rate-limit window; failures older than this are pruned.", int),
    Setting("LOGIN_SLOWDOWN_SECONDS", 2.0, "Once a login limit is reached, how long an address must wait after its "
            "own last failed sign-in before its next attempt is checked; a sooner attempt is answered at once with "
            "\"try again in N seconds\" (nothing waits in the server). Failures from other addresses never hold an "
            "address back: nobody can lock HR out.", float),
    Setting("SESSION_IDLE_HOURS", 8.0, "An HR session ends after this many hours without a request (a working "
            "day); signing out or a password change ends every session of the account at once.", float),
    Setting("PASSWORD_HASH_METHOD", "scrypt", "werkzeug.security hash method for HR passwords (e.g. scrypt, or "
            "scrypt:32768:8:1 to pin the cost).", str),
    Setting("SESSION_COOKIE_SECURE", False, "Send the session cookie over HTTPS only (always on in production).",
            _bool),
    Setting("PROXY_HOPS", 0, "Reverse proxies in front of the service whose X-Forwarded-For/-Proto to trust "
            "(0: use the connecting address as the signer's IP).", int),
    Setting("ROUND_PAGE_SIZE", 100, "People per page on an HR round page.", int),
)


class ConfigError(SignoffError):
    """The configuration is unsafe or invalid; the app refuses to start."""


def load_config(app, test_config: dict | None) -> None:
    for setting in SETTINGS:
        app.config[setting.name] = setting.default
    app.config.from_prefixed_env("SIGNOFF")
    if test_config:
        app.config.update(test_config)
    for setting in SETTINGS:
        app.config[setting.name] = setting.parse(app.config[setting.name])
    app.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
                      MAX_FORM_MEMORY_SIZE=app.config["MAX_CONTENT_LENGTH"],
                      PERMANENT_SESSION_LIFETIME=timedelta(hours=app.config["SESSION_IDLE_HOURS"]))
    env = app.config["ENV"]
    if env not in ENVIRONMENTS:
        raise ConfigError(f"SIGNOFF_ENV must be one of {', '.join(ENVIRONMENTS)}, not {env!r}")
    app.config["SECRET_KEY"] = _secret_key(app, env, app.config["SECRET_KEY"])
    if env == "production":
        _production(app)
    app.testing = env == "testing" or app.config.get("TESTING", False)


def _production(app) -> None:
    """Production serves over HTTPS at one configured address: links never come from the request's
    Host header (anyone can send one), and the session cookie never travels in the clear."""
    base = app.config["BASE_URL"]
    if not base:
        raise ConfigError("refusing to start in production without SIGNOFF_BASE_URL, the service's public "
                          "address, e.g. https://signoff.example.gov.uk (every link it gives out is built from it)")
    app.config["BASE_URL"] = base.rstrip("/")
    app.config["SESSION_COOKIE_SECURE"] = True


def estimated_entropy_bits(key: str) -> float:
    """A rough upper bound on the guessing work a key needs: the lower of the Shannon entropy of
    its characters times its length (low for one letter repeated) and the bits left once zlib has
    compressed it (low for a short pattern repeated, such as "abcd" or "0123456789")."""
    counts = Counter(key)
    per_character = -sum(n / len(key) * math.log2(n / len(key)) for n in counts.values())
    compressed_bits = 8 * (len(zlib.compress(key.encode("utf-8"), 9)) - ZLIB_OVERHEAD_BYTES)
    return min(per_character * len(key), compressed_bits)


def _secret_key(app, env: str, key: str | None) -> str:
    if env == "production":
        if (not key or key.lower() in WEAK_SECRETS or len(key) < MIN_PRODUCTION_SECRET_LENGTH
                or estimated_entropy_bits(key) < MIN_PRODUCTION_SECRET_BITS):
            raise ConfigError("refusing to start in production without a strong secret key: set "
                              f"SIGNOFF_SECRET_KEY to at least {MIN_PRODUCTION_SECRET_LENGTH} random characters "
                              "(e.g. python -c 'import secrets; print(secrets.token_urlsafe(48))')")
        return key
    return key or _instance_secret(Path(app.instance_path))


def _instance_secret(instance: Path) -> str:
    """A random key kept in instance/secret_key, shared by every worker process of this instance."""
    instance.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = instance / "secret_key"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        for _ in range(50):  # another worker may be writing it right now
            key = path.read_text().strip()
            if key:
                return key
            import time
            time.sleep(0.02)
        raise ConfigError(f"{path} is empty; delete it or set SIGNOFF_SECRET_KEY") from None
    key = secrets.token_urlsafe(48)
    with os.fdopen(fd, "w") as f:
        f.write(key + "\n")
    return key
