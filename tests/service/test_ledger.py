"""The audit ledger: every event chained; verify-ledger finds altered, inserted and deleted entries."""
import hashlib
import json

import pytest
from sqlalchemy import delete, insert, select, update

from signoff_service import db, ledger

from .conftest import links, open_round, sign


@pytest.fixture
def signed_round(app, client, runner, people_csv):
    round_id = open_round(runner, people_csv, "south-ribble")
    sign(client, links(runner, round_id)["jane@example.org"], "Jane Smith")
    return round_id


def events(app):
    with app.app_context(), db.reading() as conn:
        return [(row.seq, row.event) for row in conn.execute(select(db.ledger).order_by(db.ledger.c.seq))]


def test_every_event_is_in_the_ledger_in_order(app, runner, signed_round):
    assert [e for _, e in events(app)] == ["round opened", "person added", "person added", "person added",
                                           "export", "link opened", "signed"]
    result = runner.invoke(args=["verify-ledger"])
    assert result.exit_code == 0 and result.stdout.splitlines()[0] == "ledger OK: 7 entries"
    with app.app_context(), db.reading() as conn:
        signed = conn.execute(select(db.ledger).where(db.ledger.c.event == "signed")).one()
    details = json.loads(signed.details)
    assert details["typed_name"] == "Jane Smith" and details["content_hash"].startswith("sha256:")
    assert details["statements"][0].startswith("I acknowledge that I have read the above protocol")
    with app.app_context(), db.reading() as conn:
        last = conn.execute(select(db.ledger.c.hash).where(db.ledger.c.seq == 7)).scalar_one()
        assert ledger.verify(conn).head == last


def lift_append_only(conn) -> None:
    """Remove the database's append-only guard, as someone with full access to the database could."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("ALTER TABLE ledger DISABLE TRIGGER USER")
    else:
        conn.exec_driver_sql("DROP TRIGGER ledger_append_only_update")
        conn.exec_driver_sql("DROP TRIGGER ledger_append_only_delete")


def test_the_database_refuses_to_change_or_remove_ledger_entries(app, runner, signed_round):
    from sqlalchemy.exc import DBAPIError
    for statement in (update(db.ledger).where(db.ledger.c.seq == 3).values(details="{}"),
                      delete(db.ledger).where(db.ledger.c.seq == 7), delete(db.ledger)):
        with pytest.raises(DBAPIError, match="append-only"):
            with app.app_context(), db.transaction() as conn:
                conn.execute(statement)
    if app.extensions["signoff.engine"].dialect.name == "postgresql":
        with pytest.raises(DBAPIError, match="append-only"):
            with app.app_context(), db.transaction() as conn:
                conn.exec_driver_sql("TRUNCATE ledger")
    result = runner.invoke(args=["verify-ledger"])
    assert result.exit_code == 0 and result.stdout.splitlines()[0] == "ledger OK: 7 entries"


def broken(runner) -> str:
    result = runner.invoke(args=["verify-ledger"])
    assert result.exit_code == 1
    return result.stdout


def test_altered_entry_is_named(app, runner, signed_round):
    with app.app_context(), db.transaction() as conn:
        lift_append_only(conn)
        conn.execute(update(db.ledger).where(db.ledger.c.seq == 3).values(details='{"name":"Someone Else"}'))
    assert "entry 3 (person added) was altered" in broken(runner)


def test_altered_entry_with_recomputed_hash_breaks_the_next_link(app, runner, signed_round):
    with app.app_context(), db.transaction() as conn:
        lift_append_only(conn)
        row = conn.execute(select(db.ledger).where(db.ledger.c.seq == 6)).one()
        forged = ledger.entry_hash(row.seq, "2020-01-01T00:00:00.000000Z", row.event, row.actor, row.round_id,
                                   row.person_id, row.details, row.prev_hash)
        conn.execute(update(db.ledger).where(db.ledger.c.seq == 6).values(at="2020-01-01T00:00:00.000000Z", hash=forged))
    assert "entry 7 (signed) does not follow entry 6" in broken(runner)


def test_inserted_entry_is_found(app, runner, signed_round):
    with app.app_context(), db.transaction() as conn:
        lift_append_only(conn)
        rows = list(conn.execute(select(db.ledger).where(db.ledger.c.seq >= 5).order_by(db.ledger.c.seq.desc())))
        for row in rows:  # make room at 5, as someone slipping in a back-dated event would
            conn.execute(update(db.ledger).where(db.ledger.c.seq == row.seq).values(seq=row.seq + 1))
        prev = conn.execute(select(db.ledger.c.hash).where(db.ledger.c.seq == 4)).scalar_one()
        at = "2026-01-01T00:00:00.000000Z"
        digest = ledger.entry_hash(5, at, "link sent", "cli", None, None, "{}", prev)
        conn.execute(insert(db.ledger).values(seq=5, at=at, event="link sent", actor="cli", round_id=None,
                                              person_id=None, details="{}", prev_hash=prev, hash=digest))
    assert "entry 6 (export) does not follow entry 5" in broken(runner)


def test_deleted_entry_is_found(app, runner, signed_round):
    with app.app_context(), db.transaction() as conn:
        lift_append_only(conn)
        conn.execute(delete(db.ledger).where(db.ledger.c.seq == 4))
    assert "entry 4 is missing (deleted)" in broken(runner)


def test_deleted_newest_entry_is_found(app, runner, signed_round):
    with app.app_context(), db.transaction() as conn:
        lift_append_only(conn)
        conn.execute(delete(db.ledger).where(db.ledger.c.seq == 7))
    assert "entries after 6 are missing (deleted)" in broken(runner)


def test_removing_a_person_and_reissuing_a_link_are_chained(app, client, runner, auth, signed_round):
    from signoff_service import rounds
    with app.app_context(), db.reading() as conn:
        _, people = rounds.people_in_round(conn, rounds.get_round(conn, signed_round))
    ids = {p.email: p.id for p in people}
    auth.login()
    url = f"/admin/rounds/{signed_round}/people"
    token = auth.csrf(f"/admin/rounds/{signed_round}")
    client.post(f"{url}/{ids['bob@example.org']}/reissue", data={"csrf_token": token, "reason": "email bounced"})
    client.post(f"{url}/{ids['ann@example.org']}/remove", data={"csrf_token": token, "reason": "left the council"})
    with app.app_context(), db.reading() as conn:
        signed = conn.execute(select(db.ledger.c.seq).where(db.ledger.c.event == "signed")).scalar_one()
        rows = list(conn.execute(select(db.ledger).where(db.ledger.c.seq > signed).order_by(db.ledger.c.seq)))
    assert [(r.event, r.person_id, r.actor) for r in rows if r.event != "admin signed in"] == [
        ("link reissued", ids["bob@example.org"], "hr@example.org"),
        ("person removed", ids["ann@example.org"], "hr@example.org")]
    assert json.loads(rows[-1].details)["email"] == "ann@example.org"
    assert json.loads(rows[-1].details)["reason"] == "left the council"
    assert json.loads(rows[-2].details)["reason"] == "email bounced"
    result = runner.invoke(args=["verify-ledger"])
    assert result.exit_code == 0 and result.stdout.splitlines()[0] == f"ledger OK: {rows[-1].seq} entries"


ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))
TRICKY = ["", "plain", 'quote " and \\ slash /', "\n\t\x00\x1f\x7f", "é ünïcödé", "\u2028\u2029", "😀 <&'>"]


@pytest.mark.parametrize("value", [*TRICKY, None, 0, -7, 10**30, True, False, 1.5, -0.0, [1, "a", None],
                                   {"b": 1, "a": [None, {"z": "x"}]}, ("t", 2)])
def test_canonical_json_is_byte_for_byte_the_encoders(value):
    """The import's fast canonical JSON (and hash) gives exactly what json.JSONEncoder gave, so
    every hash already in a ledger still verifies."""
    fields = {"z": value, "a": "first", "é": value, "m": None}
    assert ledger._canonical(fields) == ENCODER.encode(fields)
    assert ledger._canonical({1: "x", 2: value}) == ENCODER.encode({1: "x", 2: value})
    assert ledger._canonical({}) == "{}"
    text = value if isinstance(value, str) else ENCODER.encode(value)
    expected = "sha256:" + hashlib.sha256(ENCODER.encode({
        "seq": 12, "at": text, "event": "person added", "actor": text, "round_id": None, "person_id": text,
        "details": text, "prev_hash": "genesis"}).encode("utf-8")).hexdigest()
    assert ledger.entry_hash(12, text, "person added", text, None, text, text, "genesis") == expected
