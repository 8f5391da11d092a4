"""HR: login, opening rounds by form and CSV, the dashboard, filters, people, exports."""
import json
import re
from contextlib import contextmanager

import pytest
from sqlalchemy import select

from .conftest import ADMIN_EMAIL, ADMIN_PASSWORD, PEOPLE_CSV, csrf_from, links, open_round, sign


def test_login_logout(client, auth):
    assert client.get("/admin/").status_code == 303
    response = auth.login()
    assert response.status_code == 303 and response.headers["Location"] == "/admin/"
    dashboard = client.get("/admin/")
    assert "Sign-off rounds" in dashboard.text and dashboard.headers["Cache-Control"] == "no-store"
    client.post("/admin/logout", data={"csrf_token": auth.csrf()})
    assert client.get("/admin/").status_code == 303


@pytest.fixture
def sleeps(monkeypatch):
    """Every time.sleep in the process, recorded instead of slept: a slowed sign-in must never make
    the server wait (a sync worker asleep is one signers cannot use)."""
    import time
    waited: list[float] = []
    monkeypatch.setattr(time, "sleep", waited.append)
    return waited


def seconds_pass(app, seconds: float) -> None:
    """As if `seconds` had passed since every failed sign-in so far."""
    from datetime import datetime, timedelta
    from signoff_service import db
    with app.app_context(), db.transaction() as conn:
        for row in conn.execute(select(db.login_failures)).all():
            earlier = datetime.fromisoformat(row.at.replace("Z", "+00:00")) - timedelta(seconds=seconds)
            conn.execute(db.login_failures.update().where(db.login_failures.c.id == row.id)
                         .values(at=earlier.strftime("%Y-%m-%dT%H:%M:%S.%fZ")))


def ledger_events(app, event: str) -> list[dict]:
    from signoff_service import db
    with app.app_context(), db.reading() as conn:
        return [json.loads(row.details) for row in conn.execute(select(db.ledger).where(db.ledger.c.event == event))]


def signed_in(client) -> bool:
    return "Sign-off rounds" in client.get("/admin/").text


def test_repeated_failures_slow_sign_in_down_at_once_and_the_right_password_still_works(app, client, auth, sleeps):
    for _ in range(5):
        response = auth.login(password="not the password at all")
        assert response.status_code == 400 and "not right" in response.text
    # The address that failed five times must now wait: told so at once, its password not checked
    # (the right one included), and the server never sleeps.
    too_soon = auth.login()
    assert too_soon.status_code == 429 and too_soon.headers["Retry-After"] == "2"
    assert "Try again in 2 seconds" in too_soon.text and not signed_in(client)
    seconds_pass(app, 1)
    assert auth.login(password="still not the password").headers["Retry-After"] == "1"
    seconds_pass(app, 1)
    slowed = auth.login(password="still not the password")  # checked once the wait is over
    assert slowed.status_code == 400 and "not right" in slowed.text and "slowed down" in slowed.text
    assert auth.login().status_code == 429  # that failure starts a new wait
    seconds_pass(app, 2)
    assert auth.login().status_code == 303  # slowed down, never refused
    assert signed_in(client) and sleeps == []
    assert ledger_events(app, "sign-in slowed down") == [  # recorded once, not once per failure
        {"email": ADMIN_EMAIL, "ip": "127.0.0.1", "limit": "account and address"}]


def login_from(client, address: str, email: str = ADMIN_EMAIL, password: str = "not the password at all"):
    page = client.get("/admin/login", environ_base={"REMOTE_ADDR": address})
    return client.post("/admin/login", environ_base={"REMOTE_ADDR": address},
                       data={"csrf_token": csrf_from(page.text), "email": email, "password": password})


def test_nobody_can_lock_hr_out_from_elsewhere(app, client, auth, sleeps):
    # The review's attack: 100 wrong guesses spread over 20 addresses used to lock the account.
    for i in range(100):
        assert login_from(client, f"10.0.0.{i % 20 + 1}").status_code == 400
    # HR, anywhere else, signs in at once: failures from other addresses never hold an address back.
    hr = app.test_client()
    assert login_from(hr, "203.0.113.20", password=ADMIN_PASSWORD).status_code == 303 and signed_in(hr)
    # One of the guessing addresses waits after each of its own failures, and is then checked.
    assert login_from(app.test_client(), "10.0.0.1", password=ADMIN_PASSWORD).status_code == 429
    seconds_pass(app, 2)
    assert login_from(app.test_client(), "10.0.0.1", password=ADMIN_PASSWORD).status_code == 303
    # Behind an unconfigured proxy everyone shares one address: a guesser there, even one who keeps
    # to the pace the service asks for, only ever makes HR wait the slow-down after its last failure.
    for _ in range(30):
        assert login_from(client, "192.0.2.1").status_code == 400
        seconds_pass(app, 2)
    assert login_from(client, "192.0.2.1").status_code == 400
    hr_behind_proxy = app.test_client()
    too_soon = login_from(hr_behind_proxy, "192.0.2.1", password=ADMIN_PASSWORD)
    assert too_soon.status_code == 429 and int(too_soon.headers["Retry-After"]) <= 2
    seconds_pass(app, 2)
    assert login_from(hr_behind_proxy, "192.0.2.1", password=ADMIN_PASSWORD).status_code == 303
    limits = {entry["limit"] for entry in ledger_events(app, "sign-in slowed down")}
    assert limits == {"account", "account and address", "address"}
    assert sleeps == []


def test_a_sprayer_is_slowed_down_across_accounts(app, client, auth, sleeps):
    for i in range(20):  # one address trying many accounts
        assert login_from(client, "198.51.100.8", email=f"user{i}@example.org").status_code == 400
    too_soon = login_from(client, "198.51.100.8", email="someone.new@example.org")
    assert too_soon.status_code == 429 and "Try again in 2 seconds" in too_soon.text
    assert login_from(client, "203.0.113.9", email="someone.new@example.org").status_code == 400  # elsewhere: checked
    seconds_pass(app, 2)
    assert login_from(client, "198.51.100.8", email="someone.new@example.org").status_code == 400
    assert sleeps == []


def test_the_password_is_checked_outside_any_write_transaction(app, client, auth, monkeypatch):
    """On SQLite a write transaction holds the write lock: signers would queue behind scrypt."""
    from signoff_service import auth as auth_module, db
    writing = []
    real_transaction, real_check = db.transaction, auth_module.check_password_hash

    @contextmanager
    def watched_transaction():
        writing.append(True)
        try:
            with real_transaction() as conn:
                yield conn
        finally:
            writing.pop()

    def check(password_hash, password):
        assert not writing, "the password hash was checked inside a write transaction"
        return real_check(password_hash, password)

    monkeypatch.setattr(db, "transaction", watched_transaction)
    monkeypatch.setattr(auth_module, "check_password_hash", check)
    assert auth.login(password="wrong password here").status_code == 400
    assert auth.login().status_code == 303


def test_old_login_failures_are_pruned(app, client, auth):
    from signoff_service import db
    with app.app_context(), db.transaction() as conn:
        conn.execute(db.login_failures.insert(), [
            {"id": f"old{i}", "email": "x@example.org", "ip": "10.1.1.1", "at": "2020-01-01T00:00:00.000000Z"}
            for i in range(50)])
    assert auth.login(password="wrong password here").status_code == 400
    with app.app_context(), db.reading() as conn:
        rows = conn.execute(select(db.login_failures.c.email)).scalars().all()
    assert rows == [ADMIN_EMAIL]


def test_create_admin_checks_password_and_duplicates(runner, auth):
    short = runner.invoke(args=["create-admin", "x@example.org", "--password", "short"])
    assert short.exit_code == 1 and "at least 12" in short.output
    again = runner.invoke(args=["create-admin", ADMIN_EMAIL, "--password", "another long password"])
    assert again.exit_code == 1 and "already exists" in again.output


def open_by_form(client, auth, **fields):
    data = {"csrf_token": auth.csrf("/admin/rounds/new"), "version": "south-ribble/2018-01", "due": "",
            "statement": "", "people": PEOPLE_CSV, "name": "Test round"}
    data.update(fields)
    return client.post("/admin/rounds/new", data=data)


def test_open_round_by_form_then_dashboard_shows_progress(client, auth, runner):
    auth.login()
    response = open_by_form(client, auth, due="2030-06-30")
    assert response.status_code == 303
    round_id = response.headers["Location"].rsplit("/", 1)[1]
    sign(client, links(runner, round_id)["jane@example.org"], "Jane Smith")
    dashboard = client.get("/admin/").text
    assert "Test round" in dashboard and round_id not in dashboard.split("<main", 1)[1].replace(
        f"/admin/rounds/{round_id}", "") and "1 of 3" in dashboard and 'value="1"' in dashboard and "33%" in dashboard
    page = client.get(f"/admin/rounds/{round_id}").text
    assert "<strong>1</strong> of 3 signed" in page and "2 outstanding, 0 overdue" in page


def test_open_round_by_csv_upload_and_errors_name_rows(client, auth):
    import io
    auth.login()
    bad = "name,email,role\nA,a@example.org,member\nB,A@example.org,officer\nC,c@example.org,mayor\n"
    response = open_by_form(client, auth, people="", people_csv=(io.BytesIO(bad.encode()), "people.csv"))
    assert response.status_code == 400
    assert "row 3, column email: A@example.org is already on row 2" in response.text
    assert "row 4, column role: &#39;mayor&#39; is not one of" in response.text
    assert "No rounds yet" in client.get("/admin/").text  # nothing half-written
    good = open_by_form(client, auth, people="", people_csv=(io.BytesIO(PEOPLE_CSV.encode()), "people.csv"))
    assert good.status_code == 303


def test_round_without_signature_block_needs_hr_statement(client, auth, runner, people_csv):
    auth.login()
    missing = open_by_form(client, auth, version="hailsham/current")
    assert missing.status_code == 400 and "HR must supply" in missing.text
    statement = "I have read the Hailsham Town Council member/officer relations protocol and will follow it."
    response = open_by_form(client, auth, version="hailsham/current", statement=statement)
    assert response.status_code == 303
    round_id = response.headers["Location"].rsplit("/", 1)[1]
    page = client.get(links(runner, round_id)["ann@example.org"])
    assert statement in page.text and "Democratic Services set this statement" in page.text
    extra = open_by_form(client, auth, statement="My own words")  # South Ribble has its own statement
    assert extra.status_code == 400 and "its own signature statement" in extra.text
    cli = runner.invoke(args=["open-round", "hailsham", "--people", str(people_csv)])
    assert cli.exit_code == 1 and "HR must supply" in cli.output


def test_filters_by_role_and_status(client, auth, runner, people_csv):
    auth.login()
    round_id = open_round(runner, people_csv, "south-ribble")
    sign(client, links(runner, round_id)["bob@example.org"], "Bob Jones")
    url = f"/admin/rounds/{round_id}"
    signed = client.get(url + "?status=signed").text
    assert "Bob Jones" in signed and "Jane Smith" not in signed
    outstanding = client.get(url + "?status=outstanding").text
    assert "Jane Smith" in outstanding and "Ann Lee" in outstanding and "Bob Jones" not in outstanding
    members = client.get(url + "?role=member").text
    assert "Jane Smith" in members and "Ann Lee" not in members
    assert "Jane Smith" not in client.get(url + "?status=overdue").text
    assert client.get(url + "?status=bogus").status_code == 400


def test_overdue_when_past_due_date(client, auth, runner, people_csv):
    auth.login()
    round_id = open_round(runner, people_csv, "south-ribble", "--due", "2020-01-01")
    page = client.get(f"/admin/rounds/{round_id}?status=overdue").text
    assert "3 people match" in page and "0 outstanding, 3 overdue" in page
    assert runner.invoke(args=["register", round_id]).stdout.count(",overdue,") == 3


def test_add_remove_and_reissue(client, auth, runner, people_csv):
    auth.login()
    round_id = open_round(runner, people_csv, "south-ribble")
    url = f"/admin/rounds/{round_id}"
    token = auth.csrf(url)
    added = client.post(url + "/people", data={"csrf_token": token, "name": "New Person", "email": "new@example.org",
                                              "role": "officer"}, follow_redirects=True)
    assert "Added 1 person" in added.text and "New Person" in added.text
    dup = client.post(url + "/people", data={"csrf_token": token, "name": "Again", "email": "NEW@example.org",
                                            "role": "officer"}, follow_redirects=True)
    assert "already in this round" in dup.text
    old_links = links(runner, round_id)
    from signoff_service import db, rounds
    with client.application.app_context(), db.reading() as conn:
        _, people = rounds.people_in_round(conn, rounds.get_round(conn, round_id))
    ids = {p.email: p.id for p in people}
    client.post(f"{url}/people/{ids['jane@example.org']}/remove", data={"csrf_token": token, "reason": "left"})
    removed = client.get(old_links["jane@example.org"])
    assert removed.status_code == 410 and "withdrawn" in removed.text
    client.post(f"{url}/people/{ids['bob@example.org']}/reissue", data={"csrf_token": token, "reason": "lost it"})
    assert client.get(old_links["bob@example.org"]).status_code == 410
    assert client.get(links(runner, round_id)["bob@example.org"]).status_code == 200
    sign(client, old_links["ann@example.org"], "Ann Lee")
    refused = client.post(f"{url}/people/{ids['ann@example.org']}/remove",
                          data={"csrf_token": token, "reason": "mistake"}, follow_redirects=True)
    assert "already signed" in refused.text


def test_exports_from_the_round_page(client, auth, runner, people_csv):
    auth.login()
    round_id = open_round(runner, people_csv, "south-ribble")
    page = client.get(f"/admin/rounds/{round_id}").text
    assert 'class="secondary copy-link" data-link="http://signoff.test/sign/' in page
    assert not re.search(r">\s*http://signoff\.test/sign/", page)  # links are copied, never shown
    links_csv = client.get(f"/admin/rounds/{round_id}/links.csv")
    assert links_csv.mimetype == "text/csv" and links_csv.text.splitlines()[0] == "name,email,role,link"
    assert len(links_csv.text.splitlines()) == 4
    register = client.get(f"/admin/rounds/{round_id}/register.csv")
    assert "attachment" in register.headers["Content-Disposition"] and register.text.count(",outstanding,") == 3
    audit = client.get("/admin/audit").text
    assert "entries shown are intact" in audit and "export" in audit


def test_demo_command_prints_login_and_working_links(app, runner, client):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    password = re.search(r"password: (\S+)", result.output).group(1)
    page = client.get("/admin/login")
    login = client.post("/admin/login", data={"csrf_token": csrf_from(page.text), "email": "hr@example.org",
                                              "password": password})
    assert login.status_code == 303
    link = re.search(r"http://signoff\.test(/sign/\S+)", result.output).group(1)
    assert client.get(link).status_code == 200
    again = runner.invoke(args=["demo", "--base-url", "http://127.0.0.1:5123/"])
    assert again.exit_code == 0 and "password: " + password not in again.output  # a fresh password
    assert re.search(r"/admin/rounds/(\w+)", again.output).group(1) == re.search(r"/admin/rounds/(\w+)", result.output).group(1)
    assert "http://127.0.0.1:5123/sign/" in again.output


def test_oversize_csv_upload_gets_413_and_opens_nothing(make_app):
    import io
    from .conftest import AuthActions
    app = make_app(MAX_CONTENT_LENGTH=32 * 1024)
    client = app.test_client()
    auth = AuthActions(app, client)
    auth.create()
    auth.login()
    rows = "".join(f"Person {i},p{i}@example.org,member\n" for i in range(2000))
    response = client.post("/admin/rounds/new", data={
        "csrf_token": auth.csrf("/admin/rounds/new"), "version": "south-ribble/2018-01",
        "people_csv": (io.BytesIO(("name,email,role\n" + rows).encode()), "big.csv")})
    assert response.status_code == 413
    assert "No rounds yet" in client.get("/admin/").text


def test_people_csv_with_wrong_columns_names_them_and_opens_nothing(client, auth, runner, tmp_path):
    auth.login()
    wrong = "full name,email,role,grade\nA,a@example.org,member,5\n"
    response = open_by_form(client, auth, people=wrong)
    assert response.status_code == 400
    assert "row 1, column name: is missing from the header" in response.text
    assert "row 1, column full name: is not a known column" in response.text
    assert "row 1, column grade: is not a known column" in response.text
    short_row = open_by_form(client, auth, people="name,email,role\nA,a@example.org\n")
    assert short_row.status_code == 400 and "row 2: has 2 cells; the header has 3" in short_row.text
    path = tmp_path / "wrong.csv"
    path.write_text(wrong)
    cli = runner.invoke(args=["open-round", "south-ribble", "--people", str(path)])
    assert cli.exit_code == 1 and f"{path}: row 1, column name: is missing from the header" in cli.output
    assert cli.stdout == ""  # no round id: nothing was opened
    assert "No rounds yet" in client.get("/admin/").text


def test_passwords_are_stored_as_scrypt_hashes_by_default(tmp_path):
    from signoff_service import create_app, db
    from sqlalchemy import select
    app = create_app({"ENV": "testing", "SECRET_KEY": "s", "DATABASE_URL": f"sqlite:///{tmp_path / 'a.sqlite3'}"})
    password = "a long enough password"
    # Omitting --password prompts twice (hidden), keeping it out of shell history.
    result = app.test_cli_runner().invoke(args=["create-admin", "Prompted@Example.org"], input=f"{password}\n{password}\n")
    assert result.exit_code == 0, result.output
    with app.app_context(), db.reading() as conn:
        stored = conn.execute(select(db.admins.c.email, db.admins.c.password_hash)).one()
    app.extensions["signoff.engine"].dispose()
    assert stored.email == "prompted@example.org"
    assert stored.password_hash.startswith("scrypt:") and password not in stored.password_hash


def test_bad_due_date_or_protocol_is_a_clear_error_and_opens_nothing(client, auth, runner, people_csv):
    auth.login()
    response = open_by_form(client, auth, due="31/12/2030")
    assert response.status_code == 400 and "Due date &#39;31/12/2030&#39; is not a date like 2026-12-31" in response.text
    unknown = open_by_form(client, auth, version="nowhere/2018-01")
    assert unknown.status_code == 400 and "Choose a protocol version from the list" in unknown.text
    for args, message in ((["south-ribble", "--due", "2030-02-30"], "is not a date"),
                          (["nowhere"], "nowhere"), (["south-ribble", "--version", "1999"], "1999")):
        result = runner.invoke(args=["open-round", *args, "--people", str(people_csv)])
        assert result.exit_code == 1 and message in result.output and result.stdout == "", args
    assert "No rounds yet" in client.get("/admin/").text


def test_hr_sees_their_sign_out_button_and_signers_never_do(app, client, runner, auth, people_csv):
    path = links(runner, open_round(runner, people_csv, "south-ribble"))["jane@example.org"]
    assert "Sign out" not in app.test_client().get(path).text
    auth.login()
    assert "Sign out (hr@example.org)" in client.get("/admin/").text
    assert "Sign out (hr@example.org)" in client.get(path).text  # HR opening a link sees it in full


def test_removing_and_reissuing_ask_to_confirm_and_record_a_reason(client, auth, runner, people_csv, app):
    import json
    from sqlalchemy import select
    from signoff_service import db, rounds
    auth.login()
    round_id = open_round(runner, people_csv, "south-ribble", "--name", "May 2027 induction")
    page = client.get(f"/admin/rounds/{round_id}").text
    with app.app_context(), db.reading() as conn:
        _, people = rounds.people_in_round(conn, rounds.get_round(conn, round_id))
    jane = next(p for p in people if p.email == "jane@example.org")
    remove = f"/admin/rounds/{round_id}/people/{jane.id}/remove"
    assert f'href="{remove}"' in page  # a link to a confirmation page, not a one-click button
    confirm = client.get(remove)
    assert confirm.status_code == 200 and "Remove Jane Smith from this round?" in confirm.text
    assert "May 2027 induction" in confirm.text and "stop working" in confirm.text
    link = links(runner, round_id)["jane@example.org"]
    no_reason = client.post(remove, data={"csrf_token": csrf_from(confirm.text), "reason": "  "})
    assert no_reason.status_code == 400 and "Give a reason" in no_reason.text
    assert client.get(link).status_code == 200  # nothing was done
    done = client.post(remove, data={"csrf_token": csrf_from(confirm.text), "reason": "Left the council in May"},
                       follow_redirects=True)
    assert "Removed Jane Smith; their link no longer works." in done.text
    assert client.get(link).status_code == 410
    assert client.get(remove).status_code == 404  # gone from the round: nothing left to confirm
    bob = next(p for p in people if p.email == "bob@example.org")
    reissue = f"/admin/rounds/{round_id}/people/{bob.id}/reissue"
    assert "Issue Bob Jones a new signing link?" in client.get(reissue).text
    client.post(reissue, data={"csrf_token": auth.csrf(reissue), "reason": "says the email never arrived"})
    with app.app_context(), db.reading() as conn:
        details = {row.event: json.loads(row.details) for row in conn.execute(select(db.ledger))}
    assert details["person removed"]["reason"] == "Left the council in May"
    assert details["link reissued"]["reason"] == "says the email never arrived"
    audit = client.get(f"/admin/audit?round={round_id}").text
    assert "Audit ledger: May 2027 induction" in audit and "Left the council in May" in audit


def test_rounds_are_named_by_hr_and_shown_by_name(client, auth, runner, people_csv):
    auth.login()
    unnamed = open_by_form(client, auth, name=" ")
    assert unnamed.status_code == 400 and "Give the round a name" in unnamed.text
    assert "No rounds yet" in client.get("/admin/").text
    named = open_by_form(client, auth, name="  May 2027   induction ", due="2027-05-31")
    round_id = named.headers["Location"].rsplit("/", 1)[1]
    page = client.get(f"/admin/rounds/{round_id}").text
    assert "<h1>May 2027 induction</h1>" in page and "<title>May 2027 induction" in page
    assert "31 May 2027" in page and f"Round {round_id}" not in page
    dashboard = client.get("/admin/").text
    assert f'<a href="/admin/rounds/{round_id}">May 2027 induction</a>' in dashboard
    cli = open_round(runner, people_csv, "south-ribble")  # the CLI names a round it is given no name for
    assert "South Ribble Borough Council, January 2018, opened " in client.get(f"/admin/rounds/{cli}").text
