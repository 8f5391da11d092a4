"""Every kind of page of the built handbook, as a reader meets it on a phone, at a desk and zoomed:
no sideways scrolling, no clipped text, axe-clean, no request to another host; the home page's
"Find your council", a council page's opening, print, the footer.

The kinds of page are read from the built site (each page names its kind in a <meta>, see
handbook_site/plugin.py), so a page type added later is measured without changing this file.
"""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.conftest import axe_violations

pytestmark = pytest.mark.browser

# (width, height, device scale): phones, a laptop, and a 1280 x 720 window zoomed to 400%
# (WCAG 1.4.10 Reflow), which lays the page out in 320 x 180 CSS pixels.
VIEWPORTS = {
    "320px": (320, 640, 2),
    "390px": (390, 844, 3),
    "1366px": (1366, 768, 1),
    "400% zoom": (320, 180, 4),
}
KIND_META = re.compile(r'<meta name="handbook-page-kind" content="([^"]+)">')
STANDING_META = re.compile(r'<meta name="handbook-version-standing" content="([^"]+)">')
SEARCH_RESULTS = "search results"


def page_kind(html: str) -> str | None:
    kind = KIND_META.search(html)
    if kind is None:
        return None
    standing = STANDING_META.search(html)
    # A version page is an "earlier version" unless it is the one in force.
    if kind.group(1) == "version" and standing and standing.group(1) not in ("current", "in-force"):
        return "earlier version"
    return kind.group(1)


def built_pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if "pagefind" not in p.relative_to(site).parts)


def url_path(site: Path, page: Path) -> str:
    relative = page.relative_to(site).as_posix()
    return relative[: -len("index.html")] if relative.endswith("index.html") else relative


def pages_by_kind(site: Path) -> dict[str, list[Path]]:
    """Each kind of page -> its pages, largest first (the likeliest to overflow)."""
    kinds: dict[str, list[Path]] = {}
    for page in built_pages(site):
        kind = page_kind(page.read_text())
        if kind:
            kinds.setdefault(kind, []).append(page)
    return {k: sorted(v, key=lambda p: -p.stat().st_size) for k, v in sorted(kinds.items())}


@pytest.fixture(scope="module")
def page_kinds(built_site) -> dict[str, str]:
    """Each kind of page -> the URL path of its largest page."""
    return {kind: url_path(built_site, pages[0]) for kind, pages in pages_by_kind(built_site).items()}


@pytest.fixture(scope="module")
def smallest_of_kinds(built_site) -> dict[str, str]:
    """Each kind of page -> the URL path of its smallest page: the same structure, quicker to check
    with axe (a council's longest protocol takes axe many seconds at each width)."""
    return {kind: url_path(built_site, pages[-1]) for kind, pages in pages_by_kind(built_site).items()}


def test_every_page_says_what_kind_it_is_and_every_kind_the_issue_names_exists(built_site, page_kinds):
    unnamed = [url_path(built_site, p) for p in built_pages(built_site)
               if p.name != "404.html" and page_kind(p.read_text()) is None]
    assert unnamed == [], "pages without handbook_kind in their front matter: measured by no test"
    assert set(page_kinds) >= {"home", "protocol", "earlier version", "redline", "topic", "comparison",
                               "glossary", "about", "accessibility", "council-list"}


# --- Measuring a page in the browser -------------------------------------------------------------

# Text a reader cannot see all of: a text run reaching past the viewport's sides, or cut off by an
# ancestor that hides its overflow. Text inside a region that scrolls (a wide table's own box) is
# reachable and not counted; nor is text hidden on purpose (visually-hidden labels, closed details).
CLIPPED_TEXT = """() => {
  const width = document.documentElement.clientWidth;
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT,
    {acceptNode: n => n.textContent.trim() ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_REJECT});
  const range = document.createRange();
  while (walker.nextNode()) {
    const node = walker.currentNode, el = node.parentElement;
    if (!el.checkVisibility({visibilityProperty: true, opacityProperty: true, contentVisibilityAuto: true})) continue;
    range.selectNodeContents(node);
    const rects = [...range.getClientRects()].filter(r => r.width > 0.5 && r.height > 0.5);
    if (!rects.length) continue;
    let reachable = false, clipper = null, offCanvas = false;
    for (let a = el; a && a !== document.body; a = a.parentElement) {
      const s = getComputedStyle(a);
      if (s.clip === "rect(0px, 0px, 0px, 0px)" || s.clipPath === "inset(50%)") { reachable = true; break; }
      if (["auto", "scroll"].includes(s.overflowX)) { reachable = true; break; }
      if (s.position === "fixed" && s.transform !== "none") { offCanvas = true; break; }
      if (!clipper && ["hidden", "clip"].includes(s.overflowX) && a.scrollWidth > a.clientWidth + 1) clipper = a;
    }
    if (reachable || offCanvas) continue;
    const text = node.textContent.trim().slice(0, 40);
    for (const r of rects) {
      if (r.right > width + 1 || r.left < -1) { found.push(`${text} (x ${Math.round(r.left)}-${Math.round(r.right)} of ${width})`); break; }
      if (clipper) {
        const c = clipper.getBoundingClientRect();
        if (r.right > c.right + 1 || r.left < c.left - 1) { found.push(`${text} (cut off by ${clipper.className || clipper.tagName})`); break; }
      }
    }
  }
  return found.slice(0, 10);
}"""

SIDEWAYS = """() => ({page: document.documentElement.scrollWidth, view: document.documentElement.clientWidth})"""


def sideways_scroll(page) -> int:
    """How many CSS pixels the page scrolls sideways (0 when it reflows)."""
    sizes = page.evaluate(SIDEWAYS)
    return max(0, sizes["page"] - sizes["view"])


def open_at(browser, viewport: str, **options):
    width, height, scale = VIEWPORTS[viewport]
    mobile = width < 1000 and viewport != "400% zoom"
    return browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=scale,
                               is_mobile=mobile, has_touch=mobile, **options)


def show_search_results(page, site_url: str) -> None:
    page.goto(site_url)
    page.fill("#hb-search-input", "monitoring officer")
    page.wait_for_function("document.querySelectorAll('.hb-search__result').length > 0")


def open_kind(page, site_url: str, kinds: dict[str, str], kind: str) -> None:
    if kind == SEARCH_RESULTS:
        show_search_results(page, site_url)
    else:
        page.goto(site_url + kinds[kind])


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_every_kind_of_page_reflows_without_clipping_and_is_axe_clean(browser, site_url, page_kinds,
                                                                       smallest_of_kinds, viewport):
    """The largest page of each kind reflows with no text cut off; the smallest (the same kind of
    page, quicker for axe) is axe-clean; both at this width."""
    problems = []
    context = open_at(browser, viewport, bypass_csp=True)
    page = context.new_page()
    try:
        for kind in list(page_kinds) + [SEARCH_RESULTS]:
            open_kind(page, site_url, page_kinds, kind)
            where = f"{kind} ({page.url.removeprefix(site_url) or 'home'}) at {viewport}"
            if (extra := sideways_scroll(page)) > 0:
                problems.append(f"{where}: scrolls sideways by {extra}px")
            if clipped := page.evaluate(CLIPPED_TEXT):
                problems.append(f"{where}: text cut off: {clipped}")
            if kind != SEARCH_RESULTS and smallest_of_kinds[kind] != page_kinds[kind]:
                open_kind(page, site_url, smallest_of_kinds, kind)
                where = f"{kind} ({page.url.removeprefix(site_url) or 'home'}) at {viewport}"
            if violations := axe_violations(page):
                problems.append(f"{where}: axe: {violations}")
    finally:
        context.close()
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("viewport_name", ["320px", "400% zoom"])
def test_no_page_of_the_site_scrolls_sideways_on_the_narrowest_screens(browser, site_url, built_site, viewport_name):
    context = open_at(browser, viewport_name)
    page = context.new_page()
    wide = []
    try:
        for built in built_pages(built_site):
            page.goto(site_url + url_path(built_site, built))
            if (extra := sideways_scroll(page)) > 0:
                wide.append(f"{url_path(built_site, built) or 'home'}: {extra}px")
    finally:
        context.close()
    assert wide == []


def test_wide_tables_scroll_in_their_own_named_focusable_region(browser, site_url):
    context = open_at(browser, "320px")
    page = context.new_page()
    try:
        page.goto(site_url + "councils/sedgemoor/")
        page.locator("#document-details + details summary, .hb-details summary").first.click()
        region = page.locator(".hb-table-wrap:has(table.hb-history)")
        assert region.get_attribute("role") == "region" and region.get_attribute("aria-label") == "Review history"
        assert region.get_attribute("tabindex") == "0"
        widths = region.evaluate("r => [r.scrollWidth, r.clientWidth]")
        assert widths[0] > widths[1], "the review history is wider than a 320px screen: it scrolls in its box"
        region.focus()
        page.keyboard.press("ArrowRight")
        page.wait_for_function("r => r.scrollLeft > 0", arg=region.element_handle())
        assert sideways_scroll(page) == 0
    finally:
        context.close()


# --- No request leaves the site ------------------------------------------------------------------

def test_no_page_asks_another_host_for_anything(browser, site_url, page_kinds):
    own = urlparse(site_url).netloc
    elsewhere: list[str] = []
    context = browser.new_context()
    context.route("**/*", lambda route: (elsewhere.append(route.request.url), route.abort())
                  if urlparse(route.request.url).netloc != own else route.continue_())
    page = context.new_page()
    try:
        for kind in page_kinds:
            page.goto(site_url + page_kinds[kind], wait_until="networkidle")
        show_search_results(page, site_url)
        page.wait_for_load_state("networkidle")
    finally:
        context.close()
    assert elsewhere == []


def test_the_built_site_names_no_font_or_script_host(built_site):
    loads = re.compile(r'<(?:link|script|img|iframe|source)\b[^>]*\b(?:href|src)="(https?:)?//', re.I)
    for page in built_pages(built_site):
        assert not loads.search(page.read_text()), page
    for css in built_site.rglob("*.css"):
        assert not re.search(r"url\(\s*['\"]?(https?:)?//", css.read_text()), css
        assert not re.search(r"@import\s+(url\()?['\"]?(https?:)?//", css.read_text()), css


# --- Start here ----------------------------------------------------------------------------------

def test_find_your_council_narrows_the_list_as_you_type(browser, site_url, library):
    context = open_at(browser, "390px")
    page = context.new_page()
    try:
        page.goto(site_url)
        councils = page.locator("#hb-council-list > li")
        assert councils.count() == len(library.protocols)
        first = councils.first.locator("h3").inner_text()
        assert "Unnamed" not in first, "a council known only in part is not the first a new councillor sees"
        page.locator("#hb-council-filter").fill("sedge")
        assert page.locator("#hb-council-list > li:visible").count() == 1
        card = page.locator("#hb-council-list > li:visible")
        assert card.locator("h3").inner_text() == "Sedgemoor District Council"
        assert "In force: Version 2, May 2018. It presents itself as guidance." in card.inner_text()
        steps = card.locator("ol a")
        assert [steps.nth(i).inner_text() for i in range(steps.count())] == [
            "See what it covers", "Read the full text", "Acknowledge it"]
        page.wait_for_function("document.getElementById('hb-council-count').textContent === '1 council matches'")
        page.locator("#hb-council-filter").fill("nowhere at all")
        assert page.locator("#hb-council-list > li:visible").count() == 0
        assert page.locator(".hb-start__none").is_visible()
        page.locator("#hb-council-filter").fill("ribble")
        page.locator("#hb-council-list > li:visible ol a", has_text="Acknowledge it").click()
        page.wait_for_url("**/councils/south-ribble/#acknowledge")
        assert page.locator("#acknowledge").is_visible()
    finally:
        context.close()


def test_without_javascript_find_your_council_is_a_plain_list(browser, site_url, library):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(site_url)
        assert page.locator("#hb-council-filter").is_hidden()
        assert page.locator("#hb-council-list > li:visible").count() == len(library.protocols)
        assert page.locator("#hb-council-list a", has_text="Unnamed borough council").is_visible()
    finally:
        context.close()


def test_a_council_page_opens_with_what_it_is_and_its_contents(browser, site_url, library):
    context = open_at(browser, "390px")
    page = context.new_page()
    try:
        page.goto(site_url + "councils/south-ribble/")
        first_screen = page.evaluate("innerHeight")
        lede = page.locator(".hb-lede")
        assert lede.inner_text() == "In force: January 2018. It presents itself as binding."
        assert lede.bounding_box()["y"] < first_screen
        contents = page.locator("nav.hb-contents")
        assert contents.bounding_box()["y"] < 2 * first_screen
        assert contents.locator("a").first.inner_text() == "1 Introduction"
        # Document control is collapsed, past the text: no hash or "printed blank" on the way in.
        details = page.locator("details.hb-details")
        assert not details.evaluate("d => d.open")
        assert page.locator(".hb-hash").is_hidden()
        text_starts = page.locator("#s1").bounding_box()["y"]
        assert details.bounding_box()["y"] > text_starts
        contents.locator("a", has_text="How to acknowledge this protocol").click()
        page.wait_for_url("**#acknowledge")
        assert page.locator(".hb-acknowledge a.md-button", has_text="Sign this protocol").is_visible()
        assert "personal signing link" in page.locator(".hb-acknowledge").inner_text()
        page.locator(".hb-details summary").click()
        assert page.locator(".hb-hash").is_visible()
        assert "fingerprint of this version" in page.locator(".hb-details").inner_text()
    finally:
        context.close()


def test_no_floating_button_covers_a_clauses_copy_citation(browser, site_url):
    context = open_at(browser, "390px")
    page = context.new_page()
    try:
        page.goto(site_url + "councils/south-ribble/")
        # Scroll down a long way, then back up a little (when a "back to top" button would appear).
        page.mouse.wheel(0, 6000)
        page.wait_for_timeout(300)
        page.mouse.wheel(0, -400)
        page.wait_for_timeout(500)
        covered = page.evaluate("""() => {
          const floating = [...document.querySelectorAll('body *')].filter(el => {
            const s = getComputedStyle(el);
            return (s.position === 'fixed' || s.position === 'sticky') && el.checkVisibility()
                   && !el.closest('.md-header') && el.getBoundingClientRect().height > 0;
          }).map(el => el.getBoundingClientRect());
          return [...document.querySelectorAll('button.hb-cite')].filter(b => {
            const r = b.getBoundingClientRect();
            if (r.bottom < 0 || r.top > innerHeight) return false;
            return floating.some(f => r.left < f.right && r.right > f.left && r.top < f.bottom && r.bottom > f.top);
          }).map(b => b.textContent);
        }""")
        assert covered == []
        assert page.locator(".md-top").count() == 0 or page.locator(".md-top").is_hidden()
        assert page.locator(".hb-to-contents a").first.get_attribute("href") == "#contents"
    finally:
        context.close()


# --- Print ---------------------------------------------------------------------------------------

def printed_text(pdf: bytes) -> list[str]:
    """The text of each printed page, whitespace collapsed (pdfplumber: the importer's PDF reader)."""
    from io import BytesIO

    import pdfplumber

    with pdfplumber.open(BytesIO(pdf)) as document:
        return [" ".join((page.extract_text() or "").split()) for page in document.pages]


def test_a_printed_council_page_has_title_version_clauses_page_numbers_and_address(page, site_url, library):
    page.goto(site_url + "councils/sedgemoor/")
    page.emulate_media(media="print")
    for hidden in (".md-header", ".md-sidebar--primary", ".md-footer", ".hb-clause__tools", ".hb-search",
                   "nav.hb-contents", "h2#contents", ".hb-chips", ".hb-details", "h2#document-details",
                   ".hb-acknowledge, .hb-sign", ".hb-transcription", ".hb-to-contents"):
        locator = page.locator(hidden).first
        assert locator.count() == 0 or locator.is_hidden(), hidden
    pages = printed_text(page.pdf(format="A4"))
    first, everything = pages[0], "\n".join(pages)
    address = site_url + "councils/sedgemoor/"
    assert address in first
    assert "Sedgemoor District Council: PROTOCOL FOR MEMBER/OFFICER RELATIONS" in first
    assert "In force: Version 2, May 2018" in first
    assert "8.3" in everything and "roving commission" in everything
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in text
    for absent in ("Contents", "Copy citation", "Document details", "Back to contents", "Sign this protocol",
                   "Search the handbook", "Editorial note"):
        assert absent not in everything, absent
    assert len(pages) <= 12  # the whole protocol, not 35 pages of site furniture


# --- Footer and statement ------------------------------------------------------------------------

def test_footer_names_the_owner_and_links_the_accessibility_statement(page, site_url):
    page.goto(site_url + "councils/wbc/")
    footer = page.locator(".md-footer")
    assert "This handbook is run by the Council Protocol Handbook project." in footer.inner_text()
    footer.locator("a", has_text="Accessibility statement").click()
    page.wait_for_url("**/accessibility/")
    assert page.locator("h1").inner_text() == "Accessibility statement for the Council Protocol Handbook"
    for heading in ("Feedback and contact information", "Enforcement procedure", "Compliance status",
                    "Preparation of this accessibility statement"):
        assert page.locator("h2, h3", has_text=heading).count() == 1, heading
