-- GST and the law at the counter (issue 18): price-band rates by HSN,
-- inter-State supplies (IGST), the round-off line, business buyers and
-- delivery addresses, and the buyer's PAN or Form 60 on large sales.
--
-- The documents' tables are rebuilt because their CHECKs state that
-- taxable + CGST + SGST is the amount, and IGST and the round-off change
-- that sum; SQLite cannot alter a CHECK in place. This is SQLite's
-- documented 12-step procedure: foreign keys off outside the transaction,
-- new table, copy, drop, rename, indexes and triggers again, then foreign
-- keys back on (sqlite.org/lang_altertable.html#otheralter).

-- +goose NO TRANSACTION
-- +goose Up
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;

-- A product whose rate is fixed by its own entry whatever its price (a
-- handmade shawl under the handicraft table) ignores price bands.
ALTER TABLE products ADD COLUMN flat_rate INTEGER NOT NULL DEFAULT 0 CHECK (flat_rate IN (0, 1));

-- Price-dependent rates (hub-owned, same shape at the hub): the bands of
-- an HSN heading, lowest ceiling first; upto_paise is the ceiling on one
-- piece's value excluding tax, NULL for the open top band. The longest
-- heading that prefixes a product's HSN wins.
CREATE TABLE tax_bands (
    hsn        TEXT NOT NULL,
    idx        INTEGER NOT NULL CHECK (idx > 0),
    upto_paise INTEGER CHECK (upto_paise > 0),
    rate_bp    INTEGER NOT NULL CHECK (rate_bp >= 0),
    PRIMARY KEY (hsn, idx)
) WITHOUT ROWID;

CREATE TABLE sales_v6 (
    id                TEXT PRIMARY KEY,
    invoice_no        TEXT NOT NULL UNIQUE CHECK (length(invoice_no) <= 16),
    series            TEXT NOT NULL,
    fy                INTEGER NOT NULL,
    seq               INTEGER NOT NULL CHECK (seq > 0),
    shift_id          TEXT NOT NULL REFERENCES shifts (id),
    counter           TEXT NOT NULL,
    user_id           TEXT NOT NULL REFERENCES users (id),
    at                TEXT NOT NULL,
    total_paise       INTEGER NOT NULL CHECK (total_paise > 0),
    taxable_paise     INTEGER NOT NULL,
    cgst_paise        INTEGER NOT NULL,
    sgst_paise        INTEGER NOT NULL,
    discount_paise    INTEGER NOT NULL CHECK (discount_paise >= 0),
    tendered_paise    INTEGER NOT NULL,
    change_paise      INTEGER NOT NULL CHECK (change_paise >= 0),
    utgst             INTEGER NOT NULL CHECK (utgst IN (0, 1)),
    status            TEXT NOT NULL CHECK (status IN ('completed', 'cancelled')),
    approved_by       TEXT REFERENCES users (id),
    cancelled_at      TEXT,
    cancelled_by      TEXT REFERENCES users (id),
    cancel_reason     TEXT,
    -- IGST of an inter-State supply; the round-off line (payable = total +
    -- round_off), outside taxable value and tax.
    igst_paise        INTEGER NOT NULL DEFAULT 0,
    round_off_paise   INTEGER NOT NULL DEFAULT 0 CHECK (round_off_paise BETWEEN -9999 AND 9999),
    -- Place of supply (State code); '' on invoices issued before it was stored
    -- (they were all the mall's State).
    pos_state         TEXT NOT NULL DEFAULT '',
    -- The buyer as recorded on the invoice. b2b: a registered buyer (GSTIN):
    -- the invoice goes to GSTR-1 B2B and, where the mall's turnover needs it,
    -- to e-invoicing (einvoice 'pending' until issue 19's job takes it).
    b2b               INTEGER NOT NULL DEFAULT 0 CHECK (b2b IN (0, 1)),
    einvoice          TEXT NOT NULL DEFAULT '',
    buyer_gstin       TEXT NOT NULL DEFAULT '',
    buyer_name        TEXT NOT NULL DEFAULT '',
    buyer_address     TEXT NOT NULL DEFAULT '',
    buyer_state       TEXT NOT NULL DEFAULT '',
    buyer_pan         TEXT NOT NULL DEFAULT '',
    buyer_form60      TEXT NOT NULL DEFAULT '',
    -- Where the goods are delivered, when not handed over at the counter.
    ship_name         TEXT NOT NULL DEFAULT '',
    ship_address      TEXT NOT NULL DEFAULT '',
    ship_state        TEXT NOT NULL DEFAULT '',
    ship_pincode      TEXT NOT NULL DEFAULT '',
    UNIQUE (series, fy, seq),
    CHECK (taxable_paise + cgst_paise + sgst_paise + igst_paise = total_paise),
    CHECK (igst_paise = 0 OR (cgst_paise = 0 AND sgst_paise = 0)),
    CHECK (tendered_paise - change_paise = total_paise + round_off_paise),
    CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL)),
    CHECK (b2b = (buyer_gstin <> ''))
);
INSERT INTO sales_v6 (id, invoice_no, series, fy, seq, shift_id, counter, user_id, at, total_paise, taxable_paise, cgst_paise,
    sgst_paise, discount_paise, tendered_paise, change_paise, utgst, status, approved_by, cancelled_at, cancelled_by, cancel_reason)
SELECT id, invoice_no, series, fy, seq, shift_id, counter, user_id, at, total_paise, taxable_paise, cgst_paise,
    sgst_paise, discount_paise, tendered_paise, change_paise, utgst, status, approved_by, cancelled_at, cancelled_by, cancel_reason
FROM sales;
DROP TABLE sales;
ALTER TABLE sales_v6 RENAME TO sales;
CREATE INDEX sales_by_shift ON sales (shift_id);
CREATE INDEX sales_einvoice ON sales (einvoice) WHERE einvoice <> '';
CREATE TRIGGER sales_no_delete BEFORE DELETE ON sales
BEGIN SELECT RAISE(ABORT, 'invoices are never deleted; cancel instead'); END;

CREATE TABLE sale_lines_v6 (
    sale_id          TEXT NOT NULL REFERENCES sales (id),
    line_no          INTEGER NOT NULL CHECK (line_no > 0),
    sku              TEXT NOT NULL REFERENCES products (sku),
    name             TEXT NOT NULL,
    hsn              TEXT NOT NULL,
    qty              INTEGER NOT NULL CHECK (qty BETWEEN 1 AND 999),
    unit_price_paise INTEGER NOT NULL CHECK (unit_price_paise > 0),
    discount_kind    TEXT NOT NULL CHECK (discount_kind IN ('', 'amount', 'percent')),
    discount_bp      INTEGER NOT NULL DEFAULT 0,
    discount_paise   INTEGER NOT NULL CHECK (discount_paise >= 0),
    amount_paise     INTEGER NOT NULL CHECK (amount_paise > 0),
    taxable_paise    INTEGER NOT NULL,
    gst_rate_bp      INTEGER NOT NULL,
    cgst_paise       INTEGER NOT NULL,
    sgst_paise       INTEGER NOT NULL,
    state            TEXT NOT NULL,
    district_id      TEXT NOT NULL,
    district_name    TEXT NOT NULL,
    producer_id      TEXT NOT NULL,
    gi               INTEGER NOT NULL CHECK (gi IN (0, 1)),
    igst_paise       INTEGER NOT NULL DEFAULT 0,
    -- The price band that set the rate, as printed ('' when the rate does
    -- not depend on the price).
    band_note        TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (sale_id, line_no),
    CHECK (unit_price_paise * qty - discount_paise = amount_paise),
    CHECK (taxable_paise + cgst_paise + sgst_paise + igst_paise = amount_paise)
) WITHOUT ROWID;
INSERT INTO sale_lines_v6 (sale_id, line_no, sku, name, hsn, qty, unit_price_paise, discount_kind, discount_bp, discount_paise,
    amount_paise, taxable_paise, gst_rate_bp, cgst_paise, sgst_paise, state, district_id, district_name, producer_id, gi)
SELECT sale_id, line_no, sku, name, hsn, qty, unit_price_paise, discount_kind, discount_bp, discount_paise,
    amount_paise, taxable_paise, gst_rate_bp, cgst_paise, sgst_paise, state, district_id, district_name, producer_id, gi
FROM sale_lines;
DROP TABLE sale_lines;
ALTER TABLE sale_lines_v6 RENAME TO sale_lines;
CREATE TRIGGER sale_lines_no_change BEFORE UPDATE ON sale_lines
BEGIN SELECT RAISE(ABORT, 'invoice lines are immutable'); END;
CREATE TRIGGER sale_lines_no_delete BEFORE DELETE ON sale_lines
BEGIN SELECT RAISE(ABORT, 'invoice lines are immutable'); END;

CREATE TABLE returns_v6 (
    id               TEXT PRIMARY KEY,
    credit_note_no   TEXT NOT NULL UNIQUE CHECK (length(credit_note_no) <= 16),
    series           TEXT NOT NULL,
    fy               INTEGER NOT NULL,
    seq              INTEGER NOT NULL CHECK (seq > 0),
    sale_id          TEXT NOT NULL REFERENCES sales (id),
    shift_id         TEXT NOT NULL REFERENCES shifts (id),
    user_id          TEXT NOT NULL REFERENCES users (id),
    at               TEXT NOT NULL,
    total_paise      INTEGER NOT NULL CHECK (total_paise > 0),
    taxable_paise    INTEGER NOT NULL,
    cgst_paise       INTEGER NOT NULL,
    sgst_paise       INTEGER NOT NULL,
    restock_to       TEXT NOT NULL CHECK (restock_to IN ('backroom', 'damaged')),
    reason           TEXT NOT NULL DEFAULT '',
    igst_paise       INTEGER NOT NULL DEFAULT 0,
    -- The refund is total + round_off: the return that completes an
    -- invoice gives back its round-off, so a full return refunds exactly
    -- what was paid.
    round_off_paise  INTEGER NOT NULL DEFAULT 0 CHECK (round_off_paise BETWEEN -9999 AND 9999),
    UNIQUE (series, fy, seq),
    CHECK (taxable_paise + cgst_paise + sgst_paise + igst_paise = total_paise)
);
INSERT INTO returns_v6 (id, credit_note_no, series, fy, seq, sale_id, shift_id, user_id, at, total_paise, taxable_paise, cgst_paise,
    sgst_paise, restock_to, reason)
SELECT id, credit_note_no, series, fy, seq, sale_id, shift_id, user_id, at, total_paise, taxable_paise, cgst_paise,
    sgst_paise, restock_to, reason
FROM returns;
DROP TABLE returns;
ALTER TABLE returns_v6 RENAME TO returns;
CREATE INDEX returns_by_sale ON returns (sale_id);
CREATE INDEX returns_by_shift ON returns (shift_id);
CREATE TRIGGER returns_no_delete BEFORE DELETE ON returns
BEGIN SELECT RAISE(ABORT, 'credit notes are never deleted'); END;

CREATE TABLE return_lines_v6 (
    return_id     TEXT NOT NULL REFERENCES returns (id),
    line_no       INTEGER NOT NULL CHECK (line_no > 0),
    sale_line_no  INTEGER NOT NULL,
    sku           TEXT NOT NULL,
    qty           INTEGER NOT NULL CHECK (qty > 0),
    amount_paise  INTEGER NOT NULL CHECK (amount_paise > 0),
    taxable_paise INTEGER NOT NULL,
    cgst_paise    INTEGER NOT NULL,
    sgst_paise    INTEGER NOT NULL,
    igst_paise    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (return_id, line_no),
    CHECK (taxable_paise + cgst_paise + sgst_paise + igst_paise = amount_paise)
) WITHOUT ROWID;
INSERT INTO return_lines_v6 (return_id, line_no, sale_line_no, sku, qty, amount_paise, taxable_paise, cgst_paise, sgst_paise)
SELECT return_id, line_no, sale_line_no, sku, qty, amount_paise, taxable_paise, cgst_paise, sgst_paise FROM return_lines;
DROP TABLE return_lines;
ALTER TABLE return_lines_v6 RENAME TO return_lines;

COMMIT;
PRAGMA foreign_keys = ON;

-- +goose Down
SELECT RAISE(ABORT, 'forward-only migrations');
