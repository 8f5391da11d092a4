-- The audit ledger is append-only in the database too: a row once written can be neither changed
-- nor removed, by this service or by anyone else's SQL (short of dropping these triggers, which
-- verify-ledger would then catch through the hash chain). ledger_head moves, so it is not covered.

CREATE TRIGGER ledger_append_only_update BEFORE UPDATE ON ledger
BEGIN
    SELECT RAISE(ABORT, 'the audit ledger is append-only: entries cannot be changed');
END;

CREATE TRIGGER ledger_append_only_delete BEFORE DELETE ON ledger
BEGIN
    SELECT RAISE(ABORT, 'the audit ledger is append-only: entries cannot be removed');
END;
