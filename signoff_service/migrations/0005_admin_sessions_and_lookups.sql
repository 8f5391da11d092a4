-- HR sessions carry their account's session version (none yet: 0): signing out or changing the
-- password moves it on, which ends every session of that account (a copied cookie included).
CREATE TABLE admin_session_versions (
    admin_id TEXT PRIMARY KEY REFERENCES admins (id),
    version INTEGER NOT NULL
);

-- A person's and a round's ledger entries (the evidence pack, the receipt check, the audit page
-- for one round) found without a scan of the whole ledger.
CREATE INDEX ledger_person ON ledger (person_id, seq);
CREATE INDEX ledger_round ON ledger (round_id, seq);

-- Old login failures are pruned by time.
CREATE INDEX login_failures_at ON login_failures (at);
