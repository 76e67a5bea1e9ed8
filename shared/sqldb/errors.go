package sqldb

import (
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5/pgconn"

	"ektamall/shared/errs"
	"ektamall/shared/sqlitedb"
)

// PostgreSQL's SQLSTATE codes the hub acts on
// (https://www.postgresql.org/docs/current/errcodes-appendix.html).
const (
	pgUnique        = "23505"
	pgForeignKey    = "23503"
	pgSerialization = "40001"
	pgDeadlock      = "40P01"
	pgLockTimeout   = "55P03"
)

func pgCode(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

// IsUnique reports whether err is a unique or primary-key violation, in
// either database. On PostgreSQL the violation aborts the transaction:
// a caller that wants to carry on after one runs the statement under a
// savepoint, or asks with ON CONFLICT instead.
func IsUnique(err error) bool {
	return sqlitedb.IsUnique(err) || pgCode(err) == pgUnique
}

// IsForeignKey reports whether err is a foreign-key violation.
func IsForeignKey(err error) bool {
	return sqlitedb.IsForeignKey(err) || pgCode(err) == pgForeignKey
}

// IsRetryable reports whether err is PostgreSQL refusing a transaction
// that would break serializability (or a deadlock victim): running it
// again is the documented answer.
func IsRetryable(err error) bool {
	c := pgCode(err)
	return c == pgSerialization || c == pgDeadlock
}

// Classify turns driver errors into application codes by the drivers'
// codes: a unique violation is a Conflict, a busy database, a lock
// timeout or a transaction that lost a serialization race Unavailable.
// Anything else passes through unchanged.
func Classify(err error) error {
	if err == nil {
		return nil
	}
	var e *errs.Error
	if errors.As(err, &e) {
		return err
	}
	switch pgCode(err) {
	case "":
		return sqlitedb.Classify(err)
	case pgUnique:
		return fmt.Errorf("%w: %w", &errs.Error{Code: errs.Conflict, Message: "a record with this key already exists"}, err)
	case pgSerialization, pgDeadlock, pgLockTimeout:
		return fmt.Errorf("%w: %w", &errs.Error{Code: errs.Unavailable, Message: "the database is busy; try again"}, err)
	}
	return err
}
