-- The trace token of each sale: the unguessable part of the link its
-- receipt's QR code carries to the hub's public trace page (never the
-- invoice number, which is sequential). Sales made before this migration
-- have none and print no QR code.

-- +goose Up
CREATE TABLE sale_traces (
    sale_id TEXT PRIMARY KEY REFERENCES sales (id),
    token   TEXT NOT NULL UNIQUE CHECK (length(token) BETWEEN 20 AND 64)
) WITHOUT ROWID;

-- +goose Down
SELECT RAISE(ABORT, 'forward-only migrations');
