package auth

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"ektamall/shared/errs"
)

// AddUser creates a user on behalf of an admin, who may create only the
// given roles; the act is audited. It also revokes nothing: new users
// simply log in.
func (s *Store) AddUser(ctx context.Context, by User, allowed []Role, username, password, display string, role Role, zone, requestID string) (User, error) {
	if !slices.Contains(allowed, role) {
		return User{}, errs.E(errs.Forbidden, "a %s may not create %q users", by.Role, role)
	}
	var u User
	err := s.db.Transact(ctx, func(tx *sql.Tx) error {
		var err error
		if u, err = s.CreateUser(ctx, tx, username, password, display, role, zone); err != nil {
			return err
		}
		detail, _ := json.Marshal(map[string]string{"username": username, "role": string(role), "zone": zone})
		return Audit(ctx, tx, s.now(), by.ID, "user_created", string(detail), requestID)
	})
	return u, err
}

// ResetPassword sets a new password for a user of an allowed role, ends
// their sessions, and audits the act.
func (s *Store) ResetPassword(ctx context.Context, by User, allowed []Role, username, password, requestID string) error {
	return s.db.Transact(ctx, func(tx *sql.Tx) error {
		var role Role
		var id string
		err := tx.QueryRowContext(ctx, `SELECT id, role FROM users WHERE username = ?`, username).Scan(&id, &role)
		if err == sql.ErrNoRows {
			return errs.E(errs.NotFound, "no user %q", username)
		}
		if err != nil {
			return err
		}
		if !slices.Contains(allowed, role) {
			return errs.E(errs.Forbidden, "a %s may not reset a %s's password", by.Role, role)
		}
		if err := s.SetPassword(ctx, tx, username, password); err != nil {
			return err
		}
		now := s.now().UTC().Format(time.RFC3339Nano)
		if _, err := tx.ExecContext(ctx, `UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL`, now, id); err != nil {
			return fmt.Errorf("revoke sessions: %w", err)
		}
		detail, _ := json.Marshal(map[string]string{"username": username})
		return Audit(ctx, tx, s.now(), by.ID, "password_reset", string(detail), requestID)
	})
}

// ListUsers returns every user, by username.
func (s *Store) ListUsers(ctx context.Context) ([]User, error) {
	rows, err := s.db.R.QueryContext(ctx, `SELECT id, username, display_name, role, COALESCE(zone, '') FROM users ORDER BY username`)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	defer rows.Close()
	out := []User{}
	for rows.Next() {
		var u User
		if err := rows.Scan(&u.ID, &u.Username, &u.DisplayName, &u.Role, &u.Zone); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}
