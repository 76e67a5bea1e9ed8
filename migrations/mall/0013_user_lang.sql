-- The language each user chose for the screens ('' until they choose).
-- +goose Up
ALTER TABLE users ADD COLUMN lang TEXT NOT NULL DEFAULT '';
