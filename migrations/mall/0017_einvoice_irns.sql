-- E-invoices (issue 19): the IRN, acknowledgement and signed QR code the
-- hub sends down once finance imports the portal's response for one of
-- this mall's business documents (a B2B invoice, or a credit note against
-- one). The invoice prints them; a void more than 24 hours after ack_at
-- is refused (the IRN can no longer be cancelled), and a void within 24
-- hours records cancel_asked_at for the hub to cancel the IRN.

-- +goose Up
CREATE TABLE einvoice_irns (
    doc_id          TEXT PRIMARY KEY,  -- sale id (INV) or return id (CRN)
    doc_type        TEXT NOT NULL CHECK (doc_type IN ('INV', 'CRN')),
    doc_no          TEXT NOT NULL,
    irn             TEXT NOT NULL UNIQUE CHECK (length(irn) = 64),
    ack_no          TEXT NOT NULL,
    ack_at          TEXT NOT NULL,
    signed_qr       TEXT NOT NULL,
    received_at     TEXT NOT NULL,
    cancel_asked_at TEXT
);

-- +goose Down
SELECT RAISE(ABORT, 'forward-only migrations');
