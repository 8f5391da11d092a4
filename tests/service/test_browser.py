"""The sign-off service in a real browser (Debian's Chromium via Playwright), against a live server:
drawing a signature with mouse, touch and pen, signing by keyboard only, and axe-core (WCAG 2.2
A/AA) on the signing, receipt, error and HR pages.
"""
from __future__ import annotations

import csv
import io
import re
import secrets
import threading
from urllib.parse import urlsplit

import pytest
from sqlalchemy import create_engine, text
from werkzeug.serving import make_server

from signoff_service import create_app

from conftest import axe_violations  # tests/conftest.py (tests/ is on sys.path)

pytestmark = pytest.mark.browser

ADMIN_EMAIL = "hr-browser@example.org"
ADMIN_PASSWORD = "a long browser test password"
PEOPLE = [("Mouse Signer", "member"), ("Keyboard Signer", "officer"), ("Touch Signer", "co-opted member"),
          ("Pen Signer", "member"), ("Error Page Person", "member"), ("Not Yet Signed", "officer")]
RECEIPT_URL = re.compile(r"/receipts/([A-Za-z0-9-]+)$")
ROUND_NAME = "Browser test round"


class LiveService:
    def __init__(self, tmp_path):
        self.database_url = f"sqlite:///{tmp_path / 'signoff.sqlite3'}"
        self.app = create_app({"ENV": "testing", "SECRET_KEY": secrets.token_urlsafe(32),
                               "DATABASE_URL": self.database_url})
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        runner = self.app.test_cli_runner()
        assert runner.invoke(args=["create-admin", ADMIN_EMAIL, "--password", ADMIN_PASSWORD]).exit_code == 0
        people = tmp_path / "people.csv"
        people.write_text("name,email,role\n" + "".join(
            f"{name},{name.lower().replace(' ', '.')}@example.org,{role}\n" for name, role in PEOPLE))
        opened = runner.invoke(args=["open-round", "south-ribble", "--due", "2099-12-31", "--people", str(people),
                                     "--name", ROUND_NAME])
        assert opened.exit_code == 0, opened.output
        self.round_id = opened.stdout.strip()
        listed = runner.invoke(args=["links", self.round_id])
        self.links = {row["name"]: urlsplit(row["link"]).path for row in csv.DictReader(io.StringIO(listed.stdout))}

    def drawn_signature(self, receipt_id: str) -> str | None:
        engine = create_engine(self.database_url)
        try:
            with engine.connect() as conn:
                return conn.execute(text("SELECT drawn_signature FROM signatures WHERE id = :id"),
                                    {"id": receipt_id}).scalar_one()
        finally:
            engine.dispose()


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    service = LiveService(tmp_path_factory.mktemp("browser-signoff"))
    service.thread.start()
    yield service
    service.server.shutdown()
    service.app.extensions["signoff.engine"].dispose()


def canvas_box(page):
    canvas = page.locator("canvas.signature-canvas")
    canvas.scroll_into_view_if_needed()
    return canvas.bounding_box()


def signature_field(page) -> str:
    return page.locator('input[name="signature"]').input_value()


def submit_and_get_receipt(page, name: str) -> str:
    page.check("#agree")
    page.fill("#full_name", name)
    page.get_by_role("button", name="Sign", exact=True).click()
    page.wait_for_url(RECEIPT_URL)
    receipt_id = RECEIPT_URL.search(page.url)[1]
    assert receipt_id in page.locator("main").inner_text()
    return receipt_id


def test_draw_a_signature_with_the_mouse_and_sign(live, page):
    page.goto(live.url + live.links["Mouse Signer"])
    assert axe_violations(page) == []
    box = canvas_box(page)
    page.mouse.move(box["x"] + 20, box["y"] + box["height"] / 2)
    page.mouse.down()
    for step in range(1, 21):  # a wavy stroke across the pad
        page.mouse.move(box["x"] + 20 + step * 12, box["y"] + box["height"] / 2 + (-1) ** step * 25)
    page.mouse.up()
    assert signature_field(page).startswith("data:image/png;base64,")

    receipt_id = submit_and_get_receipt(page, "Mouse Signer")
    assert (live.drawn_signature(receipt_id) or "").startswith("data:image/png;base64,")
    assert page.locator("img.drawn-signature").is_visible()
    assert page.get_by_text("sha256:", exact=False).first.is_visible()
    assert axe_violations(page) == []


def test_clear_drawing_then_sign_with_typed_name_only(live, page):
    page.goto(live.url + live.links["Error Page Person"])
    box = canvas_box(page)
    page.mouse.move(box["x"] + 30, box["y"] + 30)
    page.mouse.down()
    page.mouse.move(box["x"] + 200, box["y"] + 90)
    page.mouse.up()
    assert signature_field(page) != ""
    page.get_by_role("button", name="Clear drawing").click()
    assert signature_field(page) == ""
    receipt_id = submit_and_get_receipt(page, "Error Page Person")
    assert live.drawn_signature(receipt_id) is None


def test_sign_by_keyboard_only(live, page):
    page.goto(live.url + live.links["Keyboard Signer"])
    for _ in range(300):  # Tab through the page (skip link, handbook link, protocol text) to the box
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "agree":
            break
    else:
        pytest.fail("Tab never reached the agreement checkbox")
    page.keyboard.press("Space")
    assert page.is_checked("#agree")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "full_name"
    page.keyboard.type("Keyboard Signer")
    stops = []
    for _ in range(5):  # past the optional drawing's controls to the Sign button
        page.keyboard.press("Tab")
        stops.append(page.evaluate("document.activeElement.textContent.trim()"))
        if stops[-1] == "Sign":
            break
    assert stops[-1] == "Sign", f"Tab went {stops}, never to Sign"
    style = page.evaluate("(() => { const s = getComputedStyle(document.activeElement);"
                          " return [s.outlineStyle, s.boxShadow]; })()")
    assert style[0] != "none" or style[1] != "none", "the focused Sign button shows no focus indicator"
    page.keyboard.press("Enter")
    page.wait_for_url(RECEIPT_URL)
    assert "Keyboard Signer" in page.locator("main").inner_text()
    assert live.drawn_signature(RECEIPT_URL.search(page.url)[1]) is None

    # The link is single-use: opening it again shows the receipt, never a second form.
    page.goto(live.url + live.links["Keyboard Signer"])
    assert RECEIPT_URL.search(page.url) and page.locator("#agree").count() == 0


def test_draw_with_touch(live, browser):
    context = browser.new_context(has_touch=True, bypass_csp=True)
    try:
        page = context.new_page()
        page.goto(live.url + live.links["Touch Signer"])
        canvas = page.locator("canvas.signature-canvas")
        # A finger on the pad must draw, not scroll the page.
        assert canvas.evaluate("c => getComputedStyle(c).touchAction") == "none"
        box = canvas_box(page)
        page.touchscreen.tap(box["x"] + 50, box["y"] + 50)
        assert signature_field(page).startswith("data:image/png;base64,")
        receipt_id = submit_and_get_receipt(page, "Touch Signer")
        assert live.drawn_signature(receipt_id).startswith("data:image/png;base64,")
    finally:
        context.close()


def test_draw_with_a_pen(live, page):
    """A stylus stroke (pointerType "pen", with pressure) through Chromium's input pipeline."""
    page.goto(live.url + live.links["Pen Signer"])
    box = canvas_box(page)
    cdp = page.context.new_cdp_session(page)
    x, y = box["x"] + 40, box["y"] + 60
    events = [("mousePressed", x, y)] + [("mouseMoved", x + i * 15, y + i * 4) for i in range(1, 15)] + [
        ("mouseReleased", x + 210, y + 56)]
    for kind, px, py in events:
        cdp.send("Input.dispatchMouseEvent", {"type": kind, "x": px, "y": py, "button": "left", "buttons": 1,
                                               "clickCount": 1, "pointerType": "pen", "force": 0.5})
    assert signature_field(page).startswith("data:image/png;base64,")
    receipt_id = submit_and_get_receipt(page, "Pen Signer")
    assert live.drawn_signature(receipt_id).startswith("data:image/png;base64,")


def test_error_pages_are_accessible(live, page):
    forged = live.links["Not Yet Signed"][:-6] + "AAAAAA"
    response = page.goto(live.url + forged)
    assert response.status in (400, 404)
    assert "not valid" in page.locator("h1").inner_text()
    assert axe_violations(page) == []

    live.app.config["LINK_MAX_AGE_DAYS"] = -1  # every link is now past its age
    try:
        response = page.goto(live.url + live.links["Not Yet Signed"])
    finally:
        live.app.config["LINK_MAX_AGE_DAYS"] = 30
    assert response.status == 410
    assert "expired" in page.locator("h1").inner_text()
    assert axe_violations(page) == []


def test_hr_pages_are_accessible(live, page):
    page.goto(live.url + "/admin/")
    page.wait_for_url(re.compile(r"/admin/login"))
    assert axe_violations(page) == []
    page.get_by_label("Email").fill(ADMIN_EMAIL)
    page.get_by_label("Password").fill(ADMIN_PASSWORD)
    page.get_by_role("button", name=re.compile("sign in", re.I)).click()
    page.wait_for_url(re.compile(r"/admin/$"))
    assert ROUND_NAME in page.locator("main").inner_text()
    assert axe_violations(page) == []
    page.get_by_role("link", name=ROUND_NAME).click()
    page.wait_for_url(re.compile(rf"/admin/rounds/{live.round_id}"))
    assert "Not Yet Signed" in page.locator("main").inner_text()
    assert axe_violations(page) == []
