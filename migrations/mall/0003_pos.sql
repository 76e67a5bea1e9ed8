-- The point of sale: shifts and their cash, tax invoices (sales) with their
-- lines and tenders, credit notes (returns) with their lines and refunds,
-- document series, idempotency keys, parked carts, discount approvals and
-- issued UPI references. Amounts are integer paise; GST rates basis points;
-- times RFC 3339 UTC text. Sale and return lines snapshot the product
-- (name, HSN, rate, provenance) so a reprinted invoice never changes when
-- the catalog does.

-- +goose Up
CREATE TABLE shifts (
    id                  TEXT PRIMARY KEY,
    counter             TEXT NOT NULL CHECK (counter GLOB '[A-Z][0-9][0-9]'),
    user_id             TEXT NOT NULL REFERENCES users (id),
    status              TEXT NOT NULL CHECK (status IN ('open', 'closed')),
    opened_at           TEXT NOT NULL,
    opening_float_paise INTEGER NOT NULL CHECK (opening_float_paise >= 0),
    closed_at           TEXT,
    closed_by           TEXT REFERENCES users (id),
    counted_cash_paise  INTEGER,
    -- The Z report as printed at close, kept verbatim for reprints.
    z_report            TEXT,
    CHECK ((status = 'closed') = (closed_at IS NOT NULL))
);
-- One open shift per counter and one per person.
CREATE UNIQUE INDEX shifts_open_counter ON shifts (counter) WHERE status = 'open';
CREATE UNIQUE INDEX shifts_open_user ON shifts (user_id) WHERE status = 'open';
CREATE INDEX shifts_by_counter ON shifts (counter, opened_at);

-- Cash paid into or out of a drawer outside a sale (change float top-up,
-- petty expenses, bank drop).
CREATE TABLE cash_moves (
    id         TEXT PRIMARY KEY,
    shift_id   TEXT NOT NULL REFERENCES shifts (id),
    kind       TEXT NOT NULL CHECK (kind IN ('in', 'out')),
    amount_paise INTEGER NOT NULL CHECK (amount_paise > 0),
    reason     TEXT NOT NULL CHECK (length(reason) BETWEEN 1 AND 200),
    user_id    TEXT NOT NULL REFERENCES users (id),
    at         TEXT NOT NULL
);
CREATE INDEX cash_moves_by_shift ON cash_moves (shift_id);

-- The last number issued in each document series per financial year:
-- invoices use the counter ("C01"), credit notes "CN" + counter.
CREATE TABLE doc_series (
    series   TEXT NOT NULL,
    fy       INTEGER NOT NULL,
    last_seq INTEGER NOT NULL CHECK (last_seq > 0),
    PRIMARY KEY (series, fy)
) WITHOUT ROWID;

CREATE TABLE sales (
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
    UNIQUE (series, fy, seq),
    CHECK (taxable_paise + cgst_paise + sgst_paise = total_paise),
    CHECK (tendered_paise - change_paise = total_paise),
    CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL))
);
CREATE INDEX sales_by_shift ON sales (shift_id);

CREATE TABLE sale_lines (
    sale_id          TEXT NOT NULL REFERENCES sales (id),
    line_no          INTEGER NOT NULL CHECK (line_no > 0),
    sku              TEXT NOT NULL REFERENCES products (sku),
    name             TEXT NOT NULL,
    hsn              TEXT NOT NULL,
    qty              INTEGER NOT NULL CHECK (qty BETWEEN 1 AND 999),
    unit_price_paise INTEGER NOT NULL CHECK (unit_price_paise > 0),
    -- discount as the cashier entered it: an amount, or a percentage in
    -- basis points; discount_paise is what it came to.
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
    PRIMARY KEY (sale_id, line_no),
    CHECK (unit_price_paise * qty - discount_paise = amount_paise),
    CHECK (taxable_paise + cgst_paise + sgst_paise = amount_paise)
) WITHOUT ROWID;

CREATE TABLE sale_tenders (
    sale_id      TEXT NOT NULL REFERENCES sales (id),
    idx          INTEGER NOT NULL CHECK (idx > 0),
    method       TEXT NOT NULL CHECK (method IN ('cash', 'upi', 'card')),
    amount_paise INTEGER NOT NULL CHECK (amount_paise > 0),
    ref          TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (sale_id, idx)
) WITHOUT ROWID;

-- A retried POST with the same key returns the same document; body_hash
-- tells a genuine retry from a different request reusing the key.
CREATE TABLE idempotency_keys (
    key        TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('sale', 'return')),
    user_id    TEXT NOT NULL,
    body_hash  BLOB NOT NULL,
    doc_id     TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (kind, key)
) WITHOUT ROWID;

-- A one-time approval by a mall admin for a discount over the cashier's
-- limit; used_by names the sale that consumed it.
CREATE TABLE approvals (
    token_hash  BLOB PRIMARY KEY,
    approver_id TEXT NOT NULL REFERENCES users (id),
    for_user_id TEXT NOT NULL REFERENCES users (id),
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    used_by     TEXT REFERENCES sales (id),
    used_at     TEXT
);

CREATE TABLE parked_carts (
    id         TEXT PRIMARY KEY,
    counter    TEXT NOT NULL,
    user_id    TEXT NOT NULL REFERENCES users (id),
    note       TEXT NOT NULL DEFAULT '',
    lines      TEXT NOT NULL,
    parked_at  TEXT NOT NULL
);
CREATE INDEX parked_by_counter ON parked_carts (counter, parked_at);

-- Transaction references printed in dynamic UPI QR codes, unique forever,
-- so a PSP statement line can be matched to the counter that showed it.
CREATE TABLE upi_requests (
    tr           TEXT PRIMARY KEY,
    amount_paise INTEGER NOT NULL CHECK (amount_paise > 0),
    user_id      TEXT NOT NULL REFERENCES users (id),
    created_at   TEXT NOT NULL
);

CREATE TABLE returns (
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
    UNIQUE (series, fy, seq),
    CHECK (taxable_paise + cgst_paise + sgst_paise = total_paise)
);
CREATE INDEX returns_by_sale ON returns (sale_id);
CREATE INDEX returns_by_shift ON returns (shift_id);

CREATE TABLE return_lines (
    return_id     TEXT NOT NULL REFERENCES returns (id),
    line_no       INTEGER NOT NULL CHECK (line_no > 0),
    sale_line_no  INTEGER NOT NULL,
    sku           TEXT NOT NULL,
    qty           INTEGER NOT NULL CHECK (qty > 0),
    amount_paise  INTEGER NOT NULL CHECK (amount_paise > 0),
    taxable_paise INTEGER NOT NULL,
    cgst_paise    INTEGER NOT NULL,
    sgst_paise    INTEGER NOT NULL,
    PRIMARY KEY (return_id, line_no),
    CHECK (taxable_paise + cgst_paise + sgst_paise = amount_paise)
) WITHOUT ROWID;

CREATE TABLE refunds (
    return_id    TEXT NOT NULL REFERENCES returns (id),
    idx          INTEGER NOT NULL CHECK (idx > 0),
    method       TEXT NOT NULL CHECK (method IN ('cash', 'upi', 'card')),
    amount_paise INTEGER NOT NULL CHECK (amount_paise > 0),
    ref          TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (return_id, idx)
) WITHOUT ROWID;

-- Issued documents are never deleted: a cancelled invoice keeps its number.
CREATE TRIGGER sales_no_delete BEFORE DELETE ON sales
BEGIN SELECT RAISE(ABORT, 'invoices are never deleted; cancel instead'); END;
CREATE TRIGGER sale_lines_no_change BEFORE UPDATE ON sale_lines
BEGIN SELECT RAISE(ABORT, 'invoice lines are immutable'); END;
CREATE TRIGGER sale_lines_no_delete BEFORE DELETE ON sale_lines
BEGIN SELECT RAISE(ABORT, 'invoice lines are immutable'); END;
CREATE TRIGGER returns_no_delete BEFORE DELETE ON returns
BEGIN SELECT RAISE(ABORT, 'credit notes are never deleted'); END;

-- +goose Down
SELECT RAISE(ABORT, 'forward-only migrations');
