-- PostgreSQL twin of migrations/hub/0017_ledger_events_history.sql.
--
-- The hub de-duplicates mall events in one place: ingest's events_received.
-- ledger_events keeps the history it holds (reconciliation's completeness
-- check still reads it); nothing writes it any more, and its rows are now
-- immutable. Inserts are not refused: hub migrate-db copies the history in.

-- +goose Up
CREATE TRIGGER ledger_events_history_no_update BEFORE UPDATE ON ledger_events
FOR EACH ROW EXECUTE FUNCTION ektamall_refuse('ledger_events is history: ingest records events in events_received');
CREATE TRIGGER ledger_events_history_no_delete BEFORE DELETE ON ledger_events
FOR EACH ROW EXECUTE FUNCTION ektamall_refuse('ledger_events is history: ingest records events in events_received');

-- +goose Down
-- forward-only
