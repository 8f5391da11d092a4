"""The comparison pages in headless Chromium: two councils side by side, a council's review, the
question tables; by keyboard, without JavaScript, on a 320 px phone and at 400% zoom, axe-clean."""
from __future__ import annotations

import pytest

from handbook.compare import compared_version
from tests.conftest import axe_violations

pytestmark = pytest.mark.browser

SIDE_BY_SIDE = "compare/side-by-side/"
REVIEW = "councils/sedgemoor/review/"
QUESTIONS = "compare/political-groups/"

# Every word of the comparison text on one line: a word split across lines (a "Familiarit-y")
# has more than one box. A printed hyphen ("e-mails") may end a line, so the parts between
# hyphens are the words checked. Returns the first few broken words.
BROKEN_WORDS = """(selector) => {
  const broken = [];
  for (const root of document.querySelectorAll(selector)) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.parentElement.offsetParent) continue;  // not displayed (a folded quote)
      for (const match of node.textContent.matchAll(/[^\\s\\u2010-\\u2015-]+/g)) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const lines = new Set(Array.from(range.getClientRects(), r => Math.round(r.top)));
        if (lines.size > 1) broken.push(match[0]);
      }
    }
  }
  return broken.slice(0, 5);
}"""


def show_pair(page, site_url, a="sedgemoor", b="south-ribble"):
    page.goto(site_url + SIDE_BY_SIDE)
    page.select_option("#hb-pair-a", a)
    page.select_option("#hb-pair-b", b)
    page.click("form.hb-pair button[type=submit]")
    page.wait_for_selector("#hb-pair-result:not([hidden])")


def test_side_by_side_shows_both_answers_and_both_clauses(page, site_url, library):
    show_pair(page, site_url)
    assert page.locator("#hb-pair-title").inner_text() == "Sedgemoor DC (Version 2) and South Ribble BC (January 2018)"
    question = page.locator('[data-question="political-groups.who-decides"]')
    a, b = question.locator('[data-side="a"]'), question.locator('[data-side="b"]')
    sedgemoor = compared_version(library.protocol("sedgemoor")).answer("political-groups.who-decides")
    south_ribble = compared_version(library.protocol("south-ribble")).answer("political-groups.who-decides")
    assert "Sedgemoor DC" in a.inner_text() and sedgemoor.text in a.inner_text()
    assert "South Ribble BC" in b.inner_text() and south_ribble.text in b.inner_text()
    assert a.locator(".hb-value").inner_text() == "No" and b.locator(".hb-value").inner_text() == "Yes"
    # Both cited clauses are quoted, and each quote links to its clause.
    assert "Only the Chief Executive, Corporate Directors" in a.locator("blockquote").inner_text()
    assert "after consultation with the relevant Director" in b.locator("blockquote").nth(1).inner_text()
    b.locator("figcaption a", has_text="para 8.4").click()
    page.wait_for_url("**/councils/south-ribble/#c8-4")
    # The address named the pair, so coming back (or a bookmark) shows it again.
    page.go_back()
    page.wait_for_selector("#hb-pair-result:not([hidden])")
    assert page.input_value("#hb-pair-b") == "south-ribble"


def test_side_by_side_works_by_keyboard_alone(page, site_url):
    page.goto(site_url + SIDE_BY_SIDE)
    page.focus("#hb-pair-a")
    page.keyboard.press("End")  # the last council in the list
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "hb-pair-b"
    page.keyboard.press("Home")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.type") == "submit"
    page.keyboard.press("Enter")
    page.wait_for_selector("#hb-pair-result:not([hidden])")
    # Focus moves to the result's heading, so a screen reader or keyboard user lands on it.
    assert page.evaluate("document.activeElement.id") == "hb-pair-title"
    assert page.input_value("#hb-pair-a") == "wbc" and page.input_value("#hb-pair-b") == "borough-mo-review-2017"
    assert "Showing WBC and" in page.locator("#hb-pair-status").inner_text()


def test_side_by_side_without_javascript_offers_the_full_tables(browser, site_url, library):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(site_url + SIDE_BY_SIDE)
        assert page.locator("#hb-pair-result").is_hidden()
        links = page.locator(".hb-pair__fallback a")
        assert links.count() == sum(1 for t in library.topics if t.questions)
        links.first.click()
        page.wait_for_url("**/compare/purpose-and-status/")
        assert page.locator("table.hb-questions").is_visible()
    finally:
        context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_comparison_pages_are_axe_clean(browser, site_url, scheme):
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    try:
        show_pair(page, site_url)
        assert axe_violations(page) == []
        for path in (REVIEW, "councils/wbc/review/", QUESTIONS, "councils/borough-mo-review-2017/proposed-2017-10/"):
            page.goto(site_url + path)
            assert axe_violations(page) == [], path
    finally:
        context.close()


@pytest.mark.parametrize("viewport", [{"width": 320, "height": 640}, {"width": 1280, "height": 800, "zoom": 4}],
                         ids=["320px", "400% zoom"])
@pytest.mark.parametrize("path", [SIDE_BY_SIDE + "?a=sedgemoor&b=south-ribble", REVIEW, QUESTIONS, "compare/",
                                  "topics/political-groups/"])
def test_no_sideways_scroll_and_no_word_broken(browser, site_url, path, viewport):
    zoom = viewport.get("zoom", 1)
    # 400% zoom of a 1280 px window lays the page out 320 CSS px wide, as WCAG 1.4.10 asks.
    context = browser.new_context(viewport={"width": viewport["width"] // zoom, "height": viewport["height"] // zoom},
                                  device_scale_factor=zoom)
    page = context.new_page()
    try:
        page.goto(site_url + path)
        if path.startswith(SIDE_BY_SIDE):
            page.wait_for_selector("#hb-pair-result:not([hidden])")
        width = page.evaluate("document.documentElement.clientWidth")
        assert width <= 320
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert page.evaluate(BROKEN_WORDS, ".hb-answer, .hb-quoted-clause, .hb-pair__question h3, table.hb-questions tbody th, "
                                             "table.hb-matrix tbody") == []
    finally:
        context.close()


def test_question_table_is_a_card_per_question_on_a_phone_and_a_table_at_a_desk(browser, site_url, library):
    topic = library.topic("political-groups")
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    try:
        page.goto(site_url + QUESTIONS)
        card = page.locator("table.hb-questions tbody tr").first
        assert page.locator("table.hb-questions thead").bounding_box()["height"] <= 1  # headers read by the cells
        # One card per question, each council named above its answer, one under another.
        assert page.locator("table.hb-questions tbody tr").count() == len(topic.questions)
        names = card.locator(".hb-answer__council")
        assert names.count() == len(library.protocols) and names.first.is_visible()
        boxes = [card.locator("td").nth(i).bounding_box() for i in range(2)]
        assert boxes[1]["y"] >= boxes[0]["y"] + boxes[0]["height"] - 1
    finally:
        context.close()
    page = browser.new_page(viewport={"width": 1366, "height": 800})
    try:
        page.goto(site_url + "compare/")
        region = page.locator(".hb-table-wrap").first
        first_column = page.locator("table.hb-matrix tbody th").first
        before = first_column.bounding_box()["x"]
        region.evaluate("el => { el.style.maxWidth = '600px'; el.scrollLeft = 400; }")
        # The topic column stays in view while the councils' columns scroll past it.
        assert abs(first_column.bounding_box()["x"] - before) < 2
    finally:
        page.close()


def test_review_page_prints_as_a_short_report(page, site_url):
    page.goto(site_url + REVIEW)
    assert "A review is overdue" in page.locator(".hb-review-due").inner_text()
    page.emulate_media(media="print")
    assert page.locator(".md-sidebar--primary").first.is_hidden()
    assert page.locator(".hb-review-tools").is_hidden()
    assert page.locator("h1").is_visible() and page.locator(".hb-review-difference").first.is_visible()
    pdf = page.pdf(format="A4")
    pages = pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")
    assert 1 <= pages <= 12  # Sedgemoor: 19 differing answers and 5 topics on about ten A4 pages


def test_review_page_works_by_keyboard(page, site_url):
    page.goto(site_url + REVIEW)
    # The protocol's own cited words open from the keyboard...
    summary = page.locator(".hb-review-difference .hb-answer__quotes summary").first
    quote = page.locator(".hb-review-difference .hb-answer__quotes blockquote").first
    assert quote.is_hidden()
    summary.focus()
    page.keyboard.press("Enter")
    assert quote.is_visible()
    # ...and from the top of the page Tab reaches the side-by-side link, which opens with this
    # council already picked.
    page.goto(site_url + REVIEW)
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.closest('.hb-review-tools') !== null"):
            break
    else:
        raise AssertionError("Tab never reached the side-by-side link")
    page.keyboard.press("Enter")
    page.wait_for_url("**/compare/side-by-side/?a=sedgemoor")
    assert page.input_value("#hb-pair-a") == "sedgemoor"
