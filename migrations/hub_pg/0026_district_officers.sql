-- District officers (issue 20). (PostgreSQL twin of
-- migrations/hub/0026_district_officers.sql; PostgreSQL alters the role
-- CHECK in place where SQLite rebuilds the table.)

-- +goose Up
ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check CHECK (role IN ('finance', 'hub_admin', 'producer', 'district_officer'));

CREATE TABLE district_officers (
    user_id     TEXT PRIMARY KEY REFERENCES users (id),
    district_id TEXT NOT NULL REFERENCES districts (id),
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL
);
CREATE INDEX district_officers_by_district ON district_officers (district_id);

-- +goose Down
SELECT 1;
