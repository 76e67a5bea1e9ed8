-- The language each user chose for the screens ('' until they choose).
-- (PostgreSQL twin of migrations/hub/0010_user_lang.sql: the same statement.)
-- +goose Up
ALTER TABLE users ADD COLUMN lang TEXT NOT NULL DEFAULT '';
