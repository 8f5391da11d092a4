-- How many people a round has (HR's dashboard and round page, at a county's 100,000) counted from
-- this index alone, without reading each person's row to see whether they were removed.
CREATE INDEX people_active_by_round ON people (round_id) WHERE removed_at IS NULL;
