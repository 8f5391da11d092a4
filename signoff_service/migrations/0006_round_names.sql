-- Rounds get a name HR gives them ("May 2027 induction"), shown instead of their id. Nothing is
-- dropped: rounds opened before this are named from what they already hold, their council,
-- version and the day they were opened ("South Ribble Borough Council, January 2018, opened 2026-12-01").
ALTER TABLE rounds ADD COLUMN name TEXT;
UPDATE rounds SET name = council_name || ', ' || version_label || ', opened ' || substr(created_at, 1, 10)
  WHERE name IS NULL;
