-- The public trace page a receipt's QR code opens: each sale's trace
-- token (sent by the mall in the sale's event), and whether a producer
-- agreed to have their name shown there (not until they say so).

-- +goose Up
CREATE TABLE trace_tokens (
    token   TEXT PRIMARY KEY,
    mall    TEXT NOT NULL,
    sale_id TEXT NOT NULL,
    UNIQUE (mall, sale_id)
);

CREATE TABLE producer_consents (
    producer_id TEXT PRIMARY KEY REFERENCES producers (id),
    show_name   INTEGER NOT NULL CHECK (show_name IN (0, 1)),
    updated_at  TEXT NOT NULL,
    updated_by  TEXT NOT NULL
);

-- +goose Down
SELECT RAISE(ABORT, 'forward-only migrations');
