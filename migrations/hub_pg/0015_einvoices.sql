-- E-invoices (issue 19): the e-invoice portal's responses finance
-- imports, one per document (a B2B invoice or a credit note against one).
-- A document with no row is pending; the IRN is computed by the hub from
-- the seller's GSTIN, financial year, type and number, so a response is
-- matched to its document by it. cancelled_at is set when the portal's
-- cancellation is imported (a void within 24 hours asks for it).

-- (PostgreSQL twin of migrations/hub/0015_einvoices.sql.)

-- +goose Up
CREATE TABLE einvoices (
    mall           TEXT NOT NULL REFERENCES malls (id),
    doc_type       TEXT NOT NULL CHECK (doc_type IN ('INV', 'CRN')),
    doc_id         TEXT NOT NULL,   -- sale id (INV) or return id (CRN)
    doc_no         TEXT NOT NULL,
    irn            TEXT NOT NULL UNIQUE CHECK (length(irn) = 64),
    ack_no         TEXT NOT NULL,
    ack_at         TEXT NOT NULL,   -- fixed-width UTC
    signed_qr      TEXT NOT NULL,
    signed_invoice TEXT NOT NULL DEFAULT '',
    imported_at    TEXT NOT NULL,
    imported_by    TEXT NOT NULL DEFAULT '',
    cancelled_at   TEXT,
    PRIMARY KEY (mall, doc_type, doc_id)
);

-- +goose Down
-- forward-only
