-- Payouts keep the bank account they were made to, and a paid payout can
-- come back.
--
-- A payout file is a record of what the hub told the bank to do: it must
-- not change when a producer's account is edited later. Each payout now
-- holds the beneficiary, account number and IFSC on file when its run was
-- made. A producer owed money with no account on file is not paid: the
-- balance is held (settlement_balances.held says why), shown to finance
-- and carried into the next run, never written to a file with a blank
-- account.
--
-- A NEFT credit can be returned by the beneficiary's bank days after the
-- payout was reported paid. payout_returns records that (once per
-- payout, with the bank's reason); the amount is owed to the producer
-- again and the next run pays it.

-- (PostgreSQL twin of migrations/hub/0009_payout_snapshots.sql.)

-- +goose Up
ALTER TABLE settlement_payouts ADD COLUMN beneficiary TEXT NOT NULL DEFAULT '';
ALTER TABLE settlement_payouts ADD COLUMN account_no TEXT NOT NULL DEFAULT '';
ALTER TABLE settlement_payouts ADD COLUMN ifsc TEXT NOT NULL DEFAULT '';

-- Payouts made before this migration: the account on file now is the best
-- record there is of where they went.
DROP TRIGGER settlement_payouts_no_update ON settlement_payouts;
UPDATE settlement_payouts SET
    beneficiary = COALESCE((SELECT b.beneficiary FROM producer_bank_accounts b WHERE b.producer_id = settlement_payouts.producer_id), ''),
    account_no  = COALESCE((SELECT b.account_no FROM producer_bank_accounts b WHERE b.producer_id = settlement_payouts.producer_id), ''),
    ifsc        = COALESCE((SELECT b.ifsc FROM producer_bank_accounts b WHERE b.producer_id = settlement_payouts.producer_id), '');
CREATE TRIGGER settlement_payouts_no_update BEFORE UPDATE ON settlement_payouts
FOR EACH ROW EXECUTE FUNCTION ektamall_refuse('a closed settlement run is immutable');

-- Why a balance due was not paid ('' when it was, or was below the minimum).
ALTER TABLE settlement_balances ADD COLUMN held TEXT NOT NULL DEFAULT '';
ALTER TABLE settlement_runs ADD COLUMN held_count BIGINT NOT NULL DEFAULT 0;
ALTER TABLE settlement_runs ADD COLUMN held_total BIGINT NOT NULL DEFAULT 0;

CREATE TABLE payout_returns (
    payout_id TEXT PRIMARY KEY REFERENCES settlement_payouts (id),
    reason    TEXT NOT NULL CHECK (reason <> ''),
    at        TEXT NOT NULL,
    import_id TEXT NOT NULL
);
CREATE TRIGGER payout_returns_no_update BEFORE UPDATE ON payout_returns
FOR EACH ROW EXECUTE FUNCTION ektamall_refuse('payout results are immutable');
CREATE TRIGGER payout_returns_no_delete BEFORE DELETE ON payout_returns
FOR EACH ROW EXECUTE FUNCTION ektamall_refuse('payout results are immutable');

-- +goose Down
-- forward-only
