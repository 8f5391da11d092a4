"""Dates as the protocol files record them ("2018", "2018-05", "2016-01-19"), written for readers."""
from __future__ import annotations

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")


def human_date(value: str | None) -> str | None:
    """'2018-05' -> 'May 2018', '2016-01-19' -> '19 January 2016'; anything else as written."""
    if not value:
        return value
    parts = value.split("-")
    try:
        if len(parts) == 2:
            return f"{MONTHS[int(parts[1]) - 1]} {parts[0]}"
        if len(parts) == 3:
            return f"{int(parts[2])} {MONTHS[int(parts[1]) - 1]} {parts[0]}"
    except (ValueError, IndexError):
        pass
    return value
