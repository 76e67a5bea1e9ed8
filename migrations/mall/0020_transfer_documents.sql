-- Transfers between malls as supplies (issue 19): the document each
-- transfer moves under (a tax invoice with IGST between States, a
-- delivery challan within one), its lines' values, and its e-way bill:
-- Part B (vehicle or transporter), the number and validity the portal
-- gives. A transfer whose e-way bill is required waits here, its
-- transfer.sent event held, until the number is entered (dispatched_at).
-- Partner malls gain their GSTIN (the recipient on the tax invoice).

-- +goose Up
ALTER TABLE peer_malls ADD COLUMN gstin TEXT NOT NULL DEFAULT '';

CREATE TABLE transfer_documents (
    transfer_id      TEXT PRIMARY KEY REFERENCES transfers (id),
    kind             TEXT NOT NULL CHECK (kind IN ('tax_invoice', 'delivery_challan')),
    number           TEXT NOT NULL UNIQUE CHECK (length(number) <= 16),
    series           TEXT NOT NULL,
    fy               INTEGER NOT NULL,
    seq              INTEGER NOT NULL CHECK (seq > 0),
    at               TEXT NOT NULL,
    from_gstin       TEXT NOT NULL,
    to_gstin         TEXT NOT NULL,
    to_state         TEXT NOT NULL,
    taxable_paise    INTEGER NOT NULL CHECK (taxable_paise >= 0),
    igst_paise       INTEGER NOT NULL CHECK (igst_paise >= 0),
    eway_required    INTEGER NOT NULL CHECK (eway_required IN (0, 1)),
    vehicle_no       TEXT NOT NULL DEFAULT '',
    transporter_id   TEXT NOT NULL DEFAULT '',
    distance_km      INTEGER NOT NULL DEFAULT 0,
    eway_no          TEXT NOT NULL DEFAULT '',
    eway_valid_until TEXT NOT NULL DEFAULT '',
    held_event       TEXT NOT NULL DEFAULT '',  -- transfer.sent payload waiting for the e-way bill
    dispatched_at    TEXT,
    UNIQUE (series, fy, seq),
    CHECK (kind = 'tax_invoice' OR igst_paise = 0)
);

CREATE TABLE transfer_document_lines (
    transfer_id   TEXT NOT NULL REFERENCES transfers (id),
    sku           TEXT NOT NULL,
    hsn           TEXT NOT NULL,
    qty           INTEGER NOT NULL CHECK (qty > 0),
    rate_bp       INTEGER NOT NULL,
    taxable_paise INTEGER NOT NULL,
    igst_paise    INTEGER NOT NULL,
    PRIMARY KEY (transfer_id, sku)
) WITHOUT ROWID;

-- +goose Down
SELECT RAISE(ABORT, 'forward-only migrations');
