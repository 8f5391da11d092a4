"""CSV in (people lists, every problem with its row and column) and CSV out (formula-safe)."""
from __future__ import annotations

import csv
import gc
import io
import re
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterable, Iterator, NamedTuple

from .errors import SignoffError

ROLES = ("member", "co-opted member", "officer")
REQUIRED_COLUMNS = ("name", "email", "role")
OPTIONAL_COLUMNS = ("department", "ward")
EMAIL = re.compile(r"^[^@\s<>\"',;]+@[^@\s<>\"',;]+\.[^@\s<>\"',;]+$")
MAX_FIELD = 200
# Unicode's control characters (category Cc) other than the whitespace that cleaning turns into spaces.
CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
# A spreadsheet treats a cell starting with one of these as a formula (OWASP "CSV injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class PersonRow(NamedTuple):
    """A person from a people list, checked and cleaned. A named tuple: a county's import builds
    100,000 of them, and a frozen dataclass costs twice as much to build."""
    name: str
    email: str
    role: str
    department: str | None = None
    ward: str | None = None


@dataclass(frozen=True)
class RowError:
    row: int  # 1 is the header line, so data starts at row 2 (as a spreadsheet numbers them)
    column: str | None
    message: str

    def __str__(self) -> str:
        where = f"row {self.row}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.message}"


class InvalidPeople(SignoffError):
    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__("\n".join(map(str, errors)))


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector held off while a bulk import builds hundreds of thousands
    of short-lived objects that form no cycles (cells, rows, dicts): left on, its repeated passes
    over them were about a quarter of a 100,000-row import (bench/signoff_scale.py). Reference
    counting still frees everything; the collector resumes, if it was on, when the block ends."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def email_key(email: str) -> str:
    return email.strip().casefold()


def check_person(row: int, name: str, email: str, role: str, extra: dict[str, str],
                 may_hold_control: bool = True) -> tuple[PersonRow | None, list[RowError]]:
    """One person's fields, cleaned, or the problems with them (`may_hold_control` False: the
    caller has found no control character anywhere in them)."""
    errors = []
    name, email, role = " ".join(name.split()), email.strip(), " ".join(role.split()).lower()
    if not name:
        errors.append(RowError(row, "name", "is empty"))
    if not EMAIL.match(email):
        errors.append(RowError(row, "email", f"{email!r} is not an email address"))
    if role not in ROLES:
        errors.append(RowError(row, "role", f"{role!r} is not one of: {', '.join(ROLES)}"))
    for column, value in [("name", name), ("email", email), ("role", role), *extra.items()]:
        if len(value) > MAX_FIELD:
            errors.append(RowError(row, column, f"is longer than {MAX_FIELD} characters"))
        if may_hold_control and CONTROL_CHARACTER.search(value):
            errors.append(RowError(row, column, "contains a control character (such as NUL), which is not text"))
    if errors:
        return None, errors
    cleaned = {k: (" ".join(v.split()) or None) for k, v in extra.items()}
    return PersonRow(name, email, role, **cleaned), []


def parse_people(data: str | bytes) -> list[PersonRow]:
    """Rows of a people CSV (header name,email,role[,department,ward]); raises InvalidPeople with all problems."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            raise InvalidPeople([RowError(1, None, f"the file is not UTF-8 text (byte {e.start})")]) from None
    may_hold_control = CONTROL_CHARACTER.search(data) is not None  # one scan of the file, not one per cell
    reader = csv.reader(io.StringIO(data.lstrip("\ufeff")))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise InvalidPeople([RowError(1, None, "the file is empty; expected the header name,email,role")]) from None
    except csv.Error as e:
        raise InvalidPeople([RowError(1, None, f"not readable as CSV: {e}")]) from None
    errors = _check_header(header)
    if errors:
        raise InvalidPeople(errors)
    people: list[PersonRow] = []
    seen: dict[str, int] = {}
    width, at = len(header), {column: i for i, column in enumerate(header)}
    name_at, email_at, role_at = at["name"], at["email"], at["role"]
    extra_at = [(column, at[column]) for column in OPTIONAL_COLUMNS if column in at]
    with collector_paused():
        try:
            for row_number, cells in enumerate(reader, start=2):
                if len(cells) != width:
                    if any(c.strip() for c in cells):  # blank lines are skipped
                        errors.append(RowError(row_number, None, f"has {len(cells)} cells; the header has {width}"))
                    continue
                person, problems = check_person(row_number, cells[name_at], cells[email_at], cells[role_at],
                                                {column: cells[i] for column, i in extra_at}, may_hold_control)
                if person is None:
                    if any(c.strip() for c in cells):  # a row of empty cells is a blank line too
                        errors += problems
                    continue
                key = email_key(person.email)
                if key in seen:
                    errors.append(RowError(row_number, "email", f"{person.email} is already on row {seen[key]}"))
                    continue
                seen[key] = row_number
                people.append(person)
        except csv.Error as e:
            errors.append(RowError(reader.line_num, None, f"not readable as CSV: {e}"))
    if not people and not errors:
        errors.append(RowError(2, None, "no people listed below the header"))
    if errors:
        raise InvalidPeople(errors)
    return people


def _check_header(header: list[str]) -> list[RowError]:
    errors = []
    for column in REQUIRED_COLUMNS:
        if column not in header:
            errors.append(RowError(1, column, "is missing from the header (expected name,email,role[,department,ward])"))
    for column in header:
        if column not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS:
            errors.append(RowError(1, column or "(blank)", "is not a known column (known: name, email, role, department, ward)"))
    duplicates = {c for c in header if header.count(c) > 1}
    for column in sorted(duplicates):
        errors.append(RowError(1, column, "appears more than once in the header"))
    return errors


def safe_cell(value) -> str:
    """A cell a spreadsheet shows as text: formula-like values get a leading apostrophe."""
    if value is None:
        return ""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_rows(rows: Iterable[Iterable], formula_safe: bool = True) -> str:
    """CSV lines for `rows`, each cell spreadsheet-safe (see safe_cell) unless it is a header."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in rows:
        writer.writerow([safe_cell(v) for v in row] if formula_safe else row)
    return out.getvalue()
