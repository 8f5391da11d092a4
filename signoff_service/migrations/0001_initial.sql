-- The sign-off service's first schema. Portable SQL (SQLite and PostgreSQL); text ids, UTC
-- timestamps as ISO 8601 text ("2026-11-23T10:11:34.123456Z") so the ledger hashes exactly what
-- is stored. Migrations only ever add: nothing here is dropped later.

CREATE TABLE admins (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE login_failures (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL,
    ip TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX login_failures_email ON login_failures (email, at);
CREATE INDEX login_failures_ip ON login_failures (ip, at);

CREATE TABLE rounds (
    id TEXT PRIMARY KEY,
    council_id TEXT NOT NULL,
    council_name TEXT NOT NULL,
    protocol_title TEXT NOT NULL,
    version_id TEXT NOT NULL,
    version_label TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    statements TEXT NOT NULL,
    statement_source TEXT NOT NULL,
    due_date TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE INDEX rounds_council ON rounds (council_id);

CREATE TABLE people (
    id TEXT PRIMARY KEY,
    round_id TEXT NOT NULL REFERENCES rounds (id),
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    email_key TEXT NOT NULL,
    role TEXT NOT NULL,
    department TEXT,
    ward TEXT,
    link_generation INTEGER NOT NULL,
    added_at TEXT NOT NULL,
    removed_at TEXT,
    link_sent_at TEXT,
    first_opened_at TEXT,
    last_reminded_at TEXT,
    UNIQUE (round_id, email_key)
);
CREATE INDEX people_email_key ON people (email_key);

CREATE TABLE signatures (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL UNIQUE REFERENCES people (id),
    round_id TEXT NOT NULL REFERENCES rounds (id),
    council_id TEXT NOT NULL,
    version_id TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    statements TEXT NOT NULL,
    name_on_record TEXT NOT NULL,
    typed_name TEXT NOT NULL,
    email TEXT NOT NULL,
    role TEXT NOT NULL,
    identified_by TEXT NOT NULL,
    agreed INTEGER NOT NULL,
    drawn_signature TEXT,
    signed_at TEXT NOT NULL,
    ip TEXT,
    user_agent TEXT
);
CREATE INDEX signatures_round ON signatures (round_id);

CREATE TABLE ledger (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    event TEXT NOT NULL,
    actor TEXT NOT NULL,
    round_id TEXT,
    person_id TEXT,
    details TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);

-- One row: the last entry's number and hash, so deleting the newest entries is detected too,
-- and so appends lock one row (SELECT ... FOR UPDATE) to keep the chain linear.
CREATE TABLE ledger_head (
    id INTEGER PRIMARY KEY,
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO ledger_head (id, seq, hash) VALUES (1, 0, 'genesis');
