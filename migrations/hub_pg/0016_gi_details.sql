-- (PostgreSQL twin of migrations/hub/0016_gi_details.sql: the same statements.)
-- GI details of GI-tagged products (issue 20): the GI Registry's
-- registration (application) number and registered name, and the
-- producer's authorised-user number where they hold one. The mall's
-- products carry the same columns (migrations/mall/0018_gi_details.sql).

-- +goose Up
ALTER TABLE products ADD COLUMN gi_name TEXT NOT NULL DEFAULT '';
ALTER TABLE products ADD COLUMN gi_reg TEXT NOT NULL DEFAULT '';
ALTER TABLE products ADD COLUMN gi_authorised_user TEXT NOT NULL DEFAULT '';

-- +goose Down
SELECT 1;
