"""Links, CSRF, escaping, CSV injection, SQL metacharacters, login walls, body limits, secrets, headers."""
import base64
import csv
import io
import re
import secrets
from pathlib import Path
from urllib.parse import quote

import pytest

from signoff_service import create_app
from signoff_service.config import ConfigError

from .conftest import csrf_from, links, open_round, sign

TEMPLATES = Path(__file__).resolve().parents[2] / "signoff_service" / "templates"


def tampered(path: str) -> str:
    """Change one character in the middle of the signature part (the last base64 character may carry unused bits)."""
    i = len(path) - 8
    return path[:i] + ("A" if path[i] != "A" else "B") + path[i + 1:]


def test_forged_and_tampered_links_get_400_with_whom_to_contact(client, runner, people_csv):
    round_id = open_round(runner, people_csv, "south-ribble")
    path = links(runner, round_id)["jane@example.org"]
    for bad in (tampered(path), "/sign/not-a-token", "/sign/" + "x" * 300):
        response = client.get(bad)
        assert response.status_code == 400, bad
        assert "not valid" in response.text and "ask for a new link" in response.text
    assert client.post(tampered(path), data={"agree": "yes", "full_name": "Jane Smith"}).status_code == 400


def test_link_from_another_secret_or_purpose_is_refused(app, make_app, client, runner, people_csv):
    round_id = open_round(runner, people_csv, "south-ribble")
    path = links(runner, round_id)["jane@example.org"]
    other = make_app(SECRET_KEY="a-different-deployment-secret")
    assert other.test_client().get(path).status_code == 400
    # A receipt-verification token (other salt) is not a signing link, even for the same person.
    from signoff_service.tokens import make_receipt_token
    with app.app_context():
        token = make_receipt_token("x", "y", "z")
    assert client.get(f"/sign/{token}").status_code == 400


def test_cross_person_payload_swap_is_tampering(app, client, runner, people_csv):
    import base64
    import json
    round_id = open_round(runner, people_csv, "south-ribble")
    all_links = links(runner, round_id)
    jane, bob = all_links["jane@example.org"], all_links["bob@example.org"]
    bob_payload = bob.split("/")[-1].split(".")[0]
    forged = "/sign/" + ".".join([bob_payload] + jane.split("/")[-1].split(".")[1:])
    assert client.get(forged).status_code == 400
    padded = jane.split("/")[-1].split(".")[0]
    payload = json.loads(base64.urlsafe_b64decode(padded + "=" * (-len(padded) % 4)))
    assert set(payload) == {"p", "g"}  # nothing but ids in a link: no name or email


def test_expired_link_gets_410_saying_when_it_was_issued(monkeypatch, app, client, runner, people_csv):
    import time
    from itsdangerous import timed
    round_id = open_round(runner, people_csv, "south-ribble")
    issued = time.time() - 31 * 86400
    monkeypatch.setattr(timed.TimestampSigner, "get_timestamp", lambda self: int(issued))
    path = links(runner, round_id)["jane@example.org"]
    monkeypatch.undo()
    response = client.get(path)
    assert response.status_code == 410 and "expired" in response.text
    assert time.strftime("%d %B %Y", time.gmtime(issued)) in response.text
    assert "cli" not in response.text  # the round was opened by the CLI, not a person to contact


def test_expired_link_of_someone_who_signed_still_shows_the_receipt(monkeypatch, client, runner, people_csv):
    import time
    from itsdangerous import timed
    round_id = open_round(runner, people_csv, "south-ribble")
    receipt = sign(client, links(runner, round_id)["jane@example.org"], "Jane Smith").headers["Location"]
    monkeypatch.setattr(timed.TimestampSigner, "get_timestamp", lambda self: int(time.time() - 90 * 86400))
    old_link = links(runner, round_id)["jane@example.org"]
    monkeypatch.undo()
    response = client.get(old_link)
    assert response.status_code == 303 and response.headers["Location"] == receipt


def test_missing_or_wrong_csrf_token_is_refused_and_nothing_recorded(client, runner, people_csv, auth):
    round_id = open_round(runner, people_csv, "south-ribble")
    path = links(runner, round_id)["jane@example.org"]
    client.get(path)
    no_token = client.post(path, data={"agree": "yes", "full_name": "Jane Smith"})
    assert no_token.status_code == 400 and "security token" in no_token.text
    wrong = client.post(path, data={"csrf_token": "guess", "agree": "yes", "full_name": "Jane Smith"})
    assert wrong.status_code == 400
    bobs_token = csrf_from(client.get(links(runner, round_id)["bob@example.org"]).text)
    cross = client.post(path, data={"csrf_token": bobs_token, "agree": "yes", "full_name": "Jane Smith"})
    assert cross.status_code == 400  # a signing form's token is good for its own link only
    assert client.get(path).status_code == 200  # still unsigned
    login = client.post("/admin/login", data={"email": "hr@example.org", "password": "correct horse battery staple"})
    assert login.status_code == 400
    auth.login()
    open_form = client.post("/admin/rounds/new", data={"version": "south-ribble/2018-01", "people": "x"})
    assert open_form.status_code == 400


XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_xss_payloads_in_names_and_csv_cells_are_escaped(client, runner, auth, tmp_path):
    people = tmp_path / "xss.csv"
    with people.open("w", newline="") as f:
        csv.writer(f).writerows([["name", "email", "role", "department"], [XSS, "xss@example.org", "officer", "<b>Dept</b>"]])
    round_id = open_round(runner, people, "south-ribble")
    auth.login()
    for html in (client.get(f"/admin/rounds/{round_id}").text, client.get(links(runner, round_id)["xss@example.org"]).text):
        assert XSS not in html and "<b>Dept</b>" not in html
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    receipt = client.get(sign(client, links(runner, round_id)["xss@example.org"], XSS).headers["Location"])
    assert XSS not in receipt.text and "&lt;img src=x onerror=alert(1)&gt;" in receipt.text


def test_csv_exports_defuse_formulas(client, runner, auth, tmp_path):
    people = tmp_path / "formula.csv"
    people.write_text('name,email,role,department,ward\n'
                      '"=HYPERLINK(""http://evil.example"",""x"")",f1@example.org,member,+SUM(A1),@cmd\n'
                      '-2+3,f2@example.org,officer,Tab,ok\n')
    round_id = open_round(runner, people, "south-ribble")
    register = runner.invoke(args=["register", round_id]).stdout
    assert '\'=HYPERLINK(""http://evil.example"",""x"")' in register
    assert "'+SUM(A1)" in register and "'@cmd" in register and "'-2+3" in register
    for line in register.splitlines()[1:]:
        assert not re.match(r'^"?[=+\-@\t\r]', line)
    from signoff_service.csvio import safe_cell
    assert safe_cell("\tcmd") == "'\tcmd" and safe_cell("\r=1") == "'\r=1" and safe_cell("Jane") == "Jane"
    auth.login()
    assert "'-2+3" in client.get(f"/admin/rounds/{round_id}/links.csv").text


def test_sql_metacharacters_are_stored_verbatim(app, client, runner, tmp_path):
    name = "Robert'); DROP TABLE people;-- O'Brien"
    people = tmp_path / "sql.csv"
    people.write_text(f'name,email,role\n"{name}",bobby@example.org,member\n')
    round_id = open_round(runner, people, "south-ribble")
    response = sign(client, links(runner, round_id)["bobby@example.org"], name)
    assert response.status_code == 303
    assert "Robert&#39;); DROP TABLE people;-- O&#39;Brien" in client.get(response.headers["Location"]).text
    assert client.get(f"/admin/rounds/{round_id}' OR '1'='1").status_code in (303, 404)
    assert runner.invoke(args=["register", round_id]).stdout.count(",signed,") == 1


@pytest.mark.parametrize("method,path", [
    ("get", "/admin/"), ("get", "/admin/rounds/new"), ("post", "/admin/rounds/new"), ("get", "/admin/rounds/x"),
    ("get", "/admin/rounds/x/links.csv"), ("get", "/admin/rounds/x/register.csv"), ("get", "/admin/audit"),
    ("post", "/admin/rounds/x/people"), ("post", "/admin/rounds/x/send"), ("post", "/admin/rounds/x/people/y/remove"),
])
def test_hr_pages_need_login(client, method, path):
    response = getattr(client, method)(path)
    if method == "post":  # the CSRF check comes first, and refuses too
        assert response.status_code in (303, 400)
    else:
        assert response.status_code == 303 and response.headers["Location"].startswith("/admin/login")


def test_oversize_bodies_get_413(make_app, runner, people_csv):
    app = make_app(MAX_CONTENT_LENGTH=64 * 1024)
    client = app.test_client()
    round_id = open_round(app.test_cli_runner(), people_csv, "south-ribble")
    path = links(app.test_cli_runner(), round_id)["jane@example.org"]
    token = csrf_from(client.get(path).text)
    big = client.post(path, data={"csrf_token": token, "agree": "yes", "full_name": "Jane Smith",
                                  "signature": "data:image/png;base64," + "A" * 100_000})
    assert big.status_code == 413
    assert client.get(path).status_code == 200


def test_oversize_drawing_is_refused_by_field(make_app, people_csv):
    import base64
    app = make_app(MAX_SIGNATURE_BYTES=1024)
    client, runner = app.test_client(), app.test_cli_runner()
    path = links(runner, open_round(runner, people_csv, "south-ribble"))["jane@example.org"]
    png = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\0" * 2000).decode()
    response = sign(client, path, "Jane Smith", signature=f"data:image/png;base64,{png}")
    assert response.status_code == 400 and "larger than 1 KB" in response.text


STROKES_SVG = '<svg xmlns="http://www.w3.org/2000/svg"><path d="M0 0L5 5" stroke="black"/></svg>'
SCRIPT_SVG = ('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script>'
              '<foreignObject><p>x</p></foreignObject></svg>')


@pytest.mark.parametrize("drawing", [
    "data:image/svg+xml;base64," + base64.b64encode(STROKES_SVG.encode()).decode(),
    "data:image/svg+xml," + quote(SCRIPT_SVG),  # percent-encoded: no base64
    "data:image/svg+xml;base64," + base64.b64encode(  # UTF-16 slips past a byte-level DOCTYPE check
        ('<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa">]>' + STROKES_SVG)
        .encode("utf-16")).decode(),
    "data:image/png," + "%89PNG%0D%0A%1A%0A",  # a PNG, but not base64
    "data:text/html;base64,PHNjcmlwdD4=",
])
def test_only_base64_png_drawings_are_accepted(client, runner, people_csv, drawing):
    from signoff_service import db
    from sqlalchemy import select
    path = links(runner, open_round(runner, people_csv, "south-ribble"))["jane@example.org"]
    response = sign(client, path, "Jane Smith", signature=drawing)
    assert response.status_code == 400 and "must be a PNG image" in response.text
    with client.application.app_context(), db.reading() as conn:
        assert conn.execute(select(db.signatures)).all() == []


def test_a_png_drawing_is_decoded_and_checked():
    from signoff_service.drawing import check_drawing
    from .test_signing import png_image
    png = png_image(600, 180)
    spread = "data:image/png;base64," + base64.b64encode(png).decode()
    assert check_drawing(spread, 200_000) == spread
    with pytest.raises(Exception, match="not valid base64"):
        check_drawing("data:image/png;base64,%89PNG", 200_000)


PRODUCTION_BASE_URL = "https://signoff.example.gov.uk"


def test_production_refuses_default_missing_or_weak_secret(tmp_path):
    url = f"sqlite:///{tmp_path / 'p.sqlite3'}"
    weak = (None, "", "dev", "changeme", "short-but-not-default",
            "k" * 48, "abcd" * 12, "0123456789" * 4)  # long, but one letter or a short pattern repeated
    for secret in weak:
        with pytest.raises(ConfigError, match="refusing to start in production"):
            create_app({"ENV": "production", "SECRET_KEY": secret, "DATABASE_URL": url,
                        "BASE_URL": PRODUCTION_BASE_URL})
    strong = secrets.token_urlsafe(48)
    app = create_app({"ENV": "production", "SECRET_KEY": strong, "DATABASE_URL": url, "BASE_URL": PRODUCTION_BASE_URL})
    assert app.config["SECRET_KEY"] == strong
    assert create_app({"ENV": "production", "SECRET_KEY": secrets.token_hex(16), "DATABASE_URL": url,
                       "BASE_URL": PRODUCTION_BASE_URL})  # 32 random hex digits are enough


def test_production_secret_check_reads_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("SIGNOFF_ENV", "production")
    monkeypatch.setenv("SIGNOFF_BASE_URL", PRODUCTION_BASE_URL)
    monkeypatch.setenv("SIGNOFF_DATABASE_URL", f"sqlite:///{tmp_path / 'p.sqlite3'}")
    monkeypatch.delenv("SIGNOFF_SECRET_KEY", raising=False)
    with pytest.raises(ConfigError):
        create_app()
    digits = "".join(secrets.choice("0123456789") for _ in range(40))  # random digits: still a string
    monkeypatch.setenv("SIGNOFF_SECRET_KEY", digits)
    assert create_app().config["SECRET_KEY"] == digits


def test_development_generates_and_keeps_an_instance_secret(tmp_path):
    first = create_app({"ENV": "development", "DATABASE_URL": f"sqlite:///{tmp_path / 'd.sqlite3'}"})
    second = create_app({"ENV": "development", "DATABASE_URL": f"sqlite:///{tmp_path / 'd.sqlite3'}"})
    assert len(first.config["SECRET_KEY"]) >= 48 and first.config["SECRET_KEY"] == second.config["SECRET_KEY"]


def test_security_headers_and_cookie_flags(make_app, people_csv):
    app = make_app(SESSION_COOKIE_SECURE=True)
    client, runner = app.test_client(), app.test_cli_runner()
    path = links(runner, open_round(runner, people_csv, "south-ribble"))["jane@example.org"]
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers  # signers get no cookie: their form's token is bound to the link
    cookie = client.get("/admin/login").headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie


def test_templates_have_no_inline_script_style_or_handlers():
    for template in TEMPLATES.rglob("*.html"):
        html = template.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), template
        assert not re.search(r"\son[a-z]+\s*=", html), template
        assert not re.search(r"\sstyle\s*=|<style", html), template


def test_errors_are_json_for_json_clients(client):
    response = client.get("/sign/garbage", headers={"Accept": "application/json"})
    assert response.status_code == 400 and response.json["status"] == 400
    missing = client.get("/receipts/nope", headers={"Accept": "application/json"})
    assert missing.status_code == 404 and "no receipt" in missing.json["message"]
    assert "<h1>" in client.get("/receipts/nope").text


def test_every_post_route_refuses_a_missing_csrf_token_even_when_logged_in(app, client, runner, people_csv, auth):
    from signoff_service import db, rounds
    round_id = open_round(runner, people_csv, "south-ribble")
    sign_path = links(runner, round_id)["jane@example.org"]
    with app.app_context(), db.reading() as conn:
        _, people = rounds.people_in_round(conn, rounds.get_round(conn, round_id))
    values = {"round_id": round_id, "person_id": people[0].id, "token": sign_path.rsplit("/", 1)[1]}
    auth.login()
    client.get(sign_path)  # the session has a CSRF token; the requests below just do not send it
    with app.app_context(), db.reading() as conn:
        entries_before = ledger_count(conn)
    posted = []
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods:
            continue
        path = rule.rule
        for name in rule.arguments:
            path = path.replace(f"<{name}>", values[name])
        response = client.post(path, data={"agree": "yes", "full_name": "Jane Smith", "kind": "link",
                                           "name": "X", "email": "x@example.org", "role": "member",
                                           "version": "south-ribble/2018-01", "people": PEOPLE_ROW})
        assert response.status_code == 400 and "security token" in response.text, rule.rule
        posted.append(rule.endpoint)
    assert {"sign.submit", "auth.login", "auth.logout", "admin.new_round", "admin.add_person", "admin.send",
            "admin.remove_person", "admin.reissue_link"} <= set(posted)
    with app.app_context(), db.reading() as conn:
        assert ledger_count(conn) == entries_before  # nothing was done
    assert client.get("/admin/").status_code == 200  # and the logout was refused too


PEOPLE_ROW = "name,email,role\nX,x@example.org,member\n"


def ledger_count(conn) -> int:
    from sqlalchemy import func, select
    from signoff_service import db
    return conn.execute(select(func.count()).select_from(db.ledger)).scalar_one()


def test_every_post_form_in_the_templates_carries_the_csrf_token():
    forms = 0
    for template in TEMPLATES.rglob("*.html"):
        for form in re.findall(r"<form\b[^>]*>.*?</form>", template.read_text(), re.S):
            if re.search(r'method="post"', form.split(">", 1)[0], re.I):
                forms += 1
                # HR's forms: the session's token; the signing form: its token bound to the personal link.
                assert re.search(r'<input type="hidden" name="csrf_token" value="\{\{ (csrf_token\(\)|form_token) \}\}">',
                                 form), (template, form[:80])
    assert forms >= 8


def test_forged_or_altered_verification_links_are_not_confirmed(client, runner, people_csv):
    receipt_path = sign(client, links(runner, open_round(runner, people_csv, "south-ribble"))["jane@example.org"],
                        "Jane Smith").headers["Location"]
    verify_path = "/" + re.search(r'href="http://signoff\.test/(verify/[^"]+)"', client.get(receipt_path).text).group(1)
    assert client.get(verify_path).status_code == 200
    receipt_id, code = verify_path.split("/")[2:4]
    other_code = code[:-1] + ("A" if code[-1] != "A" else "B")
    other_id = receipt_id[:-1] + ("0" if receipt_id[-1] != "0" else "1")  # never the receipt's own id
    for bad in (f"/verify/{receipt_id}/{other_code}", f"/verify/{other_id}/{code}"):
        response = client.get(bad)
        assert response.status_code == 404 and "No receipt matches" in response.text and "is genuine" not in response.text
    # The long links of earlier receipts still verify; altered, they are refused.
    from signoff_service import db, rounds
    from signoff_service.tokens import make_receipt_token
    with client.application.app_context(), db.reading() as conn:
        signature = rounds.get_signature(conn, receipt_id)
        long_path = "/verify/" + make_receipt_token(signature.id, signature.content_hash, signature.signed_at)
    assert client.get(long_path).status_code == 200
    for bad in (tampered(long_path), "/verify/not-a-token"):
        response = client.get(bad)
        assert response.status_code == 400 and "not genuine" in response.text and "is genuine" not in response.text
    # A signing link (other salt) is no verification link either.
    sign_link = links(runner, open_round(runner, people_csv, "south-ribble"))["bob@example.org"]
    assert client.get("/verify/" + sign_link.rsplit("/", 1)[1]).status_code == 400


def test_link_lifetime_follows_the_setting(monkeypatch, make_app, people_csv):
    import time
    from itsdangerous import timed
    app = make_app(LINK_MAX_AGE_DAYS=7)
    runner = app.test_cli_runner()
    round_id = open_round(runner, people_csv, "south-ribble")
    for age_days, status in ((6, 200), (8, 410)):
        monkeypatch.setattr(timed.TimestampSigner, "get_timestamp", lambda self, age_days=age_days: int(time.time() - age_days * 86400))
        path = links(runner, round_id)["jane@example.org"]
        monkeypatch.undo()
        assert app.test_client().get(path).status_code == status, age_days
    monkeypatch.setattr(timed.TimestampSigner, "get_timestamp", lambda self: int(time.time() - 29 * 86400))
    path = links(runner, round_id)["bob@example.org"]
    monkeypatch.undo()
    assert make_app().test_client().get(path).status_code == 200  # the default is 30 days


def test_every_hr_page_needs_login_found_from_the_url_map(app, client):
    checked = 0
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/admin/") or rule.endpoint == "auth.login" or "GET" not in rule.methods:
            continue
        path = rule.rule
        for name in rule.arguments:
            path = path.replace(f"<{name}>", "x")
        response = client.get(path)
        assert response.status_code == 303 and response.headers["Location"].startswith("/admin/login"), rule.rule
        checked += 1
    assert checked >= 6


@pytest.mark.parametrize("target,lands", [
    ("/admin/audit", "/admin/audit"), ("//evil.example/admin/", "/admin/"), ("https://evil.example/", "/admin/"),
    ("/sign/x", "/admin/"),
])
def test_login_returns_only_to_hr_pages_never_another_site(client, auth, target, lands):
    page = client.get(f"/admin/login?next={target}")
    response = client.post(f"/admin/login?next={target}", data={
        "csrf_token": csrf_from(page.text), "email": "hr@example.org", "password": "correct horse battery staple"})
    assert response.status_code == 303 and response.headers["Location"] == lands


# --- Issue 11: what the security review found ------------------------------------------------

def test_a_header_splitting_next_still_signs_in_and_is_in_the_ledger(app, client, auth):
    """`next=/admin/%0d%0a` used to answer 500 while the cookie worked and the ledger entry was lost."""
    from sqlalchemy import select
    from signoff_service import db
    page = client.get("/admin/login")
    response = client.post("/admin/login?next=/admin/%0d%0a", data={
        "csrf_token": csrf_from(page.text), "email": "hr@example.org", "password": "correct horse battery staple"})
    assert response.status_code == 303 and response.headers["Location"] == "/admin/"
    with app.app_context(), db.reading() as conn:
        events = conn.execute(select(db.ledger.c.event)).scalars().all()
    assert events[-1] == "admin signed in"


def copied_session(client) -> str:
    return client.get_cookie("session").value


def test_signing_out_ends_every_session_of_the_account(app, client, auth):
    auth.login()
    other_browser = app.test_client()
    page = other_browser.get("/admin/login")
    other_browser.post("/admin/login", data={"csrf_token": csrf_from(page.text), "email": "hr@example.org",
                                             "password": "correct horse battery staple"})
    stolen = copied_session(client)
    client.post("/admin/logout", data={"csrf_token": auth.csrf()})
    replay = app.test_client()
    replay.set_cookie("session", stolen)
    assert replay.get("/admin/").status_code == 303  # the copied cookie no longer opens HR's pages
    assert other_browser.get("/admin/").status_code == 303  # nor does the other browser's session
    auth.login()
    assert "Sign-off rounds" in client.get("/admin/").text


def test_a_password_change_ends_every_session(app, client, auth, runner):
    auth.login()
    assert client.get("/admin/").status_code == 200
    changed = runner.invoke(args=["set-password", "hr@example.org", "--password", "a brand new passphrase"])
    assert changed.exit_code == 0, changed.output
    assert client.get("/admin/").status_code == 303
    assert auth.login().status_code == 400
    assert auth.login(password="a brand new passphrase").status_code == 303


def test_a_session_ends_after_a_working_day_idle(app, client, auth, monkeypatch):
    import itsdangerous.timed
    import time as real_time
    auth.login()
    assert client.get("/admin/").status_code == 200

    class Later:
        @staticmethod
        def time():
            return real_time.time() + 8 * 3600 + 60

    monkeypatch.setattr(itsdangerous.timed, "time", Later)
    assert client.get("/admin/").status_code == 303


def test_production_needs_a_base_url_and_never_builds_links_from_the_host_header(tmp_path, people_csv):
    url = f"sqlite:///{tmp_path / 'p.sqlite3'}"
    key = secrets.token_urlsafe(48)
    with pytest.raises(ConfigError, match="SIGNOFF_BASE_URL"):
        create_app({"ENV": "production", "SECRET_KEY": key, "DATABASE_URL": url})
    app = create_app({"ENV": "production", "SECRET_KEY": key, "DATABASE_URL": url,
                      "BASE_URL": PRODUCTION_BASE_URL + "/", "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    runner, client = app.test_cli_runner(), app.test_client()
    assert runner.invoke(args=["create-admin", "hr@example.org", "--password", "correct horse battery staple"]
                         ).exit_code == 0
    round_id = open_round(runner, people_csv, "south-ribble")
    evil = {"Host": "evil.example"}
    page = client.get("/admin/login", headers=evil)
    assert page.headers["Strict-Transport-Security"].startswith("max-age=")
    assert "Secure" in page.headers["Set-Cookie"]
    cookie = page.headers["Set-Cookie"].split(";")[0]
    login = client.post("/admin/login", headers={**evil, "Cookie": cookie}, data={
        "csrf_token": csrf_from(page.text), "email": "hr@example.org", "password": "correct horse battery staple"})
    assert login.status_code == 303
    cookie = login.headers["Set-Cookie"].split(";")[0]
    exported = client.get(f"/admin/rounds/{round_id}/links.csv", headers={**evil, "Cookie": cookie})
    links_in_csv = [row["link"] for row in csv.DictReader(exported.text.splitlines())]
    assert len(links_in_csv) == 3 and all(link.startswith(PRODUCTION_BASE_URL + "/sign/") for link in links_in_csv)
    assert "evil.example" not in exported.text


def test_a_huge_page_number_is_the_last_page(client, auth, runner, people_csv):
    round_id = open_round(runner, people_csv, "south-ribble")
    auth.login()
    for page in ("99999999999999999999", "-5", "x"):
        response = client.get(f"/admin/rounds/{round_id}?page={page}")
        assert response.status_code == 200 and "Jane Smith" in response.text, page


def test_a_nul_byte_is_a_clear_400_on_both_databases(app, client, auth, runner, tmp_path):
    from sqlalchemy import select
    from signoff_service import db
    bad = tmp_path / "people.csv"
    bad.write_text("name,email,role\nJane\x00 Smith,jane@example.org,member\n")
    result = runner.invoke(args=["open-round", "south-ribble", "--people", str(bad)])
    assert result.exit_code == 1 and "row 2, column name: contains a control character" in result.output
    auth.login()
    form = {"csrf_token": auth.csrf("/admin/rounds/new"), "version": "south-ribble/2018-01", "due": "",
            "statement": "", "people": "name,email,role\nJane\x00 Smith,jane@example.org,member\n"}
    response = client.post("/admin/rounds/new", data=form)
    assert response.status_code == 400 and "NUL" in response.text
    upload = client.post("/admin/rounds/new", content_type="multipart/form-data", data={
        **{k: v for k, v in form.items() if k != "people"},
        "people_csv": (io.BytesIO(bad.read_bytes()), "people.csv")})
    assert upload.status_code == 400 and "control character" in upload.text
    login = client.post("/admin/login", data={"csrf_token": auth.csrf(), "email": "hr\x00@example.org",
                                              "password": "x"})
    assert login.status_code == 400 and "NUL" in login.text
    with app.app_context(), db.reading() as conn:
        assert conn.execute(select(db.rounds)).all() == []


def test_the_database_and_key_files_are_private(tmp_path):
    import stat
    from flask import Flask
    from signoff_service import config, db
    instance = tmp_path / "instance"  # the service's defaults, in a fresh instance folder
    fresh = Flask("signoff_service", instance_path=str(instance))
    config.load_config(fresh, {"ENV": "development"})
    db.init_app(fresh)
    for name in ("secret_key", "signoff.sqlite3"):
        mode = stat.S_IMODE((instance / name).stat().st_mode)
        assert mode & 0o077 == 0, (name, oct(mode))
    assert stat.S_IMODE(instance.stat().st_mode) & 0o077 == 0
    fresh.extensions["signoff.engine"].dispose()
