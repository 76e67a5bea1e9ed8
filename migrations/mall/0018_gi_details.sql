-- GI details of GI-tagged products (issue 20), as at the hub
-- (migrations/hub/0016_gi_details.sql), and the GI name and registration
-- number each sale line printed, kept with the invoice: a sparse table,
-- one row per line of a product that has them.

-- +goose Up
ALTER TABLE products ADD COLUMN gi_name TEXT NOT NULL DEFAULT '';
ALTER TABLE products ADD COLUMN gi_reg TEXT NOT NULL DEFAULT '';
ALTER TABLE products ADD COLUMN gi_authorised_user TEXT NOT NULL DEFAULT '';

CREATE TABLE sale_line_gi (
    sale_id TEXT NOT NULL REFERENCES sales (id),
    line_no INTEGER NOT NULL,
    gi_name TEXT NOT NULL,
    gi_reg  TEXT NOT NULL,
    PRIMARY KEY (sale_id, line_no)
) WITHOUT ROWID;

-- +goose Down
SELECT RAISE(ABORT, 'forward-only migrations');
