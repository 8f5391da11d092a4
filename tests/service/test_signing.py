"""The signer's journey: personal link, form, signature, receipt, verification."""
import re

import pytest

from .conftest import csrf_from, links, open_round, sign


def test_round_opened_by_cli_records_the_version_hash_and_statement(app, runner, people_csv, library):
    from handbook import content_hash

    round_id = open_round(runner, people_csv, "south-ribble", "--due", "2030-01-31")
    assert re.fullmatch(r"[0-9a-f]{8}", round_id)
    protocol = library.protocol("south-ribble")
    register = runner.invoke(args=["register", round_id]).stdout
    assert register.splitlines()[0].startswith("name,email,role,department,ward,status")
    assert register.count(",outstanding,") == 3
    from signoff_service import db, rounds
    with app.app_context(), db.reading() as conn:
        row = rounds.get_round(conn, round_id)
    assert row.content_hash == content_hash(protocol, protocol.in_force)
    assert rounds.round_statements(row) == list(protocol.in_force.signature.statements)
    assert row.statement_source == "protocol" and row.due_date == "2030-01-31"


def test_sign_page_shows_protocol_statement_and_unticked_box(client, runner, people_csv, library):
    round_id = open_round(runner, people_csv, "south-ribble")
    page = client.get(links(runner, round_id)["jane@example.org"])
    assert page.status_code == 200
    html = page.text
    statement = library.protocol("south-ribble").in_force.signature.statements[0]
    assert statement in html
    assert "sanctions being taken against me" in html  # the consequences statement, from the protocol
    assert re.search(r'<input type="checkbox" id="agree" name="agree" value="yes">', html)  # not checked
    assert 'name="full_name"' in html and 'name="signature"' in html and ">Sign</button>" in html
    first_clause = next(library.protocol("south-ribble").in_force.clauses())
    assert first_clause.id in html  # the full text is on the page, walked from the library
    assert "http://127.0.0.1:8000/councils/south-ribble/2018-01/" in html


def test_signing_gives_a_receipt_with_hash_and_a_verification_link(client, runner, people_csv, library):
    from handbook import content_hash

    round_id = open_round(runner, people_csv, "south-ribble")
    path = links(runner, round_id)["jane@example.org"]
    response = sign(client, path, "  jane   SMITH ")
    assert response.status_code == 303
    receipt_path = response.headers["Location"]
    assert receipt_path.startswith("/receipts/")
    receipt = client.get(receipt_path)
    assert receipt.status_code == 200
    receipt_id = receipt_path.rsplit("/", 1)[1]
    protocol = library.protocol("south-ribble")
    assert receipt_id in receipt.text
    assert content_hash(protocol, protocol.in_force) in receipt.text
    verify_url = re.search(r'href="(http://signoff\.test/verify/[^"]+)"', receipt.text).group(1)
    verify = client.get(verify_url.removeprefix("http://signoff.test"))
    assert verify.status_code == 200 and "genuine" in verify.text and receipt_id in verify.text
    # The link is single-use: it now leads to the receipt, never a second form.
    again = client.get(path)
    assert again.status_code == 303 and again.headers["Location"] == receipt_path
    assert client.post(path, data={}).status_code in (303, 400)
    register = runner.invoke(args=["register", round_id]).stdout
    jane = next(line for line in register.splitlines() if line.startswith("Jane Smith"))
    assert ",signed," in jane and receipt_id in jane


def test_record_captures_who_what_when_and_context(app, client, runner, people_csv):
    round_id = open_round(runner, people_csv, "south-ribble")
    path = links(runner, round_id)["bob@example.org"]
    page = client.get(path, headers={"User-Agent": "TestBrowser/1.0"})
    client.post(path, headers={"User-Agent": "TestBrowser/1.0"},
                data={"csrf_token": csrf_from(page.text), "agree": "yes", "full_name": "bob jones"})
    from signoff_service import db, rounds
    from signoff_service.db import signatures
    from sqlalchemy import select
    with app.app_context(), db.reading() as conn:
        sig = conn.execute(select(signatures)).one()
        person = rounds.get_person(conn, sig.person_id)
    assert (sig.typed_name, sig.name_on_record, sig.email, sig.role) == ("bob jones", "Bob Jones", "bob@example.org", "officer")
    assert sig.identified_by == "personal link" and sig.agreed == 1 and sig.drawn_signature is None
    assert sig.user_agent == "TestBrowser/1.0" and sig.ip == "127.0.0.1"
    assert sig.signed_at.endswith("Z") and person.first_opened_at <= sig.signed_at
    assert "sanctions" in sig.statements and sig.content_hash.startswith("sha256:")


def test_form_errors_name_the_field_and_keep_nothing(app, client, runner, people_csv):
    round_id = open_round(runner, people_csv, "south-ribble")
    path = links(runner, round_id)["jane@example.org"]
    page = client.get(path)
    token = csrf_from(page.text)
    no_tick = client.post(path, data={"csrf_token": token, "full_name": "Jane Smith"})
    assert no_tick.status_code == 400 and "Tick the box" in no_tick.text
    wrong_name = client.post(path, data={"csrf_token": token, "agree": "yes", "full_name": "Bob Jones"})
    assert wrong_name.status_code == 400 and "does not match" in wrong_name.text
    bad_drawing = client.post(path, data={"csrf_token": token, "agree": "yes", "full_name": "Jane Smith",
                                          "signature": "data:image/png;base64,PHN2Zz48L3N2Zz4="})
    assert bad_drawing.status_code == 400 and "not one" in bad_drawing.text
    assert client.get(path).status_code == 200  # still unsigned: nothing was recorded
    register = runner.invoke(args=["register", round_id]).stdout
    assert ",signed," not in register


def png_image(width: int, height: int) -> bytes:
    """A real PNG (blank, greyscale): the signature, IHDR, one IDAT, IEND."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = b"".join(b"\0" + b"\xff" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b""))


def test_drawn_png_signature_is_kept_and_shown_on_the_receipt(client, runner, people_csv):
    import base64
    png = base64.b64encode(png_image(600, 180)).decode()
    round_id = open_round(runner, people_csv, "south-ribble")
    response = sign(client, links(runner, round_id)["ann@example.org"], "Ann Lee",
                    signature=f"data:image/png;base64,{png}")
    assert response.status_code == 303
    receipt = client.get(response.headers["Location"])
    assert f'src="data:image/png;base64,{png}"' in receipt.text


def test_public_landing_page_and_health(client):
    page = client.get("/protocols/south-ribble/2018-01/")
    assert page.status_code == 200 and "personal link" in page.text
    assert "http://127.0.0.1:8000/councils/south-ribble/2018-01/" in page.text
    assert client.get("/protocols/south-ribble/no-such-version/").status_code == 404
    health = client.get("/healthz")
    assert health.status_code == 200 and health.text == "ok"


def test_every_page_names_an_icon_that_is_served(client, runner, people_csv):
    import re
    path = links(runner, open_round(runner, people_csv, "south-ribble"))["jane@example.org"]
    for page in ("/", path, "/admin/login", "/sign/not-a-token"):
        icon = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', client.get(page).text)
        assert icon, page
        served = client.get(icon.group(1))
        assert served.status_code == 200 and served.mimetype == "image/svg+xml" and b"<svg" in served.data
        served.close()
    fallback = client.get("/favicon.ico")  # asked for by browsers showing a CSV download or JSON error
    assert fallback.status_code == 200 and fallback.mimetype == "image/svg+xml"
    fallback.close()


def test_the_date_is_the_servers_and_a_posted_date_is_ignored(app, client, runner, people_csv):
    from datetime import datetime, timedelta, timezone
    path = links(runner, open_round(runner, people_csv, "south-ribble"))["jane@example.org"]
    assert 'name="date"' not in client.get(path).text and 'type="date"' not in client.get(path).text
    before = datetime.now(timezone.utc)
    response = sign(client, path, "Jane Smith", date="2001-01-01", signed_at="2001-01-01T00:00:00Z")
    receipt = client.get(response.headers["Location"]).text
    from signoff_service import db
    from sqlalchemy import select
    with app.app_context(), db.reading() as conn:
        signed_at = conn.execute(select(db.signatures.c.signed_at)).scalar_one()
    when = datetime.strptime(signed_at, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)
    assert before - timedelta(seconds=1) <= when <= datetime.now(timezone.utc)
    facts = receipt.split('<dl class="facts receipt">', 1)[1].split("</dl>", 1)[0]
    with app.app_context():
        from signoff_service.readable import uk_datetime
        shown = uk_datetime(signed_at)
    assert "2001" not in facts and f'<time datetime="{signed_at}">{shown}</time>' in facts


def test_times_are_shown_uk_style_in_the_councils_time_zone(app):
    from signoff_service.readable import uk_date, uk_datetime
    with app.app_context():
        assert uk_date("2026-12-31") == "31 December 2026"
        assert uk_datetime("2026-07-01T13:05:09.123456Z") == "1 July 2026, 2:05pm BST"  # summer time
        assert uk_datetime("2026-12-01T00:30:00Z") == "1 December 2026, 12:30am GMT"
        app.config["TIME_ZONE"] = "Europe/Dublin"
        assert uk_datetime("2026-07-01T13:05:09Z") == "1 July 2026, 2:05pm IST"


def test_an_unknown_time_zone_is_refused_at_start(make_app):
    from signoff_service.config import ConfigError
    with pytest.raises(ConfigError, match="SIGNOFF_TIME_ZONE 'Europe/Londres' is not a time zone name"):
        make_app(TIME_ZONE="Europe/Londres")


def test_everyone_in_a_round_gets_their_own_form(app, runner, tmp_path):
    # Each person must see their own name, escaped, and a form token that signs their link only.
    people = tmp_path / "people.csv"
    people.write_text('name,email,role\nJane Smith,jane@example.org,member\n'
                      '"Ann <b>O\'Neil</b> & Co",ann@example.org,co-opted member\n')
    round_id = open_round(runner, people, "south-ribble")
    paths = links(runner, round_id)
    jane, ann = (app.test_client().get(paths[email]) for email in ("jane@example.org", "ann@example.org"))
    assert jane.status_code == ann.status_code == 200
    assert jane.text.count("Jane Smith") == 2 and "O&#39;Neil" not in jane.text
    assert ann.text.count("Ann &lt;b&gt;O&#39;Neil&lt;/b&gt; &amp; Co") == 2 and "Jane Smith" not in ann.text
    assert "\x00" not in jane.text + ann.text
    assert csrf_from(jane.text) != csrf_from(ann.text)
    assert jane.text.replace("Jane Smith", "?").replace(csrf_from(jane.text), "?") == \
        ann.text.replace("Ann &lt;b&gt;O&#39;Neil&lt;/b&gt; &amp; Co", "?").replace(csrf_from(ann.text), "?")
    signed = app.test_client().post(paths["ann@example.org"], data={
        "csrf_token": csrf_from(ann.text), "agree": "yes", "full_name": "Ann <b>O'Neil</b> & Co"})
    assert signed.status_code == 303


def test_a_png_claiming_huge_dimensions_is_refused(client, runner, people_csv):
    # A few bytes that would decode to gigabytes in the browser of whoever opens the receipt.
    import base64
    import struct
    small = png_image(600, 180)
    bomb = small[:16] + struct.pack(">II", 20_000, 20_000) + small[24:]  # the same PNG, claiming 20000 x 20000
    url = f"data:image/png;base64,{base64.b64encode(bomb).decode()}"
    path = links(runner, open_round(runner, people_csv, "south-ribble"))["jane@example.org"]
    response = sign(client, path, "Jane Smith", signature=url)
    assert response.status_code == 400 and "20000 x 20000 pixels" in response.text
    assert 'name="full_name"' in client.get(path).text  # still unsigned
    ok = sign(client, path, "Jane Smith", signature=f"data:image/png;base64,{base64.b64encode(small).decode()}")
    assert ok.status_code == 303


def test_councillors_are_asked_by_democratic_services_and_staff_by_hr_with_a_contact(make_app, tmp_path):
    app = make_app(CONTACT_MEMBERS_EMAIL="democratic.services@council.example", CONTACT_MEMBERS_PHONE="01234 567890",
                   CONTACT_OFFICERS_EMAIL="hr@council.example")
    runner = app.test_cli_runner()
    people = tmp_path / "people.csv"
    people.write_text("name,email,role\nJane Smith,jane@example.org,member\nBob Jones,bob@example.org,officer\n")
    paths = links(runner, open_round(runner, people, "south-ribble", "--due", "2030-01-31"))
    jane, bob = (app.test_client().get(paths[email]).text for email in ("jane@example.org", "bob@example.org"))
    assert "Jane Smith, Democratic Services asks you to read this protocol and sign to acknowledge it" in jane
    assert 'by <strong>31 January 2030</strong>' in jane and "2030-01-31" not in jane
    assert '<a href="mailto:democratic.services@council.example">democratic.services@council.example</a>' in jane
    assert '<a href="tel:01234567890">01234 567890</a>' in jane
    assert "Bob Jones, HR asks you" in bob and '<a href="mailto:hr@council.example">' in bob
    assert "democratic.services@council.example" not in bob
    # Without a configured team address, the person who opened the round is the contact.
    unset = make_app()
    runner = unset.test_cli_runner()
    opened = runner.invoke(args=["open-round", "south-ribble", "--people", str(people), "--actor", "clerk@council.example"])
    page = unset.test_client().get(links(runner, opened.stdout.strip())["bob@example.org"]).text
    assert 'HR (<a href="mailto:clerk@council.example">clerk@council.example</a>)' in page


def test_receipt_shows_the_name_on_record_beside_the_typed_one_and_a_short_code(client, runner, people_csv):
    path = links(runner, open_round(runner, people_csv, "south-ribble"))["jane@example.org"]
    receipt = client.get(sign(client, path, "  jane   SMITH ").headers["Location"]).text
    facts = " ".join(receipt.split('<dl class="facts receipt">', 1)[1].split("</dl>", 1)[0].split())
    assert "<dt>Signed by</dt><dd>Jane Smith (member), the name Democratic Services holds</dd>" in facts
    assert "<dt>Name as typed</dt><dd>jane SMITH</dd>" in facts
    code = re.search(r'<code class="code">([A-Z2-9]{4}-[A-Z2-9]{4})</code>', facts).group(1)
    link = re.search(r'<p class="verify-link"><a href="([^"]+)">', receipt).group(1)
    receipt_id = re.search(r"<dt>Receipt number</dt><dd><code>([0-9A-F-]+)</code>", facts).group(1)
    assert link == f"http://signoff.test/verify/{receipt_id}/{code}" and len(link) < 80
    # The protocol the statement calls "the above" is on the receipt, as it was read.
    assert receipt.index("The protocol you signed") < receipt.index("What you agreed to")
    assert receipt.count('class="hb-protocol-text"') == 1 and 'id="text-s1"' in receipt
    # Anyone can check it by number and code, typed as they like, without the link.
    typed = client.get(f"/verify?receipt={receipt_id.lower()}&code={code.replace('-', ' ').lower()}")
    assert typed.status_code == 303 and typed.headers["Location"] == f"/verify/{receipt_id}/{code}"
    verified = client.get(typed.headers["Location"]).text
    assert "This receipt is genuine" in verified and "Jane Smith (member)" in verified and "jane SMITH" in verified
    form = client.get("/verify?receipt=&code=")
    assert form.status_code == 200 and "Type both the receipt number and the verification code" in form.text


def test_the_public_sign_page_explains_signing_and_whom_to_ask(make_app):
    app = make_app(CONTACT_MEMBERS_EMAIL="democratic.services@council.example", CONTACT_OFFICERS_PHONE="01234 000111")
    client = app.test_client()
    page = " ".join(client.get("/protocols/south-ribble/2018-01/").text.split())
    assert "How signing works" in page and "personal link" in page
    assert ('Councillors and co-opted members: contact Democratic Services (<a href="mailto:democratic.services@'
            'council.example">democratic.services@council.example</a>)') in page
    assert 'Staff: contact HR (<a href="tel:01234000111">01234 000111</a>)' in page
    assert "can be signed" not in page  # the version in force: nothing to warn about
    proposed = client.get("/protocols/borough-mo-review-2017/proposed-2017-10/").text
    assert "is a proposed version" in proposed and "Only the version in force" in proposed
    missing = client.get("/protocols/nowhere/v1/")
    assert missing.status_code == 404 and "nowhere/v1" not in missing.text
