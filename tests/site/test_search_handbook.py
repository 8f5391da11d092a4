"""Search on the real handbook (the project's mkdocs.yml, built once by conftest's `built_site`):
clause-level results for the seed protocols, landing on the clause, earlier versions kept out by
default, and the whole page axe-clean with the results open."""
from __future__ import annotations

import gzip
import json
from urllib.parse import urlparse

import pytest

from handbook.diff import diff_versions
from handbook_site import urls
from tests.conftest import axe_violations



def search(page, query: str) -> list[str]:
    page.fill("#hb-search-input", query)
    page.wait_for_function(
        "q => /(found|Nothing found) for “/.test(document.getElementById('hb-search-status').textContent)"
        " && document.getElementById('hb-search-status').textContent.includes(q)", arg=query)
    return page.eval_on_selector_all(".hb-search__result", "links => links.map(a => a.href)")


def clause_links(hrefs: list[str]) -> set[tuple[str, str]]:
    return {(urlparse(h).path, urlparse(h).fragment) for h in hrefs}


@pytest.mark.browser
def test_roving_commission_lists_both_clauses_and_opens_one(page, site_url):
    page.goto(site_url)
    hrefs = search(page, "roving commission")
    assert {("/councils/sedgemoor/", "c8-3"), ("/councils/wbc/", "c6-3")} <= clause_links(hrefs)
    page.click(".hb-search__result[href$='/councils/wbc/#c6-3']")
    page.wait_for_url("**/councils/wbc/#c6-3")
    page.wait_for_function("document.getElementById('c6-3').getBoundingClientRect().top < innerHeight")
    top = page.evaluate("document.getElementById('c6-3').getBoundingClientRect().top")
    assert 0 <= top < page.viewport_size["height"]
    assert "6.3" in page.inner_text("[id='c6-3']")


@pytest.mark.browser
def test_clause_number_finds_the_clause(page, site_url):
    page.goto(site_url)
    assert ("/councils/sedgemoor/", "c8-3") in clause_links(search(page, "8.3"))


@pytest.mark.browser
def test_topic_name_finds_the_topic_page_and_its_clauses(page, site_url, library):
    sedgemoor = library.protocol("sedgemoor").in_force
    topic = library.topic(sedgemoor.clause("c8-3").topics[0])
    tagged = {c.id for c in sedgemoor.clauses() if topic.id in c.topics}
    page.goto(site_url)
    links = clause_links(search(page, topic.title))
    assert any(path == f"/topics/{topic.id}/" for path, _ in links)
    assert any(path == "/councils/sedgemoor/" and anchor in tagged for path, anchor in links)


@pytest.mark.browser
def test_result_text_is_the_clause_not_its_buttons(page, site_url):
    page.goto(site_url)
    search(page, "roving commission")
    text = page.inner_text(".hb-search__result[href$='/councils/sedgemoor/#c8-3']")
    assert "roving commission" in text
    assert "Copy citation" not in text and "Link to" not in text


def proposed_only_words(library) -> tuple[str, str]:
    """(version id, words) that only a proposed (not in force) version has."""
    for protocol in library.protocols:
        for old, new in zip(protocol.versions, protocol.versions[1:]):
            if new.stage != "proposed":
                continue
            for change in diff_versions(protocol, old, new).changed:
                for run in change.words:
                    if run.kind == "insert" and len(run.text.split()) >= 4:
                        return new.id, " ".join(run.text.split()[:4])
    pytest.skip("no proposed version in the library")


@pytest.mark.browser
def test_proposed_wording_only_when_asked_for(page, site_url, library):
    version_id, words = proposed_only_words(library)
    page.goto(site_url)
    assert not [h for h in search(page, words) if version_id in h]
    page.check("#hb-search-earlier")
    page.wait_for_selector(f".hb-search__result[href*='/{version_id}/']")
    assert "proposed version" in page.locator(f".hb-search__result[href*='/{version_id}/']").first.inner_text()


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_page_with_results_open_is_axe_clean(browser, site_url, scheme):
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    try:
        page.goto(site_url + "councils/south-ribble/")
        assert page.evaluate("document.body.dataset.mdColorScheme") == ("slate" if scheme == "dark" else "default")
        search(page, "roving commission")
        page.focus(".hb-search__result")  # the focused result's outline is checked too
        assert axe_violations(page) == []
    finally:
        context.close()


@pytest.mark.browser
def test_keyboard_only_search_lands_on_the_clause(page, site_url):
    page.goto(site_url + "topics/")
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "hb-search-input"
    page.keyboard.type("roving commission")
    page.wait_for_function("document.getElementById('hb-search-status').textContent.includes('found for “roving commission”')")
    count = page.locator(".hb-search__result").count()
    for _ in range(count):  # down the list to the first of the two clauses
        page.keyboard.press("ArrowDown")
        target = page.evaluate("document.activeElement.href")
        if urlparse(target).fragment in {"c8-3", "c6-3"}:
            break
    assert urlparse(target).fragment in {"c8-3", "c6-3"}
    page.keyboard.press("Enter")
    page.wait_for_url(target)
    fragment = urlparse(target).fragment
    page.wait_for_function(f"document.getElementById('{fragment}').getBoundingClientRect().top < innerHeight")


def indexed_pages(site) -> dict[str, dict]:
    """Pagefind's stored fragments (one per indexed page), by page URL."""
    pages = {}
    for path in (site / "pagefind" / "fragment").iterdir():
        raw = gzip.decompress(path.read_bytes()).decode("utf-8")
        fragment = json.loads(raw[raw.index("{"):])
        pages[fragment["url"]] = fragment
    return pages


def test_every_clause_in_force_is_a_search_target(built_site, library):
    pages = indexed_pages(built_site)
    for protocol in library.protocols:
        url = "/" + urls.url_of(urls.council_path(protocol))
        anchors = {a["id"] for a in pages[url]["anchors"]}
        missing = [c.id for c in protocol.default_version.clauses() if c.id not in anchors]
        assert not missing, f"{url}: clauses with no search anchor: {missing}"
        assert pages[url]["filters"]["version"] == ["current"]


def test_earlier_versions_are_indexed_as_earlier(built_site, library):
    pages = indexed_pages(built_site)
    for protocol in library.protocols:
        for version in protocol.versions:
            if version is protocol.default_version:
                continue
            url = "/" + urls.url_of(urls.version_path(protocol, version))
            assert pages[url]["filters"]["version"] == ["earlier"], url
