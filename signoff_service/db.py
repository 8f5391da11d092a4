"""Storage: one SQLAlchemy engine per app, the tables (Core), numbered SQL migrations, transactions.

SQLite (default): WAL, busy timeout, foreign keys, synchronous=FULL; writes take the lock up front
(BEGIN IMMEDIATE) so concurrent worker processes queue instead of failing mid-transaction; before
that, writers queue on a kernel file lock beside the database (see `sqlite_write_lock_path`).
PostgreSQL: the same SQL; migrations serialise on an advisory lock.
"""
from __future__ import annotations

import fcntl
import os
import re
import sqlite3
from contextlib import contextmanager, nullcontext
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path
from typing import Iterable, Iterator, Sequence

from flask import current_app
from sqlalchemy import (Column, Connection, Engine, Integer, MetaData, RootTransaction, Table, Text, create_engine,
                        event, insert, text)
from sqlalchemy.exc import DBAPIError

metadata = MetaData()

admins = Table("admins", metadata, Column("id", Text, primary_key=True), Column("email", Text),
               Column("password_hash", Text), Column("created_at", Text))
admin_session_versions = Table("admin_session_versions", metadata, Column("admin_id", Text, primary_key=True),
                               Column("version", Integer))
login_failures = Table("login_failures", metadata, Column("id", Text, primary_key=True), Column("email", Text),
                       Column("ip", Text), Column("at", Text))
rounds = Table("rounds", metadata, *(Column(n, Text) for n in (
    "council_id", "council_name", "protocol_title", "version_id", "version_label", "content_hash",
    "statements", "statement_source", "due_date", "created_at", "created_by")),
    Column("id", Text, primary_key=True), Column("name", Text))
people = Table("people", metadata, Column("id", Text, primary_key=True), *(Column(n, Text) for n in (
    "round_id", "name", "email", "email_key", "role", "department", "ward")),
    Column("link_generation", Integer), *(Column(n, Text) for n in (
        "added_at", "removed_at", "link_sent_at", "first_opened_at", "last_reminded_at")))
signatures = Table("signatures", metadata, Column("id", Text, primary_key=True), *(Column(n, Text) for n in (
    "person_id", "round_id", "council_id", "version_id", "content_hash", "statements", "name_on_record",
    "typed_name", "email", "role", "identified_by")), Column("agreed", Integer),
    *(Column(n, Text) for n in ("drawn_signature", "signed_at", "ip", "user_agent")))
ledger = Table("ledger", metadata, Column("seq", Integer, primary_key=True, autoincrement=False),
               *(Column(n, Text) for n in ("at", "event", "actor", "round_id", "person_id", "details",
                                            "prev_hash", "hash")))
ledger_head = Table("ledger_head", metadata, Column("id", Integer, primary_key=True, autoincrement=False),
                    Column("seq", Integer), Column("hash", Text))

# NNNN_name.sql runs everywhere; NNNN_name.<dialect>.sql only on that database (triggers, which
# SQLite and PostgreSQL spell differently), with one such file per dialect for the number.
MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+(?:\.(sqlite|postgresql))?\.sql$")
PG_MIGRATION_LOCK = 7_311_004  # any constant; identifies this app's migration lock


def utcnow() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


SQLITE_CONNECT_ARGS = {"timeout": 30}


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args=SQLITE_CONNECT_ARGS)
        event.listen(engine, "connect", _sqlite_connect)  # a pool event: once per new connection
        return engine
    return create_engine(url, pool_pre_ping=True)


def _sqlite_connect(dbapi_connection, _record) -> None:
    dbapi_connection.isolation_level = None  # we issue BEGIN ourselves (see _begin)
    cursor = dbapi_connection.cursor()
    for pragma in ("busy_timeout = 30000", "journal_mode = WAL", "foreign_keys = ON", "synchronous = FULL"):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def _begin(conn: Connection, write: bool) -> RootTransaction:
    """Start `conn`'s transaction, ended through SQLAlchemy (the returned transaction, or conn).

    SQLite: BEGIN IMMEDIATE for a write (the write lock up front, so writers queue rather than fail
    mid-transaction), BEGIN for a read (one snapshot), issued here on the driver's connection, as
    pysqlite's own begin does nothing once its isolation_level is None. Not from an engine "begin"
    event listener: any listener on the engine makes SQLAlchemy dispatch events on every connection
    and statement (about 11 µs a transaction and 3 µs a statement, the signing POST's included).
    """
    transaction = conn.begin()
    if conn.dialect.name == "sqlite":
        driver = conn.connection.driver_connection
        if driver is None:  # only for a connection SQLAlchemy has already closed
            raise RuntimeError("BEGIN on a closed SQLite connection")
        driver.execute("BEGIN IMMEDIATE" if write else "BEGIN")
    return transaction


def init_app(app) -> None:
    url = app.config["DATABASE_URL"]
    if url is None:
        Path(app.instance_path).mkdir(mode=0o700, parents=True, exist_ok=True)
        url = f"sqlite:///{Path(app.instance_path) / 'signoff.sqlite3'}"
        app.config["DATABASE_URL"] = url
    engine = make_engine(url)
    _create_private(sqlite_file(engine))
    app.extensions["signoff.engine"] = engine
    app.extensions["signoff.write_lock"] = sqlite_write_lock_path(engine)
    migrate(engine)
    engine.dispose()  # no pooled connection outlives a fork (gunicorn --preload makes workers from this process)


def engine() -> Engine:
    return current_app.extensions["signoff.engine"]


@contextmanager
def transaction() -> Iterator[Connection]:
    """A write transaction: all of it commits, or none of it (an exception rolls back)."""
    lock_path = current_app.extensions["signoff.write_lock"]
    # The pooled connection is taken before the write lock and given back after it: the lock is
    # held for the transaction alone, since every writer waits for whoever holds it.
    with engine().connect() as conn, sqlite_write_lock(lock_path) if lock_path else nullcontext(), \
            _begin(conn, write=True):
        yield conn


def insert_rows(conn: Connection, table: Table, columns: Sequence[str], rows: Iterable[Sequence]) -> None:
    """Bulk load: insert `rows` (tuples, values in `columns` order) into `table`, in `conn`'s transaction.

    For a county's people list and its ledger entries (bench/signoff_scale.py: 100,000 people,
    100,000 entries), where SQLAlchemy's per-row handling of an executemany's parameters and, on
    PostgreSQL, the driver's executemany cost more than the rest of the import together. The
    statement is still Core's (the table's INSERT, compiled for the connection's dialect, or its
    COPY), and it runs in the caller's transaction like any other, so a failure anywhere rolls back
    everything the transaction wrote:

    - SQLite: the compiled INSERT with the rows handed to the driver's executemany as they are
      (`exec_driver_sql`), skipping the per-row conversion Core does for dictionaries.
    - PostgreSQL: `COPY table (columns) FROM STDIN` on the transaction's own driver connection
      (psycopg escapes the values; the server parses them as it would an INSERT's and checks every
      constraint and trigger alike).

    Safe for plain values (str, int, None) into columns named here; nothing the table's Core
    definition would convert on the way in (no type with a bind processor: every column of the
    service's tables is Text or Integer). Everything else writes through Core statements.
    """
    columns = tuple(columns)
    if conn.dialect.name == "postgresql":
        preparer = conn.dialect.identifier_preparer
        statement = (f"COPY {preparer.format_table(table)} ({', '.join(preparer.quote(c) for c in columns)}) "
                     "FROM STDIN")
        driver = conn.connection.driver_connection
        if driver is None:  # only for a connection SQLAlchemy has already closed
            raise RuntimeError("COPY on a closed PostgreSQL connection")
        try:
            with driver.cursor() as cursor, cursor.copy(statement) as copy:
                for row in rows:
                    copy.write_row(row)
        except conn.dialect.loaded_dbapi.Error as e:  # as SQLAlchemy raises it for any other statement
            raise DBAPIError.instance(statement, None, e, conn.dialect.loaded_dbapi.Error,
                                      dialect=conn.dialect) from e
        return
    batch = list(rows)
    if not batch:
        return
    compiled = insert(table).compile(dialect=conn.dialect, column_keys=list(columns))
    if compiled.positiontup is None:  # the service's SQLite driver takes positional (qmark) parameters
        raise RuntimeError(f"bulk load needs a positional driver, not {conn.dialect.driver}")
    order = [columns.index(name) for name in compiled.positiontup]  # the compiled statement's order
    if order != list(range(len(columns))):
        batch = [tuple(row[i] for i in order) for row in batch]
    conn.exec_driver_sql(str(compiled), batch)


@contextmanager
def sqlite_write_lock(lock_path: str) -> Iterator[None]:
    """Hold SQLite's write lock file (see sqlite_write_lock_path), queueing for it if need be."""
    lock_fd = os.open(lock_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        fcntl.flock(lock_fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(lock_fd)  # releases the lock, after the commit or rollback


def sqlite_file(engine: Engine) -> str | None:
    """The SQLite database's file, or None (PostgreSQL, in-memory SQLite)."""
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return database


def _create_private(path: str | None) -> None:
    # Signatures, names and emails: readable by the service's user only. SQLite gives the -wal and
    # -shm files the database file's permissions; an existing file is left as its owner set it.
    if path is not None:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))


def sqlite_write_lock_path(engine: Engine) -> str | None:
    """<database>.write-lock, which SQLite writers hold (flock) for their whole transaction.

    SQLite lets one writer in at a time; the others' busy handler polls with sleeps that grow to
    100 ms, so under load the lock sits free while the waiters sleep (profiled with
    bench/signoff_load.py: half of every signing worker's time went there). Blocking on a kernel
    lock instead wakes the next writer the moment the last one commits. The kernel drops the lock
    if the process dies, and BEGIN IMMEDIATE with the busy timeout still guards any writer that
    does not queue here (migrations, another tool). The file is opened per transaction, so threads
    of one process queue too. None for PostgreSQL and in-memory SQLite.
    """
    database = sqlite_file(engine)
    return f"{database}.write-lock" if database else None


@contextmanager
def reading() -> Iterator[Connection]:
    """A read-only connection; its reads see one snapshot of the database."""
    with engine().connect() as conn:
        _begin(conn, write=False)
        yield conn
        conn.rollback()


def migrations(dialect: str) -> list[tuple[int, str, str]]:
    """(number, name, sql) for each file in migrations/ that applies to `dialect`, in order."""
    found = []
    for entry in resources.files("signoff_service").joinpath("migrations").iterdir():
        match = MIGRATION_NAME.match(entry.name)
        if match and match.group(2) in (None, dialect):
            found.append((int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    return sorted(found)


def migration_dialect(name: str) -> str | None:
    """The database a migration file is for (`sqlite`, `postgresql`), or None for every database."""
    match = MIGRATION_NAME.match(name)
    return match.group(2) if match else None


def _statements(sql: str, dialect: str | None = None) -> list[str]:
    """The statements of a migration file, to run one at a time.

    Portable files split at each semicolon. A SQLite file splits where sqlite3 says a statement
    is complete (a trigger body has semicolons inside BEGIN ... END); a PostgreSQL file runs as
    one script (its function bodies are $$-quoted).
    """
    without_comments = "\n".join(line for line in sql.splitlines() if not line.strip().startswith("--"))
    if dialect == "postgresql":
        return [without_comments.strip()] if without_comments.strip() else []
    if dialect == "sqlite":
        statements, current = [], ""
        for line in without_comments.splitlines(keepends=True):
            current += line
            if sqlite3.complete_statement(current):
                statements.append(current.strip().removesuffix(";").strip())
                current = ""
        return statements + ([current.strip()] if current.strip() else [])
    return [s.strip() for s in without_comments.split(";") if s.strip()]


def migrate(engine: Engine) -> list[str]:
    """Apply the migrations not yet applied, all in one transaction; returns their names."""
    applied_now = []
    with engine.connect() as conn, _begin(conn, write=True):
        _lock_migrations(conn)
        conn.execute(text("CREATE TABLE IF NOT EXISTS schema_migrations "
                          "(number INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"))
        done = {row[0] for row in conn.execute(text("SELECT number FROM schema_migrations"))}
        for number, name, sql in migrations(conn.dialect.name):
            if number in done:
                continue
            for statement in _statements(sql, migration_dialect(name)):
                conn.exec_driver_sql(statement)
            conn.execute(text("INSERT INTO schema_migrations (number, name, applied_at) VALUES (:n, :name, :at)"),
                         {"n": number, "name": name, "at": utcnow()})
            applied_now.append(name)
    return applied_now


def _lock_migrations(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": PG_MIGRATION_LOCK})
