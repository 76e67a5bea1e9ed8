// Package auth keeps users, password logins and bearer-token sessions for
// both the malls and the hub (their tables have the same shape).
//
// Passwords are bcrypt hashes. Tokens are 32 random bytes shown once to the
// client; only their SHA-256 is stored. Repeated failures lock an account
// for a while, and every login and failure goes to the audit log.
package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"time"

	"golang.org/x/crypto/bcrypt"

	"ektamall/shared/errs"
	"ektamall/shared/ids"
	"ektamall/shared/sqlitedb"
)

// Role is what a user may do.
type Role string

const (
	Cashier     Role = "cashier"
	ZoneManager Role = "zone_manager" // bound to one state zone of one mall
	MallAdmin   Role = "mall_admin"
	Finance     Role = "finance" // hub
	HubAdmin    Role = "hub_admin"
)

// User is an authenticated person.
type User struct {
	ID          string `json:"id"`
	Username    string `json:"username"`
	DisplayName string `json:"display_name"`
	Role        Role   `json:"role"`
	Zone        string `json:"zone,omitempty"`
}

// Policy tunes logins.
type Policy struct {
	TokenTTL    time.Duration // session lifetime (default 12 h: one long shift)
	MaxFailures int           // failures before a lock (default 5)
	LockFor     time.Duration // lock length (default 15 min)
	BcryptCost  int           // default bcrypt.DefaultCost
}

func (p Policy) withDefaults() Policy {
	if p.TokenTTL <= 0 {
		p.TokenTTL = 12 * time.Hour
	}
	if p.MaxFailures <= 0 {
		p.MaxFailures = 5
	}
	if p.LockFor <= 0 {
		p.LockFor = 15 * time.Minute
	}
	if p.BcryptCost == 0 {
		p.BcryptCost = bcrypt.DefaultCost
	}
	return p
}

// Store reads and writes users and sessions.
type Store struct {
	db     *sqlitedb.DB
	policy Policy
	now    func() time.Time
	// dummy is a hash compared against when the user does not exist, so a
	// wrong username costs as much time as a wrong password.
	dummy []byte
}

// NewStore returns a Store over db.
func NewStore(db *sqlitedb.DB, p Policy) *Store {
	p = p.withDefaults()
	dummy, _ := bcrypt.GenerateFromPassword([]byte("not-a-real-password"), p.BcryptCost)
	return &Store{db: db, policy: p, now: time.Now, dummy: dummy}
}

// SetClock replaces the clock, for tests of expiry and locking.
func (s *Store) SetClock(now func() time.Time) { s.now = now }

var usernameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{2,39}$`)

// CreateUser adds a user inside tx. Passwords need 8 to 72 bytes (bcrypt's
// limit); zone managers need a zone and nobody else has one.
func (s *Store) CreateUser(ctx context.Context, tx *sql.Tx, username, password, display string, role Role, zone string) (User, error) {
	if !usernameRE.MatchString(username) {
		return User{}, errs.Field("username", "username must be 3-40 of a-z, 0-9, '.', '_' and '-'")
	}
	if len(password) < 8 || len(password) > 72 {
		return User{}, errs.Field("password", "password must be 8 to 72 bytes")
	}
	if (role == ZoneManager) != (zone != "") {
		return User{}, errs.Field("zone", "a zone manager needs exactly one zone; other roles have none")
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), s.policy.BcryptCost)
	if err != nil {
		return User{}, fmt.Errorf("hash password: %w", err)
	}
	u := User{ID: ids.New(), Username: username, DisplayName: display, Role: role, Zone: zone}
	var z any
	if zone != "" {
		z = zone
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO users (id, username, display_name, password_hash, role, zone, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		u.ID, username, display, string(hash), string(role), z, s.now().UTC().Format(time.RFC3339Nano))
	if sqlitedb.IsUnique(err) {
		return User{}, errs.Field("username", "username %q is taken", username)
	}
	if err != nil {
		return User{}, fmt.Errorf("insert user: %w", err)
	}
	return u, nil
}

// Session is a fresh login.
type Session struct {
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expires_at"`
	User      User      `json:"user"`
}

var errBadLogin = errs.E(errs.Unauthorized, "wrong username or password")

// Login checks a password and opens a session. A locked account is refused
// even with the right password until the lock expires.
func (s *Store) Login(ctx context.Context, username, password, requestID string) (Session, error) {
	now := s.now().UTC()
	var (
		u      User
		hash   string
		zone   sql.NullString
		locked sql.NullString
	)
	err := s.db.R.QueryRowContext(ctx, `SELECT id, username, display_name, password_hash, role, zone, locked_until FROM users WHERE username = ?`, username).
		Scan(&u.ID, &u.Username, &u.DisplayName, &hash, &u.Role, &zone, &locked)
	if errors.Is(err, sql.ErrNoRows) {
		_ = bcrypt.CompareHashAndPassword(s.dummy, []byte(password))
		detail, _ := json.Marshal(map[string]string{"username": username, "reason": "unknown user"})
		s.audit(ctx, "", "login_failed", string(detail), requestID)
		return Session{}, errBadLogin
	}
	if err != nil {
		return Session{}, fmt.Errorf("login: %w", err)
	}
	u.Zone = zone.String
	if until, ok := s.lockedUntil(locked, now); ok {
		s.audit(ctx, u.ID, "login_refused_locked", `{}`, requestID)
		return Session{}, errs.E(errs.Unauthorized, "too many failed logins: account locked until %s", until.Format(time.RFC3339))
	}
	if bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) != nil {
		return Session{}, s.fail(ctx, u, now, requestID)
	}
	tok, th, err := newToken()
	if err != nil {
		return Session{}, err
	}
	exp := now.Add(s.policy.TokenTTL)
	err = s.db.Transact(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = ?`, u.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)`,
			th, u.ID, now.Format(time.RFC3339Nano), exp.Format(time.RFC3339Nano)); err != nil {
			return err
		}
		return Audit(ctx, tx, now, u.ID, "login", `{}`, requestID)
	})
	if err != nil {
		return Session{}, fmt.Errorf("login: %w", err)
	}
	return Session{Token: tok, ExpiresAt: exp, User: u}, nil
}

// fail counts a failed password. The count is incremented in SQL, not
// from the value read before the slow bcrypt check, so a burst of parallel
// guesses counts every guess and still trips the lock.
func (s *Store) fail(ctx context.Context, u User, now time.Time, requestID string) error {
	msg := errBadLogin
	err := s.db.Transact(ctx, func(tx *sql.Tx) error {
		var failures int
		if err := tx.QueryRowContext(ctx, `UPDATE users SET failed_logins = failed_logins + 1 WHERE id = ? RETURNING failed_logins`, u.ID).Scan(&failures); err != nil {
			return err
		}
		action := "login_failed"
		if failures >= s.policy.MaxFailures {
			until := now.Add(s.policy.LockFor)
			if _, err := tx.ExecContext(ctx, `UPDATE users SET failed_logins = 0, locked_until = ? WHERE id = ?`, until.Format(time.RFC3339Nano), u.ID); err != nil {
				return err
			}
			action = "account_locked"
			msg = errs.E(errs.Unauthorized, "too many failed logins: account locked until %s", until.Format(time.RFC3339))
		}
		return Audit(ctx, tx, now, u.ID, action, `{}`, requestID)
	})
	if err != nil {
		return fmt.Errorf("record failed login: %w", err)
	}
	return msg
}

// lockedUntil reports an active lock.
func (s *Store) lockedUntil(locked sql.NullString, now time.Time) (time.Time, bool) {
	if !locked.Valid {
		return time.Time{}, false
	}
	until, err := time.Parse(time.RFC3339Nano, locked.String)
	return until, err == nil && now.Before(until)
}

// Authenticate returns the user of a live token.
func (s *Store) Authenticate(ctx context.Context, token string) (User, error) {
	th, ok := hashToken(token)
	if !ok {
		return User{}, errs.E(errs.Unauthorized, "invalid token")
	}
	var (
		u       User
		zone    sql.NullString
		exp     string
		revoked sql.NullString
	)
	err := s.db.R.QueryRowContext(ctx, `SELECT u.id, u.username, u.display_name, u.role, u.zone, s.expires_at, s.revoked_at
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?`, th).
		Scan(&u.ID, &u.Username, &u.DisplayName, &u.Role, &zone, &exp, &revoked)
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, errs.E(errs.Unauthorized, "invalid token")
	}
	if err != nil {
		return User{}, fmt.Errorf("authenticate: %w", err)
	}
	until, err := time.Parse(time.RFC3339Nano, exp)
	if err != nil || revoked.Valid || !s.now().Before(until) {
		return User{}, errs.E(errs.Unauthorized, "session expired or logged out; log in again")
	}
	u.Zone = zone.String
	return u, nil
}

// Logout revokes a token.
func (s *Store) Logout(ctx context.Context, token, requestID string) error {
	th, ok := hashToken(token)
	if !ok {
		return errs.E(errs.Unauthorized, "invalid token")
	}
	now := s.now().UTC()
	return s.db.Transact(ctx, func(tx *sql.Tx) error {
		var uid string
		err := tx.QueryRowContext(ctx, `UPDATE sessions SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL RETURNING user_id`,
			now.Format(time.RFC3339Nano), th).Scan(&uid)
		if errors.Is(err, sql.ErrNoRows) {
			return errs.E(errs.Unauthorized, "invalid token")
		}
		if err != nil {
			return err
		}
		return Audit(ctx, tx, now, uid, "logout", `{}`, requestID)
	})
}

// VerifyPassword checks a user's password without opening a session, for
// approvals (a mall admin authorising an over-limit discount at a counter).
// It obeys and feeds the same lockout as Login, so approvals are no way
// around it.
func (s *Store) VerifyPassword(ctx context.Context, username, password string) (User, error) {
	var (
		u      User
		hash   string
		zone   sql.NullString
		locked sql.NullString
	)
	now := s.now().UTC()
	err := s.db.R.QueryRowContext(ctx, `SELECT id, username, display_name, password_hash, role, zone, locked_until FROM users WHERE username = ?`, username).
		Scan(&u.ID, &u.Username, &u.DisplayName, &hash, &u.Role, &zone, &locked)
	if errors.Is(err, sql.ErrNoRows) {
		_ = bcrypt.CompareHashAndPassword(s.dummy, []byte(password))
		return User{}, errBadLogin
	}
	if err != nil {
		return User{}, err
	}
	if until, ok := s.lockedUntil(locked, now); ok {
		return User{}, errs.E(errs.Unauthorized, "too many failed attempts: account locked until %s", until.Format(time.RFC3339))
	}
	if bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) != nil {
		return User{}, s.fail(ctx, u, now, "")
	}
	u.Zone = zone.String
	return u, nil
}

// Audit appends a row to the append-only audit log inside tx.
func Audit(ctx context.Context, tx *sql.Tx, at time.Time, userID, action, detailJSON, requestID string) error {
	var uid any
	if userID != "" {
		uid = userID
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO audit_log (at, user_id, action, detail, request_id) VALUES (?, ?, ?, ?, ?)`,
		at.UTC().Format(time.RFC3339Nano), uid, action, detailJSON, requestID)
	if err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	return nil
}

func (s *Store) audit(ctx context.Context, userID, action, detail, requestID string) {
	_ = s.db.Transact(ctx, func(tx *sql.Tx) error {
		return Audit(ctx, tx, s.now(), userID, action, detail, requestID)
	})
}

func newToken() (token string, hash []byte, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", nil, fmt.Errorf("token: %w", err)
	}
	token = base64.RawURLEncoding.EncodeToString(b)
	h := sha256.Sum256([]byte(token))
	return token, h[:], nil
}

func hashToken(token string) ([]byte, bool) {
	if len(token) != 43 {
		return nil, false
	}
	h := sha256.Sum256([]byte(token))
	return h[:], true
}

// SetPassword replaces a user's password and clears any lock, inside tx.
func (s *Store) SetPassword(ctx context.Context, tx *sql.Tx, username, password string) error {
	if len(password) < 8 || len(password) > 72 {
		return errs.Field("password", "password must be 8 to 72 bytes")
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), s.policy.BcryptCost)
	if err != nil {
		return fmt.Errorf("hash password: %w", err)
	}
	res, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = ?, failed_logins = 0, locked_until = NULL WHERE username = ?`, string(hash), username)
	if err != nil {
		return fmt.Errorf("set password: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errs.E(errs.NotFound, "no user %q", username)
	}
	return nil
}

// UserExists reports whether a username is taken.
func (s *Store) UserExists(ctx context.Context, username string) (bool, error) {
	var n int
	err := s.db.R.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE username = ?`, username).Scan(&n)
	return n > 0, err
}
