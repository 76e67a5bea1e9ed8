-- Producers at the hub: their own logins (role producer, one per
-- producer), first-use passwords set through a one-time code, and the
-- hub's picture of each mall's stock by product and location, built from
-- the stock, sale, void and return events the malls send.
--
-- users is rebuilt because its CHECK lists the roles and SQLite cannot
-- alter a CHECK in place: SQLite's documented 12-step procedure, as in
-- migrations/mall/0011_gst.sql.

-- +goose NO TRANSACTION
-- +goose Up
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;

CREATE TABLE users_v2 (
    id             TEXT PRIMARY KEY,
    username       TEXT NOT NULL UNIQUE,
    display_name   TEXT NOT NULL DEFAULT '',
    password_hash  TEXT NOT NULL,
    role           TEXT NOT NULL CHECK (role IN ('finance', 'hub_admin', 'producer')),
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

-- The one login of a producer (a cooperative shares one login).
CREATE TABLE producer_logins (
    user_id     TEXT PRIMARY KEY REFERENCES users (id),
    producer_id TEXT NOT NULL UNIQUE REFERENCES producers (id),
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL
);

-- One-time codes that let a producer set their password on first use (or
-- after finance issues a new one). Only the code's SHA-256 is kept.
CREATE TABLE password_setups (
    code_hash  BLOB PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id),
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at    TEXT
);
CREATE INDEX password_setups_by_user ON password_setups (user_id);

-- Stock per mall, SKU, zone and location as the hub knows it from events,
-- and how far each mall's events have been read into it.
CREATE TABLE hub_stock (
    mall     TEXT NOT NULL,
    sku      TEXT NOT NULL,
    zone     TEXT NOT NULL,
    location TEXT NOT NULL,
    qty      BIGINT NOT NULL,
    PRIMARY KEY (mall, sku, zone, location)
);
CREATE INDEX hub_stock_by_sku ON hub_stock (sku);
CREATE TABLE hub_stock_cursor (
    mall TEXT PRIMARY KEY,
    seq  BIGINT NOT NULL CHECK (seq >= 0)
);

COMMIT;
PRAGMA foreign_keys = ON;

-- +goose Down
SELECT RAISE(ABORT, 'forward-only migrations');
