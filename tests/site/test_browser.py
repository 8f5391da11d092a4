"""The built handbook in headless Chromium: anchors, redlines, comparisons, accessibility (axe-core
WCAG 2.2 A/AA in light and dark), keyboard use, copying a citation, phones, offline reading."""
from __future__ import annotations

import pytest

from handbook.citation import citation
from tests.conftest import axe_violations

pytestmark = pytest.mark.browser

PAGE_TYPES = {
    "home": "",
    "council list": "councils/",
    "protocol": "councils/south-ribble/",
    "old version": "councils/borough-mo-review-2017/proposed-2017-10/",
    "redline": "councils/borough-mo-review-2017/changes/before-2017-review-to-proposed-2017-10/",
    "topic": "topics/political-groups/",
    "comparison": "compare/",
    "glossary": "glossary/",
    "about": "about/",
    "accessibility statement": "accessibility/",
}


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("kind", PAGE_TYPES)
def test_every_page_type_is_axe_clean(browser, site_url, kind, scheme):
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    try:
        page.goto(site_url + PAGE_TYPES[kind])
        expected = "slate" if scheme == "dark" else "default"
        assert page.evaluate("document.body.dataset.mdColorScheme") == expected
        assert axe_violations(page) == []
    finally:
        context.close()


def in_viewport(page, element_id: str) -> bool:
    return page.evaluate(f"""(() => {{ const r = document.getElementById({element_id!r}).getBoundingClientRect();
                                       return r.top >= 0 && r.top < innerHeight; }})()""")


def test_a_clause_anchor_url_opens_at_the_clause(page, site_url):
    page.goto(site_url + "councils/sedgemoor/#c8-3")
    heading = page.locator("[id='c8-3']")
    assert heading.is_visible() and heading.inner_text().strip() == "8.3"
    page.wait_for_function("document.getElementById('c8-3').getBoundingClientRect().top < innerHeight")
    assert in_viewport(page, "c8-3")
    # The clause's own text is right below its heading.
    clause = page.locator(".hb-clause[data-clause='c8-3']")
    assert "roving commission" in clause.inner_text()


def test_redline_shows_insertions_and_deletions(page, site_url):
    page.goto(site_url + PAGE_TYPES["redline"])
    insertions, deletions = page.locator("ins.hb-ins"), page.locator("del.hb-del")
    assert insertions.count() > 1 and deletions.count() > 1
    assert insertions.nth(1).is_visible() and deletions.nth(1).is_visible()
    styles = page.evaluate("""[getComputedStyle(document.querySelector('.hb-change ins')).textDecorationLine,
                               getComputedStyle(document.querySelector('.hb-change del')).textDecorationLine]""")
    assert styles == ["underline", "line-through"]  # not colour alone
    assert "[inserted: " in page.locator(".hb-change ins").first.text_content()


def test_comparison_table_links_to_clauses_and_says_not_addressed(page, site_url, library):
    page.goto(site_url + "compare/")
    matrix = page.locator("table.hb-matrix")
    assert matrix.is_visible()
    assert page.locator("table.hb-matrix .hb-silent").first.is_visible()
    assert page.locator("ul.hb-question-tables a").count() == sum(1 for t in library.topics if t.questions)
    page.locator("table.hb-matrix a[href$='councils/sedgemoor/#c8-3']").click()
    page.wait_for_url("**/councils/sedgemoor/#c8-3")
    page.wait_for_function("document.getElementById('c8-3').getBoundingClientRect().top < innerHeight")
    assert in_viewport(page, "c8-3")


def focus_ring(page) -> str:
    return page.evaluate("""(() => { const s = getComputedStyle(document.activeElement);
                                     return s.outlineStyle + ' ' + s.outlineWidth; })()""")


def test_keyboard_reaches_skip_link_then_clause_actions_with_visible_focus(page, site_url):
    page.goto(site_url + "councils/sedgemoor/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('md-skip')")
    assert page.locator(".md-skip").is_visible()
    for _ in range(200):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('hb-clause__link')"):
            break
    else:
        pytest.fail("Tab never reached a clause's copy-link")
    assert focus_ring(page).startswith("solid") and focus_ring(page) != "solid 0px"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('hb-cite')")
    assert focus_ring(page).startswith("solid") and focus_ring(page) != "solid 0px"


def test_copy_citation_puts_the_citation_on_the_clipboard(browser, site_url, library):
    context = browser.new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site_url.rstrip("/"))
    page = context.new_page()
    try:
        page.goto(site_url + "councils/south-ribble/")
        protocol = library.protocol("south-ribble")
        clause = next(c for c in protocol.in_force.clauses() if c.number == "8.4")
        page.locator(f".hb-clause[data-clause='{clause.id}'] button.hb-cite").click()
        expected = "South Ribble BC, Member and Officer Protocol (January 2018), para 8.4"
        assert citation(protocol, protocol.in_force, clause) == expected
        page.wait_for_function("document.getElementById('hb-copy-status')?.textContent.includes('copied')")
        assert page.evaluate("navigator.clipboard.readText()") == expected
        assert expected in page.locator("#hb-copy-status").inner_text()
    finally:
        context.close()


def test_clicking_a_clause_link_goes_to_it_and_copies_its_address(browser, site_url):
    context = browser.new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site_url.rstrip("/"))
    page = context.new_page()
    try:
        page.goto(site_url + "councils/sedgemoor/")
        page.locator(".hb-clause[data-clause='c8-3'] a.hb-clause__link").click()
        page.wait_for_url("**/councils/sedgemoor/#c8-3")
        page.wait_for_function("document.getElementById('hb-copy-status')?.textContent.includes('Link copied')")
        assert page.evaluate("navigator.clipboard.readText()") == site_url + "councils/sedgemoor/#c8-3"
    finally:
        context.close()


def test_without_clipboard_access_the_citation_is_shown(browser, site_url):
    context = browser.new_context()
    page = context.new_page()
    page.add_init_script("Object.defineProperty(navigator, 'clipboard', {value: undefined})")
    try:
        page.goto(site_url + "councils/sedgemoor/")
        page.locator(".hb-clause[data-clause='c8-3'] button.hb-cite").click()
        status = page.locator("#hb-copy-status")
        status.wait_for()
        assert status.inner_text() == "Citation: Sedgemoor DC, PROTOCOL FOR MEMBER/OFFICER RELATIONS (Version 2), para 8.3"
    finally:
        context.close()


def test_pages_work_without_javascript(browser, site_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(site_url + "councils/sedgemoor/")
        link = page.locator(".hb-clause[data-clause='c8-3'] a.hb-clause__link")
        assert link.get_attribute("href") == "#c8-3" and link.is_visible()
        assert page.locator(".hb-clause[data-clause='c8-3'] button.hb-cite").is_hidden()
        link.click()
        assert page.url.endswith("/councils/sedgemoor/#c8-3")
    finally:
        context.close()


@pytest.mark.parametrize("path", ["", "councils/south-ribble/", "compare/", PAGE_TYPES["redline"]])
def test_works_on_a_phone(browser, site_url, path):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        page.goto(site_url + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        assert page.locator("h1").first.is_visible()
        if path == "councils/south-ribble/":
            table = page.locator(".hb-clause[data-clause='c22-3'] table")
            table.scroll_into_view_if_needed()
            assert table.is_visible()
    finally:
        context.close()


def test_print_shows_clauses_with_numbers_and_no_navigation(page, site_url):
    page.goto(site_url + "councils/sedgemoor/")
    page.emulate_media(media="print")
    for chrome in (".md-header", ".md-sidebar--primary", ".md-footer", ".hb-clause__tools", ".hb-search"):
        locator = page.locator(chrome).first
        assert locator.count() == 0 or locator.is_hidden(), chrome
    assert page.locator("[id='c8-3']").is_visible()
    assert page.locator("[id='c8-3'] .hb-clause__number").inner_text() == "8.3"
    pdf = page.pdf()
    assert pdf.startswith(b"%PDF")


def test_a_protocol_read_once_opens_offline(browser, site_url):
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(site_url)
        page.wait_for_function("navigator.serviceWorker && navigator.serviceWorker.controller !== null", timeout=15000)
        page.goto(site_url + "topics/")  # visited online: stored as it is read
        context.set_offline(True)
        page.goto(site_url + "topics/")
        assert page.locator("h1").inner_text() == "Topics"
        # Never opened, but precached when the handbook first loaded: every council's protocol.
        page.goto(site_url + "councils/wbc/#c6-3")
        assert page.locator("[id='c6-3']").is_visible()
        assert page.locator("link[rel='stylesheet']").count() > 0
        page.goto(site_url + "glossary/")  # never visited, not a protocol
        assert "You are offline" in page.content()
    finally:
        context.set_offline(False)
        context.close()


def search_results(page, query: str) -> list[str]:
    page.fill("#hb-search-input", query)
    page.wait_for_function("q => document.getElementById('hb-search-status').textContent.includes(`found for “${q}”`)",
                           arg=query)
    return page.eval_on_selector_all(".hb-search__result", "links => links.map(a => a.href)")


def test_a_search_made_once_works_offline_earlier_versions_too(browser, site_url):
    """The search engine, both bundles (the current pages' and, once asked for, the earlier
    versions') and the index files a search fetched are stored as they are used."""
    context = browser.new_context()
    page = context.new_page()
    query = "proposed protocol"
    earlier = ".hb-search__result[href*='proposed-2017-10']"

    def search_earlier() -> list[str]:
        search_results(page, query)
        page.check("#hb-search-earlier")
        page.wait_for_selector(earlier)
        return page.eval_on_selector_all(".hb-search__result", "links => links.map(a => a.href)")

    try:
        page.goto(site_url)
        page.wait_for_function("navigator.serviceWorker && navigator.serviceWorker.controller !== null", timeout=15000)
        page.reload()  # a page opened with the worker in charge: its scripts are stored too
        online = search_earlier()
        context.set_offline(True)
        page.reload()
        assert search_earlier() == online
    finally:
        context.set_offline(False)
        context.close()


def test_light_dark_toggle_switches_the_scheme(page, site_url):
    page.goto(site_url + "councils/sedgemoor/")
    before = page.evaluate("document.body.dataset.mdColorScheme")
    page.locator("form[data-md-component='palette'] label:visible").first.click()
    after = page.evaluate("document.body.dataset.mdColorScheme")
    assert {before, after} == {"default", "slate"}
