"""One text everywhere: the words the content hash covers (handbook/canonical.py) appear, in order, on
the handbook's page of every version of every protocol and in the text the sign-off service shows
signers (both rendered by handbook/render.py); and on the signing page of every version that can be
signed."""
from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest

from handbook import canonical_form, signable

from .conftest import STATEMENT, links, open_round

WORD = re.compile(r"\w+")


def canonical_words(protocol, version, title: bool = True) -> list[str]:
    """The canonical form's words in reading order (the JSON's keys are sorted, so walk it by meaning);
    without the protocol's title when `title` is false (a page prints it in its own heading)."""
    doc = json.loads(canonical_form(protocol, version))
    out: list[str] = []

    def text(value):
        if value:
            out.extend(WORD.findall(str(value).casefold()))

    def block(b):
        for key in ("p", "quote", "note"):
            if key in b:
                text(b[key])
        if "list" in b:
            for item in b["items"]:
                text(item["label"]), text(item["text"])
                for inner in item["content"]:
                    block(inner)
        if "table" in b:
            text(b["caption"])
            for column in b["table"]:
                text(column)
            for row in b["rows"]:
                for cell in row:
                    for line in cell:
                        text(line)

    if title:
        text(doc["title"])
    for section in doc["sections"]:
        text(section["number"]), text(section["title"])
        for item in section["clauses"]:
            if "heading" in item:
                text(item["heading"])
                continue
            text(item["number"]), text(item["title"])
            for b in item["content"]:
                block(b)
    if doc["signature"]:
        text(doc["signature"]["title"])
        for statement in doc["signature"]["statements"]:
            text(statement)
        for field in doc["signature"]["fields"]:
            text(field)
    return out


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self.skip = [], 0

    def handle_starttag(self, tag, attrs):
        self.skip += tag in ("script", "style")

    def handle_endtag(self, tag):
        self.skip -= tag in ("script", "style") and self.skip > 0

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def page_words(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    return WORD.findall(" ".join(parser.parts).casefold())  # each text node apart: "1.1" + "Link" is not "1link"


def missing_in_order(expected: list[str], page: list[str]) -> str | None:
    """None if `expected` is a subsequence of `page`; else the first word not found, with its context."""
    position = 0
    for index, word in enumerate(expected):
        try:
            position = page.index(word, position) + 1
        except ValueError:
            return f"{word!r} after {' '.join(expected[max(0, index - 8):index])!r}"
    return None


def every_version(library):
    return [(p.id, v.id) for p in library.protocols for v in p.versions]


@pytest.mark.parametrize("council, version_id", [
    ("sedgemoor", "v2"), ("south-ribble", "2018-01"), ("borough-mo-review-2017", "proposed-2017-10")])
def test_a_missing_word_is_noticed(library, council, version_id):
    protocol = library.protocol(council)
    words = canonical_words(protocol, protocol.version(version_id))
    assert missing_in_order(words, words) is None
    assert missing_in_order(words, words[:len(words) // 2] + words[len(words) // 2 + 1:]) is not None


def test_the_handbook_page_of_every_version_holds_its_words_in_order(built_site, library):
    problems = []
    for protocol in library.protocols:
        for version in protocol.versions:
            html = (built_site / "councils" / protocol.id / version.id / "index.html").read_text(encoding="utf-8")
            missing = missing_in_order(canonical_words(protocol, version), page_words(html))
            if missing:
                problems.append(f"{protocol.id}/{version.id}: {missing}")
    assert not problems, problems


def test_the_service_renders_every_version_with_its_words_in_order(app, library):
    from signoff_service.protocols import find_version, version_html
    problems = []
    with app.app_context():
        for council, version_id in every_version(library):
            protocol, version = find_version(council, version_id)
            text = page_words(str(version_html(protocol, version)))
            missing = missing_in_order(canonical_words(protocol, version, title=False), text)
            if missing:
                problems.append(f"{council}/{version_id}: {missing}")
    assert not problems, problems


def test_the_signing_page_of_every_signable_version_holds_its_words_in_order(client, runner, library, people_csv):
    signable_versions = [(p, v) for p in library.protocols for v in p.versions if signable(p, v) is None]
    assert len(signable_versions) == 4
    for protocol, version in signable_versions:
        statement = [] if version.signature else ["--statement", STATEMENT]
        round_id = open_round(runner, people_csv, protocol.id, "--version", version.id, *statement)
        page = client.get(links(runner, round_id)["jane@example.org"])
        assert page.status_code == 200
        missing = missing_in_order(canonical_words(protocol, version), page_words(page.text))
        assert missing is None, f"{protocol.id}/{version.id}: {missing}"


def test_the_receipt_holds_the_words_signed_in_order(client, runner, library, people_csv):
    """The receipt's statement says "the above protocol": the text signed is on it, word for word."""
    from .conftest import sign
    protocol = library.protocol("south-ribble")
    path = links(runner, open_round(runner, people_csv, "south-ribble"))["jane@example.org"]
    receipt = client.get(sign(client, path, "Jane Smith").headers["Location"]).text
    text = receipt.split("The protocol you signed", 1)[1].split("What you agreed to", 1)[0]
    assert missing_in_order(canonical_words(protocol, protocol.in_force, title=False), page_words(text)) is None
