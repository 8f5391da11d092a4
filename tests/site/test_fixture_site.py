"""The handbook built from a fixture library: the real protocols plus two more council files
(tests/fixtures/valid/testshire.yaml, a protocol with a superseded version, and
exampleshire.yaml, invented wording published as web pages: headed sections without numbers,
Roman lists, a short title; brynmor.yaml, invented wording whose names and labels hold
apostrophes, ampersands and non-ASCII letters). Adding a council
is adding a file: its pages, its redline and its comparison column appear with no code change."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest
from html.parser import HTMLParser

from tests.conftest import FIXTURES, ROOT, axe_violations


@pytest.fixture(scope="module")
def fixture_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("fixture-handbook")
    shutil.copytree(ROOT / "protocols", root / "protocols")
    shutil.copy(FIXTURES / "valid" / "testshire.yaml", root / "protocols" / "testshire.yaml")
    shutil.copy(FIXTURES / "valid" / "exampleshire.yaml", root / "protocols" / "exampleshire.yaml")
    shutil.copy(FIXTURES / "valid" / "brynmor.yaml", root / "protocols" / "brynmor.yaml")
    # A draft just written by `handbook import` (topics only suggested, answers not known) builds too.
    from handbook.cli import main as handbook
    assert handbook(["--root", str(root / "protocols"), "import", str(FIXTURES / "import" / "headed.txt"),
                     "--council", "draftshire", "--name", "Draftshire County Council (test fixture)"]) == 0
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file",
                             str(ROOT / "mkdocs.yml"), "--site-dir", str(root / "site")], cwd=ROOT,
                            capture_output=True, text=True,
                            env={**os.environ, "HANDBOOK_PROTOCOLS": str(root / "protocols"), "NO_MKDOCS_2_WARNING": "1"})
    assert result.returncode == 0, result.stderr
    return root / "site"


def test_a_new_council_file_gets_its_pages_redline_and_column(fixture_site):
    council = fixture_site / "councils" / "testshire"
    assert (council / "index.html").exists() and (council / "v1" / "index.html").exists()
    redline = (council / "changes" / "v1-to-v2" / "index.html").read_text()
    assert "<del" in redline and "<ins" in redline
    compare = (fixture_site / "compare" / "index.html").read_text()
    assert 'href="../councils/testshire/">Testshire DC</a></th>' in compare
    assert "Testshire District Council" in (fixture_site / "councils" / "index.html").read_text()


def test_a_protocol_of_unnumbered_headed_sections_builds_with_its_citations_and_roman_list(fixture_site):
    from html import escape

    from handbook.citation import citation
    from handbook.load import build_protocol
    from handbook.source import read_yaml

    html = (fixture_site / "councils" / "exampleshire" / "index.html").read_text()
    assert "Lobbying" in html and "promise an outcome before the committee decides." in html
    assert '<ol class="hb-list hb-list--roman hb-list--labelled">' in html
    assert '<span class="hb-list__label">(iii)</span>' in html
    protocol = build_protocol(read_yaml(FIXTURES / "valid" / "exampleshire.yaml").data)
    version = protocol.versions[-1]
    for clause in version.clauses():  # each unnumbered paragraph has its own citation on the page
        assert f'data-citation="{escape(citation(protocol, version, clause))}"' in html


def test_a_freshly_imported_draft_builds_and_says_its_topics_are_not_yet_reviewed(fixture_site):
    html = (fixture_site / "councils" / "draftshire" / "index.html").read_text()
    assert "Topics not yet reviewed" in html
    assert "promise an outcome before the committee decides." in html
    assert "Topics not yet reviewed" not in (fixture_site / "councils" / "exampleshire" / "index.html").read_text()


def test_superseded_version_page_is_marked_and_points_to_the_current_one(fixture_site):
    html = (fixture_site / "councils" / "testshire" / "v1" / "index.html").read_text()
    assert "Superseded version" in html and "This version is superseded" in html
    assert 'href="../">Version 2</a>' in html
    assert "Only the version in force (Version 2) can be signed" in html and "Sign this protocol</a>" not in html


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_superseded_version_page_is_axe_clean(browser, fixture_site, scheme):
    from tests.site.test_links import serve_directory

    with serve_directory(fixture_site) as url:
        context = browser.new_context(color_scheme=scheme)
        page = context.new_page()
        try:
            page.goto(url + "councils/testshire/v1/")
            assert page.locator(".hb-banner--superseded").is_visible()
            assert axe_violations(page) == []
        finally:
            context.close()


def test_fixture_site_has_no_broken_links(fixture_site):
    from tests.site.test_links import check_links

    check_links(fixture_site)


class VisibleText(HTMLParser):
    """The text a reader sees (script, style and hidden search metadata aside), entities decoded once."""

    SKIP = {"script", "style"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self._skipping += 1

    def handle_endtag(self, tag):
        if tag in self.SKIP and self._skipping:
            self._skipping -= 1

    def handle_data(self, data):
        if not self._skipping:
            self.parts.append(data)

    @classmethod
    def of(cls, html: str) -> str:
        parser = cls()
        parser.feed(html)
        return " ".join("".join(parser.parts).split())


BRYNMOR = {"name": "Brynmôr & St Anne's Town Council (test fixture)", "short": "Brynmôr & St Anne's TC",
           "label": "Spring '24 — Ymddygiad & Conduct", "section": "Councillors' & Officers' Rôles",
           "clause": "Who's who & why", "owner": "Town Clerk & RFO (Siân O'Neill)",
           "statement": "I've read the Brynmôr & St Anne's protocol and will follow it.",
           "words": "the Clerk's & the RFO's advice is theirs to give < or > as they see fit."}


@pytest.mark.parametrize("page, expected", [
    ("councils/brynmor/index.html", ["name", "label", "section", "clause", "owner", "statement", "words"]),
    ("councils/brynmor/v2024/index.html", ["name", "label", "section", "words"]),
    ("councils/index.html", ["name", "label"]),
    ("compare/index.html", ["short"]),
    ("topics/purpose-and-status/index.html", ["short"]),
])
def test_apostrophes_ampersands_and_accents_print_as_written(fixture_site, page, expected):
    """A council's names and labels with ', &, <, > and letters beyond ASCII reach every page as
    written: escaped once in the HTML, so neither "&amp;amp;" nor "&#39;" ever shows."""
    html = (fixture_site / page).read_text(encoding="utf-8")
    text = VisibleText.of(html)
    for key in expected:
        assert BRYNMOR[key] in text, (page, key)
    assert "&amp;" not in text and "&#39;" not in text and "&lt;" not in text
    assert "Anne&amp;#39;s" not in html and "&amp;amp;" not in html
