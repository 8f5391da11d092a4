"""Signature records: append-only in the database, checked against the ledger by verify-ledger and
by the receipt verification page; and the evidence pack for one person (HR page, JSON, CLI)."""
import base64
import json
import re
from pathlib import Path

import pytest
from sqlalchemy import delete, update
from sqlalchemy.exc import DBAPIError

from signoff_service import db, ledger

from .conftest import csrf_from, links, open_round, sign
from .test_signing import png_image

PNG = "data:image/png;base64," + base64.b64encode(png_image(600, 180)).decode()


@pytest.fixture
def signed(app, client, runner, people_csv):
    """A round in which Jane has signed (with a drawing); returns (round id, receipt path)."""
    round_id = open_round(runner, people_csv, "south-ribble")
    path = links(runner, round_id)["jane@example.org"]
    client.get(path, headers={"User-Agent": "Evidence Browser/1.0"})
    response = sign(client, path, "jane  SMITH", signature=PNG)
    assert response.status_code == 303
    return round_id, response.headers["Location"]


def edit_signature(app, **values) -> None:
    """Edit the signature record as someone with full access to the database could, guard lifted."""
    with app.app_context(), db.transaction() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("ALTER TABLE signatures DISABLE TRIGGER USER")
        else:
            conn.exec_driver_sql("DROP TRIGGER signatures_append_only_update")
        conn.execute(update(db.signatures).values(**values))


def test_the_database_refuses_to_change_or_remove_signature_records(app, runner, signed):
    for statement in (update(db.signatures).values(typed_name="Someone Else", statements='["I agree to nothing."]'),
                      delete(db.signatures)):
        with pytest.raises(DBAPIError, match="append-only"):
            with app.app_context(), db.transaction() as conn:
                conn.execute(statement)
    if app.extensions["signoff.engine"].dialect.name == "postgresql":
        with pytest.raises(DBAPIError, match="append-only"):
            with app.app_context(), db.transaction() as conn:
                conn.exec_driver_sql("TRUNCATE signatures CASCADE")
    result = runner.invoke(args=["verify-ledger"])
    assert result.exit_code == 0 and result.stdout.splitlines()[1] == "signatures OK: 1 records match their ledger entries"


def test_verify_ledger_finds_an_edited_signature_record(app, runner, signed):
    edit_signature(app, typed_name="Someone Else", statements='["I agree to nothing."]')
    result = runner.invoke(args=["verify-ledger"])
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0].startswith("ledger OK")  # the chain itself is intact...
    assert "signatures BROKEN" in result.stdout and "typed name" in result.stdout  # ...the record is not
    assert "statement agreed" in result.stdout


def test_verify_ledger_finds_a_changed_drawing(app, runner, signed):
    other = "data:image/png;base64," + base64.b64encode(png_image(10, 10)).decode()
    edit_signature(app, drawn_signature=other)
    result = runner.invoke(args=["verify-ledger"])
    assert result.exit_code == 1 and "drawn signature" in result.stdout


def test_the_verification_page_says_plainly_when_a_record_was_changed(app, client, runner, signed):
    _, receipt_path = signed
    verify_url = re.search(r'href="(http://signoff\.test/verify/[^"]+)"', client.get(receipt_path).text)[1]
    verify_path = verify_url.removeprefix("http://signoff.test")
    genuine = client.get(verify_path)
    assert genuine.status_code == 200 and "This receipt is genuine" in genuine.text
    edit_signature(app, typed_name="Someone Else")
    changed = client.get(verify_path)
    assert changed.status_code == 409
    assert "does not match what was issued" in changed.text and "typed name" in changed.text
    assert "genuine" not in changed.text and "Someone Else" not in changed.text


def test_the_evidence_pack_from_the_command_line(app, runner, signed, tmp_path):
    round_id, _ = signed
    result = runner.invoke(args=["evidence", round_id, "JANE@example.org", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    html_path, json_path = map(Path, result.stdout.split())
    assert (html_path.name, json_path.name) == (f"evidence-{round_id}-jane@example.org.html",
                                                f"evidence-{round_id}-jane@example.org.json")
    pack = json.loads(json_path.read_text(encoding="utf-8"))
    assert pack["person"]["name_on_record"] == "Jane Smith" and pack["protocol"]["version_id"] == "2018-01"
    assert pack["protocol"]["content_hash"].startswith("sha256:") and pack["protocol"]["library_text_unchanged"]
    assert pack["statements"][0].startswith("I acknowledge that I have read the above protocol")
    times = pack["times_utc"]
    assert times["link_issued"] <= times["first_opened"] <= times["signed"]
    assert pack["first_opened_from"]["user_agent"] == "Evidence Browser/1.0"
    signature = pack["signature"]
    assert signature["typed_name"] == "jane SMITH" and signature["drawn_signature"] == PNG
    assert signature["matches_ledger"] and signature["ip"] == "127.0.0.1"
    assert signature["verification_link"].startswith("http://signoff.test/verify/")
    events = [e["event"] for e in pack["ledger_entries"]]
    assert events == ["round opened", "person added", "link opened", "signed", "export"]
    assert all(e["hash_recomputed_ok"] for e in pack["ledger_entries"])
    # Checked independently, as the pack's own steps say: each entry's hash from its own fields.
    import hashlib
    for e in pack["ledger_entries"]:
        fields = {k: e[k] for k in ("seq", "at", "event", "actor", "round_id", "person_id", "details", "prev_hash")}
        text = json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        assert "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest() == e["hash"]
    last = pack["ledger_entries"][-1]
    assert pack["chain_head_at_export"] == {"seq": last["seq"], "hash": last["hash"]}
    assert len(pack["how_to_check"]) >= 4 and "verify-ledger" in " ".join(pack["how_to_check"])
    html = html_path.read_text(encoding="utf-8")
    assert "Evidence of acknowledgement: Jane Smith" in html and PNG in html and last["hash"] in html
    with app.app_context(), db.reading() as conn:
        assert ledger.verify(conn).ok
    missing = runner.invoke(args=["evidence", round_id, "nobody@example.org", "--out", str(tmp_path)])
    assert missing.exit_code == 1 and "nobody@example.org is not in sign-off round" in missing.output


def test_the_evidence_pack_on_hr_pages(app, client, auth, runner, signed):
    round_id, _ = signed
    auth.login()
    round_page = client.get(f"/admin/rounds/{round_id}").text
    evidence_path = re.search(r'href="(/admin/rounds/[^"]+/evidence)"', round_page)[1]
    page = client.get(evidence_path)
    assert page.status_code == 200 and "Evidence of acknowledgement: Jane Smith" in page.text
    assert "How to check this independently" in page.text and "does not match" not in page.text
    download = client.get(re.search(r'href="([^"]+evidence\.json)"', page.text)[1])
    assert download.mimetype == "application/json" and "attachment" in download.headers["Content-Disposition"]
    assert download.json["signature"]["typed_name"] == "jane SMITH"
    edit_signature(app, typed_name="Someone Else")
    flagged = client.get(evidence_path)
    assert "does not match what was issued" in flagged.text and "typed name" in flagged.text
    # Someone who has not signed: the pack says so, with their link's history so far.
    people = links(runner, round_id)
    bob = re.search(r'/admin/rounds/[^/]+/people/([0-9a-f]+)/reissue', client.get(f"/admin/rounds/{round_id}").text)
    assert bob and people
    unsigned = client.get(f"/admin/rounds/{round_id}/people/{bob[1]}/evidence")
    assert unsigned.status_code == 200 and "has not signed in this round" in unsigned.text
    assert client.get(f"/admin/rounds/{round_id}/people/nobody/evidence").status_code == 404
    form_token = csrf_from(client.get("/admin/").text)
    assert form_token
