-- Each mall's commission series code (issue 20). The code was "C" and the
-- first four characters of the mall id, so LKO12 and LKO13 both wrote
-- CLKO1/..., and the second mall's first document broke the UNIQUE number
-- (a settlement run could not issue its documents). Now a mall is given a
-- code once, unique among malls, and keeps it; codes already in use stay.

-- +goose Up
CREATE TABLE commission_series (
    mall TEXT PRIMARY KEY REFERENCES malls (id),
    code TEXT NOT NULL UNIQUE CHECK (length(code) BETWEEN 1 AND 5)
);
INSERT INTO commission_series (mall, code)
SELECT mall, MIN(substr(number, 1, instr(number, '/') - 1)) FROM commission_invoices GROUP BY mall;

-- +goose Down
DROP TABLE commission_series;
