"""Protocol pages (handbook_site/pages.py, render.py, urls.py) as plain functions of the library."""
from __future__ import annotations

import re
from datetime import date
from html import escape
from html.parser import HTMLParser

import pytest
import yaml

from handbook import content_hash, signable
from handbook.citation import citation
from handbook.model import DocumentControl, Standing
from handbook_site import urls
from handbook_site.pages import council_list_markdown, protocol_markdown, review_badge
from handbook_site.render import Inline, md_text

TODAY = date(2026, 11, 23)
SIGNOFF = "https://sign.example.org"


def meta(markdown: str) -> dict:
    """The page's front matter, as mkdocs reads it into page.meta."""
    assert markdown.startswith("---\n")
    return yaml.safe_load(markdown.split("---\n")[1])


def page_for(library, council_id, version_id=None):
    protocol = library.protocol(council_id)
    version = protocol.version(version_id) if version_id else protocol.default_version
    path = urls.version_path(protocol, version) if version_id else urls.council_path(protocol)
    return protocol_markdown(library, protocol, version, path, SIGNOFF, TODAY)


class Headings(HTMLParser):
    """Collects (tag, id, text) of every h1-h6 in raw HTML."""

    def __init__(self):
        super().__init__()
        self.found, self._open = [], None

    def handle_starttag(self, tag, attrs):
        if re.fullmatch(r"h[1-6]", tag):
            self._open = [tag, dict(attrs).get("id"), ""]

    def handle_data(self, data):
        if self._open:
            self._open[2] += data

    def handle_endtag(self, tag):
        if self._open and tag == self._open[0]:
            self.found.append(tuple(self._open))
            self._open = None


def clause_headings(markdown: str) -> list[tuple[str, str, str]]:
    parser = Headings()
    parser.feed(markdown)
    return [h for h in parser.found if h[0] == "h3" and h[1]]


def test_every_clause_is_a_heading_anchored_by_its_id_in_document_order(library):
    for protocol in library.protocols:
        for version in protocol.versions:
            markdown = page_for(library, protocol.id, version.id)
            headings = clause_headings(markdown)
            assert [h[1] for h in headings] == [c.id for c in version.clauses()]
            for (_, _, text), clause in zip(headings, version.clauses(), strict=True):
                assert text.startswith(clause.display_number or "Unnumbered paragraph")


def test_sedgemoor_8_3_heading_shows_its_number(library):
    markdown = page_for(library, "sedgemoor")
    assert ("h3", "c8-3", "8.3") in clause_headings(markdown)


def test_clause_text_is_verbatim_and_escaped(library):
    protocol = library.protocol("sedgemoor")
    clause = protocol.in_force.clause("c3-2")
    markdown = page_for(library, "sedgemoor")
    # "at variance of the views of Officers" is as published and must not be tidied.
    assert "at variance of the views of Officers" in markdown
    assert clause.content[0].text.split(".")[0] in markdown


def test_page_meta_tells_search_what_the_page_is(library):
    assert meta(page_for(library, "sedgemoor")) == {
        "handbook_kind": "protocol", "handbook_version_status": "in-force",
        "handbook_council": "sedgemoor", "handbook_version": "v2"}
    assert meta(page_for(library, "borough-mo-review-2017", "proposed-2017-10"))["handbook_version_status"] == "proposed"
    point_in_time = meta(page_for(library, "sedgemoor", "v2"))
    assert point_in_time["handbook_kind"] == "version" and point_in_time["handbook_version_status"] == "in-force"
    assert point_in_time["handbook_duplicate_of"] == "councils/sedgemoor/"
    # An id that looks like a date stays a string.
    assert meta(page_for(library, "south-ribble", "2018-01"))["handbook_version"] == "2018-01"


def test_proposed_revision_is_not_presented_as_in_force(library):
    protocol = library.protocol("borough-mo-review-2017")
    assert protocol.latest.stage == "proposed"
    assert protocol.in_force.id == protocol.default_version.id == "before-2017-review"
    assert protocol.standing(protocol.latest) == Standing.PROPOSED
    council_page = page_for(library, "borough-mo-review-2017")
    assert "A revision of this protocol has been proposed" in council_page
    proposed = page_for(library, "borough-mo-review-2017", "proposed-2017-10")
    assert "Proposed version" in proposed and "Sign this protocol" not in proposed
    assert '<a href="../changes/before-2017-review-to-proposed-2017-10/">What would change, and why</a>' in proposed


def test_superseded_version_banner_links_to_the_current_page(library, tmp_path):
    from handbook import load_library
    import shutil
    from tests.conftest import FIXTURES, ROOT

    shutil.copy(ROOT / "protocols" / "topics.yaml", tmp_path)
    shutil.copy(FIXTURES / "valid" / "testshire.yaml", tmp_path / "testshire.yaml")
    fixture = load_library(tmp_path)
    markdown = page_for(fixture, "testshire", "v1")
    assert meta(markdown)["handbook_version_status"] == "superseded"
    assert 'This version is superseded' in markdown and 'href="../">Version 2</a>' in markdown


def test_document_control_shows_hash_badge_owner_and_history(library):
    protocol = library.protocol("south-ribble")
    markdown = page_for(library, "south-ribble")
    assert content_hash(protocol, protocol.in_force) in markdown
    assert "Heather McManus, Chief Executive" in markdown
    assert "Review date not set" in markdown
    assert "Review Date" in markdown  # printed blank in the source, and said so
    sedgemoor = page_for(library, "sedgemoor")
    assert "Last reviewed May 2018" in sedgemoor
    assert "Annual review by Standards Committee as part of work programme." in sedgemoor


@pytest.mark.parametrize("control, state, text", [
    (DocumentControl(), "unset", "Review date not set"),
    (DocumentControl(reviewed="2018-05"), "reviewed", "Last reviewed May 2018"),
    (DocumentControl(reviewed="2018-05", next_review="2019-05"), "overdue", "Review overdue since May 2019"),
    (DocumentControl(next_review="2027-01-31"), "due", "Next review due 31 January 2027"),
])
def test_review_badge(control, state, text):
    assert review_badge(control, TODAY) == (state, text)


def test_south_ribble_22_3_is_a_real_table(library):
    markdown = page_for(library, "south-ribble")
    clause = markdown[markdown.index('id="c22-3"'):]
    clause = clause[: clause.index('<div class="hb-clause" data-clause=', 10)] if '<div class="hb-clause" data-clause=' in clause[10:] else clause
    assert "<table" in clause and '<th scope="col">Members and Officers</th>' in clause
    assert "<td>" in clause and "Show a real interest in employees" in clause


def test_lists_quotes_printed_notes_and_subheadings(library):
    pages = "".join(page_for(library, p.id, v.id) for p in library.protocols for v in p.versions)
    assert 'class="hb-list hb-list--lettered hb-list--labelled"' in pages
    assert '<ul class="hb-list hb-list--bullet' in pages
    assert '<blockquote class="hb-quote">' in pages
    assert 'class="hb-printed-note" role="note"' in pages
    assert 'class="hb-subheading"' in pages


def test_editorial_notes_are_admonitions_not_protocol_text(library):
    markdown = page_for(library, "sedgemoor")
    note = library.protocol("sedgemoor").in_force.clause("c3-2").editorial_notes[0]
    assert '<div class="admonition note hb-editorial"><p class="admonition-title">Editorial note</p>' in markdown
    assert md_text(note) not in markdown and note.replace('"', "&quot;") in markdown


def test_copy_link_and_citation_per_clause(library):
    protocol = library.protocol("south-ribble")
    clause = next(c for c in protocol.in_force.clauses() if c.number == "8.4")
    markdown = page_for(library, "south-ribble")
    cite = citation(protocol, protocol.in_force, clause)
    assert cite == "South Ribble BC, Member and Officer Protocol (January 2018), para 8.4"
    assert f'<a class="hb-clause__link" href="#{clause.id}" title="{cite}">' in markdown
    assert f'data-citation="{cite}"' in markdown


def test_topic_chips_link_to_topic_pages(library):
    markdown = page_for(library, "sedgemoor")
    topic = library.topic(library.protocol("sedgemoor").in_force.clause("c8-3").topics[0])
    assert f'<a class="hb-chip" href="../../topics/{topic.id}/">{escape(topic.title)}</a>' in markdown


def test_sign_link_goes_to_the_service_for_this_version(library):
    markdown = page_for(library, "south-ribble")
    assert f'href="{SIGNOFF}/protocols/south-ribble/2018-01/">Sign this protocol</a>' in markdown
    # The source's own "Section 25: Signature" holds the block: no second Signature heading.
    assert markdown.count("Signature {#") == 1 and "## 25 Signature {#s25}" in markdown
    signature = markdown[markdown.index("## 25 Signature {#s25}"):]
    assert '<div class="hb-signature" id="signature">' in signature
    assert "I acknowledge that I have read the above protocol" in signature
    assert "<dt>Full Name</dt>" in signature


def test_first_use_of_a_role_links_to_the_glossary_once_per_clause(library):
    inline = Inline(library.glossary, "../../glossary/")
    text = "the Monitoring Officer and the Monitoring Officer again"
    html = inline(text)
    assert html.count('<a class="hb-term" href="../../glossary/#monitoring-officer">Monitoring Officer</a>') == 1
    assert html.endswith("and the Monitoring Officer again")
    assert Inline()("a < b & c") == "a &lt; b &amp; c"


def test_markdown_headings_escape_protocol_punctuation():
    assert md_text("1. *Not* emphasis_") == r"1\. \*Not\* emphasis\_"


def test_council_list_names_every_council_with_its_version_in_force(library):
    markdown = council_list_markdown(library)
    for protocol in library.protocols:
        assert f'href="{protocol.id}/"' in markdown
        assert escape(protocol.default_version.label) in markdown  # escaped once, as any HTML text


def test_a_protocol_without_a_signature_block_can_still_be_signed(library):
    markdown = page_for(library, "sedgemoor")
    assert library.protocol("sedgemoor").in_force.signature is None
    assert f'href="{SIGNOFF}/protocols/sedgemoor/v2/">Sign this protocol</a>' in markdown



def test_only_a_signable_version_offers_signing_and_others_say_why(library):
    borough = library.protocol("borough-mo-review-2017")
    proposed = page_for(library, "borough-mo-review-2017", "proposed-2017-10")
    assert "Sign this protocol</a>" not in proposed
    assert (f'<p class="hb-sign-note">{escape(signable(borough, borough.latest))} '
            '<a href="../">Read the version in force</a>.</p>') in proposed
    assert "is a proposed version (17 October 2017)" in proposed
    # The version in force is known only in part, so its page does not offer signing either.
    in_force = page_for(library, "borough-mo-review-2017")
    assert "Sign this protocol</a>" not in in_force
    assert "Only part of the text of Before the October 2017 review is known to the handbook" in in_force
