"""What people read on the service's pages: UK-style dates and times in the council's time zone,
and who asks them to sign and whom to contact (democratic services for councillors, HR for staff).

Times are stored in UTC (ISO 8601, "2026-12-01T14:05:09Z"); only their display is local.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from flask import current_app

MEMBER_ROLES = ("member", "co-opted member")  # councillors; everyone else is staff


def _zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["TIME_ZONE"])


def uk_date(value: str | date | None) -> str:
    """'2026-12-31' -> '31 December 2026' (a due date is a calendar date: no time zone)."""
    if not value:
        return ""
    day = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    return f"{day.day} {day:%B %Y}"


def local_time(value: str | datetime) -> datetime:
    """A stored UTC time in the council's time zone."""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(_zone())


def uk_datetime(value: str | datetime | None) -> str:
    """'2026-07-01T13:05:09Z' -> '1 July 2026, 2:05pm BST' (in SIGNOFF_TIME_ZONE)."""
    if not value:
        return ""
    moment = local_time(value)
    hour = moment.hour % 12 or 12
    return f"{moment.day} {moment:%B %Y}, {hour}:{moment:%M}{'am' if moment.hour < 12 else 'pm'} {moment:%Z}"


def uk_local_date(value: str | datetime | None) -> str:
    """The calendar date, in the council's time zone, of a stored UTC time."""
    return uk_date(local_time(value).date()) if value else ""


@dataclass(frozen=True)
class Contact:
    team: str  # "Democratic Services", "HR"
    email: str | None
    phone: str | None


def contact_for(role: str | None, fallback_email: str | None = None) -> Contact:
    """Who asks someone of this role to sign and whom they contact; the round's opener's email when
    the team's own is not configured."""
    kind = "MEMBERS" if role in MEMBER_ROLES else "OFFICERS"
    config = current_app.config
    email = config[f"CONTACT_{kind}_EMAIL"] or (fallback_email if fallback_email and "@" in fallback_email else None)
    return Contact(config[f"CONTACT_{kind}_TEAM"], email, config[f"CONTACT_{kind}_PHONE"])


def contacts() -> tuple[Contact, Contact]:
    """Both teams (councillors', staff's), for pages that do not know who is reading."""
    return contact_for(MEMBER_ROLES[0]), contact_for("officer")


def init_app(app) -> None:
    app.jinja_env.filters.update(uk_date=uk_date, uk_datetime=uk_datetime, uk_local_date=uk_local_date)
    app.jinja_env.globals.update(contact_for=contact_for, contacts=contacts)
