-- Settlement pays sale lines by region instead of item by item. Run k
-- covers every sale line with ingested_at <= cutoff_k and at <= window_end_k;
-- both bounds only grow from run to run, so the lines run k pays are those
-- in its region and not in run k-1's: each line falls in exactly one run,
-- and a run over ten million lines is one aggregate, not ten million
-- inserts. Returns and voids (a few percent) are still itemized in
-- settlement_items. The ledger stamps every booking's ingested_at after
-- the latest run's cutoff (hub/ledger), so no line can land inside a
-- region that is already closed.

-- +goose Up

-- window_end: the run's bound on a sale's time; '' on runs made before
-- this migration, which read it as cutoff - window_secs.
ALTER TABLE settlement_runs ADD COLUMN window_end TEXT NOT NULL DEFAULT '';

-- How many sale lines and return/void lines each balance covers.
ALTER TABLE settlement_balances ADD COLUMN sale_lines INTEGER NOT NULL DEFAULT 0;
ALTER TABLE settlement_balances ADD COLUMN adjust_lines INTEGER NOT NULL DEFAULT 0;

-- A region is only as fixed as the rows in it: booked lines never change.
CREATE TRIGGER hub_sale_lines_no_update BEFORE UPDATE ON hub_sale_lines
BEGIN SELECT RAISE(ABORT, 'booked sale lines are immutable'); END;
CREATE TRIGGER hub_sale_lines_no_delete BEFORE DELETE ON hub_sale_lines
BEGIN SELECT RAISE(ABORT, 'booked sale lines are immutable'); END;
CREATE TRIGGER settlement_balances_no_delete BEFORE DELETE ON settlement_balances
BEGIN SELECT RAISE(ABORT, 'a closed settlement run is immutable'); END;

-- +goose Down
SELECT RAISE(ABORT, 'forward-only migrations');
