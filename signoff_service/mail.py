"""Email links and reminders with the standard library's smtplib; each send goes in the ledger."""
from __future__ import annotations

import smtplib
from email.message import EmailMessage

from flask import current_app, render_template
from sqlalchemy import update

from . import db, ledger, rounds
from .errors import SignoffError
from .links import sign_link


class MailError(SignoffError):
    """Email could not be sent (no SMTP server configured, or it refused)."""


def _message(person, round_row, link: str, reminder: bool) -> EmailMessage:
    message = EmailMessage()
    subject = "Reminder: please sign" if reminder else "Please sign"
    message["Subject"] = f"{subject} the {round_row.council_name} {round_row.protocol_title}"
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = person.email
    message.set_content(render_template("mail/link.txt", person=person, round=round_row, link=link,
                                        reminder=reminder, max_age=current_app.config["LINK_MAX_AGE_DAYS"]))
    return message


def _smtp() -> smtplib.SMTP:
    host = current_app.config["SMTP_HOST"]
    if not host:
        raise MailError("email is not configured: set SIGNOFF_SMTP_HOST (and SIGNOFF_SMTP_PORT)")
    try:
        return smtplib.SMTP(host, current_app.config["SMTP_PORT"], timeout=30)
    except OSError as e:
        raise MailError(f"cannot reach the SMTP server {host}:{current_app.config['SMTP_PORT']}: {e}") from None


def send_links(round_id: str, actor: str, reminder: bool = False, person_ids: list[str] | None = None) -> int:
    """Email each unsigned person in the round (or just `person_ids`) their link; returns how many were sent.

    Each message is recorded after the server accepts it, one transaction per person, so a
    failure part-way leaves an exact record of who was emailed.
    """
    with db.reading() as conn:
        round_row = rounds.get_round(conn, round_id)
        _, people = rounds.people_in_round(conn, round_row, status="unsigned")
    if person_ids is not None:
        people = [p for p in people if p.id in set(person_ids)]
    if not people:
        return 0
    sent = 0
    with _smtp() as smtp:
        for person in people:
            try:
                smtp.send_message(_message(person, round_row, sign_link(person), reminder))
            except smtplib.SMTPException as e:
                raise MailError(f"the SMTP server refused the message to {person.email}: {e} "
                                f"({sent} sent before this)") from None
            now = db.utcnow()
            column = "last_reminded_at" if reminder else "link_sent_at"
            with db.transaction() as conn:
                values = {column: now}
                if reminder and not person.link_sent_at:
                    values["link_sent_at"] = now
                conn.execute(update(db.people).where(db.people.c.id == person.id).values(**values))
                ledger.append(conn, "reminder sent" if reminder else "link sent", actor, round_id, person.id,
                              at=now, to=person.email)
            sent += 1
    return sent
