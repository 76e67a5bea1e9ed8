package auth

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"ektamall/shared/errs"
	"ektamall/shared/sqldb"
	"ektamall/shared/text"
)

// sweepAfter is how long a client's failure count is kept after its last
// failure.
const sweepAfter = 24 * time.Hour

func lockedErr(until time.Time) *errs.Error {
	return errs.E(errs.Unauthorized, "too many failed logins from this device: locked until %s; an admin can unlock it", until.Format(time.RFC3339))
}

func clientDetail(client string) string {
	b, _ := json.Marshal(map[string]string{"client": client})
	return string(b)
}

// lockedFrom reports an active lock of username from client.
func (s *Store) lockedFrom(ctx context.Context, username, client string, now time.Time) (time.Time, bool, error) {
	var locked sql.NullString
	err := s.db.Reader().QueryRowContext(ctx, `SELECT locked_until FROM login_failures WHERE username = ? AND client = ?`, username, client).Scan(&locked)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !locked.Valid) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, fmt.Errorf("login: %w", err)
	}
	until, perr := time.Parse(time.RFC3339Nano, locked.String)
	return until, perr == nil && now.Before(until), nil
}

// fail counts a failed password of u from client. The count is
// incremented in SQL, not from a value read before the slow bcrypt check,
// so a burst of parallel guesses counts every guess and still trips the
// lock.
func (s *Store) fail(ctx context.Context, u User, client string, now time.Time, requestID string) error {
	msg := errBadLogin
	at := now.Format(time.RFC3339Nano)
	err := s.db.Transact(ctx, func(tx sqldb.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM login_failures WHERE last_at < ?`, now.Add(-sweepAfter).Format(time.RFC3339Nano)); err != nil {
			return err
		}
		var failures int
		err := tx.QueryRowContext(ctx, `INSERT INTO login_failures (username, client, failures, last_at) VALUES (?, ?, 1, ?)
			ON CONFLICT (username, client) DO UPDATE SET failures = login_failures.failures + 1, last_at = excluded.last_at
			RETURNING failures`, u.Username, client, at).Scan(&failures)
		if err != nil {
			return err
		}
		action := "login_failed"
		if failures >= s.policy.MaxFailures {
			until := now.Add(s.policy.LockFor)
			if _, err := tx.ExecContext(ctx, `UPDATE login_failures SET failures = 0, locked_until = ? WHERE username = ? AND client = ?`,
				until.Format(time.RFC3339Nano), u.Username, client); err != nil {
				return err
			}
			action = "account_locked"
			msg = lockedErr(until)
		}
		return Audit(ctx, tx, now, u.ID, action, clientDetail(client), requestID)
	})
	if err != nil {
		return fmt.Errorf("record failed login: %w", err)
	}
	return msg
}

// auditFailure records a failed login of no known user, with the typed
// name bounded so that a huge username cannot grow the audit log.
func (s *Store) auditFailure(ctx context.Context, userID, username, reason, requestID string) {
	detail, _ := json.Marshal(map[string]string{"username": text.Bound(username, 64), "reason": reason})
	s.audit(ctx, userID, "login_failed", string(detail), requestID)
}

// Locks lists the active login locks of username (the clients it is
// locked from), for the user screens.
func (s *Store) Locks(ctx context.Context, username string) ([]Lock, error) {
	rows, err := s.db.Reader().QueryContext(ctx, `SELECT client, locked_until FROM login_failures WHERE username = ? AND locked_until > ? ORDER BY client`,
		username, s.now().UTC().Format(time.RFC3339Nano))
	if err != nil {
		return nil, fmt.Errorf("locks: %w", err)
	}
	defer rows.Close()
	out := []Lock{}
	for rows.Next() {
		var l Lock
		var until string
		if err := rows.Scan(&l.Client, &until); err != nil {
			return nil, err
		}
		l.Until, _ = time.Parse(time.RFC3339Nano, until)
		out = append(out, l)
	}
	return out, rows.Err()
}

// Lock is a username locked from one client address.
type Lock struct {
	Client string    `json:"client"`
	Until  time.Time `json:"until"`
}

// Unlock lifts every login lock of username (from every client) and
// clears its failure counts, on behalf of an admin who may manage the
// user's role; the act is audited. The user-management API calls it.
func (s *Store) Unlock(ctx context.Context, by User, allowed []Role, username, requestID string) error {
	return s.db.Transact(ctx, func(tx sqldb.Tx) error {
		var role Role
		var id string
		err := tx.QueryRowContext(ctx, `SELECT id, role FROM users WHERE username = ?`, username).Scan(&id, &role)
		if errors.Is(err, sql.ErrNoRows) {
			return errs.E(errs.NotFound, "no user %q", text.Bound(username, 64))
		}
		if err != nil {
			return err
		}
		if !slices.Contains(allowed, role) {
			return errs.E(errs.Forbidden, "a %s may not unlock a %s", by.Role, role)
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM login_failures WHERE username = ?`, username)
		if err != nil {
			return fmt.Errorf("unlock: %w", err)
		}
		n, _ := res.RowsAffected()
		detail, _ := json.Marshal(map[string]any{"username": username, "cleared": n})
		return Audit(ctx, tx, s.now(), by.ID, "account_unlocked", string(detail), requestID)
	})
}
