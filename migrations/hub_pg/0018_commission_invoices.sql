-- (PostgreSQL twin of migrations/hub/0018_commission_invoices.sql.)
-- Commission documents: per settlement run, producer and mall, a tax
-- invoice or a statement of commission in the mall's own series.

-- +goose Up
CREATE TABLE commission_invoices (
    id             TEXT PRIMARY KEY,
    number         TEXT NOT NULL UNIQUE CHECK (length(number) <= 16),
    mall           TEXT NOT NULL REFERENCES malls (id),
    fy             BIGINT NOT NULL,
    seq            BIGINT NOT NULL CHECK (seq > 0),
    run_id         TEXT NOT NULL REFERENCES settlement_runs (id),
    producer_id    TEXT NOT NULL REFERENCES producers (id),
    kind           TEXT NOT NULL CHECK (kind IN ('tax_invoice', 'statement')),
    lines          BIGINT NOT NULL,
    commission     BIGINT NOT NULL,
    commission_gst BIGINT NOT NULL,
    issued_at      TEXT NOT NULL,
    UNIQUE (mall, fy, seq),
    UNIQUE (run_id, producer_id, mall)
);
CREATE INDEX commission_invoices_by_producer ON commission_invoices (producer_id, issued_at);
CREATE TRIGGER commission_invoices_no_update BEFORE UPDATE ON commission_invoices
FOR EACH ROW EXECUTE FUNCTION ektamall_refuse('commission documents are immutable');
CREATE TRIGGER commission_invoices_no_delete BEFORE DELETE ON commission_invoices
FOR EACH ROW EXECUTE FUNCTION ektamall_refuse('commission documents are immutable');

-- The runs whose documents are issued (a run may settle no commission).
CREATE TABLE commission_runs (
    run_id    TEXT PRIMARY KEY REFERENCES settlement_runs (id),
    issued_at TEXT NOT NULL
);

-- +goose Down
SELECT 1;
