"""Logs never hold a working link: personal signing links, receipt ids and verification tokens
in request paths are replaced by "[redacted]" before a line is written.

Used by the app's own logger and werkzeug's (flask run), and by gunicorn through
`RedactingGunicornLogger` (named in the project root's gunicorn.conf.py, which gunicorn reads
when started from there, as scripts/run does).
"""
from __future__ import annotations

import logging
import re

from gunicorn.glogging import Logger

# The path segment after /sign/, /verify/ or /receipts/ is the secret (or names a person's receipt).
SECRET_IN_PATH = re.compile(r"(/(?:sign|verify|receipts)/)[^/?#\s\"'<>]+")
REDACTED = r"\1[redacted]"
# A signed token (itsdangerous: payload.timestamp.signature, or payload.signature) wherever else it
# turns up: a query string, a referer, an error message.
SIGNED_TOKEN = re.compile(r"[A-Za-z0-9_-]{8,}(?:\.[A-Za-z0-9_-]{4,})?\.[A-Za-z0-9_-]{20,}")


def redact(text: str) -> str:
    return SIGNED_TOKEN.sub("[redacted]", SECRET_IN_PATH.sub(REDACTED, text))


class RedactingFilter(logging.Filter):
    """Rewrites each record's message (and any traceback text) with its secrets redacted."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info and not record.exc_text:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


def install(logger: logging.Logger) -> None:
    if not any(isinstance(f, RedactingFilter) for f in logger.filters):
        logger.addFilter(RedactingFilter())


class RedactingGunicornLogger(Logger):
    """gunicorn's logger with every access-log value (request line, path, query, referer, any
    environ or header atom) and every error-log message redacted."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {key: redact(value) if isinstance(value, str) else value for key, value in atoms.items()}

    def setup(self, cfg) -> None:
        super().setup(cfg)
        install(self.error_log)
        install(self.access_log)
