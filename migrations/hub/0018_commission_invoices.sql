-- Commission documents (issue 20): for each settlement run, each producer
-- and each mall whose sales it settled, a document for the commission the
-- mall charged the producer: a tax invoice for a service when GST on the
-- commission was charged, else a statement of commission. Each mall (the
-- supplier, with its GSTIN) numbers them in a series of its own per
-- financial year; documents are never changed.

-- +goose Up
CREATE TABLE commission_invoices (
    id             TEXT PRIMARY KEY,
    number         TEXT NOT NULL UNIQUE CHECK (length(number) <= 16),
    mall           TEXT NOT NULL REFERENCES malls (id),
    fy             INTEGER NOT NULL,
    seq            INTEGER NOT NULL CHECK (seq > 0),
    run_id         TEXT NOT NULL REFERENCES settlement_runs (id),
    producer_id    TEXT NOT NULL REFERENCES producers (id),
    kind           TEXT NOT NULL CHECK (kind IN ('tax_invoice', 'statement')),
    lines          INTEGER NOT NULL,
    commission     INTEGER NOT NULL,
    commission_gst INTEGER NOT NULL,
    issued_at      TEXT NOT NULL,
    UNIQUE (mall, fy, seq),
    UNIQUE (run_id, producer_id, mall)
);
CREATE INDEX commission_invoices_by_producer ON commission_invoices (producer_id, issued_at);
CREATE TRIGGER commission_invoices_no_update BEFORE UPDATE ON commission_invoices
BEGIN SELECT RAISE(ABORT, 'commission documents are immutable'); END;
CREATE TRIGGER commission_invoices_no_delete BEFORE DELETE ON commission_invoices
BEGIN SELECT RAISE(ABORT, 'commission documents are immutable'); END;

-- The runs whose documents are issued (a run may settle no commission).
CREATE TABLE commission_runs (
    run_id    TEXT PRIMARY KEY REFERENCES settlement_runs (id),
    issued_at TEXT NOT NULL
);

-- +goose Down
SELECT RAISE(ABORT, 'forward-only migrations');
