-- Failed logins are counted per (username, client address) instead of per
-- user: five wrong passwords from one address lock that username from that
-- address only, so nobody can lock finance or a hub admin out by guessing
-- from elsewhere. Rows exist only for real users and
-- are swept a day after their last failure. users.failed_logins and
-- users.locked_until are no longer read.

-- (PostgreSQL twin of migrations/hub/0005_login_failures.sql.)

-- +goose Up
CREATE TABLE login_failures (
    username     TEXT NOT NULL,
    client       TEXT NOT NULL,
    failures     BIGINT NOT NULL CHECK (failures >= 0),
    last_at      TEXT NOT NULL,
    locked_until TEXT,
    PRIMARY KEY (username, client)
);
CREATE INDEX login_failures_by_last ON login_failures (last_at);

-- +goose Down
DROP TABLE login_failures;
