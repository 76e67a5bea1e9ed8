-- Which hub application node ingests each mall's stream. Several hub
-- nodes can share one PostgreSQL database (issue 23); a node ingests a
-- mall only while it holds the mall's lease, which it renews every few
-- seconds, and every ingest transaction checks it holds the lease. When a
-- node dies its leases run out and another node takes the malls over.
-- Expiry is in milliseconds of the database's own clock, so the nodes'
-- clocks need not agree. A hub on SQLite (one node) does not use it.

-- (PostgreSQL twin of migrations/hub/0020_ingest_leases.sql.)

-- +goose Up
CREATE TABLE ingest_leases (
    mall_id    TEXT PRIMARY KEY,
    holder     TEXT NOT NULL,
    expires_ms BIGINT NOT NULL
);

-- +goose Down
DROP TABLE ingest_leases;
