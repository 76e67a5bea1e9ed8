-- District officers (issue 20): a hub login bound to one district, which
-- creates producer logins for that district's producers and reads their
-- views, read-only.
--
-- users is rebuilt because its CHECK lists the roles and SQLite cannot
-- alter a CHECK in place: SQLite's documented 12-step procedure, as in
-- 0011_producer_accounts.sql.

-- +goose NO TRANSACTION
-- +goose Up
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;

CREATE TABLE users_v2 (
    id             TEXT PRIMARY KEY,
    username       TEXT NOT NULL UNIQUE,
    display_name   TEXT NOT NULL DEFAULT '',
    password_hash  TEXT NOT NULL,
    role           TEXT NOT NULL CHECK (role IN ('finance', 'hub_admin', 'producer', 'district_officer')),
    zone           TEXT,
    failed_logins  INTEGER NOT NULL DEFAULT 0,
    locked_until   TEXT,
    created_at     TEXT NOT NULL,
    deactivated_at TEXT,
    lang           TEXT NOT NULL DEFAULT ''
);
INSERT INTO users_v2 (id, username, display_name, password_hash, role, zone, failed_logins, locked_until, created_at, deactivated_at, lang)
SELECT id, username, display_name, password_hash, role, zone, failed_logins, locked_until, created_at, deactivated_at, lang FROM users;
DROP TABLE users;
ALTER TABLE users_v2 RENAME TO users;

-- The district each officer's login is for (one district per login).
CREATE TABLE district_officers (
    user_id     TEXT PRIMARY KEY REFERENCES users (id),
    district_id TEXT NOT NULL REFERENCES districts (id),
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL
);
CREATE INDEX district_officers_by_district ON district_officers (district_id);

COMMIT;
PRAGMA foreign_keys = ON;

-- +goose Down
SELECT RAISE(ABORT, 'forward-only migrations');
