"""Exports stream from a read snapshot (no write transaction held while they download), and the HR
audit page checks the entries it shows without re-verifying the whole ledger (verify-ledger does)."""
import csv
import fcntl

import pytest
from sqlalchemy import select, update

from signoff_service import db, ledger

from .conftest import links, open_round, sign


def writer_can_start(app) -> bool:
    """Whether another writer could begin a write transaction right now, without waiting."""
    engine = app.extensions["signoff.engine"]
    if engine.dialect.name == "sqlite":
        with open(app.extensions["signoff.write_lock"], "a") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return False
            fcntl.flock(lock, fcntl.LOCK_UN)
            return True
    with engine.connect() as conn:  # every writer locks the ledger head first
        try:
            conn.exec_driver_sql("SELECT seq FROM ledger_head WHERE id = 1 FOR UPDATE NOWAIT")
            return True
        except Exception:
            return False
        finally:
            conn.rollback()


@pytest.mark.parametrize("export", ["links.csv", "register.csv"])
def test_an_export_streams_without_holding_a_write_transaction(app, client, auth, runner, tmp_path, monkeypatch,
                                                               export):
    from signoff_service import registers
    monkeypatch.setattr(registers, "BATCH", 50)
    people = tmp_path / "people.csv"
    people.write_text("name,email,role\n" + "".join(f"Person {i:04d},p{i}@example.org,member\n" for i in range(260)))
    round_id = open_round(runner, people, "south-ribble")
    auth.login()
    response = client.get(f"/admin/rounds/{round_id}/{export}", buffered=False)
    assert response.status_code == 200 and response.is_streamed
    chunks = iter(response.response)
    header, first = next(chunks), next(chunks)
    assert header.startswith(b"name,email,role") and first.count(b"\n") == 50
    assert writer_can_start(app)  # half-way through the download, HR and signers can still write
    rest = b"".join(chunks)
    response.close()
    rows = list(csv.reader((header + first + rest).decode().splitlines()))
    assert len(rows) == 261 and rows[1][0] == "Person 0000" and rows[-1][0] == "Person 0259"
    with app.app_context(), db.reading() as conn:
        entry = conn.execute(select(db.ledger).order_by(db.ledger.c.seq.desc()).limit(1)).one()
    assert entry.event == "export" and '"rows":260' in entry.details


def test_the_cli_export_streams_the_same_rows(runner, people_csv, client):
    round_id = open_round(runner, people_csv, "south-ribble")
    sign(client, links(runner, round_id)["bob@example.org"], "Bob Jones")
    register = runner.invoke(args=["register", round_id])
    rows = list(csv.DictReader(register.stdout.splitlines()))
    assert [(r["name"], r["status"]) for r in rows] == [
        ("Ann Lee", "outstanding"), ("Bob Jones", "signed"), ("Jane Smith", "outstanding")]
    outstanding = runner.invoke(args=["links", round_id, "--outstanding"]).stdout.splitlines()
    assert len(outstanding) == 3 and "Bob Jones" not in "".join(outstanding)


def test_the_audit_page_checks_what_it_shows_not_the_whole_ledger(app, client, auth, runner, people_csv, monkeypatch):
    round_id = open_round(runner, people_csv, "south-ribble")
    auth.login()

    def whole_ledger(*args):
        raise AssertionError("the audit page re-verified the whole ledger")

    monkeypatch.setattr(ledger, "verify", whole_ledger)
    page = client.get("/admin/audit")
    assert page.status_code == 200 and "entries shown are intact" in page.text and "verify-ledger" in page.text
    with app.app_context(), db.transaction() as conn:  # someone lifts the guard and edits an entry
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("ALTER TABLE ledger DISABLE TRIGGER USER")
        else:
            conn.exec_driver_sql("DROP TRIGGER ledger_append_only_update")
        conn.execute(update(db.ledger).where(db.ledger.c.seq == 3).values(details='{"name":"Someone Else"}'))
    altered = client.get("/admin/audit")
    assert "The ledger does not verify" in altered.text and "entry 3 (person added) was altered" in altered.text
    one_round = client.get(f"/admin/audit?round={round_id}")
    assert "entry 3 (person added) was altered" in one_round.text
