"""Storage: migrations are idempotent and match the tables the code uses; concurrent writers keep one chain."""
from concurrent.futures import ThreadPoolExecutor

import pytest

from sqlalchemy import inspect, select

from signoff_service import db, ledger

from .conftest import csrf_from, links, open_round


def test_migrations_are_idempotent_and_recorded(app, runner):
    assert db.migrate(app.extensions["signoff.engine"]) == []
    assert runner.invoke(args=["init-db"]).output.strip() == "database is up to date"
    with app.app_context(), db.reading() as conn:
        applied = [row[0] for row in conn.exec_driver_sql("SELECT name FROM schema_migrations ORDER BY number")]
        dialect = conn.dialect.name
    assert applied == [name for _, name, _ in db.migrations(dialect)]
    assert any(name.endswith(f".{dialect}.sql") for name in applied)  # its own trigger migration ran


def test_migrated_schema_has_every_column_the_code_uses(app):
    inspector = inspect(app.extensions["signoff.engine"])
    for table in db.metadata.tables.values():
        columns = {c["name"] for c in inspector.get_columns(table.name)}
        assert set(table.columns.keys()) <= columns, table.name


def test_sqlite_pragmas(app, database_url):
    if not database_url.startswith("sqlite"):
        return
    with app.app_context(), db.reading() as conn:
        def pragma(name):
            return conn.exec_driver_sql(f"PRAGMA {name}").scalar()
        assert (pragma("journal_mode"), pragma("foreign_keys"), pragma("synchronous")) == ("wal", 1, 2)
        assert pragma("busy_timeout") == 30000


def test_concurrent_signers_on_two_app_instances_keep_one_chain(make_app, tmp_path):
    people = tmp_path / "many.csv"
    people.write_text("name,email,role\n" + "".join(f"Person {i},p{i}@example.org,member\n" for i in range(24)))
    first, second = make_app(), make_app()  # two engines, as two worker processes would have
    runner = first.test_cli_runner()
    all_links = list(links(runner, open_round(runner, people, "south-ribble")).items())

    def sign_one(i):
        email, path = all_links[i]
        client = (first if i % 2 else second).test_client()
        token = csrf_from(client.get(path).text)
        name = f"Person {email[1:].split('@')[0]}"
        return client.post(path, data={"csrf_token": token, "agree": "yes", "full_name": name}).status_code

    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(sign_one, range(len(all_links))))
    assert statuses == [303] * 24
    with first.app_context(), db.reading() as conn:
        assert len(conn.execute(select(db.signatures)).all()) == 24
        report = ledger.verify(conn)
    assert report.ok and report.entries == 1 + 24 + 1 + 24 + 24  # opened, added, export, opened, signed


def test_settings_are_declared_once_with_help_and_read_from_the_environment(monkeypatch, tmp_path):
    from signoff_service import create_app
    from signoff_service.config import SETTINGS

    assert len({s.name for s in SETTINGS}) == len(SETTINGS) and all(len(s.help) > 10 for s in SETTINGS)
    monkeypatch.setenv("SIGNOFF_LINK_MAX_AGE_DAYS", "7")
    monkeypatch.setenv("SIGNOFF_HANDBOOK_URL", "https://handbook.example/")
    monkeypatch.setenv("SIGNOFF_DATABASE_URL", f"sqlite:///{tmp_path / 'env.sqlite3'}")
    app = create_app({"ENV": "testing", "SECRET_KEY": "s"})
    assert (tmp_path / "env.sqlite3").exists()
    app.config["DATABASE_URL"] = "postgresql+psycopg://user:hunter2@db.example/signoff"
    assert app.config["LINK_MAX_AGE_DAYS"] == 7 and app.config["HANDBOOK_URL"] == "https://handbook.example"
    shown = app.test_cli_runner().invoke(args=["settings"]).output
    assert "SIGNOFF_LINK_MAX_AGE_DAYS = 7" in shown and "hunter2" not in shown and "'(set)'" in shown


def test_proxy_hops_trust_forwarded_address(make_app, people_csv):
    app = make_app(PROXY_HOPS=1)
    client, runner = app.test_client(), app.test_cli_runner()
    path = links(runner, open_round(runner, people_csv, "south-ribble"))["jane@example.org"]
    token = csrf_from(client.get(path, headers={"X-Forwarded-For": "203.0.113.9"}).text)
    client.post(path, headers={"X-Forwarded-For": "203.0.113.9"},
                data={"csrf_token": token, "agree": "yes", "full_name": "Jane Smith"})
    with app.app_context(), db.reading() as conn:
        assert conn.execute(select(db.signatures.c.ip)).scalar_one() == "203.0.113.9"


def test_a_second_signature_for_the_same_person_returns_the_first_receipt(app, runner, people_csv):
    from signoff_service import rounds

    round_id = open_round(runner, people_csv, "south-ribble")
    ack = rounds.Acknowledgement("Jane Smith", None, "127.0.0.1", "test")
    with app.app_context():
        with db.reading() as conn:
            round_row = rounds.get_round(conn, round_id)
            _, people = rounds.people_in_round(conn, round_row)
            jane = rounds.signing_link(conn, next(p.id for p in people if p.email == "jane@example.org"))
        receipts = []
        for _ in range(2):  # as two racing POSTs that both found the link unsigned would
            with db.transaction() as conn:
                receipts.append(rounds.record_signature(conn, rounds.prepare_signature(jane, ack)))
        with db.reading() as conn:
            signed = conn.execute(select(db.ledger).where(db.ledger.c.event == "signed")).all()
            assert ledger.verify(conn).ok
    assert receipts[0] == receipts[1] and len(signed) == 1


@pytest.mark.parametrize("change", ["remove", "reissue"])
def test_a_link_withdrawn_between_reading_and_signing_stores_nothing(app, runner, people_csv, change):
    from signoff_service import rounds

    round_id = open_round(runner, people_csv, "south-ribble")
    ack = rounds.Acknowledgement("Jane Smith", None, "127.0.0.1", "test")
    with app.app_context():
        with db.reading() as conn:
            _, people = rounds.people_in_round(conn, rounds.get_round(conn, round_id))
            jane_id = next(p.id for p in people if p.email == "jane@example.org")
            link = rounds.signing_link(conn, jane_id)  # what the POST read before taking the write lock
        with db.transaction() as conn:  # HR acts in between
            (rounds.remove_person if change == "remove" else rounds.reissue_link)(conn, jane_id, "hr@example.org")
        with db.transaction() as conn:
            assert rounds.record_signature(conn, rounds.prepare_signature(link, ack)) is None
        with db.reading() as conn:
            assert conn.execute(select(db.signatures)).all() == []
            assert conn.execute(select(db.ledger).where(db.ledger.c.event == "signed")).all() == []


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_migrations_only_add(dialect):
    import re
    files = db.migrations(dialect)
    assert len({number for number, _, _ in files}) == len(files)  # one file per number for each database
    for _, name, sql in files:
        added = set()  # columns this file adds: it may fill them in for the rows already there, nothing else
        for statement in db._statements(sql, db.MIGRATION_NAME.match(name).group(2)):
            # Triggers name UPDATE/DELETE as the events they guard; a statement may not begin with one.
            assert not re.match(r"\s*(DROP|DELETE|TRUNCATE|ALTER\s+TABLE\s+\S+\s+DROP)\b", statement, re.I), \
                (name, statement)
            column = re.match(r"\s*ALTER\s+TABLE\s+(\w+)\s+ADD\s+COLUMN\s+(\w+)\b", statement, re.I)
            if column:
                added.add(column.groups())
                continue
            fill = re.match(r"\s*UPDATE\s+(\w+)\s+SET\s+(\w+)\s*=.*\bWHERE\s+(\w+)\s+IS\s+NULL\s*$", statement, re.I | re.S)
            if fill:
                table, set_column, null_column = fill.groups()
                assert (table, set_column) in added and set_column == null_column, (name, statement)
                continue
            assert re.match(r"\s*(CREATE|INSERT)\b", statement, re.I), (name, statement)


def test_sqlite_trigger_migration_splits_into_whole_statements():
    name, sql = next((n, s) for _, n, s in db.migrations("sqlite") if n.endswith(".sqlite.sql"))
    statements = db._statements(sql, "sqlite")
    assert len(statements) == 2 and all(s.startswith("CREATE TRIGGER") and s.endswith("END") for s in statements)


def test_readme_lists_every_command():
    import re
    from pathlib import Path
    from signoff_service.cli import COMMANDS

    readme = (Path(db.__file__).parent / "README.md").read_text()
    documented = set(re.findall(r"^\| `([a-z-]+)[ `]", readme, re.M))
    assert documented == {command.name for command in COMMANDS}


def test_sqlite_writers_queue_on_a_file_lock(app, database_url):
    import fcntl
    lock_path = app.extensions["signoff.write_lock"]
    if not database_url.startswith("sqlite"):
        assert lock_path is None
        return
    with open(lock_path, "a") as other:
        with app.app_context(), db.transaction():
            try:  # another process or thread cannot take the write lock while this transaction runs
                fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
                held = False
            except BlockingIOError:
                held = True
        assert held
        fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)  # and it is free again after the commit


def test_default_database_is_sqlite_under_the_instance_folder(monkeypatch, tmp_path):
    import flask
    from signoff_service import create_app
    instance = tmp_path / "instance"
    monkeypatch.setattr(flask.Flask, "auto_find_instance_path", lambda self: str(instance))
    monkeypatch.delenv("SIGNOFF_DATABASE_URL", raising=False)
    app = create_app({"ENV": "testing", "SECRET_KEY": "s"})
    assert app.config["DATABASE_URL"] == f"sqlite:///{instance / 'signoff.sqlite3'}"
    assert (instance / "signoff.sqlite3").exists()
    with app.app_context(), db.reading() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    app.extensions["signoff.engine"].dispose()


def test_upgrading_an_existing_database_keeps_its_records(monkeypatch, make_app, database_url, people_csv):
    all_migrations = db.migrations
    # A database from before 0002 (plus the rounds' name column, which this code writes when it opens the
    # round; test_round_names_migration_names_existing_rounds_and_drops_nothing upgrades one without it).
    monkeypatch.setattr(db, "migrations", lambda dialect: [m for m in all_migrations(dialect) if m[0] in (1, 6)])
    old = make_app()
    round_id = open_round(old.test_cli_runner(), people_csv, "south-ribble")
    monkeypatch.undo()
    with old.app_context(), db.reading() as conn:
        assert [n for (n,) in conn.exec_driver_sql("SELECT number FROM schema_migrations ORDER BY number")] == [1, 6]
    upgraded = make_app()  # starting the new code applies what is missing
    runner = upgraded.test_cli_runner()
    assert runner.invoke(args=["init-db"]).output.strip() == "database is up to date"
    assert runner.invoke(args=["register", round_id]).stdout.count(",outstanding,") == 3
    assert runner.invoke(args=["verify-ledger"]).stdout.splitlines()[0] == "ledger OK: 5 entries"  # opened, 3 added, the export
    with upgraded.app_context(), db.reading() as conn:
        applied = [n for (n,) in conn.exec_driver_sql("SELECT number FROM schema_migrations ORDER BY number")]
    assert applied == sorted({number for number, _, _ in db.migrations(upgraded.extensions["signoff.engine"].dialect.name)})


def test_a_signers_page_sees_hr_changes_at_once_and_holds_back_no_checkpoint(app, client, runner, people_csv,
                                                                              database_url):
    """The signing page's read runs on a connection each thread keeps open (SQLite): it must see each
    commit as soon as it is made, and hold no snapshot that would stop the WAL being checkpointed."""
    from signoff_service import rounds

    round_id = open_round(runner, people_csv, "south-ribble")
    jane = links(runner, round_id)["jane@example.org"]
    assert client.get(jane).status_code == 200
    assert client.get(jane).status_code == 200  # the second view reads on the kept connection
    with app.app_context():
        with db.reading() as conn:
            _, people = rounds.people_in_round(conn, rounds.get_round(conn, round_id))
        with db.transaction() as conn:
            rounds.remove_person(conn, next(p.id for p in people if p.email == "jane@example.org"), "hr@example.org")
        if database_url.startswith("sqlite"):
            with db.engine().connect() as conn:  # TRUNCATE waits for every reader: busy (1) if one is stuck
                assert conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").first()[0] == 0
    withdrawn = client.get(jane)
    assert withdrawn.status_code == 410 and "withdrawn" in withdrawn.text


@pytest.mark.parametrize("change", ["remove", "reissue"])
def test_hr_acting_while_a_signature_is_posted_gets_the_signer_the_right_page(app, client, runner, people_csv,
                                                                              monkeypatch, change):
    """The POST checks the link before it queues for the write lock; if HR removes the person or sends
    a new link in that moment, the insert stores nothing and the signer is told which happened."""
    from signoff_service import rounds

    round_id = open_round(runner, people_csv, "south-ribble")
    jane = links(runner, round_id)["jane@example.org"]
    form = {"csrf_token": csrf_from(client.get(jane).text), "agree": "yes", "full_name": "Jane Smith"}
    read_link = rounds.signing_link

    def read_then_hr_acts(conn, person_id):
        link = read_link(conn, person_id)
        monkeypatch.setattr(rounds, "signing_link", read_link)  # HR acts once
        with db.transaction() as write:
            (rounds.remove_person if change == "remove" else rounds.reissue_link)(write, person_id, "hr@example.org")
        return link

    monkeypatch.setattr(rounds, "signing_link", read_then_hr_acts)
    answer = client.post(jane, data=form)
    assert answer.status_code == 410
    assert ("withdrawn" if change == "remove" else "replaced") in answer.text
    with app.app_context(), db.reading() as conn:
        assert conn.execute(select(db.signatures)).all() == []
        assert conn.execute(select(db.ledger).where(db.ledger.c.event == "signed")).all() == []


def test_a_signature_that_fails_midway_keeps_nothing_and_the_next_one_signs(app, client, runner, people_csv,
                                                                            monkeypatch):
    """The signing transaction (db.transaction) commits all of it or none of it, and a failure
    leaves neither the write lock held nor a connection mid-transaction."""
    from signoff_service import rounds

    round_id = open_round(runner, people_csv, "south-ribble")
    people = links(runner, round_id)
    jane, bob = people["jane@example.org"], people["bob@example.org"]
    forms = {path: {"csrf_token": csrf_from(client.get(path).text), "agree": "yes", "full_name": name}
             for path, name in ((jane, "Jane Smith"), (bob, "Bob Jones"))}
    with app.app_context(), db.reading() as conn:
        entries_before = len(conn.execute(select(db.ledger)).all())

    def ledger_fails(*args, **kwargs):
        raise RuntimeError("the disk filled up")

    monkeypatch.setattr(rounds.ledger, "append_entry", ledger_fails)  # after the signature's insert
    with pytest.raises(RuntimeError):
        client.post(jane, data=forms[jane])
    with app.app_context(), db.reading() as conn:
        assert conn.execute(select(db.signatures)).all() == []
        assert len(conn.execute(select(db.ledger)).all()) == entries_before
    monkeypatch.undo()
    for path in (bob, jane):
        assert client.post(path, data=forms[path]).status_code == 303
    with app.app_context(), db.reading() as conn:
        assert len(conn.execute(select(db.signatures)).all()) == 2
        assert ledger.verify(conn).ok


def test_round_names_migration_names_existing_rounds_and_drops_nothing(tmp_path):
    """A database from before rounds had names: its rounds keep every column and get a sensible name."""
    from sqlalchemy import create_engine, text
    engine = create_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    with engine.begin() as conn:
        for number, name, sql in db.migrations("sqlite"):
            if number < 6:
                for statement in db._statements(sql, db.MIGRATION_NAME.match(name).group(2)):
                    conn.exec_driver_sql(statement)
        conn.execute(text("INSERT INTO rounds (id, council_id, council_name, protocol_title, version_id, version_label, "
                          "content_hash, statements, statement_source, due_date, created_at, created_by) VALUES "
                          "('12515c62', 'south-ribble', 'South Ribble Borough Council', 'Member and Officer Protocol', "
                          "'2018-01', 'January 2018', 'sha256:x', '[]', 'protocol', NULL, '2026-05-04T09:00:00Z', 'hr')"))
        conn.execute(text("CREATE TABLE schema_migrations (number INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                          "applied_at TEXT NOT NULL)"))
        for number, name, _ in db.migrations("sqlite"):
            if number < 6:
                conn.execute(text("INSERT INTO schema_migrations VALUES (:n, :name, 'then')"), {"n": number, "name": name})
    assert db.migrate(engine)[0] == "0006_round_names.sql"  # and any later ones
    with engine.connect() as conn:
        row = conn.execute(text("SELECT * FROM rounds")).mappings().one()
    assert row["name"] == "South Ribble Borough Council, January 2018, opened 2026-05-04"
    assert row["id"] == "12515c62" and row["content_hash"] == "sha256:x" and row["created_by"] == "hr"
    engine.dispose()


def test_link_records_name_the_table_columns_in_order():
    """The signing link's one read is split into a person and a round by column position."""
    from signoff_service import rounds
    assert rounds.PersonRecord._fields == tuple(db.people.c.keys())
    assert rounds.RoundRecord._fields == tuple(db.rounds.c.keys())


@pytest.mark.parametrize("failure", ["the database refuses a row", "a row cannot be made"])
def test_a_bulk_load_failing_part_way_writes_nothing_and_the_next_import_works(app, failure):
    """db.insert_rows (how a people list and its ledger entries go in: COPY on PostgreSQL) runs in
    the caller's transaction: a failure after thousands of rows went in (more than one COPY buffer)
    rolls back everything the transaction wrote, the round it opened included, and the next import
    goes in whole with its entries chained."""
    from sqlalchemy.exc import IntegrityError

    from signoff_service import rounds
    from signoff_service.csvio import parse_people

    people = parse_people("name,email,role\n" + "".join(f"Person {i:05d},p{i}@example.org,member\n"
                                                         for i in range(3000)))
    columns = ("id", "round_id", "name", "email", "email_key", "role", "link_generation", "added_at")

    def rows(round_id):
        for i in range(3000):
            if i == 2500 and failure == "a row cannot be made":
                raise RuntimeError("the disk filled up")
            yield (f"bulk{i:05d}", round_id, None if i == 2500 else f"Bulk {i:05d}", f"b{i}@example.org",
                   f"b{i}@example.org", "member", 1, db.utcnow())

    with app.app_context():
        with pytest.raises(IntegrityError if failure == "the database refuses a row" else RuntimeError), \
                db.transaction() as conn:
            round_id = rounds.open_round(conn, "south-ribble", None, None, people, "hr@example.org")
            db.insert_rows(conn, db.people, columns, rows(round_id))
        with db.reading() as conn:
            assert conn.execute(select(db.rounds)).all() == []
            assert conn.execute(select(db.people)).all() == []
            assert conn.execute(select(db.ledger)).all() == []
        with db.transaction() as conn:
            round_id = rounds.open_round(conn, "south-ribble", None, None, people, "hr@example.org")
        with db.reading() as conn:
            assert rounds.count_people(conn, rounds.get_round(conn, round_id)) == 3000
            added = conn.execute(select(db.ledger.c.person_id, db.ledger.c.details)
                                 .where(db.ledger.c.event == "person added").order_by(db.ledger.c.seq)).all()
            names = dict(conn.execute(select(db.people.c.id, db.people.c.name)).all())
            assert [names[person_id] for person_id, _ in added] == [p.name for p in people]
            assert '"name":"Person 00042"' in added[42].details
            report = ledger.verify(conn)
            assert report.ok and report.entries == 3001, report


def test_a_bulk_load_stores_every_value_exactly_as_given(app):
    """The people import's bulk load (COPY on PostgreSQL, which has its own escapes) stores names as
    written, in the people's rows and their ledger entries: backslashes, COPY's own NULL marker and
    separators, quotes, accents and emoji."""
    import json

    from signoff_service import rounds
    from signoff_service.csvio import parse_people

    names = ["Siân O\\Brien", "\\N", "Tab\\tand\\nnewline", 'Jo "JJ" Bloggs, Jr', "Zoë 🙂 Ng", "|", "\\."]
    text = "name,email,role,department,ward\n" + "".join(
        f'"{name.replace(chr(34), chr(34) * 2)}",p{i}@example.org,officer,"Dept \\{i}",\n' for i, name in enumerate(names))
    with app.app_context():
        with db.transaction() as conn:
            round_id = rounds.open_round(conn, "south-ribble", None, None, parse_people(text), "hr@example.org")
        with db.reading() as conn:
            stored = conn.execute(select(db.people.c.name, db.people.c.department, db.people.c.ward)
                                  .where(db.people.c.round_id == round_id).order_by(db.people.c.email)).all()
            assert [tuple(row) for row in stored] == [(name, f"Dept \\{i}", None) for i, name in enumerate(names)]
            added = conn.execute(select(db.ledger.c.details).where(db.ledger.c.event == "person added")
                                 .order_by(db.ledger.c.seq)).scalars().all()
            assert [json.loads(details)["name"] for details in added] == names
            assert ledger.verify(conn).ok
