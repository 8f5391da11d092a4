"""The structure finder: lines of a published protocol -> sections, clauses and blocks.

It finds what is printed and invents nothing: numbers and labels are kept as printed, and where
the source is defective (a number missing, jumping or repeated, text cut by a page break, a list
that restarts) the text is kept as it is and an editorial note marked "For review" says what was
seen, with the source line. Everything outside the protocol's text (cover lines, contents tables,
document-control labels) is either recorded where it belongs (title, document control, signature)
or listed as omitted with a reason, so the fidelity check can account for every word.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field

from .readers import Omission

REVIEW = "For review (import, {place}): "

# --- Lines ------------------------------------------------------------------------------------

_HEADING = re.compile(r"^(#{1,6})\s+")
_BULLET = re.compile(r"^([-•❖*✓▪◦➢►])\s+")
_CLAUSE = re.compile(r"^(\d{1,3}(?:\.\d{1,3})+)\.?(?:\s+|$)(.*)$")
_SECTION = re.compile(r"^(?:section\s+)?(\d{1,3})(?:\s*[.:\-–]\s*|\s+)(\S.*)$", re.I)
_LABEL = re.compile(r"^(\(?([a-z]|[ivxlc]{1,6}|\d{1,2})[.)])\s+(.*)$")
_NOTE = re.compile(r"^(NB|N\.B\.?|Note:)\s", re.I)
_ROMAN = re.compile(r"^[ivxlc]+$")
_TERMINAL = (".", ":", ";", "!", "?", ":-", ")", '"', "”")
_CONNECTIVE = re.compile(r"^(However|But|And|Or|So|Thus|Therefore|This|These|That|It|Such|In particular|"
                         r"Obviously|Furthermore|Also)\b")
_SIGNATURE_FIELD = re.compile(r"^(Signed|Signature|Full Name|Print Name|Name|Date|Position|Role)\s*:?\s*$", re.I)
_TITLE = re.compile(r"protocol|relations|code", re.I)
_SIGNATURE_TITLE = re.compile(r"signature|acknowledg|declaration", re.I)


@dataclass
class Line:
    number: int  # 1-based line of the source
    text: str  # markers removed
    indent: int = 0
    heading: int = 0  # markdown heading level, 0 when not a heading
    bullet: str | None = None  # the bullet glyph, when the line is a bullet
    italic: bool = False
    cells: list[str] | None = None  # a table row
    blank_before: bool = False


def clean(raw: str, number: int, blank_before: bool) -> Line | None:
    if not raw.strip():
        return None
    indent = len(raw) - len(raw.lstrip(" "))
    text = raw.replace("\u00a0", " ").strip()
    if "\t" in text.strip("\t ") or raw.rstrip(" ").endswith("\t"):
        cells = [_strip_markup(c).strip() for c in raw.split("\t")]
        while cells and not cells[-1]:
            cells.pop()
        return Line(number, " ".join(c for c in cells if c), indent, cells=cells, blank_before=blank_before)
    line = Line(number, text, indent, blank_before=blank_before)
    match = _HEADING.match(text)
    if match:
        line.heading, text = len(match.group(1)), text[match.end():]
    text = _strip_markup(text)
    while True:  # "- ❖ to recommend ...": a list marker and a printed glyph
        match = _BULLET.match(text)
        if not match:
            break
        line.bullet = match.group(1) if line.bullet in (None, "-") else line.bullet
        text = text[match.end():]
    if len(text) > 2 and text.startswith("*") and text.endswith("*"):
        line.italic, text = True, text.strip("*").strip()
    line.text = text.strip()
    return line if line.text else None


def _strip_markup(text: str) -> str:
    return re.sub(r"</?u>", "", text.replace("**", "")).replace("\u00a0", " ")


def lines_of(raw_lines: list[str]) -> list[Line]:
    out, blank = [], False
    for number, raw in enumerate(raw_lines, 1):
        line = clean(raw, number, blank)
        blank = line is None
        if line is not None:
            out.append(line)
    return out


# --- What is found ------------------------------------------------------------------------------


@dataclass
class ListState:
    style: str
    items: list  # of str | dict (an item with a label or nested content)
    indent: int
    last_label: str | None = None
    parent: dict | None = None  # a list introduced by a paragraph inside an item: that item


def _ends_sentence(text) -> bool:
    text = text["text"] if isinstance(text, dict) else text
    return text.rstrip().endswith(_TERMINAL)


@dataclass
class ClauseDraft:
    number: str | None
    line: int
    title: str | None = None
    content: list = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    number_printed: bool = True
    bullet_indent: int | None = None  # where the clause's own line had a bullet
    sibling: bool = False  # an unnumbered paragraph printed like a clause (same bullet level)
    lists: list[ListState] = field(default_factory=list)  # open lists, outermost first
    detachable: list[int] = field(default_factory=list)  # content indexes of trailing plain paragraphs

    def words(self) -> str:
        return " ".join(_block_text(b) for b in self.content)


@dataclass
class SectionDraft:
    number: str | None
    title: str
    line: int
    items: list = field(default_factory=list)  # ClauseDraft | {"heading": ...}


@dataclass
class Found:
    title: str | None = None
    subtitle: str | None = None
    sections: list[SectionDraft] = field(default_factory=list)
    document_control: dict = field(default_factory=dict)
    document_control_after: bool = False  # printed after the sections
    signature: dict | None = None
    omitted: list[Omission] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    date: str | None = None
    version_label: str | None = None


def _block_text(block) -> str:
    if isinstance(block, str):
        return block
    if "list" in block:
        return " ".join(_item_text(i) for i in block["list"]["items"])
    if "table" in block:
        return " ".join(" ".join(row) for row in block["table"]["rows"])
    return next(iter(block.values()))


def _item_text(item) -> str:
    text = item["text"] if isinstance(item, dict) else item
    inner = " ".join(_block_text(b) for b in item.get("content", ())) if isinstance(item, dict) else ""
    return f"{text} {inner}".strip()


# --- Dates and document control ------------------------------------------------------------------

_MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}


def parse_date(text: str) -> str | None:
    """'January 2018' -> 2018-01, '17 October 2017' -> 2017-10-17, '2018' -> 2018."""
    text = text.strip().rstrip(".")
    match = re.fullmatch(r"(?:(\d{1,2})(?:st|nd|rd|th)?\s+)?([A-Za-z]+)\s+(\d{4})", text)
    if match and match.group(2).lower() in _MONTHS:
        day, month, year = match.group(1), _MONTHS[match.group(2).lower()], match.group(3)
        return f"{year}-{month:02d}" + (f"-{int(day):02d}" if day else "")
    match = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
    if match:
        return f"{match.group(3)}-{int(match.group(2)):02d}-{int(match.group(1)):02d}"
    return text if re.fullmatch(r"\d{4}", text) else None


_CONTROL_FIELDS = (  # printed label (lower case, start) -> document_control field
    ("document title", "title"), ("title", "title"), ("publication date", "published"),
    ("date of publication", "published"), ("published", "published"), ("adopted", "adopted"),
    ("date adopted", "adopted"), ("approved", "adopted"), ("review date", "reviewed"),
    ("last reviewed", "reviewed"), ("next review", "next_review"), ("owner", "owner"),
    ("author", "author"), ("applies to", "applies_to"), ("related documents", "related_documents"),
    ("version", "version_label"), ("status", None),
)
_DATE_FIELDS = {"published", "adopted", "reviewed", "next_review"}


def control_field(label: str) -> str | None:
    label = label.strip().rstrip(":").lower()
    for printed, name in _CONTROL_FIELDS:
        if label == printed or label.startswith(printed + " ") or label.startswith(printed + "("):
            return name
    return None


# --- The finder --------------------------------------------------------------------------------


class StructureFinder:
    def __init__(self, raw_lines: list[str], council_name: str | None = None, place=None):
        self.place = place  # line number -> where a person finds it in the source ("page 3")
        self.pending: list[ClauseDraft] = []  # prose printed before the first section, under no heading
        self.lines = lines_of(raw_lines)
        self.council_name = council_name
        self.found = Found()
        self.section: SectionDraft | None = None
        self.clause: ClauseDraft | None = None
        self.numbered_sections = any(self._section_heading(line, expected=None) for line in self.lines)

    # -- helpers --

    def review(self, line: int, text: str) -> str:
        place = self.place(line) if self.place else f"source line {line}"
        return REVIEW.format(place=place) + text

    def omit(self, text: str, reason: str) -> None:
        if text.strip() and not any(o.text == text for o in self.found.omitted):
            self.found.omitted.append(Omission(text, reason))

    def _expected_section(self) -> int:
        numbers = [int(s.number) for s in self.found.sections if s.number and s.number.isdigit()]
        return numbers[-1] + 1 if numbers else 1

    def _section_heading(self, line: Line, expected: int | None) -> tuple[str, str] | None:
        if line.cells is not None or line.bullet or line.italic:
            return None
        match = _SECTION.match(line.text)
        if not match or _CLAUSE.match(line.text):
            return None
        number, title = match.group(1), match.group(2).strip()
        explicit = line.text.lower().startswith("section")
        if len(title.split()) > 16 or (title.endswith(".") and not line.heading and not explicit
                                       and not title.isupper()):
            return None
        if not (line.heading or explicit or title.isupper() or not title.endswith((".", ":", ";", ","))):
            return None
        if not title[:1].isupper() and not title[:1].isdigit():  # "2. act outside ...": a list item
            return None
        if expected is not None and int(number) != expected:
            return None
        return number, title

    # -- the walk --

    def run(self) -> Found:
        lines = self.lines
        i = 0
        front: list[Line] = []
        while i < len(lines):
            line = lines[i]
            if line.cells is not None:
                j = i
                while j < len(lines) and lines[j].cells is not None:
                    j += 1
                heading = front.pop() if (self.section is None and front and front[-1].cells is None
                                          and len(front[-1].text.split()) <= 4
                                          and parse_date(front[-1].text) is None) else None
                self.table(lines[i:j], heading)
                i = j
                continue
            fields = self._signature_lines(lines, i)
            if fields and self.section is not None:
                self.signature_fields([f.text for f in fields], line.number)
                i += len(fields)
                continue
            numbered = self._section_heading(line, self._expected_section())
            if numbered:
                self.end_clause()
                if self.section is None:
                    self.front_matter(front)
                self.start_section(numbered[0], numbered[1], line)
            elif self.section is None:
                if not self.numbered_sections and (line.heading or self._bare_heading(lines, i)) and front \
                        and self._title_known(front) and not (line.heading and _TITLE.search(line.text)
                                                              and not any(f.heading > 1 for f in front)):
                    self.front_matter(front)
                    self.start_section(None, line.text, line)
                else:
                    front.append(line)
            else:
                self.body_line(line, lines[i + 1] if i + 1 < len(lines) else None)
            i += 1
        if self.section is None:
            self.front_matter(front)
        self.end_clause()
        self.finish()
        return self.found

    def _signature_lines(self, lines: list[Line], i: int) -> list[Line]:
        """Two or more field lines in a row ("Signed:", "Date:"): a signature block to fill in."""
        run = []
        while i < len(lines) and lines[i].cells is None and not lines[i].bullet and \
                re.fullmatch(r"(Signed|Signature|Full Name|Print Name|Name|Date|Position)\s*:[\s_.]*", lines[i].text, re.I):
            run.append(lines[i])
            i += 1
        return run if len(run) >= 2 else []

    def _title_known(self, front: list[Line]) -> bool:
        return any(_TITLE.search(line.text) for line in front)

    def _bare_heading(self, lines: list[Line], i: int) -> bool:
        line = lines[i]
        return (len(line.text.split()) <= 8 and not line.text.endswith(_TERMINAL + (",",))
                and line.cells is None and not line.bullet and line.text[:1].isupper())

    # -- front matter --

    def front_matter(self, front: list[Line]) -> None:
        """Cover lines: the council's name, the title and subtitle, stray labels."""
        rest = []
        for line in front:
            text = line.text
            if line.text.lower().startswith("document title:"):
                value = text.split(":", 1)[1].strip()
                self.found.title = self.found.title or value
                self.found.document_control["title"] = value
                self.omit("Document Title:", "Document-control field label; its value is the title.")
                continue
            rest.append(line)
        after_title = False
        for index, line in enumerate(rest):
            text = line.text
            follows_title, after_title = after_title, False
            if len(text.split()) > 15:  # prose before the first section: text of the document
                self.preamble(line, rest[index - 1] if index else None)
            elif self.found.title is None and re.search(r"\bcouncil\b", text, re.I) and \
                    not re.search(r"protocol|relations|code", text, re.I):
                self.omit(text, "The council's name printed above the title; recorded as council.name.")
            elif self.found.title is None and _TITLE.search(text):
                self.found.title, after_title = text, True
            elif parse_date(text) and not re.fullmatch(r"\d{4}", text):
                self.found.date = self.found.date or parse_date(text)
                self.omit(text, f"Date printed on the cover; recorded in ISO form as the version's date "
                          f"({parse_date(text)}).")
            elif index + 1 < len(rest) and len(rest[index + 1].text.split()) > 15 and len(text.split()) <= 6:
                continue  # the heading of the prose after it (see preamble)
            elif follows_title and line.heading and control_field(text) is None and len(text.split()) <= 15:
                self.found.subtitle = text
            elif re.fullmatch(r"\d{4}", text):
                self.found.date = self.found.date or text
                self.omit(text, "Cover-page year; recorded as the version's date.")
            elif control_field(text) in _DATE_FIELDS:  # recorded as printed: no omission
                self.found.document_control.setdefault("fields_printed_blank", []).append(text)
            else:
                self.omit(text, "Cover or document-control heading with no protocol text of its own.")
        if self.found.title is None and self.found.document_control.get("title"):
            self.found.title = self.found.document_control["title"]

    def preamble(self, line: Line, before: Line | None) -> None:
        """Prose printed before the first section ("Executive Summary ..."): kept as an unnumbered
        section under the heading printed above it, or, with none, flagged for a person to place."""
        heading = before.text if before is not None and len(before.text.split()) <= 6 else None
        clause = ClauseDraft(None, line.number, content=[line.text])
        if heading is None:  # no title is invented: it waits at the head of the first section
            clause.notes.append(self.review(line.number, "text printed before the first section, under no "
                                            "heading: kept as an unnumbered paragraph at the start of the first "
                                            "section; move it where it belongs."))
            self.pending.append(clause)
            return
        if self.found.sections and self.found.sections[-1].title == heading:
            section = self.found.sections[-1]
        else:
            section = SectionDraft(None, heading, line.number)
            self.found.sections.append(section)
        section.items.append(clause)

    # -- tables --

    def table(self, rows: list[Line], heading: Line | None) -> None:
        cells = [r.cells or [] for r in rows]
        header = [c.lower() for c in cells[0]]
        first = rows[0].number
        if heading is not None and heading.text.lower() in ("contents", "table of contents") or \
                any(h.startswith("page") for h in header) and self.section is None:
            self.omit("\n".join(([heading.text] if heading else []) + ["\t".join(c) for c in cells]),
                      "Contents table: its entries repeat the section headings and its page numbers are "
                      "page furniture.")
            return
        if any(_SIGNATURE_FIELD.match(c[0]) for c in cells if c) and all(len([x for x in c[1:] if x.strip()]) == 0
                                                                   for c in cells):
            self.signature_fields([c[0] for c in cells], first)
            return
        if self.history_table(header, cells, heading):
            return
        if self.section is None or all(len([x for x in c if x]) <= 2 and control_field(c[0]) for c in cells if c):
            self.control_table(cells, heading)
            return
        block = {"table": {"columns": cells[0], "rows": [[c for c in row] + [""] * (len(cells[0]) - len(row))
                                                          for row in cells[1:]]}}
        if heading is not None:
            block["table"]["caption"] = heading.text
        self.ensure_clause(rows[0]).content.append(block)

    def control_table(self, cells: list[list[str]], heading: Line | None) -> None:
        control = self.found.document_control
        if heading is not None:
            self.omit(heading.text, "Heading of the document-control table; the table is recorded as "
                      "the version's document_control.")
        for row in cells:
            label, values = row[0], [c for c in row[1:] if c]
            name = control_field(label)
            value = " ".join(values)
            if name is None or not value:
                self.omit(label + (("\t" + value) if value else ""),
                          "Document-control row the format has no field for." if value else
                          "Document-control field printed with no value.")
                if name and not value:
                    control.setdefault("fields_printed_blank", []).append(label)
                continue
            self.omit(label, f"Document-control field label; its value is recorded as document_control.{name}.")
            if name in _DATE_FIELDS:
                iso = parse_date(value)
                if iso is None:
                    self.omit(value, f"Document-control value that is not a date; the field {name} is left out.")
                    continue
                control[name] = iso
                if name == "published":  # the printed date is the version's label: its words stay
                    self.found.date = iso
                    self.found.version_label = value
                else:
                    self.omit(value, f"Date in the document-control table; recorded in ISO form as {iso}.")
            elif name == "related_documents":
                control[name] = [v.strip() for v in value.split(",") if v.strip()]
            else:
                control[name] = value

    def history_table(self, header: list[str], cells: list[list[str]], heading: Line | None) -> bool:
        columns = {h: i for i, h in enumerate(header)}
        date_column = next((i for h, i in columns.items() if "date" in h), None)
        if date_column is None or not any("version" in h or "reason" in h or "change" in h for h in header):
            return False
        history = []
        if heading is not None:
            self.omit(heading.text, "Heading of the version history table; the table is recorded as "
                      "document_control.review_history.")
        for label in cells[0]:
            self.omit(label, "Version history column heading.")
        for row in cells[1:]:
            row = row + [""] * (len(header) - len(row))
            iso = parse_date(row[date_column])
            if iso is None:
                return False
            self.omit(row[date_column], f"Review date; recorded in ISO form as {iso}.")
            entry: dict = {"date": iso}
            for h, i in columns.items():
                if "version" in h and row[i]:
                    entry["version_label"] = row[i]
                elif ("reason" in h or "change" in h or "comment" in h) and row[i]:
                    entry["reason"] = row[i]
            history.append(entry)
        control = self.found.document_control
        control["review_history"] = history
        if history:
            control.setdefault("reviewed", history[-1]["date"])
            if "version_label" in history[-1]:
                control.setdefault("version_label", history[-1]["version_label"])
                self.found.version_label = self.found.version_label or f"Version {history[-1]['version_label']}"
            self.found.date = self.found.date or history[-1]["date"]
        self.found.document_control_after = self.section is not None
        return True

    def signature_fields(self, labels: list[str], line: int) -> None:
        fields = [label.strip().rstrip(":").strip() for label in labels]
        statements: list[str] = []
        title = None
        section = self.section
        if section is not None and _SIGNATURE_TITLE.search(section.title):
            title = section.title
            for item in list(section.items):
                if isinstance(item, ClauseDraft) and item.number is None:
                    statements += [b for b in item.content if isinstance(b, str)]
                    section.items.remove(item)
        elif self.clause is not None and self.clause.number is None:
            statements = [b for b in self.clause.content if isinstance(b, str)]
            if section is not None and self.clause in section.items:
                section.items.remove(self.clause)
        self.clause = None
        if not statements:
            self.found.notes.append(self.review(line, "signature fields are printed with no statement above "
                                                "them; the signature block records the fields only."))
            statements = []
        self.found.signature = {"title": title, "statements": statements, "fields": fields}

    # -- sections and clauses --

    def start_section(self, number: str | None, title: str, line: Line) -> None:
        self.section = SectionDraft(number, title, line.number)
        self.found.sections.append(self.section)
        self.section.items += self.pending
        self.pending = []
        self.clause = None
        if line.text.lower().startswith("section"):
            self.omit("Section", "The word \"Section\" before each section number is structural: the "
                      "number is recorded as the section number.")

    def end_clause(self) -> None:
        self.clause = None

    def ensure_clause(self, line: Line) -> ClauseDraft:
        if self.clause is None:
            self.clause = ClauseDraft(None, line.number)
            assert self.section is not None
            self.section.items.append(self.clause)
        return self.clause

    def body_line(self, line: Line, following: Line | None) -> None:
        section = self.section
        assert section is not None
        match = _CLAUSE.match(line.text) if not line.italic else None
        if match and (section.number is None or match.group(1).split(".")[0] == section.number):
            self.start_clause(match.group(1), match.group(2), line, following)
            return
        if match and section.number is not None:
            section.items.append(ClauseDraft(None, line.number, notes=[self.review(
                line.number, f"a paragraph numbered {match.group(1)} is printed in section {section.number}; "
                "kept here as printed, with its number in the text.")]))
            self.clause = section.items[-1]
            self.clause.content.append(line.text)
            return
        if line.heading and not self._is_numbered_paragraph(line):
            self.clause = None
            if section.number is None and not self.numbered_sections:
                self.start_section(None, line.text, line)
            else:
                section.items.append({"heading": line.text})
            return
        if self._is_continuation(line):
            self.continue_text(line)
            return
        if section.number is None and self._is_numbered_paragraph(line):
            number, text = line.text.split(None, 1) if " " in line.text else (line.text, "")
            self.clause = ClauseDraft(number.rstrip(".)"), line.number)
            section.items.append(self.clause)
            self.clause.content.append(text)
            return
        if line.bullet or _LABEL.match(line.text):
            self.list_item(line)
            return
        if _NOTE.match(line.text):
            self.ensure_clause(line).content.append({"note": line.text})
            self._close_lists()
            return
        if line.italic:
            self.ensure_clause(line).content.append({"quote": line.text})
            self._close_lists()
            return
        if self._is_subheading(line, following):
            self.clause = None
            section.items.append({"heading": line.text})
            return
        self.paragraph(line)

    def _is_numbered_paragraph(self, line: Line) -> bool:
        match = re.match(r"^(\d{1,3})[.)]?\s", line.text)
        if not match or self.section is None or self.section.number is not None:
            return False
        numbers = [c.number for c in self.section.items if isinstance(c, ClauseDraft) and c.number]
        return int(match.group(1)) == (int(numbers[-1]) + 1 if numbers and numbers[-1].isdigit() else 1)

    def _is_subheading(self, line: Line, following: Line | None) -> bool:
        return (following is not None and bool(_CLAUSE.match(following.text)) and len(line.text.split()) <= 8
                and not line.text.endswith(_TERMINAL) and line.text[:1].isupper())

    def _is_continuation(self, line: Line) -> bool:
        """Text cut by a page break: lower-case start after a paragraph that ends mid-sentence."""
        clause = self.clause
        if clause is None or not clause.content or not line.text[:1].islower() or line.cells is not None \
                or _LABEL.match(line.text):
            return False
        last = clause.content[-1]
        if clause.lists:  # a list item cut by the break: the rest is printed without a bullet
            items = clause.lists[-1].items
            text = (items[-1]["text"] if isinstance(items[-1], dict) else items[-1]) if items else ""
            return not line.bullet and bool(text) and not text.rstrip().endswith(_TERMINAL)
        return isinstance(last, str) and not last.rstrip().endswith(_TERMINAL)

    def continue_text(self, line: Line) -> None:
        clause = self.clause
        assert clause is not None
        if clause.lists:
            items = clause.lists[-1].items
            if isinstance(items[-1], dict):
                items[-1]["text"] = f"{items[-1]['text']} {line.text}"
            else:
                items[-1] = f"{items[-1]} {line.text}"
        else:
            clause.content[-1] = f"{clause.content[-1]} {line.text}"
        clause.notes.append(self.review(line.number, "the text runs on across a page break here; it is "
                                        "joined into one paragraph. Check nothing is lost at the break."))

    def start_clause(self, number: str, text: str, line: Line, following: Line | None = None) -> None:
        section = self.section
        assert section is not None
        clause = ClauseDraft(number, line.number, bullet_indent=line.indent if line.bullet else None)
        previous = [c for c in section.items if isinstance(c, ClauseDraft) and c.number]
        if previous:
            self._check_sequence(previous[-1], clause, section)
        runs_on = following is not None and following.text[:1].islower() and following.cells is None
        if text and (line.heading or (self._looks_like_title(text) and not runs_on)):
            clause.title = text
        elif text:
            clause.content.append(text)
        self.clause = clause
        section.items.append(clause)

    def _looks_like_title(self, text: str) -> bool:
        return len(text.split()) <= 12 and not text.endswith(_TERMINAL + (",",)) and text[:1].isupper()

    def _check_sequence(self, before: ClauseDraft, clause: ClauseDraft, section: SectionDraft) -> None:
        try:
            last = [int(p) for p in (before.number or "").split(".")]
            this = [int(p) for p in (clause.number or "").split(".")]
        except ValueError:
            return
        if this == last:
            clause.notes.append(self.review(clause.line, f"the number {clause.number} is printed twice in a row; "
                                            "both are kept as printed."))
        elif len(this) == len(last) and this[:-1] == last[:-1] and this[-1] > last[-1] + 1:
            between = [c for c in section.items[section.items.index(before) + 1:] if isinstance(c, ClauseDraft)]
            if not between:
                clause.notes.append(self.review(clause.line, f"the numbering jumps from {before.number} to "
                                                f"{clause.number}; nothing is printed between them."))

    def paragraph(self, line: Line) -> None:
        clause = self.clause
        section = self.section
        if section is not None and section.number is None and clause is not None and clause.number is None \
                and not any(isinstance(c, ClauseDraft) and c.number for c in section.items):
            # A headed section of unnumbered paragraphs: each paragraph is one (cited as paragraph N).
            self.clause = clause = None
        if clause is None:
            clause = self.ensure_clause(line)
            clause.content.append(line.text)
            return
        open_list = clause.lists[-1] if clause.lists else None
        if open_list is not None and open_list.style == "bullet" and open_list.items and open_list.parent is None \
                and line.text.endswith((":", ":-")):
            # A lead-in printed between bullets ("This is particularly important ... on them:"): it
            # and the list it introduces belong to the item before it.
            item = open_list.items[-1] = self._as_object(open_list.items[-1])
            item.setdefault("content", []).append(line.text)
            clause.lists.append(ListState("bullet", [], open_list.indent, parent=item))
            return
        self._close_lists()
        clause.content.append(line.text)
        if clause.number is not None and clause.title is None:
            clause.detachable.append(len(clause.content) - 1)

    # -- lists --

    def list_item(self, line: Line) -> None:
        clause = self.clause
        label, text, style = self._label(line)
        if clause is not None and clause.number is not None and clause.bullet_indent is not None \
                and line.bullet and label is None and line.indent <= clause.bullet_indent \
                and (not clause.lists or clause.lists[0].style != "bullet") \
                and not (clause.content and _block_text(clause.content[-1]).rstrip().endswith((":", ":-"))):
            # Printed at the level of the numbered paragraphs, not inside one: an unnumbered paragraph.
            self.clause = ClauseDraft(None, line.number, sibling=True, bullet_indent=line.indent)
            assert self.section is not None
            self.section.items.append(self.clause)
            self.clause.content.append(text)
            return
        clause = self.ensure_clause(line)
        while clause.lists and line.indent < clause.lists[-1].indent and len(clause.lists) > 1 \
                and clause.lists[-1].parent is None:
            clause.lists.pop()
        current = clause.lists[-1] if clause.lists else None
        if current is not None and current.parent is not None and current.items and len(clause.lists) > 1 \
                and _ends_sentence(text) != _ends_sentence(current.items[0]) \
                and _ends_sentence(text) == _ends_sentence(current.parent):
            clause.lists.pop()  # printed like the outer list's items, not like the inner list's
            current = clause.lists[-1]
        if current is not None and current.parent is not None and not current.items:
            current.parent["content"].append({"list": {"style": style, "items": current.items}})
            current.style = style
        if current is not None and line.indent > current.indent and current.items \
                and not (label and current.last_label and self._follows(current.last_label, label)):
            nested = ListState(style, [], line.indent)
            current.items[-1] = self._as_object(current.items[-1])
            current.items[-1].setdefault("content", []).append({"list": {"style": style, "items": nested.items}})
            clause.lists.append(nested)
            current = nested
        elif current is None or (current.style != style and not (style in ("roman", "lettered") and
                                                                  current.style in ("roman", "lettered"))):
            current = ListState(style, [], line.indent)
            clause.content.append({"list": {"style": style, "items": current.items}})
            clause.lists = [current]
        else:
            style = current.style
            if label and current.last_label and self._restarts(current.last_label, label, style):
                clause.notes.append(self.review(line.number, f"the list restarts at {label} after "
                                                f"{current.last_label}; kept as printed."))
        if label is None:
            current.items.append(text)
        else:
            current.items.append({"label": label, "text": text})
            current.last_label = label
        if style in ("roman", "lettered") and label is not None:
            current.style = self._letter_style(current)

    def _close_lists(self) -> None:
        if self.clause is not None:
            self.clause.lists = []

    @staticmethod
    def _as_object(item):
        return item if isinstance(item, dict) else {"text": item}

    def _label(self, line: Line) -> tuple[str | None, str, str]:
        match = _LABEL.match(line.text)
        if line.bullet and (match is None or line.bullet != "-"):
            return None, line.text, "tick" if line.bullet == "✓" else "bullet"
        assert match  # "- a) text": the extraction's list marker before a printed label
        label, core, text = match.group(1), match.group(2), match.group(3)
        if core.isdigit():
            return label, text, "numbered"
        current = self.clause.lists[-1] if self.clause and self.clause.lists else None
        if _ROMAN.match(core) and not (len(core) == 1 and current is not None and current.style == "lettered"
                                       and current.last_label and self._next_letter(current.last_label) == core):
            if core not in ("i", "v", "x", "l", "c") or current is None or current.style == "roman" or core == "i":
                return label, text, "roman"
        return label, text, "lettered"

    @staticmethod
    def _core(label: str) -> str:
        return label.strip("().")

    def _next_letter(self, label: str) -> str:
        core = self._core(label)
        return chr(ord(core[-1]) + 1) if len(core) == 1 else ""

    def _letter_style(self, state: ListState) -> str:
        cores = [self._core(i["label"]) for i in state.items if isinstance(i, dict) and i.get("label")]
        if len(cores) >= 2 and all(_ROMAN.match(c) for c in cores) and cores[1] == "ii":
            return "roman"
        return "roman" if cores == ["i"] and state.style == "roman" else "lettered" if any(
            not _ROMAN.match(c) or (len(cores) > 1 and cores[1] == "b") for c in cores) else state.style

    def _follows(self, last: str, label: str) -> bool:
        """(b) after (a), 3. after 2., (iv) after (iii): the same list, however indented."""
        before, core = self._core(last), self._core(label)
        if before.isdigit() and core.isdigit():
            return int(core) == int(before) + 1
        romans = ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii"]
        if before in romans and core in romans and romans.index(core) == romans.index(before) + 1:
            return True
        return len(before) == 1 and len(core) == 1 and ord(core) == ord(before) + 1

    def _restarts(self, last: str, label: str, style: str) -> bool:
        first = {"lettered": "a", "roman": "i", "numbered": "1"}.get(style)
        return self._core(label) == first and self._core(last) != first

    # -- after the walk --

    def finish(self) -> None:
        for section in self.found.sections:
            self._split_trailing_paragraphs(section)
            self._implied_numbers(section)
            self._unnumbered_notes(section)

    def _split_trailing_paragraphs(self, section: SectionDraft) -> None:
        """A paragraph printed alone after a numbered paragraph, at the end of its section, or
        wholly in brackets, stands on its own (as printed: with no number)."""
        items = section.items
        for clause in list(items):
            if not isinstance(clause, ClauseDraft) or not clause.detachable:
                continue
            position = items.index(clause)
            last_in_section = position == len(items) - 1
            split_at = None
            for content_index in clause.detachable:
                text = clause.content[content_index]
                if not isinstance(text, str):
                    continue
                bracketed = text.startswith("(") and text.rstrip(".").endswith(")")
                alone_at_end = (last_in_section and content_index == len(clause.content) - 1
                                and len(clause.content) == 2 and isinstance(clause.content[0], str)
                                and not _CONNECTIVE.match(text))
                if bracketed or alone_at_end:
                    split_at = content_index
                    break
            if split_at is None:
                continue
            rest = clause.content[split_at:]
            clause.content = clause.content[:split_at]
            detached = ClauseDraft(None, clause.line, content=rest)
            items.insert(position + 1, detached)

    def _implied_numbers(self, section: SectionDraft) -> None:
        """An unnumbered paragraph printed at the level of the numbered ones, where the numbering
        skips exactly one (6.2, -, 6.4), or after the last: the source omits its number."""
        clauses = [c for c in section.items if isinstance(c, ClauseDraft)]
        for index, clause in enumerate(clauses):
            if clause.number is not None or not clause.sibling:
                continue
            before = next((c for c in reversed(clauses[:index]) if c.number), None)
            after = next((c for c in clauses[index + 1:] if c.number or c.sibling), None)
            if before is None or before.number is None:
                continue
            parts = before.number.split(".")
            if not parts[-1].isdigit():
                continue
            implied = ".".join(parts[:-1] + [str(int(parts[-1]) + 1)])
            if after is None or after.number == ".".join(parts[:-1] + [str(int(parts[-1]) + 2)]):
                clause.number, clause.number_printed = implied, False
                clause.notes.append(self.review(clause.line, f"printed without its number, between "
                                                f"{before.number} and {after.number if after else 'the next section'}; "
                                                f"given {implied} (shown in brackets). Check the source."))

    def _unnumbered_notes(self, section: SectionDraft) -> None:
        clauses = [c for c in section.items if isinstance(c, ClauseDraft)]
        if not any(c.number for c in clauses):
            return
        for index, clause in enumerate(clauses):
            if clause.number is None and index > 0:
                clause.notes.append(self.review(clause.line, "an unnumbered paragraph between numbered ones: "
                                                "kept as its own paragraph with no number. If it belongs to the "
                                                "paragraph before, move its text there."))


def find_structure(raw_lines: list[str], council_name: str | None = None, place=None) -> Found:
    return StructureFinder(raw_lines, council_name, place).run()
