"""The sign-off service by keyboard, in print and without console noise, in a real browser (Debian's Chromium).

Every focus stop on the signer's and HR's pages shows a visible focus indicator; HR can sign in,
open a round, copy a link and filter people by keyboard alone; the receipt prints without the
site chrome and without running off the page; and no page asks for anything that is not there
(a missing icon shows as a 404 in the console).
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from conftest import axe_violations  # tests/conftest.py (tests/ is on sys.path)

from .live import LiveService, serve

pytestmark = pytest.mark.browser

ADMIN_EMAIL = "hr-keyboard@example.org"
ADMIN_PASSWORD = "a long keyboard test password"
PEOPLE = ("name,email,role\nFirst Signer,first@example.org,member\nSecond Signer,second@example.org,officer\n"
          "Never Signs,never@example.org,co-opted member\n")  # keeps a Copy link button on the round page
RECEIPT_URL = re.compile(r"/receipts/[A-Za-z0-9-]+$")
ROUND_NAME = "Keyboard test round"
A4_WIDTH_PX = 794  # 210 mm at 96 px per inch

FOCUS_REPORT = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const s = getComputedStyle(el);
  const outlined = s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0;
  const label = (el.getAttribute("aria-label") || el.textContent || el.name || el.id || el.tagName).trim();
  return {label: label.slice(0, 60), tag: el.tagName, visible: outlined || s.boxShadow !== "none"};
}"""


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    yield from serve(LiveService(tmp_path_factory.mktemp("keyboard-signoff"), admin_email=ADMIN_EMAIL,
                                 admin_password=ADMIN_PASSWORD, people_csv=PEOPLE, round_name=ROUND_NAME,
                                 link_key="name"))


@pytest.fixture
def problems(page):
    """Failed requests (other than the page itself) and console errors, as the browser would log them."""
    found = []
    # "Failed to load resource" is also logged for an error page itself (a 400 or 410 document, as
    # intended); failed subresources are caught by the response listener instead.
    page.on("console", lambda m: found.append(f"console {m.type}: {m.text}")
            if m.type == "error" and not m.text.startswith("Failed to load resource") else None)
    page.on("response", lambda r: found.append(f"{r.status} {r.url}")
            if r.status >= 400 and r.request.resource_type != "document" else None)
    return found


def tab_stops(page, limit: int = 80) -> list[dict]:
    """Tab from the top of the page until focus comes round again; each stop's focus report."""
    page.locator("body").focus()
    stops = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        report = page.evaluate(FOCUS_REPORT)
        if report is None or (stops and report == stops[0]):
            break
        stops.append(report)
    return stops


def assert_focus_always_visible(page):
    stops = tab_stops(page)
    assert stops, "nothing on the page takes keyboard focus"
    assert stops[0]["label"] == "Skip to main content"
    hidden = [s for s in stops if not s["visible"]]
    assert hidden == [], f"focus is invisible on: {hidden}"
    return stops


def keyboard_login(page, service):
    page.goto(service.url + "/admin/login")
    page.locator("#email").focus()
    page.keyboard.type(ADMIN_EMAIL)
    page.keyboard.press("Tab")
    page.keyboard.type(ADMIN_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/admin/$"))


def test_signing_and_receipt_pages_show_focus_everywhere_and_log_nothing(service, page, problems):
    page.goto(service.url + service.links["First Signer"])
    stops = assert_focus_always_visible(page)
    labels = [s["label"] for s in stops]
    assert "Sign" in labels and "Clear drawing" in labels
    page.check("#agree")
    page.fill("#full_name", "First Signer")
    page.get_by_role("button", name="Sign", exact=True).click()
    page.wait_for_url(RECEIPT_URL)
    assert_focus_always_visible(page)
    page.goto(service.url + "/sign/not-a-real-token")
    assert_focus_always_visible(page)
    assert problems == []


def test_hr_by_keyboard_alone_with_visible_focus(service, page, problems):
    page.goto(service.url + "/admin/login")
    assert_focus_always_visible(page)
    keyboard_login(page, service)
    assert_focus_always_visible(page)
    # Tab to the round's link on the dashboard and follow it with Enter.
    page.locator("body").focus()
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == ROUND_NAME:
            break
    else:
        pytest.fail("Tab never reached the round on the dashboard")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/admin/rounds/{service.round_id}$"))
    stops = assert_focus_always_visible(page)
    assert any(s["label"].startswith("Copy link") for s in stops)
    # Filter the people by status with the keyboard: the status list, then the Filter button.
    page.locator("#f-status").focus()
    page.keyboard.press("ArrowDown")  # any -> signed
    assert page.locator("#f-status").input_value() == "signed"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Filter"
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"status=signed"))
    people = page.locator("table.people").inner_text()
    assert "Second Signer" not in people
    for path in ("/admin/rounds/new", "/admin/audit"):
        page.goto(service.url + path)
        assert_focus_always_visible(page)
    assert problems == []


def test_receipt_prints_cleanly(service, page, problems):
    page.goto(service.url + service.links["Second Signer"])
    page.check("#agree")
    page.fill("#full_name", "Second Signer")
    page.get_by_role("button", name="Sign", exact=True).click()
    page.wait_for_url(RECEIPT_URL)
    receipt_id = page.url.rsplit("/", 1)[1]
    page.set_viewport_size({"width": A4_WIDTH_PX, "height": 1123})
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible() and not page.locator(".skip-link").is_visible()
    main = page.locator("main").inner_text()
    assert receipt_id in main and "sha256:" in main and "/verify/" in main
    # The verification URL is one long token; where Chromium may break it depends on the random
    # hyphens in it, so check that it is allowed to wrap anywhere, as well as measuring this one.
    assert page.evaluate("getComputedStyle(document.querySelector('.verify-link a')).overflowWrap") in (
        "anywhere", "break-word")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the printed receipt is {overflow}px wider than an A4 page"
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page\b", pdf)) == 1  # one sheet
    assert problems == []


@pytest.mark.parametrize("who", ["First Signer", "Second Signer"])
def test_signing_and_receipt_pages_reflow_to_a_narrow_screen(service, page, who):
    # WCAG 1.4.10: no sideways scrolling at 320 CSS px, even with a long hash and verification link.
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(service.url + service.links[who])  # the form, or the receipt once signed
    if page.locator("#agree").count():
        assert page.evaluate("document.documentElement.scrollWidth") <= 320  # wide protocol tables scroll in place
        assert axe_violations(page) == []
        page.check("#agree")
        page.fill("#full_name", who)
        page.get_by_role("button", name="Sign", exact=True).click()
        page.wait_for_url(RECEIPT_URL)
    assert "/verify/" in page.locator("main").inner_text()
    assert page.evaluate("getComputedStyle(document.querySelector('.verify-link a')).overflowWrap") in (
        "anywhere", "break-word")  # see test_receipt_prints_cleanly
    assert page.evaluate("document.documentElement.scrollWidth") <= 320


@pytest.mark.parametrize("clipboard_api", [True, False], ids=["clipboard-api", "selection-fallback"])
def test_copy_link_by_keyboard_puts_the_personal_link_on_the_clipboard(service, browser, clipboard_api):
    context = browser.new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=service.url)
    page = context.new_page()
    try:
        if not clipboard_api:  # as on a plain-http deployment, where browsers withhold navigator.clipboard
            page.add_init_script("window.__clipboard = navigator.clipboard;"
                                 "Object.defineProperty(navigator, 'clipboard', {value: undefined})")
        keyboard_login(page, service)
        page.goto(f"{service.url}/admin/rounds/{service.round_id}?status=outstanding")
        button = page.get_by_role("button", name=re.compile(r"^Copy link for "))
        assert button.count() >= 1
        name = button.first.inner_text().removeprefix("Copy link").strip()
        link = button.first.get_attribute("data-link")
        def payload(path):  # who it is for (the rest is time and signature)
            return path.rsplit("/", 1)[1].split(".")[0]
        assert payload(urlsplit(link).path) == payload(service.links[name.removeprefix("for ").strip()])
        assert link not in page.locator("main").inner_text()  # the link itself is never on screen
        button.first.focus()
        page.keyboard.press("Enter")
        page.wait_for_function("document.activeElement.textContent.startsWith('Copied')", timeout=5000)
        reader = "navigator.clipboard" if clipboard_api else "window.__clipboard"
        assert page.evaluate(f"{reader}.readText()") == link
    finally:
        context.close()
