-- An approval is bound to what the mall admin approved: one SKU or any
-- line of the cart (sku NULL), the largest discount per line in basis
-- points of the line's value, and a ceiling on the over-limit discounts of
-- the sale in paise. Approvals issued before this (NULL scope) are
-- refused; they expired within minutes anyway.

-- +goose Up
ALTER TABLE approvals ADD COLUMN sku TEXT;
ALTER TABLE approvals ADD COLUMN max_discount_bp INTEGER CHECK (max_discount_bp BETWEEN 1 AND 10000);
ALTER TABLE approvals ADD COLUMN max_amount_paise INTEGER CHECK (max_amount_paise > 0);

-- +goose Down
ALTER TABLE approvals DROP COLUMN max_amount_paise;
ALTER TABLE approvals DROP COLUMN max_discount_bp;
ALTER TABLE approvals DROP COLUMN sku;
