"""Signer and HR pages on a phone, at a desk and at 400% zoom, in a real browser (Debian's Chromium):
no page scrolls sideways or clips text, axe finds nothing (heading order included), and a signer
reaches the acknowledgement from the top of a 390 px phone screen in one action, never with the
sticky link covering what has focus."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from conftest import axe_violations  # tests/conftest.py (tests/ is on sys.path)

from .live import LiveService, serve

pytestmark = pytest.mark.browser

ADMIN_EMAIL = "hr-phone@example.org"
ADMIN_PASSWORD = "a long phone test password"
ROUND_NAME = "Phone test round (May 2027 induction)"
PEOPLE = ("name,email,role,department,ward\n"
          "Alexandra Montgomery-Fotheringham,alexandra.montgomery-fotheringham@example.org,member,,Longbridge and Upper Whitfield Ward\n"
          "Sam Officer,sam@example.org,officer,Democratic and Electoral Services,\n"
          "Jo Signer,jo@example.org,co-opted member,,\n")
# Viewport (width, height) in CSS pixels: phones, a desk, and a 1280 x 1024 window zoomed to 400%.
VIEWPORTS = {"320px": (320, 640), "390px": (390, 844), "1366px": (1366, 768), "400% zoom": (320, 256)}

OVERFLOW = """() => {
  const page = document.documentElement.scrollWidth - document.documentElement.clientWidth;
  const clipped = [...document.querySelectorAll("main *")].filter(el => {
    const s = getComputedStyle(el);
    const forScreenReaders = el.clientWidth <= 1;  // visually hidden on purpose: read out, never seen
    return ["hidden", "clip"].includes(s.overflowX) && el.scrollWidth > el.clientWidth + 1 && el.textContent.trim()
      && !forScreenReaders;
  }).map(el => el.tagName + "." + el.className);
  return {page, clipped};
}"""


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    yield from serve(LiveService(tmp_path_factory.mktemp("phone-signoff"), admin_email=ADMIN_EMAIL,
                                 admin_password=ADMIN_PASSWORD, people_csv=PEOPLE, round_name=ROUND_NAME,
                                 link_key="email",
                                 CONTACT_MEMBERS_EMAIL="democratic.services@council.example",
                                 CONTACT_MEMBERS_PHONE="01234 567890",
                                 CONTACT_OFFICERS_EMAIL="human.resources@council.example"))


@pytest.fixture(scope="module")
def signed(service, browser):
    """Sam signs (for the receipt and verification pages); returns the receipt's path and its short link."""
    page = browser.new_page()
    try:
        page.goto(service.url + service.links["sam@example.org"])
        page.check("#agree")
        page.fill("#full_name", "Sam Officer")
        page.get_by_role("button", name="Sign", exact=True).click()
        page.wait_for_url(re.compile(r"/receipts/"))
        verify = page.locator(".verify-link a").get_attribute("href")
        return urlsplit(page.url).path, urlsplit(verify).path
    finally:
        page.close()


def heading_order_violations(page) -> list[str]:
    """axe's heading-order rule (a best practice, outside the WCAG tags axe_violations runs)."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "rule", "values": ["heading-order"]}})
    return [f"{v['id']}: {[n['target'] for n in v['nodes']]}" for v in results.response["violations"]]


def check_page(page, what: str) -> None:
    found = page.evaluate(OVERFLOW)
    assert found["page"] <= 0, f"{what}: the page scrolls sideways by {found['page']}px"
    assert found["clipped"] == [], f"{what}: text clipped in {found['clipped']}"
    assert axe_violations(page) == [], what
    assert heading_order_violations(page) == [], what


def hr_login(page, service):
    page.goto(service.url + "/admin/login")
    page.fill("#email", ADMIN_EMAIL)
    page.fill("#password", ADMIN_PASSWORD)
    page.get_by_role("button", name=re.compile("sign in", re.I)).click()
    page.wait_for_url(re.compile(r"/admin/$"))


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=list(VIEWPORTS))
def test_signer_pages_reflow_and_are_axe_clean(service, signed, browser, viewport):
    width, height = VIEWPORTS[viewport]
    page = browser.new_page(viewport={"width": width, "height": height}, bypass_csp=True)
    receipt, verify = signed
    try:
        for what, path in [("signing page", service.links["alexandra.montgomery-fotheringham@example.org"]),
                           ("receipt", receipt), ("verification page", verify), ("check a receipt", "/verify"),
                           ("public sign page", "/protocols/south-ribble/2018-01/"), ("service home", "/"),
                           ("broken link", "/sign/not-a-real-link")]:
            page.goto(service.url + path)
            check_page(page, f"{what} at {viewport}")
    finally:
        page.close()


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=list(VIEWPORTS))
def test_hr_pages_reflow_and_are_axe_clean(service, browser, viewport):
    width, height = VIEWPORTS[viewport]
    page = browser.new_page(viewport={"width": width, "height": height}, bypass_csp=True)
    try:
        page.goto(service.url + "/admin/login")
        check_page(page, f"HR sign-in at {viewport}")
        hr_login(page, service)
        with service.app.app_context():
            from signoff_service import db, rounds
            with db.reading() as conn:
                _, people = rounds.people_in_round(conn, rounds.get_round(conn, service.round_id))
        jo = next(p for p in people if p.email == "jo@example.org")
        round_page = f"/admin/rounds/{service.round_id}"
        for what, path in [("dashboard", "/admin/"), ("open a round", "/admin/rounds/new"), ("round", round_page),
                           ("confirm removal", f"{round_page}/people/{jo.id}/remove"),
                           ("confirm new link", f"{round_page}/people/{jo.id}/reissue"), ("audit ledger", "/admin/audit")]:
            page.goto(service.url + path)
            check_page(page, f"HR {what} at {viewport}")
        assert ROUND_NAME in page.goto(service.url + "/admin/").text() and service.round_id not in \
            page.locator("main").inner_text()
    finally:
        page.close()


def sticky_bottom(page) -> float:
    box = page.locator("nav.jump").bounding_box()
    return box["y"] + box["height"]


FOCUSED_UNDER_BAR = """() => {
  const el = document.activeElement;
  if (!el || el.closest('nav.jump')) return null;
  const r = el.getBoundingClientRect(), bar = document.querySelector('nav.jump').getBoundingClientRect();
  // A focused control must not sit under the bar; a region taller than half the screen (a long table
  // that scrolls sideways) is focused as a whole and is only ever partly under it.
  const under = r.top < bar.bottom && r.bottom > bar.top && r.height < innerHeight / 2;
  return {under, id: el.id || el.textContent.trim().slice(0, 40), top: r.top};
}"""


def test_on_a_phone_the_acknowledgement_is_one_action_from_opening_the_link(service, browser):
    page = browser.new_page(viewport={"width": 390, "height": 844}, bypass_csp=True)
    try:
        page.goto(service.url + service.links["jo@example.org"])  # opening the link
        intro = page.locator("main").inner_text()
        assert "Democratic Services asks you to read this protocol" in intro and "31 December 2099" in intro
        assert "democratic.services@council.example" in intro
        jump = page.get_by_role("link", name="Go to the acknowledgement")
        assert jump.is_visible() and jump.bounding_box()["y"] + 40 < 844  # on the first screen
        jump.click()  # action 1
        heading = page.locator("#ack-title").bounding_box()
        agree = page.locator("#agree").bounding_box()
        assert sticky_bottom(page) <= heading["y"] < 844, "the acknowledgement's heading is hidden or off screen"
        assert agree["y"] + agree["height"] < 844, "the agreement box is below the first screen after the jump"
        # The link stays within reach while reading: halfway down the text it is still on screen.
        page.evaluate("window.scrollTo(0, document.body.scrollHeight / 2)")
        bar = page.locator("nav.jump").bounding_box()
        assert 0 <= bar["y"] and bar["y"] + bar["height"] <= 844 and jump.is_visible()
    finally:
        page.close()


def test_the_sticky_link_never_covers_what_has_focus(service, browser):
    page = browser.new_page(viewport={"width": 390, "height": 844}, bypass_csp=True)
    try:
        page.goto(service.url + service.links["jo@example.org"])
        covered, reached = [], False
        for _ in range(150):
            page.keyboard.press("Tab")
            target = page.evaluate(FOCUSED_UNDER_BAR)
            if target is None:
                continue
            if target["under"]:
                covered.append(target)
            if target["id"] == "agree":
                reached = True
                break
        assert reached, "Tab never reached the agreement box"
        for _ in range(60):  # and back up the page, where focus lands at the top of the screen
            page.keyboard.press("Shift+Tab")
            target = page.evaluate(FOCUSED_UNDER_BAR)
            if target is not None and target["under"]:
                covered.append(target)
        assert covered == [], f"focused elements under the sticky bar: {covered[:5]}"
    finally:
        page.close()


def test_sections_fold_away_and_open_again_by_keyboard(service, browser):
    page = browser.new_page(viewport={"width": 390, "height": 844}, bypass_csp=True)
    try:
        page.goto(service.url + service.links["jo@example.org"])
        section = page.locator("details.hb-section").first
        assert section.get_attribute("open") is not None and section.locator("p").first.is_visible()
        section.locator("summary").focus()
        page.keyboard.press("Enter")
        assert section.get_attribute("open") is None and not section.locator("p").first.is_visible()
        page.keyboard.press("Enter")
        assert section.locator("p").first.is_visible()
    finally:
        page.close()
