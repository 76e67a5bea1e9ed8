-- Users managed by the hub admin: a user can be deactivated (kept for the
-- audit trail, never deleted: audit rows name them) and the audit log is
-- read by time range, so it gets an index on the second it was written
-- (times are RFC 3339 UTC text of varying fraction length, so only the
-- first 19 characters compare correctly as text).

-- (PostgreSQL twin of migrations/hub/0007_user_admin.sql.)

-- +goose Up
ALTER TABLE users ADD COLUMN deactivated_at TEXT;
CREATE INDEX audit_log_by_second ON audit_log (substr(at, 1, 19));

-- +goose Down
-- forward-only
