-- A backlog drains faster when a sale's tax, commission and round-off are
-- posted once per ingest batch (issue 24): each sale's entry credits them
-- to unposted:{mall}, and a summary entry per mall and tax period (IST
-- month) moves them from there to the GST, commission and round-off
-- accounts. summary_entry names the summary that posted a sale's share,
-- so an auditor can trace every summary to its sales ('' on sales booked
-- before, whose entries carry those legs themselves).
--
-- events_received_by_type served no query, and cost an index entry per
-- event ingested.

-- +goose Up
ALTER TABLE hub_sales ADD COLUMN summary_entry TEXT NOT NULL DEFAULT '';
DROP INDEX events_received_by_type;

-- +goose Down
SELECT RAISE(ABORT, 'forward-only migrations');
