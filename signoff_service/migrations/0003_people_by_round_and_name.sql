-- HR's round page lists a round's people by name, a page at a time: with this index the database
-- walks them in order instead of sorting everyone in the round on every request.
CREATE INDEX people_round_name ON people (round_id, name, email_key);
