-- The audit ledger is append-only in the database too: a row once written can be neither changed
-- nor removed (nor the table truncated), by this service or by anyone else's SQL, short of
-- disabling these triggers, which verify-ledger would then catch through the hash chain.
-- ledger_head moves, so it is not covered.

CREATE OR REPLACE FUNCTION ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit ledger is append-only: entries cannot be changed or removed';
END
$$;

CREATE TRIGGER ledger_append_only BEFORE UPDATE OR DELETE ON ledger
    FOR EACH ROW EXECUTE FUNCTION ledger_append_only();

CREATE TRIGGER ledger_append_only_truncate BEFORE TRUNCATE ON ledger
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only();
