"""What a reader sees on every built page: the handbook's words, never its machinery.

Public pages never show a schema field path ("council.name", "versions[1].revision.report"), a
source file name ("003_952ff177d28c433d.txt", "file 001"), an internal id where a name belongs
(a version id such as "before-2017-review", a clause id such as "c8-3") or a machine path. The
check reads what a reader reads: the text of every page and the attributes that are shown or
spoken (title, aria-label, alt, placeholder, the citation a button copies).
"""
from __future__ import annotations

import json
import re
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.conftest import ROOT

SPOKEN_ATTRIBUTES = {"title", "aria-label", "alt", "placeholder", "data-citation"}
HIDDEN_ELEMENTS = {"script", "style", "template", "svg"}


class ReaderText(HTMLParser):
    """The text of a page and its shown or spoken attributes, one string per text run."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.runs: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in HIDDEN_ELEMENTS:
            self.hidden += 1
        self.runs += [v for k, v in attrs if k in SPOKEN_ATTRIBUTES and v]

    def handle_endtag(self, tag):
        if tag in HIDDEN_ELEMENTS and self.hidden:
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden and data.strip():
            self.runs.append(data)


def reader_text(html: str) -> str:
    parser = ReaderText()
    parser.feed(html)
    return unescape(" ".join(" ".join(parser.runs).split()))


def schema_field_names() -> set[str]:
    names: set[str] = set()

    def walk(node):
        if isinstance(node, dict):
            names.update(node.get("properties", {}))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for schema in (ROOT / "handbook" / "schema").glob("*.schema.json"):
        walk(json.loads(schema.read_text()))
    return names


def machinery_patterns(library) -> dict[str, re.Pattern]:
    fields = sorted(schema_field_names(), key=len, reverse=True)
    field = "(?:" + "|".join(map(re.escape, fields)) + r")(?:\[\d+\])?"
    snake_fields = [f for f in fields if "_" in f]
    source_files = sorted({Path(p.source_file).name for p in library.protocols})
    # Ids a reader would otherwise see instead of a name: hyphenated or numbered version and
    # council ids (a version id "current" is also an English word, so it is not looked for).
    ids = sorted({v.id for p in library.protocols for v in p.versions if re.search(r"[-\d]", v.id)}
                 | {p.id for p in library.protocols if "-" in p.id}, key=len, reverse=True)
    return {
        "schema field path": re.compile(rf"(?<![\w/.-]){field}(?:\.{field})+(?![\w-])|\b{field}\[\d+\]"),
        "schema field name": re.compile(r"\b(?:" + "|".join(map(re.escape, snake_fields)) + r")\b"),
        "source file name": re.compile("|".join(map(re.escape, source_files))
                                       + r"|\bfile \d{3}\b|\b[\w-]+\.(?:ya?ml|txt|json|py|md)\b|seeds? README"),
        "internal id": re.compile(r"(?<![\w/#-])(?:" + "|".join(map(re.escape, ids)) + r")(?![\w/-])"
                                  r"|(?<![\w/#-])[cr]\d+(?:-\d+)+(?![\w-])|\br<section>"),
        "machine path": re.compile(r"(?<![\w.])/(?:work|home|tmp|usr|root|var|opt)/|\b[A-Z]:\\"),
        "null value": re.compile(r"\bis (?:therefore )?null\b|\bstage: \w+"),
    }


def public_pages(site: Path) -> list[Path]:
    # pagefind/ holds the search index (fragments of these same pages); 404 is a page too.
    return sorted(p for p in site.rglob("*.html") if "pagefind" not in p.relative_to(site).parts)


@pytest.fixture(scope="module")
def patterns(library):
    return machinery_patterns(library)


def test_the_checker_finds_what_it_looks_for(patterns):
    samples = {
        "schema field path": "council.name is therefore null; see versions[1].revision.report",
        "schema field name": "recorded in fields_printed_blank",
        "source file name": "does not match file 001 (WBC); see 003_952ff177d28c433d.txt",
        "internal id": "transcribed as the clauses of version proposed-2017-10 (c-introduction-b)",
        "machine path": "identified by /home/officer/seeds/README.md",
        "null value": "the name is null",
    }
    for kind, sample in samples.items():
        assert patterns[kind].search(sample), kind
    plain = ("The Monitoring Officer's report of 17 October 2017 (paragraph 2.4) quotes the Introduction. "
             "South Ribble BC, Member and Officer Protocol (January 2018), para 8.4. Version 2, e.g. May 2018.")
    assert not any(p.search(plain) for p in patterns.values())


def test_no_public_page_shows_field_paths_file_names_ids_or_paths(built_site, patterns):
    found = []
    for page in public_pages(built_site):
        text = reader_text(page.read_text())
        for kind, pattern in patterns.items():
            for match in pattern.finditer(text):
                context = text[max(0, match.start() - 60): match.end() + 60]
                found.append(f"{page.relative_to(built_site)}: {kind} {match.group(0)!r} in ...{context}...")
    assert found == [], "\n".join(found)
