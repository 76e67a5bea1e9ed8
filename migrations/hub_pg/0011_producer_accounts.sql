-- Producers at the hub: their own logins, one-time setup codes, and the
-- hub's picture of each mall's stock. (PostgreSQL twin of
-- migrations/hub/0011_producer_accounts.sql; PostgreSQL alters the role
-- CHECK in place where SQLite rebuilds the table.)

-- +goose Up
ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check CHECK (role IN ('finance', 'hub_admin', 'producer'));

CREATE TABLE producer_logins (
    user_id     TEXT PRIMARY KEY REFERENCES users (id),
    producer_id TEXT NOT NULL UNIQUE REFERENCES producers (id),
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL
);

CREATE TABLE password_setups (
    code_hash  BYTEA PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id),
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at    TEXT
);
CREATE INDEX password_setups_by_user ON password_setups (user_id);

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

-- +goose Down
SELECT 1;
