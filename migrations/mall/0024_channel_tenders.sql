-- +goose Up
-- Online orders' fulfilment (issue 22).
-- Who moved a part last (the zone manager), for the audit of each step.
ALTER TABLE channel_lines ADD COLUMN updated_by TEXT NOT NULL DEFAULT '';

-- An online order's invoice is paid through the channel (tender method
-- 'channel', ref = the channel's order id), and its credit notes refund
-- through it: the tender tables gain the method.
CREATE TABLE sale_tenders_new (
    sale_id      TEXT NOT NULL REFERENCES sales (id),
    idx          INTEGER NOT NULL CHECK (idx > 0),
    method       TEXT NOT NULL CHECK (method IN ('cash', 'upi', 'card', 'channel')),
    amount_paise INTEGER NOT NULL CHECK (amount_paise > 0),
    ref          TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (sale_id, idx)
) WITHOUT ROWID;
INSERT INTO sale_tenders_new SELECT sale_id, idx, method, amount_paise, ref FROM sale_tenders;
DROP INDEX sale_tenders_by_ref;
DROP TABLE sale_tenders;
ALTER TABLE sale_tenders_new RENAME TO sale_tenders;
CREATE INDEX sale_tenders_by_ref ON sale_tenders (ref, method) WHERE ref <> '';

CREATE TABLE refunds_new (
    return_id    TEXT NOT NULL REFERENCES returns (id),
    idx          INTEGER NOT NULL CHECK (idx > 0),
    method       TEXT NOT NULL CHECK (method IN ('cash', 'upi', 'card', 'channel')),
    amount_paise INTEGER NOT NULL CHECK (amount_paise > 0),
    ref          TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (return_id, idx)
) WITHOUT ROWID;
INSERT INTO refunds_new SELECT return_id, idx, method, amount_paise, ref FROM refunds;
DROP TABLE refunds;
ALTER TABLE refunds_new RENAME TO refunds;

-- +goose Down
SELECT RAISE(ABORT, 'forward-only migrations');
