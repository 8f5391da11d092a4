"""The ceilings bench/signoff_load.py measures the sign-off service against, served by the same
gunicorn settings in the same run:

- GET /const: a constant response (no template, no database): the most a page can do.
- POST /insert: one durable SQLite insert per request (WAL, synchronous=FULL, one transaction,
  one fsync), storing the posted form: the most a signature can do on this disk. Writers wait
  for each other in SQLite's busy handler (BEGIN IMMEDIATE + busy_timeout), as in the issue.
- POST /insert-queued: the same insert, with writers first queued on an exclusive flock of a
  file beside the database (as the service's db.transaction does), so the next writer wakes
  when the last commits instead of polling with sleeps.

BARE_DB names the SQLite file; bench/signoff_load.py creates it (prepare_db) before gunicorn
starts, so the workers never race to create the table.
"""
from __future__ import annotations

import fcntl
import os
import sqlite3
import time

from flask import Flask, request

SCHEMA = """CREATE TABLE IF NOT EXISTS acknowledgement (
    id INTEGER PRIMARY KEY, link TEXT NOT NULL, full_name TEXT NOT NULL, signed_at REAL NOT NULL)"""


def connect(path: str) -> sqlite3.Connection:
    connection = sqlite3.connect(path, timeout=30, isolation_level=None)
    connection.execute("PRAGMA busy_timeout = 30000")
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA synchronous = FULL")
    return connection


def prepare_db(path: str) -> None:
    with connect(path) as connection:
        connection.execute(SCHEMA)


def create_app() -> Flask:
    app = Flask(__name__)
    db_path = os.environ["BARE_DB"]

    connections: list[sqlite3.Connection] = []  # one per worker process, opened after the fork

    def db() -> sqlite3.Connection:
        if not connections:
            connections.append(connect(db_path))
        return connections[0]

    @app.get("/healthz")
    @app.get("/const")
    def const():
        return "ok"

    def durable_insert() -> None:
        connection = db()
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("INSERT INTO acknowledgement (link, full_name, signed_at) VALUES (?, ?, ?)",
                           (request.path, request.form.get("full_name", ""), time.time()))
        connection.execute("COMMIT")

    @app.post("/insert")
    def insert():
        durable_insert()
        return "", 303, {"Location": "/const"}

    @app.post("/insert-queued")
    def insert_queued():
        with open(f"{db_path}.write-lock", "a") as lock_file:
            fcntl.flock(lock_file, fcntl.LOCK_EX)
            durable_insert()
        return "", 303, {"Location": "/const"}

    return app
