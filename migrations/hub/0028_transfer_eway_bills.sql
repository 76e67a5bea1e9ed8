-- E-way bills at the hub (issue 19): a transfer that needed an e-way bill
-- reports its number, validity and vehicle in transfer.sent, so finance
-- sees every mall's e-way bills beside its transfer documents. Older
-- transfers, and those under the limit, keep ''.

-- +goose Up
ALTER TABLE hub_transfer_docs ADD COLUMN eway_no TEXT NOT NULL DEFAULT '';
ALTER TABLE hub_transfer_docs ADD COLUMN eway_valid_until TEXT NOT NULL DEFAULT '';
ALTER TABLE hub_transfer_docs ADD COLUMN eway_vehicle TEXT NOT NULL DEFAULT '';

-- +goose Down
SELECT RAISE(ABORT, 'forward-only migrations');
