-- The hub's foundation: the master catalog (the hub owns it and sends it
-- down to malls), the malls it knows, finance users and sessions, and the
-- audit log. Amounts are integer paise; GST rates basis points; times
-- RFC 3339 UTC text.

-- +goose Up
CREATE TABLE states (
    code     TEXT PRIMARY KEY,
    gst_code TEXT NOT NULL UNIQUE,
    name     TEXT NOT NULL,
    ut       INTEGER NOT NULL CHECK (ut IN (0, 1)),
    utgst    INTEGER NOT NULL CHECK (utgst IN (0, 1))
);

CREATE TABLE districts (
    id           TEXT PRIMARY KEY,
    state        TEXT NOT NULL REFERENCES states (code),
    name         TEXT NOT NULL,
    odop_product TEXT NOT NULL DEFAULT '',
    category     TEXT NOT NULL DEFAULT '',
    gi           INTEGER NOT NULL DEFAULT 0 CHECK (gi IN (0, 1))
);

CREATE TABLE producers (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    district_id TEXT NOT NULL REFERENCES districts (id),
    state       TEXT NOT NULL REFERENCES states (code)
);

CREATE TABLE products (
    sku         TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    barcode     TEXT NOT NULL UNIQUE,
    hsn         TEXT NOT NULL,
    gst_rate_bp INTEGER NOT NULL CHECK (gst_rate_bp >= 0),
    mrp_paise   INTEGER NOT NULL CHECK (mrp_paise > 0),
    state       TEXT NOT NULL REFERENCES states (code),
    district_id TEXT NOT NULL REFERENCES districts (id),
    producer_id TEXT NOT NULL REFERENCES producers (id),
    gi          INTEGER NOT NULL DEFAULT 0 CHECK (gi IN (0, 1)),
    category    TEXT NOT NULL DEFAULT '',
    active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    updated_at  TEXT NOT NULL
);
CREATE INDEX products_by_state ON products (state, sku);

CREATE TABLE malls (
    id         TEXT PRIMARY KEY CHECK (id GLOB '[A-Z0-9]*' AND length(id) BETWEEN 2 AND 8),
    state      TEXT NOT NULL REFERENCES states (code),
    name       TEXT NOT NULL,
    gstin      TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL DEFAULT '',
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('finance', 'hub_admin')),
    zone          TEXT,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until  TEXT,
    created_at    TEXT NOT NULL
);

CREATE TABLE sessions (
    token_hash BLOB PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE INDEX sessions_by_user ON sessions (user_id);

CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    at         TEXT NOT NULL,
    user_id    TEXT,
    action     TEXT NOT NULL,
    detail     TEXT NOT NULL DEFAULT '{}',
    request_id TEXT NOT NULL DEFAULT ''
);
CREATE TRIGGER audit_log_append_only_u BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_append_only_d BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

-- +goose Down
SELECT RAISE(ABORT, 'forward-only migrations');
