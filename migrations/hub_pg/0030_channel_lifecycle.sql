-- +goose Up
-- Issue 22, mall side: an allocated line is reserved at its mall, picked,
-- packed and handed to the courier (or cancelled, rejected by the mall
-- and re-allocated, returned); each step comes back as a channel.status
-- event. A line carries the reason of a cancellation or re-allocation, the
-- courier's AWB and the mall's invoice number.
ALTER TABLE channel_order_lines DROP CONSTRAINT channel_order_lines_status_check;
ALTER TABLE channel_order_lines ADD CONSTRAINT channel_order_lines_status_check
    CHECK (status IN ('allocated', 'unavailable', 'reserved', 'picked', 'packed', 'shipped',
                      'cancelled', 'returned', 'reallocated'));
ALTER TABLE channel_order_lines ADD COLUMN reason TEXT NOT NULL DEFAULT '';
ALTER TABLE channel_order_lines ADD COLUMN awb TEXT NOT NULL DEFAULT '';
ALTER TABLE channel_order_lines ADD COLUMN invoice_no TEXT NOT NULL DEFAULT '';
ALTER TABLE channel_order_lines ADD COLUMN updated_at TEXT NOT NULL DEFAULT '';

-- +goose Down
-- forward-only
