-- Transfers between malls as supplies (issue 19): the tax invoice (IGST,
-- between States) or delivery challan (within one) each transfer moved
-- under, as the sending mall reported it in transfer.sent. A tax
-- invoice's IGST is booked as the sender's output tax and the receiver's
-- input tax credit; both kinds are in the sender's GSTR-1 (b2b, and the
-- documents issued).

-- (PostgreSQL twin of migrations/hub/0021_transfer_documents.sql.)

-- +goose Up
CREATE TABLE hub_transfer_docs (
    mall        TEXT NOT NULL,   -- the sender
    transfer_id TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('tax_invoice', 'delivery_challan')),
    number      TEXT NOT NULL,
    at          TEXT NOT NULL,
    to_mall     TEXT NOT NULL,
    to_gstin    TEXT NOT NULL,
    to_state    TEXT NOT NULL,
    taxable     BIGINT NOT NULL CHECK (taxable >= 0),
    igst        BIGINT NOT NULL CHECK (igst >= 0),
    ingested_at TEXT NOT NULL,
    event_id    TEXT NOT NULL,
    PRIMARY KEY (mall, transfer_id)
);
CREATE INDEX hub_transfer_docs_by_at ON hub_transfer_docs (mall, at);

CREATE TABLE hub_transfer_doc_lines (
    mall        TEXT NOT NULL,
    transfer_id TEXT NOT NULL,
    sku         TEXT NOT NULL,
    hsn         TEXT NOT NULL,
    qty         BIGINT NOT NULL CHECK (qty > 0),
    rate_bp     BIGINT NOT NULL,
    taxable     BIGINT NOT NULL,
    igst        BIGINT NOT NULL,
    PRIMARY KEY (mall, transfer_id, sku)
);

-- +goose Down
-- forward-only
