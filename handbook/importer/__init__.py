"""`handbook import`: a council's protocol as published -> a draft protocol file that validates.

Readers (`readers.py`) turn text, PDF, Word and saved web pages into lines; one structure finder
(`structure.py`) finds the sections, clauses and blocks that are printed; this module writes them
in the protocol format with ids by the id rules, topics *suggested* (never confirmed), every
comparison answer "not-known", and ends with the same fidelity check the test suite runs. The
draft is data awaiting review: it says so, and `handbook validate` lists what is unreviewed.
"""
from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..fidelity import Fidelity, fidelity_of
from ..model import Library
from .readers import SourceError, SourceText, read_sources
from .structure import ClauseDraft, Found, SectionDraft, find_structure
from .topics import TopicSuggester

__all__ = ["Draft", "SourceError", "import_protocol", "DRAFT_NOTE"]

DRAFT_NOTE = ("Draft written by `handbook import` from the source: structure found by the importer, "
              "topics only suggested (topics_suggested), every comparison answer not-known, and notes "
              "beginning \"For review\" to be checked against the source. Review all of these, then "
              "remove this note.")
COUNCIL_TYPES = ("district", "borough", "town", "parish", "county", "unitary", "metropolitan",
                 "london-borough", "unknown")


@dataclass
class Draft:
    data: dict
    source: SourceText
    fidelity: Fidelity

    def yaml_text(self) -> str:
        return ("# yaml-language-server: $schema=../handbook/schema/protocol.schema.json\n"
                + yaml.safe_dump(self.data, sort_keys=False, allow_unicode=True, width=100_000))

    @property
    def review_notes(self) -> list[str]:
        """Every note marked for review, with the clause it sits on."""
        out = []
        for version in self.data["versions"]:
            for section in version["sections"]:
                for clause in section["clauses"]:
                    for note in clause.get("editorial_notes", ()):
                        if note.startswith("For review"):
                            out.append(f"{clause.get('id', section['id'])}: {note}")
            out += [n for n in version.get("editorial_notes", ()) if n.startswith("For review")]
        return out

    @property
    def clause_count(self) -> int:
        return sum(1 for v in self.data["versions"] for s in v["sections"] for c in s["clauses"] if "id" in c)


def import_protocol(sources: list[str | Path], council_id: str, library: Library, *, name: str | None = None,
                    council_type: str = "unknown", sources_root: Path | None = None) -> Draft:
    """Read `sources` (one document, or web pages in order) and build the draft; nothing is written."""
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", council_id):
        raise SourceError(f"council id {council_id!r} is not valid: use lowercase letters, digits and hyphens")
    if council_type not in COUNCIL_TYPES:
        raise SourceError(f"council type {council_type!r} is not known: use one of {', '.join(COUNCIL_TYPES)}")
    source = read_sources(sources)
    found = find_structure(source.lines, name, source.place)
    if not any(isinstance(c, ClauseDraft) for s in found.sections for c in s.items):
        raise SourceError(f"{source.path}: no sections or paragraphs of a protocol were found in the text")
    data = protocol_data(found, source, council_id, name, council_type, library, sources_root)
    return Draft(data, source, fidelity_of(source.text, data))


# --- The draft, in the protocol format -----------------------------------------------------------


def protocol_data(found: Found, source: SourceText, council_id: str, name: str | None, council_type: str,
                  library: Library, sources_root: Path | None) -> dict:
    suggester = TopicSuggester(library, council_id)
    omitted: list[dict] = []
    for o in source.omitted + found.omitted:
        if not any(o.text == seen["text"] for seen in omitted):
            omitted.append({"text": o.text, "reason": o.reason})
    data: dict = {
        "council": {"id": council_id, "name": name, "type": council_type},
        "title": found.title or (found.sections[0].title if found.sections else council_id),
    }
    if found.subtitle:
        data["subtitle"] = found.subtitle
    data["source"] = source_data(source, sources_root, omitted)
    data["editorial_notes"] = [DRAFT_NOTE] + found.notes
    version: dict = {"id": version_id(found), "label": version_label(found)}
    if found.date:
        version["date"] = found.date
    version["completeness"] = {"complete": True}
    control = {k: v for k, v in found.document_control.items()} or {}
    control.setdefault("status", "not-stated")
    if not found.document_control_after:
        version["document_control"] = control
    version["sections"] = [section_data(s, suggester) for s in found.sections]
    for page in data["source"].get("pages", []):  # which sections each web page holds
        first, last = page.pop("_lines")
        page["sections"] = [data_section["id"] for section, data_section in zip(found.sections, version["sections"], strict=False)
                            if first <= section.line <= last]
        if not page["sections"]:
            del page["sections"]
    if found.document_control_after:
        version["document_control"] = control
    if found.signature:
        signature = {k: v for k, v in found.signature.items() if v}
        if signature.get("statements") and signature.get("fields"):
            version["signature"] = signature
    version["answers"] = {q.id: "not-known" for q in library.questions}
    data["versions"] = [version]
    return data


def source_data(source: SourceText, sources_root: Path | None, omitted: list[dict]) -> dict:
    """Where the draft came from: a file relative to protocols/sources/, or the web pages read."""
    parts = source.parts or [source]
    out: dict = {"description": "Imported by `handbook import` from " + (
        "the saved web pages listed below." if len(parts) > 1 else f"{_kind(parts[0].path)}.")}
    if len(parts) == 1 and not parts[0].url:
        out["file"] = _relative(parts[0].path, sources_root)
    else:
        pages = []
        first = 1
        for part in parts:
            page: dict = {}
            if part.url:
                page["url"] = part.url
            if part.title:
                page["title"] = part.title
            page["retrieved"] = datetime.date.fromtimestamp(Path(part.path).stat().st_mtime).isoformat()
            page["file"] = _relative(part.path, sources_root)
            page["_lines"] = (first, first + len(part.lines))  # read_sources puts a blank line after each
            first += len(part.lines) + 1
            pages.append(page)
        out["pages"] = pages
    out["omitted"] = omitted
    return out


def _kind(path: str) -> str:
    return {".pdf": "a PDF", ".docx": "a Word document", ".html": "a saved web page",
            ".htm": "a saved web page"}.get(Path(path).suffix.lower(), "a text extraction of the published document")


def _relative(path: str, sources_root: Path | None) -> str:
    """The path under protocols/sources/ when the file is there; else its name (never a machine path)."""
    resolved = Path(path).resolve()
    if sources_root is not None:
        try:
            return resolved.relative_to(sources_root.resolve()).as_posix()
        except ValueError:
            pass
    return resolved.name


def version_id(found: Found) -> str:
    return found.date if found.date else "current"


def version_label(found: Found) -> str:
    if found.version_label:
        return found.version_label
    if found.date:
        year, *rest = found.date.split("-")
        return f"{datetime.date(2000, int(rest[0]), 1):%B} {year}" if rest else year
    return "Undated"


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40].strip("-") or "section"


def section_data(section: SectionDraft, suggester: TopicSuggester) -> dict:
    section_slug = slug(section.title)
    out: dict = {"id": f"s{section.number}" if section.number else f"s-{section_slug}",
                 "number": section.number, "title": section.title, "clauses": []}
    used: set[str] = set()
    previous_number: str | None = None
    letters = iter("")
    paragraph = 0
    for item in section.items:
        if isinstance(item, dict):
            out["clauses"].append(item)
            continue
        paragraph += 1
        if item.number is not None:
            clause_id = (f"c{item.number.replace('.', '-')}" if section.number
                         else f"c-{section_slug}-{slug(item.number)}")
            previous_number, letters = item.number, iter("abcdefghijklmnopqrstuvwxyz")
        elif section.number is None:
            clause_id = f"c-{section_slug}-p{paragraph}"
        elif previous_number is None:
            clause_id = f"c{section.number}-intro"
        else:
            clause_id = f"c{previous_number.replace('.', '-')}-{next(letters, 'z')}"
        base, n = clause_id, 2
        while clause_id in used:
            clause_id, n = f"{base}-{n}", n + 1
        used.add(clause_id)
        out["clauses"].append(clause_data(item, clause_id, suggester))
    return out


def _parts(blocks) -> list[str]:
    """The paragraphs and list items of a clause, each on its own."""
    out = []
    for block in blocks:
        if isinstance(block, str):
            out.append(block)
        elif "list" in block:
            for item in block["list"]["items"]:
                out.append(item["text"] if isinstance(item, dict) else item)
                out += _parts(item.get("content", ())) if isinstance(item, dict) else []
        elif "quote" in block or "note" in block:
            out.append(next(iter(block.values())))
    return out


def clause_data(clause: ClauseDraft, clause_id: str, suggester: TopicSuggester) -> dict:
    out: dict = {"id": clause_id, "number": clause.number}
    if not clause.number_printed:
        out["number_printed"] = False
    content = clause.content
    if clause.title and not content:  # a heading-like line with nothing under it is its text
        content = [clause.title]
    elif clause.title:
        out["title"] = clause.title
    text = " ".join(filter(None, [clause.title, clause.words()]))
    out["topics_suggested"] = list(suggester.suggest(text, _parts(content)))
    out["content"] = content
    if clause.notes:
        out["editorial_notes"] = clause.notes
    return out
