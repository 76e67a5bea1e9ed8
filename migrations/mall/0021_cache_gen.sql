-- Generations of what a mall caches in memory because every sale reads it
-- and it seldom changes (issue 24): the catalog a sale is priced from
-- (products, districts, producers, tax bands) and the sessions and users a
-- request is authenticated by. Triggers bump the counter in the same
-- transaction as the change, whatever process or code path writes it, so
-- a cache that reads the counter before using its entries never prices a
-- sale at an old price or lets a revoked token in.

-- +goose Up
CREATE TABLE cache_gen (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    catalog INTEGER NOT NULL,
    auth    INTEGER NOT NULL
);
INSERT INTO cache_gen (id, catalog, auth) VALUES (1, 0, 0);

-- +goose StatementBegin
CREATE TRIGGER products_insert_gen AFTER INSERT ON products BEGIN
    UPDATE cache_gen SET catalog = catalog + 1 WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER products_update_gen AFTER UPDATE ON products BEGIN
    UPDATE cache_gen SET catalog = catalog + 1 WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER products_delete_gen AFTER DELETE ON products BEGIN
    UPDATE cache_gen SET catalog = catalog + 1 WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER districts_insert_gen AFTER INSERT ON districts BEGIN
    UPDATE cache_gen SET catalog = catalog + 1 WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER districts_update_gen AFTER UPDATE ON districts BEGIN
    UPDATE cache_gen SET catalog = catalog + 1 WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER districts_delete_gen AFTER DELETE ON districts BEGIN
    UPDATE cache_gen SET catalog = catalog + 1 WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER producers_insert_gen AFTER INSERT ON producers BEGIN
    UPDATE cache_gen SET catalog = catalog + 1 WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER producers_update_gen AFTER UPDATE ON producers BEGIN
    UPDATE cache_gen SET catalog = catalog + 1 WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER producers_delete_gen AFTER DELETE ON producers BEGIN
    UPDATE cache_gen SET catalog = catalog + 1 WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER tax_bands_insert_gen AFTER INSERT ON tax_bands BEGIN
    UPDATE cache_gen SET catalog = catalog + 1 WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER tax_bands_update_gen AFTER UPDATE ON tax_bands BEGIN
    UPDATE cache_gen SET catalog = catalog + 1 WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER tax_bands_delete_gen AFTER DELETE ON tax_bands BEGIN
    UPDATE cache_gen SET catalog = catalog + 1 WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER users_insert_gen AFTER INSERT ON users BEGIN
    UPDATE cache_gen SET auth = auth + 1 WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER users_update_gen AFTER UPDATE ON users BEGIN
    UPDATE cache_gen SET auth = auth + 1 WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER users_delete_gen AFTER DELETE ON users BEGIN
    UPDATE cache_gen SET auth = auth + 1 WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER sessions_insert_gen AFTER INSERT ON sessions BEGIN
    UPDATE cache_gen SET auth = auth + 1 WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER sessions_update_gen AFTER UPDATE ON sessions BEGIN
    UPDATE cache_gen SET auth = auth + 1 WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER sessions_delete_gen AFTER DELETE ON sessions BEGIN
    UPDATE cache_gen SET auth = auth + 1 WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose Down
SELECT RAISE(ABORT, 'forward-only migrations');
