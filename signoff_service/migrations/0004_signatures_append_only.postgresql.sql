-- A signature record is evidence: once written it can be neither changed nor removed (nor the
-- table truncated), by this service or by anyone else's SQL, like the ledger (0002). Short of
-- dropping these triggers; verify-ledger then finds the edit, checking every signature against
-- its "signed" ledger entry.

CREATE OR REPLACE FUNCTION signatures_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'signature records are append-only: they cannot be changed or removed';
END
$$;

CREATE TRIGGER signatures_append_only BEFORE UPDATE OR DELETE ON signatures
    FOR EACH ROW EXECUTE FUNCTION signatures_append_only();

CREATE TRIGGER signatures_append_only_truncate BEFORE TRUNCATE ON signatures
    FOR EACH STATEMENT EXECUTE FUNCTION signatures_append_only();
