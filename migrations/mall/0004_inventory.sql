-- Zone operations on top of the stock ledger (0002): goods received notes,
-- transfers between malls, cycle counts and the malls a transfer may go
-- to. The stock itself only ever changes through stock_moves; these tables
-- are the documents the moves reference (stock_moves.ref holds their id).

-- +goose Up

-- Other malls this mall may send stock to. The hub's mall list fills it
-- (and a mall_admin may add one by hand); a transfer to a mall not listed
-- here is refused.
CREATE TABLE peer_malls (
    id       TEXT PRIMARY KEY CHECK (id GLOB '[A-Z0-9]*' AND length(id) BETWEEN 2 AND 8),
    state    TEXT NOT NULL REFERENCES states (code),
    name     TEXT NOT NULL DEFAULT '',
    added_at TEXT NOT NULL
);

-- A goods received note: one consignment from one district producer into
-- one zone's backroom. no is the printed number, GRN-<mall>-<seq>.
CREATE TABLE grns (
    id           TEXT PRIMARY KEY,
    no           TEXT NOT NULL UNIQUE,
    zone         TEXT NOT NULL REFERENCES zones (code),
    producer_id  TEXT NOT NULL REFERENCES producers (id),
    producer_ref TEXT NOT NULL DEFAULT '', -- the producer's challan or invoice number
    source       TEXT NOT NULL CHECK (source IN ('api', 'csv')),
    note         TEXT NOT NULL DEFAULT '',
    received_at  TEXT NOT NULL,
    received_by  TEXT NOT NULL
);
CREATE INDEX grns_by_zone ON grns (zone, received_at);

-- mrp_paise is the MRP on the day of receipt, so the note's value does not
-- change when the catalog price does.
CREATE TABLE grn_lines (
    grn_id    TEXT NOT NULL REFERENCES grns (id),
    line_no   INTEGER NOT NULL CHECK (line_no > 0),
    sku       TEXT NOT NULL REFERENCES products (sku),
    qty       INTEGER NOT NULL CHECK (qty > 0),
    mrp_paise INTEGER NOT NULL CHECK (mrp_paise >= 0),
    PRIMARY KEY (grn_id, line_no)
) WITHOUT ROWID;

-- A transfer between malls, seen from this mall: 'out' when this mall sent
-- it (stock went to transit), 'in' when another mall sent it here (stock
-- arrives in the backroom when the zone manager receives it).
CREATE TABLE transfers (
    id          TEXT PRIMARY KEY,
    direction   TEXT NOT NULL CHECK (direction IN ('out', 'in')),
    from_mall   TEXT NOT NULL,
    to_mall     TEXT NOT NULL,
    zone        TEXT NOT NULL REFERENCES zones (code),
    status      TEXT NOT NULL CHECK (status IN ('sent', 'received')),
    note        TEXT NOT NULL DEFAULT '',
    sent_at     TEXT NOT NULL,
    sent_by     TEXT NOT NULL,
    received_at TEXT,
    received_by TEXT,
    CHECK (from_mall <> to_mall),
    CHECK ((status = 'received') = (received_at IS NOT NULL))
);
CREATE INDEX transfers_by_zone ON transfers (zone, direction, sent_at);

CREATE TABLE transfer_lines (
    transfer_id  TEXT NOT NULL REFERENCES transfers (id),
    sku          TEXT NOT NULL REFERENCES products (sku),
    qty_sent     INTEGER NOT NULL CHECK (qty_sent > 0),
    qty_received INTEGER CHECK (qty_received >= 0),
    PRIMARY KEY (transfer_id, sku)
) WITHOUT ROWID;

-- A cycle count of a zone (or of chosen SKUs in it). Lines are per SKU and
-- location (shelf, backroom). expected is the book quantity when the line
-- was counted; posting writes counted - expected as adjustment moves.
CREATE TABLE counts (
    id         TEXT PRIMARY KEY,
    zone       TEXT NOT NULL REFERENCES zones (code),
    blind      INTEGER NOT NULL CHECK (blind IN (0, 1)),
    status     TEXT NOT NULL CHECK (status IN ('open', 'posted')),
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    posted_at  TEXT,
    posted_by  TEXT,
    CHECK ((status = 'posted') = (posted_at IS NOT NULL))
);
CREATE INDEX counts_by_zone ON counts (zone, created_at);

CREATE TABLE count_lines (
    count_id   TEXT NOT NULL REFERENCES counts (id),
    sku        TEXT NOT NULL REFERENCES products (sku),
    location   TEXT NOT NULL CHECK (location IN ('shelf', 'backroom')),
    expected   INTEGER NOT NULL,
    counted    INTEGER CHECK (counted >= 0),
    counted_at TEXT,
    counted_by TEXT,
    mrp_paise  INTEGER NOT NULL CHECK (mrp_paise >= 0),
    PRIMARY KEY (count_id, sku, location)
) WITHOUT ROWID;

-- A retried POST carrying the same Idempotency-Key returns the document
-- the first one made instead of moving the stock twice; body_hash tells a
-- genuine retry from a different request reusing the key.
CREATE TABLE inventory_requests (
    key        TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('receipt', 'restock', 'damage', 'transfer', 'count')),
    user_id    TEXT NOT NULL,
    body_hash  BLOB NOT NULL,
    doc_id     TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (kind, key)
) WITHOUT ROWID;

-- How a stock exception was settled, in the zone manager's words.
ALTER TABLE stock_exceptions ADD COLUMN resolution TEXT NOT NULL DEFAULT '';

CREATE INDEX stock_moves_by_ref ON stock_moves (ref) WHERE ref <> '';
CREATE INDEX stock_moves_by_kind ON stock_moves (kind, at);

-- +goose Down
SELECT RAISE(ABORT, 'forward-only migrations');
