-- Restores from a backup that lacks the newest events (see
-- shared/events/epoch.go): each starts a new epoch with its own event
-- numbers and invoice series, so nothing the lost tail issued is issued
-- again. The current epoch is the highest here (0 without a row).

-- +goose Up
CREATE TABLE restores (
    epoch         INTEGER PRIMARY KEY CHECK (epoch > 0),
    series        TEXT NOT NULL UNIQUE,
    restored_at   TEXT NOT NULL,
    backup_seq    INTEGER NOT NULL,
    replaced_seq  INTEGER NOT NULL,
    from_file     TEXT NOT NULL DEFAULT ''
);

-- +goose Down
SELECT RAISE(ABORT, 'forward-only migrations');
