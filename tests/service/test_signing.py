"""The signer's journey: personal link, form, signature, receipt, verification."""
import re

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
    assert "2001" not in receipt and f"{signed_at[:10]} {signed_at[11:19]} UTC" in receipt


def test_everyone_in_a_round_gets_their_own_form(app, runner, tmp_path):
    # The blank form is rendered once per round and filled in per signer (sign._round_form):
    # each person must see their own name, escaped, and a form token that signs their link only.
    people = tmp_path / "people.csv"
    people.write_text('name,email,role\nJane Smith,jane@example.org,member\n'
                      '"Ann <b>O\'Neil</b> & Co",ann@example.org,officer\n')
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
