-- +goose Up
-- The hub de-duplicates mall events in one place: ingest's events_received
-- (one row per mall and sequence, and per event id). The ledger books only
-- what ingest hands it and no longer claims each event in ledger_events,
-- which repeated the same keys. The table keeps the history it holds
-- (reconciliation's completeness check still reads it); nothing writes it
-- any more, and its rows are now immutable. (Inserts are not refused by a
-- trigger: copying a hub's books into PostgreSQL, hub migrate-db, inserts
-- its history.)
CREATE TRIGGER ledger_events_history_no_update BEFORE UPDATE ON ledger_events
BEGIN SELECT RAISE(ABORT, 'ledger_events is history: ingest records events in events_received'); END;
CREATE TRIGGER ledger_events_history_no_delete BEFORE DELETE ON ledger_events
BEGIN SELECT RAISE(ABORT, 'ledger_events is history: ingest records events in events_received'); END;

-- +goose Down
SELECT RAISE(ABORT, 'forward-only migrations');
