-- GST returns (issue 19): each mall's address for the documents its GSTIN
-- issues (e-invoice seller details), and the GSTR-1 periods finance has
-- marked filed on the portal. A filed period's return is rebuilt as it
-- stood at filed_at; later changes go into amendments.

-- +goose Up
ALTER TABLE malls ADD COLUMN address TEXT NOT NULL DEFAULT '';
ALTER TABLE malls ADD COLUMN pincode TEXT NOT NULL DEFAULT '';

CREATE TABLE gst_filings (
    mall     TEXT NOT NULL REFERENCES malls (id),
    period   TEXT NOT NULL,              -- YYYY-MM
    filed_at TEXT NOT NULL,              -- fixed-width UTC, as the ledger's times
    filed_by TEXT NOT NULL DEFAULT '',
    arn      TEXT NOT NULL DEFAULT '',   -- the portal's acknowledgement reference
    totals   TEXT NOT NULL DEFAULT '{}', -- the liability as filed (JSON, amounts as strings)
    PRIMARY KEY (mall, period)
);

-- +goose Down
SELECT RAISE(ABORT, 'forward-only migrations');
