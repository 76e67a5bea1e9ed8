-- Settlement pays sale lines by region instead of item by item. Run k
-- covers every sale line with ingested_at <= cutoff_k and at <= window_end_k;
-- both bounds only grow from run to run, so the lines run k pays are those
-- in its region and not in run k-1's: each line falls in exactly one run,
-- and a run over ten million lines is one aggregate, not ten million
-- inserts. Returns and voids (a few percent) are still itemized in
-- settlement_items. The ledger stamps every booking's ingested_at after
-- the latest run's cutoff (hub/ledger), so no line can land inside a
-- region that is already closed.

-- (PostgreSQL twin of migrations/hub/0004_settlement_regions.sql.)

-- +goose Up

-- window_end: the run's bound on a sale's time; '' on runs made before
-- this migration, which read it as cutoff - window_secs.
ALTER TABLE settlement_runs ADD COLUMN window_end TEXT NOT NULL DEFAULT '';

-- How many sale lines and return/void lines each balance covers.
ALTER TABLE settlement_balances ADD COLUMN sale_lines BIGINT NOT NULL DEFAULT 0;
ALTER TABLE settlement_balances ADD COLUMN adjust_lines BIGINT NOT NULL DEFAULT 0;

-- A region is only as fixed as the rows in it: booked lines never change.
CREATE TRIGGER hub_sale_lines_no_update BEFORE UPDATE ON hub_sale_lines
FOR EACH ROW EXECUTE FUNCTION ektamall_refuse('booked sale lines are immutable');
CREATE TRIGGER hub_sale_lines_no_delete BEFORE DELETE ON hub_sale_lines
FOR EACH ROW EXECUTE FUNCTION ektamall_refuse('booked sale lines are immutable');
CREATE TRIGGER settlement_balances_no_delete BEFORE DELETE ON settlement_balances
FOR EACH ROW EXECUTE FUNCTION ektamall_refuse('a closed settlement run is immutable');

-- +goose Down
-- forward-only
