-- A signature record is evidence: once written it can be neither changed nor removed, by this
-- service or by anyone else's SQL, like the ledger (0002). Short of dropping these triggers;
-- verify-ledger then finds the edit, checking every signature against its "signed" ledger entry.

CREATE TRIGGER signatures_append_only_update BEFORE UPDATE ON signatures
BEGIN
    SELECT RAISE(ABORT, 'signature records are append-only: they cannot be changed');
END;

CREATE TRIGGER signatures_append_only_delete BEFORE DELETE ON signatures
BEGIN
    SELECT RAISE(ABORT, 'signature records are append-only: they cannot be removed');
END;
