-- The hub's books: a double-entry journal in integer paise, the sale,
-- return and shift facts the malls reported (so a payout can name the lines
-- it pays), commission rules, settlement runs with their payouts, and the
-- reconciliation imports. Times are fixed-width RFC 3339 UTC text
-- (2006-01-02T15:04:05.000000Z) so that text order is time order.

-- +goose Up
CREATE TABLE ledger_accounts (
    id         TEXT PRIMARY KEY,  -- e.g. clearing:LKO1:upi, producer:PR-UP-MORADABAD-01
    type       TEXT NOT NULL,     -- clearing, gst, gst_commission, producer, commission, payouts, bank
    class      TEXT NOT NULL CHECK (class IN ('asset', 'liability', 'income')),
    -- Running totals, kept with every posting; Check proves they equal the
    -- sums of the postings.
    debits     INTEGER NOT NULL DEFAULT 0 CHECK (debits >= 0),
    credits    INTEGER NOT NULL DEFAULT 0 CHECK (credits >= 0),
    created_at TEXT NOT NULL
);

CREATE TABLE ledger_entries (
    id           TEXT PRIMARY KEY,   -- deterministic from the business key: sale:LKO1:<sale id>
    kind         TEXT NOT NULL,      -- sale, void, return, payout, payout_paid, payout_failed
    mall         TEXT NOT NULL DEFAULT '',
    ref          TEXT NOT NULL DEFAULT '',
    reverses     TEXT REFERENCES ledger_entries (id),
    event_id     TEXT NOT NULL DEFAULT '',
    effective_at TEXT NOT NULL,      -- business time (the sale's time)
    created_at   TEXT NOT NULL,      -- when the hub booked it
    amount       INTEGER NOT NULL CHECK (amount > 0) -- Σ debits = Σ credits
);
CREATE INDEX ledger_entries_by_mall ON ledger_entries (mall, effective_at);

CREATE TABLE ledger_postings (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    entry_id   TEXT NOT NULL REFERENCES ledger_entries (id),
    account_id TEXT NOT NULL REFERENCES ledger_accounts (id),
    debit      INTEGER NOT NULL DEFAULT 0 CHECK (debit >= 0),
    credit     INTEGER NOT NULL DEFAULT 0 CHECK (credit >= 0),
    CHECK ((debit = 0) <> (credit = 0))
);
CREATE INDEX ledger_postings_by_entry ON ledger_postings (entry_id);
CREATE INDEX ledger_postings_by_account ON ledger_postings (account_id);

-- Every event the applier has seen, whatever its type: idempotency (one
-- row per mall and sequence) and the completeness check (gaps per mall).
CREATE TABLE ledger_events (
    mall       TEXT NOT NULL,
    seq        INTEGER NOT NULL CHECK (seq > 0),
    event_id   TEXT NOT NULL UNIQUE,
    type       TEXT NOT NULL,
    at         TEXT NOT NULL,
    applied_at TEXT NOT NULL,
    PRIMARY KEY (mall, seq)
);

CREATE TABLE hub_sales (
    mall        TEXT NOT NULL,
    sale_id     TEXT NOT NULL,
    invoice_no  TEXT NOT NULL,
    shift_id    TEXT NOT NULL,
    counter     TEXT NOT NULL,
    at          TEXT NOT NULL,
    ingested_at TEXT NOT NULL,
    event_id    TEXT NOT NULL,
    total       INTEGER NOT NULL CHECK (total >= 0),
    change      INTEGER NOT NULL CHECK (change >= 0),
    tax         INTEGER NOT NULL,
    PRIMARY KEY (mall, sale_id)
);
CREATE INDEX hub_sales_by_at ON hub_sales (mall, at);
CREATE INDEX hub_sales_by_shift ON hub_sales (mall, shift_id);

CREATE TABLE hub_sale_lines (
    mall               TEXT NOT NULL,
    sale_id            TEXT NOT NULL,
    line_no            INTEGER NOT NULL,
    invoice_no         TEXT NOT NULL,
    sku                TEXT NOT NULL,
    producer_id        TEXT NOT NULL,
    district_id        TEXT NOT NULL,
    state              TEXT NOT NULL,
    category           TEXT NOT NULL,
    hsn                TEXT NOT NULL,
    qty                INTEGER NOT NULL CHECK (qty > 0),
    unit_price         INTEGER NOT NULL,
    discount           INTEGER NOT NULL,
    amount             INTEGER NOT NULL CHECK (amount >= 0),
    taxable            INTEGER NOT NULL CHECK (taxable >= 0),
    gst_rate_bp        INTEGER NOT NULL,
    cgst               INTEGER NOT NULL,
    sgst               INTEGER NOT NULL,
    utgst              INTEGER NOT NULL CHECK (utgst IN (0, 1)),
    commission_rule_id TEXT NOT NULL,
    commission_bp      INTEGER NOT NULL,
    commission         INTEGER NOT NULL,
    commission_gst     INTEGER NOT NULL,
    producer_net       INTEGER NOT NULL CHECK (producer_net >= 0),
    at                 TEXT NOT NULL,
    ingested_at        TEXT NOT NULL,
    PRIMARY KEY (mall, sale_id, line_no),
    FOREIGN KEY (mall, sale_id) REFERENCES hub_sales (mall, sale_id)
);
CREATE INDEX hub_sale_lines_by_ingested ON hub_sale_lines (ingested_at);
CREATE INDEX hub_sale_lines_by_producer ON hub_sale_lines (producer_id);

CREATE TABLE hub_sale_tenders (
    mall    TEXT NOT NULL,
    sale_id TEXT NOT NULL,
    idx     INTEGER NOT NULL,
    method  TEXT NOT NULL CHECK (method IN ('cash', 'upi', 'card')),
    amount  INTEGER NOT NULL CHECK (amount >= 0),
    ref     TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (mall, sale_id, idx)
);
CREATE INDEX hub_sale_tenders_by_ref ON hub_sale_tenders (ref) WHERE ref <> '';

CREATE TABLE hub_voids (
    mall        TEXT NOT NULL,
    sale_id     TEXT NOT NULL,
    by_user     TEXT NOT NULL,
    reason      TEXT NOT NULL,
    at          TEXT NOT NULL,
    ingested_at TEXT NOT NULL,
    event_id    TEXT NOT NULL,
    PRIMARY KEY (mall, sale_id),
    FOREIGN KEY (mall, sale_id) REFERENCES hub_sales (mall, sale_id)
);

CREATE TABLE hub_returns (
    mall           TEXT NOT NULL,
    return_id      TEXT NOT NULL,
    credit_note_no TEXT NOT NULL,
    sale_id        TEXT NOT NULL,
    shift_id       TEXT NOT NULL,
    at             TEXT NOT NULL,
    ingested_at    TEXT NOT NULL,
    event_id       TEXT NOT NULL,
    total          INTEGER NOT NULL CHECK (total >= 0),
    PRIMARY KEY (mall, return_id),
    FOREIGN KEY (mall, sale_id) REFERENCES hub_sales (mall, sale_id)
);
CREATE INDEX hub_returns_by_sale ON hub_returns (mall, sale_id);
CREATE INDEX hub_returns_by_shift ON hub_returns (mall, shift_id);

CREATE TABLE hub_return_lines (
    mall           TEXT NOT NULL,
    return_id      TEXT NOT NULL,
    sale_id        TEXT NOT NULL,
    sale_line_no   INTEGER NOT NULL,
    producer_id    TEXT NOT NULL,
    qty            INTEGER NOT NULL CHECK (qty > 0),
    amount         INTEGER NOT NULL CHECK (amount >= 0),
    taxable        INTEGER NOT NULL CHECK (taxable >= 0),
    cgst           INTEGER NOT NULL,
    sgst           INTEGER NOT NULL,
    commission     INTEGER NOT NULL,
    commission_gst INTEGER NOT NULL,
    producer_net   INTEGER NOT NULL CHECK (producer_net >= 0),
    at             TEXT NOT NULL,
    ingested_at    TEXT NOT NULL,
    PRIMARY KEY (mall, return_id, sale_line_no),
    FOREIGN KEY (mall, sale_id, sale_line_no) REFERENCES hub_sale_lines (mall, sale_id, line_no)
);
CREATE INDEX hub_return_lines_by_sale_line ON hub_return_lines (mall, sale_id, sale_line_no);

CREATE TABLE hub_return_refunds (
    mall      TEXT NOT NULL,
    return_id TEXT NOT NULL,
    idx       INTEGER NOT NULL,
    method    TEXT NOT NULL CHECK (method IN ('cash', 'upi', 'card')),
    amount    INTEGER NOT NULL CHECK (amount >= 0),
    ref       TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (mall, return_id, idx)
);

CREATE TABLE hub_shift_closes (
    mall             TEXT NOT NULL,
    shift_id         TEXT NOT NULL,
    counter          TEXT NOT NULL,
    opened_at        TEXT NOT NULL,
    closed_at        TEXT NOT NULL,
    sales_count      INTEGER NOT NULL,
    sales_total      INTEGER NOT NULL,
    returns_count    INTEGER NOT NULL,
    returns_total    INTEGER NOT NULL,
    voids_count      INTEGER NOT NULL,
    tenders          TEXT NOT NULL,  -- JSON {"cash": paise, ...}, net per method
    expected_cash    INTEGER NOT NULL,
    counted_cash     INTEGER NOT NULL,
    first_invoice_no TEXT NOT NULL DEFAULT '',
    last_invoice_no  TEXT NOT NULL DEFAULT '',
    ingested_at      TEXT NOT NULL,
    event_id         TEXT NOT NULL,
    PRIMARY KEY (mall, shift_id)
);

-- Commission rules: the most specific scope wins (producer, then category,
-- then state, then default); within a scope the rule with the latest
-- effective_from at or before the sale's time. Rules are never edited: a
-- change is a new rule with a later effective_from.
CREATE TABLE commission_rules (
    id             TEXT PRIMARY KEY,
    scope          TEXT NOT NULL CHECK (scope IN ('default', 'state', 'category', 'producer')),
    key            TEXT NOT NULL DEFAULT '',
    rate_bp        INTEGER NOT NULL CHECK (rate_bp BETWEEN 0 AND 5000),
    gst_bp         INTEGER NOT NULL CHECK (gst_bp BETWEEN 0 AND 2800),
    effective_from TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    created_by     TEXT NOT NULL DEFAULT '',
    note           TEXT NOT NULL DEFAULT '',
    UNIQUE (scope, key, effective_from),
    CHECK ((scope = 'default') = (key = ''))
);
-- The hub-wide default until finance sets its own: 10 % of the taxable
-- value, no GST on the commission (turn it on after tax counsel confirms:
-- research/ledger_gst.md §2.1, VERIFY).
INSERT INTO commission_rules (id, scope, key, rate_bp, gst_bp, effective_from, created_at, created_by, note)
VALUES ('default-0001', 'default', '', 1000, 0, '2000-01-01T00:00:00.000000Z', '2000-01-01T00:00:00.000000Z', 'migration', 'initial default');

-- Producers' bank accounts for payout files.
CREATE TABLE producer_bank_accounts (
    producer_id TEXT PRIMARY KEY REFERENCES producers (id),
    beneficiary TEXT NOT NULL,
    account_no  TEXT NOT NULL,
    ifsc        TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

-- A settlement run is written whole in one transaction and never changed.
CREATE TABLE settlement_runs (
    id            TEXT PRIMARY KEY,
    run_no        INTEGER NOT NULL UNIQUE, -- 1, 2, 3 …: names the run in bank references
    cutoff        TEXT NOT NULL UNIQUE,
    window_secs   INTEGER NOT NULL,
    min_payout    INTEGER NOT NULL,
    created_at    TEXT NOT NULL,
    created_by    TEXT NOT NULL DEFAULT '',
    item_count    INTEGER NOT NULL,
    payout_count  INTEGER NOT NULL,
    payout_total  INTEGER NOT NULL,
    carried_total INTEGER NOT NULL  -- Σ balances carried forward (may be negative)
);

-- One row per producer the run touched: what it brought forward, earned,
-- gave back, was paid and carries forward. payout + carried_forward =
-- brought_forward + credits - debits.
CREATE TABLE settlement_balances (
    run_id          TEXT NOT NULL REFERENCES settlement_runs (id),
    producer_id     TEXT NOT NULL,
    district_id     TEXT NOT NULL,
    state           TEXT NOT NULL,
    brought_forward INTEGER NOT NULL,
    credits         INTEGER NOT NULL,
    debits          INTEGER NOT NULL,
    payout          INTEGER NOT NULL CHECK (payout >= 0),
    carried_forward INTEGER NOT NULL,
    PRIMARY KEY (run_id, producer_id)
);

CREATE TABLE settlement_payouts (
    id          TEXT PRIMARY KEY,
    reference   TEXT NOT NULL UNIQUE,     -- the bank reference: EKTA-R0003-00001
    run_id      TEXT NOT NULL REFERENCES settlement_runs (id),
    line_no     INTEGER NOT NULL,
    producer_id TEXT NOT NULL,
    district_id TEXT NOT NULL,
    state       TEXT NOT NULL,
    amount      INTEGER NOT NULL CHECK (amount > 0),
    UNIQUE (run_id, line_no),
    UNIQUE (run_id, producer_id)
);

-- What each run paid: a sale line (credit), a returned line or a voided
-- line (debit). The unique key is what makes paying anything twice
-- impossible, whatever the cutoffs.
CREATE TABLE settlement_items (
    run_id      TEXT NOT NULL REFERENCES settlement_runs (id),
    producer_id TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('sale', 'return', 'void')),
    mall        TEXT NOT NULL,
    ref_id      TEXT NOT NULL,  -- sale id (sale, void) or return id
    line_no     INTEGER NOT NULL,
    sale_id     TEXT NOT NULL,
    amount      INTEGER NOT NULL, -- signed producer net
    UNIQUE (kind, mall, ref_id, line_no)
);
CREATE INDEX settlement_items_by_run ON settlement_items (run_id, producer_id);
CREATE INDEX settlement_items_by_sale_line ON settlement_items (mall, sale_id, line_no);

-- The bank's answer per payout, appended: paid with a UTR, or failed (the
-- amount goes back to the producer's payable).
CREATE TABLE payout_results (
    payout_id TEXT PRIMARY KEY REFERENCES settlement_payouts (id),
    status    TEXT NOT NULL CHECK (status IN ('paid', 'failed')),
    utr       TEXT NOT NULL DEFAULT '',
    reason    TEXT NOT NULL DEFAULT '',
    at        TEXT NOT NULL,
    import_id TEXT NOT NULL
);

-- Payment statements (UPI/card acquirer CSV) as imported.
CREATE TABLE statement_imports (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,       -- payment, bank_response
    sha256      TEXT NOT NULL UNIQUE,
    filename    TEXT NOT NULL DEFAULT '',
    rows        INTEGER NOT NULL,
    imported_at TEXT NOT NULL,
    imported_by TEXT NOT NULL DEFAULT ''
);

CREATE TABLE statement_rows (
    import_id TEXT NOT NULL REFERENCES statement_imports (id),
    line      INTEGER NOT NULL,
    ref       TEXT NOT NULL,
    amount    INTEGER NOT NULL,
    at        TEXT NOT NULL,
    PRIMARY KEY (import_id, line)
);
CREATE INDEX statement_rows_by_ref ON statement_rows (ref);

-- The books are append-only: corrections are new, reversing entries.
CREATE TRIGGER ledger_entries_no_update BEFORE UPDATE ON ledger_entries
BEGIN SELECT RAISE(ABORT, 'ledger entries are immutable'); END;
CREATE TRIGGER ledger_entries_no_delete BEFORE DELETE ON ledger_entries
BEGIN SELECT RAISE(ABORT, 'ledger entries are immutable'); END;
CREATE TRIGGER ledger_postings_no_update BEFORE UPDATE ON ledger_postings
BEGIN SELECT RAISE(ABORT, 'ledger postings are immutable'); END;
CREATE TRIGGER ledger_postings_no_delete BEFORE DELETE ON ledger_postings
BEGIN SELECT RAISE(ABORT, 'ledger postings are immutable'); END;
CREATE TRIGGER settlement_runs_no_update BEFORE UPDATE ON settlement_runs
BEGIN SELECT RAISE(ABORT, 'a closed settlement run is immutable'); END;
CREATE TRIGGER settlement_runs_no_delete BEFORE DELETE ON settlement_runs
BEGIN SELECT RAISE(ABORT, 'a closed settlement run is immutable'); END;
CREATE TRIGGER settlement_items_no_update BEFORE UPDATE ON settlement_items
BEGIN SELECT RAISE(ABORT, 'a closed settlement run is immutable'); END;
CREATE TRIGGER settlement_items_no_delete BEFORE DELETE ON settlement_items
BEGIN SELECT RAISE(ABORT, 'a closed settlement run is immutable'); END;
CREATE TRIGGER settlement_payouts_no_update BEFORE UPDATE ON settlement_payouts
BEGIN SELECT RAISE(ABORT, 'a closed settlement run is immutable'); END;
CREATE TRIGGER settlement_payouts_no_delete BEFORE DELETE ON settlement_payouts
BEGIN SELECT RAISE(ABORT, 'a closed settlement run is immutable'); END;
CREATE TRIGGER settlement_balances_no_update BEFORE UPDATE ON settlement_balances
BEGIN SELECT RAISE(ABORT, 'a closed settlement run is immutable'); END;
CREATE TRIGGER payout_results_no_update BEFORE UPDATE ON payout_results
BEGIN SELECT RAISE(ABORT, 'payout results are immutable'); END;

-- +goose Down
SELECT RAISE(ABORT, 'forward-only migrations');
