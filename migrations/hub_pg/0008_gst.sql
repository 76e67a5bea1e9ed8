-- GST and the law at the counter (issue 18): the master's price bands and
-- flat-rate flag (sent to the malls as catalog changes), and what the malls
-- now report on invoices and credit notes: IGST of inter-State supplies,
-- the round-off line, the place of supply and the buyer (for GSTR-1 B2B
-- and e-invoicing, issue 19). Events from malls that predate these fields
-- book zeros and the mall's State.

-- (PostgreSQL twin of migrations/hub/0008_gst.sql.)

-- +goose Up
ALTER TABLE products ADD COLUMN flat_rate BIGINT NOT NULL DEFAULT 0 CHECK (flat_rate IN (0, 1));

CREATE TABLE tax_bands (
    hsn        TEXT NOT NULL,
    idx        BIGINT NOT NULL CHECK (idx > 0),
    upto_paise BIGINT CHECK (upto_paise > 0),
    rate_bp    BIGINT NOT NULL CHECK (rate_bp >= 0),
    PRIMARY KEY (hsn, idx)
);

ALTER TABLE hub_sales ADD COLUMN igst BIGINT NOT NULL DEFAULT 0;
ALTER TABLE hub_sales ADD COLUMN round_off BIGINT NOT NULL DEFAULT 0;
ALTER TABLE hub_sales ADD COLUMN pos_state TEXT NOT NULL DEFAULT '';
ALTER TABLE hub_sales ADD COLUMN b2b BIGINT NOT NULL DEFAULT 0 CHECK (b2b IN (0, 1));
ALTER TABLE hub_sales ADD COLUMN einvoice TEXT NOT NULL DEFAULT '';
ALTER TABLE hub_sales ADD COLUMN buyer_gstin TEXT NOT NULL DEFAULT '';
ALTER TABLE hub_sales ADD COLUMN buyer_name TEXT NOT NULL DEFAULT '';
ALTER TABLE hub_sales ADD COLUMN buyer_address TEXT NOT NULL DEFAULT '';
ALTER TABLE hub_sales ADD COLUMN buyer_state TEXT NOT NULL DEFAULT '';
ALTER TABLE hub_sales ADD COLUMN buyer_pan TEXT NOT NULL DEFAULT '';
ALTER TABLE hub_sales ADD COLUMN buyer_form60 TEXT NOT NULL DEFAULT '';
ALTER TABLE hub_sales ADD COLUMN ship_state TEXT NOT NULL DEFAULT '';
CREATE INDEX hub_sales_b2b ON hub_sales (mall, at) WHERE b2b = 1;

ALTER TABLE hub_sale_lines ADD COLUMN igst BIGINT NOT NULL DEFAULT 0;
ALTER TABLE hub_sale_lines ADD COLUMN band_note TEXT NOT NULL DEFAULT '';
ALTER TABLE hub_returns ADD COLUMN round_off BIGINT NOT NULL DEFAULT 0;
ALTER TABLE hub_return_lines ADD COLUMN igst BIGINT NOT NULL DEFAULT 0;
-- The Z report's round-off and tax heads, for reconciliation.
ALTER TABLE hub_shift_closes ADD COLUMN round_off BIGINT NOT NULL DEFAULT 0;
ALTER TABLE hub_shift_closes ADD COLUMN tax_heads TEXT NOT NULL DEFAULT '{}';

-- +goose Down
-- forward-only
