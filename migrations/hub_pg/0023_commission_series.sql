-- (PostgreSQL twin of migrations/hub/0023_commission_series.sql.)
-- Each mall's commission series code, unique among malls, kept once given.

-- +goose Up
CREATE TABLE commission_series (
    mall TEXT PRIMARY KEY REFERENCES malls (id),
    code TEXT NOT NULL UNIQUE CHECK (length(code) BETWEEN 1 AND 5)
);
INSERT INTO commission_series (mall, code)
SELECT mall, MIN(split_part(number, '/', 1)) FROM commission_invoices GROUP BY mall;

-- +goose Down
DROP TABLE commission_series;
