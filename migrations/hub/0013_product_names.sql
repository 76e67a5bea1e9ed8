-- Translations of each product's name by language code, as a JSON object
-- ({"hi": "…"}); screens show them and search matches them.
-- +goose Up
ALTER TABLE products ADD COLUMN names TEXT NOT NULL DEFAULT '{}';
