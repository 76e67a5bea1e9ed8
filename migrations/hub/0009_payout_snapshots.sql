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

-- +goose Up
ALTER TABLE settlement_payouts ADD COLUMN beneficiary TEXT NOT NULL DEFAULT '';
ALTER TABLE settlement_payouts ADD COLUMN account_no TEXT NOT NULL DEFAULT '';
ALTER TABLE settlement_payouts ADD COLUMN ifsc TEXT NOT NULL DEFAULT '';

-- Payouts made before this migration: the account on file now is the best
-- record there is of where they went.
DROP TRIGGER settlement_payouts_no_update;
UPDATE settlement_payouts SET
    beneficiary = COALESCE((SELECT b.beneficiary FROM producer_bank_accounts b WHERE b.producer_id = settlement_payouts.producer_id), ''),
    account_no  = COALESCE((SELECT b.account_no FROM producer_bank_accounts b WHERE b.producer_id = settlement_payouts.producer_id), ''),
    ifsc        = COALESCE((SELECT b.ifsc FROM producer_bank_accounts b WHERE b.producer_id = settlement_payouts.producer_id), '');
CREATE TRIGGER settlement_payouts_no_update BEFORE UPDATE ON settlement_payouts
BEGIN SELECT RAISE(ABORT, 'a closed settlement run is immutable'); END;

-- Why a balance due was not paid ('' when it was, or was below the minimum).
ALTER TABLE settlement_balances ADD COLUMN held TEXT NOT NULL DEFAULT '';
ALTER TABLE settlement_runs ADD COLUMN held_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE settlement_runs ADD COLUMN held_total INTEGER NOT NULL DEFAULT 0;

CREATE TABLE payout_returns (
    payout_id TEXT PRIMARY KEY REFERENCES settlement_payouts (id),
    reason    TEXT NOT NULL CHECK (reason <> ''),
    at        TEXT NOT NULL,
    import_id TEXT NOT NULL
);
CREATE TRIGGER payout_returns_no_update BEFORE UPDATE ON payout_returns
BEGIN SELECT RAISE(ABORT, 'payout results are immutable'); END;
CREATE TRIGGER payout_returns_no_delete BEFORE DELETE ON payout_returns
BEGIN SELECT RAISE(ABORT, 'payout results are immutable'); END;

-- +goose Down
SELECT RAISE(ABORT, 'forward-only migrations');
