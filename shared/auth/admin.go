package auth

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"golang.org/x/crypto/bcrypt"

	"ektamall/shared/errs"
	"ektamall/shared/sqldb"
	"ektamall/shared/text"
)

// Staff management, shared by the mall (a mall admin manages cashiers and
// zone managers) and the hub (a hub admin manages finance). An admin acts
// only on the roles it is allowed; admins themselves are created and reset
// with `ektamall mall|hub create-user` on the server, so no admin can mint
// or lock out another. Every change is audited in the same transaction.

// Account is a user as their admin sees them.
type Account struct {
	User
	Active        bool       `json:"active"`
	Locked        bool       `json:"locked"`                 // from at least one client address
	LockedUntil   *time.Time `json:"locked_until,omitempty"` // the latest of those locks
	DeactivatedAt *time.Time `json:"deactivated_at,omitempty"`
	CreatedAt     time.Time  `json:"created_at"`
}

// NewUser is what an admin fills in. An empty Password is generated and
// returned once.
type NewUser struct {
	Username    string `json:"username"`
	Password    string `json:"password"`
	DisplayName string `json:"display_name"`
	Role        Role   `json:"role"`
	Zone        string `json:"zone"`
}

// AddUser creates a user on behalf of an admin, who may create only the
// allowed roles, and returns the password (generated when none was given).
func (s *Store) AddUser(ctx context.Context, by User, allowed []Role, n NewUser, requestID string) (User, string, error) {
	if !slices.Contains(allowed, n.Role) {
		return User{}, "", errs.E(errs.Forbidden, "a %s may not create %q users", by.Role, n.Role)
	}
	if n.Password == "" {
		n.Password = GeneratePassword()
	}
	var u User
	err := s.db.Transact(ctx, func(tx sqldb.Tx) error {
		var err error
		if u, err = s.CreateUser(ctx, tx, n.Username, n.Password, n.DisplayName, n.Role, n.Zone); err != nil {
			return err
		}
		return Audit(ctx, tx, s.now(), by.ID, "user_created", detail("username", n.Username, "role", string(n.Role), "zone", n.Zone), requestID)
	})
	if err != nil {
		return User{}, "", err
	}
	return u, n.Password, nil
}

// ResetPassword sets a new password (generated when empty) for a user of
// an allowed role, clears any lock, ends their sessions, and audits it.
func (s *Store) ResetPassword(ctx context.Context, by User, allowed []Role, username, password, requestID string) (string, error) {
	if password == "" {
		password = GeneratePassword()
	}
	err := s.manage(ctx, by, allowed, username, "reset the password of", func(tx sqldb.Tx, id string) error {
		if err := s.SetPassword(ctx, tx, username, password); err != nil {
			return err
		}
		if err := s.revokeSessions(ctx, tx, id, nil); err != nil {
			return err
		}
		return Audit(ctx, tx, s.now(), by.ID, "password_reset", detail("username", username), requestID)
	})
	if err != nil {
		return "", err
	}
	return password, nil
}

// SetActive deactivates a user (ending their sessions at once) or
// reactivates one. The user is kept: audit rows and sales name them.
func (s *Store) SetActive(ctx context.Context, by User, allowed []Role, username string, active bool, requestID string) (Account, error) {
	verb, action := "deactivate", "user_deactivated"
	if active {
		verb, action = "reactivate", "user_reactivated"
	}
	err := s.manage(ctx, by, allowed, username, verb, func(tx sqldb.Tx, id string) error {
		var at any
		if !active {
			at = s.now().UTC().Format(time.RFC3339Nano)
		}
		// Only a real change is written and audited.
		res, err := tx.ExecContext(ctx, `UPDATE users SET deactivated_at = ? WHERE id = ? AND (deactivated_at IS NULL) = ?`, at, id, !active)
		if err != nil {
			return fmt.Errorf("%s user: %w", verb, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		if !active {
			if err := s.revokeSessions(ctx, tx, id, nil); err != nil {
				return err
			}
		}
		return Audit(ctx, tx, s.now(), by.ID, action, detail("username", username), requestID)
	})
	if err != nil {
		return Account{}, err
	}
	return s.GetAccount(ctx, username)
}

// manage runs fn in a transaction on a user the admin may manage.
func (s *Store) manage(ctx context.Context, by User, allowed []Role, username, verb string, fn func(tx sqldb.Tx, id string) error) error {
	return s.db.Transact(ctx, func(tx sqldb.Tx) error {
		var id string
		var role Role
		err := tx.QueryRowContext(ctx, `SELECT id, role FROM users WHERE username = ?`, username).Scan(&id, &role)
		if errors.Is(err, sql.ErrNoRows) {
			return errs.E(errs.NotFound, "no user %q", username)
		}
		if err != nil {
			return fmt.Errorf("read user: %w", err)
		}
		if !slices.Contains(allowed, role) {
			return errs.E(errs.Forbidden, "a %s may not %s a %s", by.Role, verb, role)
		}
		return fn(tx, id)
	})
}

// ChangeOwnPassword replaces the password of the logged-in user after
// checking the current one, and ends their other sessions (a password
// change is how someone throws out a person who learnt the old one).
// Wrong current passwords count as failed logins from client, so a
// borrowed session cannot be used to guess the password.
func (s *Store) ChangeOwnPassword(ctx context.Context, u User, token, client, oldPassword, newPassword, requestID string) error {
	if oldPassword == newPassword {
		return errs.Field("new_password", "the new password must differ from the current one")
	}
	now := s.now().UTC()
	client = text.Bound(client, 64)
	if until, ok, err := s.lockedFrom(ctx, u.Username, client, now); err != nil {
		return err
	} else if ok {
		return errs.Field("old_password", "too many wrong passwords from this device: try again after %s", until.Format(time.RFC3339))
	}
	var hash string
	if err := s.db.Reader().QueryRowContext(ctx, `SELECT password_hash FROM users WHERE id = ?`, u.ID).Scan(&hash); err != nil {
		return fmt.Errorf("read user: %w", err)
	}
	if !checkPassword(hash, oldPassword) {
		if err := s.fail(ctx, u, client, now, requestID); errs.CodeOf(err) != errs.Unauthorized {
			return err // recording the failure failed
		}
		// Not Unauthorized: the session is fine, and a screen logs out on 401.
		return errs.Field("old_password", "the current password is wrong")
	}
	keep, _ := hashToken(token)
	return s.db.Transact(ctx, func(tx sqldb.Tx) error {
		if err := s.SetPassword(ctx, tx, u.Username, newPassword); err != nil {
			return err
		}
		if err := s.revokeSessions(ctx, tx, u.ID, keep); err != nil {
			return err
		}
		return Audit(ctx, tx, s.now(), u.ID, "password_changed", `{}`, requestID)
	})
}

// revokeSessions ends every live session of a user but the one whose
// token hash is keep (nil: all of them).
func (s *Store) revokeSessions(ctx context.Context, tx sqldb.Tx, userID string, keep []byte) error {
	now := s.now().UTC().Format(time.RFC3339Nano)
	q, args := `UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL`, []any{now, userID}
	if keep != nil {
		q, args = q+` AND token_hash != ?`, append(args, keep)
	}
	if _, err := tx.ExecContext(ctx, q, args...); err != nil {
		return fmt.Errorf("revoke sessions: %w", err)
	}
	return nil
}

// accountCols reads a user with the latest end of any login lock on them
// (locks are per username and client address; see lockout.go). The one
// argument is now.
const accountCols = `id, username, display_name, role, COALESCE(zone, ''),
	(SELECT max(f.locked_until) FROM login_failures f WHERE f.username = users.username AND f.locked_until > ?1),
	deactivated_at, created_at`

// ListUsers returns every user, by username.
func (s *Store) ListUsers(ctx context.Context) ([]Account, error) {
	rows, err := s.db.Reader().QueryContext(ctx, `SELECT `+accountCols+` FROM users ORDER BY username`, s.nowText())
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	defer rows.Close()
	out := []Account{}
	for rows.Next() {
		a, err := s.scanAccount(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// GetAccount returns one user.
func (s *Store) GetAccount(ctx context.Context, username string) (Account, error) {
	a, err := s.scanAccount(s.db.Reader().QueryRowContext(ctx, `SELECT `+accountCols+` FROM users WHERE username = ?2`, s.nowText(), username))
	if errors.Is(err, sql.ErrNoRows) {
		return Account{}, errs.E(errs.NotFound, "no user %q", username)
	}
	return a, err
}

func (s *Store) nowText() string { return s.now().UTC().Format(time.RFC3339Nano) }

func (s *Store) scanAccount(row interface{ Scan(...any) error }) (Account, error) {
	var (
		a            Account
		locked, off  sql.NullString
		createdAtStr string
	)
	if err := row.Scan(&a.ID, &a.Username, &a.DisplayName, &a.Role, &a.Zone, &locked, &off, &createdAtStr); err != nil {
		return Account{}, err
	}
	a.CreatedAt, _ = time.Parse(time.RFC3339Nano, createdAtStr)
	if locked.Valid {
		until, _ := time.Parse(time.RFC3339Nano, locked.String)
		a.Locked, a.LockedUntil = true, &until
	}
	a.Active = !off.Valid
	if off.Valid {
		t, _ := time.Parse(time.RFC3339Nano, off.String)
		a.DeactivatedAt = &t
	}
	return a, nil
}

// GeneratePassword returns a random 14-character password of lower-case
// letters and digits that cannot be mistaken for each other when read from
// a screen (no 0/o, 1/l/i): about 69 bits.
func GeneratePassword() string {
	const alphabet = "abcdefghjkmnpqrstuvwxyz23456789" // 31 symbols
	out := make([]byte, 0, 14)
	buf := make([]byte, 32)
	for len(out) < cap(out) {
		rand.Read(buf) // never fails (crypto/rand panics instead)
		for _, b := range buf {
			if b < 248 && len(out) < cap(out) { // 248 = 8×31: no modulo bias
				out = append(out, alphabet[b%31])
			}
		}
	}
	return string(out)
}

func checkPassword(hash, password string) bool {
	return bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) == nil
}

// detail renders key/value pairs as the audit row's JSON detail.
func detail(kv ...string) string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			m[kv[i]] = kv[i+1]
		}
	}
	b, _ := json.Marshal(m)
	return string(b)
}
