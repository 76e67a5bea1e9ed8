// Package auth keeps users, password logins and bearer-token sessions for
// both the malls and the hub (their tables have the same shape).
//
// Passwords are bcrypt hashes. Tokens are 32 random bytes shown once to the
// client; only their SHA-256 is stored. Repeated failures lock a username
// for a while from the address they came from (lockout.go), and every
// login and failure goes to the audit log.
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
	"ektamall/shared/sqldb"
	"ektamall/shared/sqlitedb"
	"ektamall/shared/text"
)

// Role is what a user may do.
type Role string

const (
	Cashier     Role = "cashier"
	ZoneManager Role = "zone_manager" // bound to one state zone of one mall
	MallAdmin   Role = "mall_admin"
	Finance     Role = "finance" // hub
	HubAdmin    Role = "hub_admin"
	Producer    Role = "producer" // hub: a district producer, sees only its own data (hub/producer)
	// DistrictOfficer (hub) is bound to one district: creates its
	// producers' logins and reads their views (hub/producer).
	DistrictOfficer Role = "district_officer"
)

// User is an authenticated person.
type User struct {
	ID          string `json:"id"`
	Username    string `json:"username"`
	DisplayName string `json:"display_name"`
	Role        Role   `json:"role"`
	Zone        string `json:"zone,omitempty"`
	// Lang is the language the user chose for the screens ("" until they
	// choose); read at login.
	Lang string `json:"lang,omitempty"`
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
	db     sqldb.DB
	policy Policy
	now    func() time.Time
	// dummy is a hash compared against when the user does not exist, so a
	// wrong username costs as much time as a wrong password.
	dummy []byte
	// sessions, when set, caches live sessions (sessioncache.go).
	sessions *sessionCache
}

// NewStore returns a Store over a mall's (or a tool's) SQLite database.
func NewStore(db *sqlitedb.DB, p Policy) *Store {
	return NewStoreOn(sqldb.FromSQLite(db), p)
}

// NewStoreOn returns a Store over db: the hub's, on SQLite or PostgreSQL.
func NewStoreOn(db sqldb.DB, p Policy) *Store {
	p = p.withDefaults()
	dummy, _ := bcrypt.GenerateFromPassword([]byte("not-a-real-password"), p.BcryptCost)
	return &Store{db: db, policy: p, now: time.Now, dummy: dummy}
}

// SetClock replaces the clock, for tests of expiry and locking.
func (s *Store) SetClock(now func() time.Time) { s.now = now }

var usernameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{2,39}$`)

// CreateUser adds a user inside tx. Passwords need 8 to 72 bytes (bcrypt's
// limit); zone managers need a zone and nobody else has one.
func (s *Store) CreateUser(ctx context.Context, tx sqldb.Tx, username, password, display string, role Role, zone string) (User, error) {
	if !usernameRE.MatchString(username) {
		return User{}, errs.Field("username", "username must be 3-40 of a-z, 0-9, '.', '_' and '-'")
	}
	if len(password) < 8 || len(password) > 72 {
		return User{}, errs.Field("password", "password must be 8 to 72 bytes")
	}
	if (role == ZoneManager) != (zone != "") {
		return User{}, errs.Field("zone", "a zone manager needs exactly one zone; other roles have none")
	}
	display, err := text.Clean("display_name", display, text.Rule{Max: 80})
	if err != nil {
		return User{}, err
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
	if sqldb.IsUnique(err) {
		return User{}, &errs.Error{Code: errs.Conflict, Field: "username", Message: fmt.Sprintf("username %q is taken", username)}
	}
	if sqldb.IsForeignKey(err) { // the only reference is the zone
		return User{}, errs.Field("zone", "zone %q is not a zone of this mall", zone)
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

var (
	errBadLogin    = errs.E(errs.Unauthorized, "wrong username or password")
	errDeactivated = errs.E(errs.Unauthorized, "this account is deactivated; ask your admin")
)

// Login checks a password and opens a session, counting failures without
// a client address (tools and tests); the HTTP edge uses LoginFrom.
func (s *Store) Login(ctx context.Context, username, password, requestID string) (Session, error) {
	return s.LoginFrom(ctx, username, password, "", requestID)
}

// LoginFrom checks a password sent from client (the caller's address) and
// opens a session. Failures are counted per username and client: after
// MaxFailures from one client that username is locked from that client
// for LockFor, even with the right password, while logins from every
// other counter keep working. The username is bounded before it is
// audited, whatever its length.
func (s *Store) LoginFrom(ctx context.Context, username, password, client, requestID string) (Session, error) {
	now := s.now().UTC()
	client = text.Bound(client, 64)
	if len(username) > 64 || len(password) > 1024 {
		s.auditFailure(ctx, "", username, "oversized credentials", requestID)
		return Session{}, errBadLogin
	}
	var (
		u    User
		hash string
		zone sql.NullString
		off  sql.NullString
	)
	err := s.db.Reader().QueryRowContext(ctx, `SELECT id, username, display_name, password_hash, role, zone, deactivated_at, lang FROM users WHERE username = ?`, username).
		Scan(&u.ID, &u.Username, &u.DisplayName, &hash, &u.Role, &zone, &off, &u.Lang)
	if errors.Is(err, sql.ErrNoRows) {
		_ = bcrypt.CompareHashAndPassword(s.dummy, []byte(password))
		s.auditFailure(ctx, "", username, "unknown user", requestID)
		return Session{}, errBadLogin
	}
	if err != nil {
		return Session{}, fmt.Errorf("login: %w", err)
	}
	u.Zone = zone.String
	if until, ok, err := s.lockedFrom(ctx, username, client, now); err != nil {
		return Session{}, err
	} else if ok {
		s.audit(ctx, u.ID, "login_refused_locked", clientDetail(client), requestID)
		return Session{}, lockedErr(until)
	}
	if bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) != nil {
		return Session{}, s.fail(ctx, u, client, now, requestID)
	}
	// Checked after the password, so only someone who knows it learns
	// that the account exists and is off.
	if off.Valid {
		s.audit(ctx, u.ID, "login_refused_deactivated", `{}`, requestID)
		return Session{}, errDeactivated
	}
	tok, th, err := newToken()
	if err != nil {
		return Session{}, err
	}
	exp := now.Add(s.policy.TokenTTL)
	err = s.db.Transact(ctx, func(tx sqldb.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM login_failures WHERE username = ? AND client = ?`, u.Username, client); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)`,
			th, u.ID, now.Format(time.RFC3339Nano), exp.Format(time.RFC3339Nano)); err != nil {
			return err
		}
		return Audit(ctx, tx, now, u.ID, "login", clientDetail(client), requestID)
	})
	if err != nil {
		return Session{}, fmt.Errorf("login: %w", err)
	}
	return Session{Token: tok, ExpiresAt: exp, User: u}, nil
}

// Authenticate returns the user of a live token.
func (s *Store) Authenticate(ctx context.Context, token string) (User, error) {
	th, ok := hashToken(token)
	if !ok {
		return User{}, errs.E(errs.Unauthorized, "invalid token")
	}
	if s.sessions != nil {
		return s.sessions.authenticate(ctx, s, th)
	}
	u, _, err := s.lookup(ctx, th)
	return u, err
}

// lookup reads the session of token hash th and returns its user if it is
// live, and until when.
func (s *Store) lookup(ctx context.Context, th []byte) (User, time.Time, error) {
	var (
		u       User
		zone    sql.NullString
		exp     string
		revoked sql.NullString
		off     sql.NullString
	)
	err := s.db.Reader().QueryRowContext(ctx, `SELECT u.id, u.username, u.display_name, u.role, u.zone, s.expires_at, s.revoked_at, u.deactivated_at, u.lang
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?`, th).
		Scan(&u.ID, &u.Username, &u.DisplayName, &u.Role, &zone, &exp, &revoked, &off, &u.Lang)
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, time.Time{}, errs.E(errs.Unauthorized, "invalid token")
	}
	if err != nil {
		return User{}, time.Time{}, fmt.Errorf("authenticate: %w", err)
	}
	until, err := time.Parse(time.RFC3339Nano, exp)
	if off.Valid { // deactivation revokes sessions too; this is belt and braces
		return User{}, time.Time{}, errDeactivated
	}
	if err != nil || revoked.Valid || !s.now().Before(until) {
		return User{}, time.Time{}, errExpired
	}
	u.Zone = zone.String
	return u, until, nil
}

var errExpired = errs.E(errs.Unauthorized, "session expired or logged out; log in again")

// Logout revokes a token.
func (s *Store) Logout(ctx context.Context, token, requestID string) error {
	th, ok := hashToken(token)
	if !ok {
		return errs.E(errs.Unauthorized, "invalid token")
	}
	now := s.now().UTC()
	return s.db.Transact(ctx, func(tx sqldb.Tx) error {
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
// approvals (a mall admin authorising an over-limit discount at a
// counter). It neither obeys nor feeds the login lockout: wrong passwords
// typed into a cashier's approval prompt must not lock the admin out of
// their own login. Callers limit attempts themselves (pos limits
// approvals per asking cashier).
func (s *Store) VerifyPassword(ctx context.Context, username, password string) (User, error) {
	var (
		u    User
		hash string
		zone sql.NullString
		off  sql.NullString
	)
	if len(username) > 64 || len(password) > 1024 {
		return User{}, errBadLogin
	}
	err := s.db.Reader().QueryRowContext(ctx, `SELECT id, username, display_name, password_hash, role, zone, deactivated_at FROM users WHERE username = ?`, username).
		Scan(&u.ID, &u.Username, &u.DisplayName, &hash, &u.Role, &zone, &off)
	if errors.Is(err, sql.ErrNoRows) {
		_ = bcrypt.CompareHashAndPassword(s.dummy, []byte(password))
		return User{}, errBadLogin
	}
	if err != nil {
		return User{}, err
	}
	if bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) != nil {
		return User{}, errBadLogin
	}
	if off.Valid {
		return User{}, errDeactivated
	}
	u.Zone = zone.String
	return u, nil
}

// MaxAuditDetail bounds an audit row's detail. Callers audit validated
// values; this is the backstop that keeps one request from writing a huge
// row whatever a caller forgot.
const MaxAuditDetail = 4 << 10

// Audit appends a row to the append-only audit log inside tx.
func Audit(ctx context.Context, tx sqldb.Tx, at time.Time, userID, action, detailJSON, requestID string) error {
	if len(detailJSON) > MaxAuditDetail {
		b, _ := json.Marshal(map[string]any{"truncated": true, "bytes": len(detailJSON), "head": text.Bound(detailJSON, 512)})
		detailJSON = string(b)
	}
	requestID = text.Bound(requestID, 64)
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
	_ = s.db.Transact(ctx, func(tx sqldb.Tx) error {
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
func (s *Store) SetPassword(ctx context.Context, tx sqldb.Tx, username, password string) error {
	if len(password) < 8 || len(password) > 72 {
		return errs.Field("password", "password must be 8 to 72 bytes")
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), s.policy.BcryptCost)
	if err != nil {
		return fmt.Errorf("hash password: %w", err)
	}
	res, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = ? WHERE username = ?`, string(hash), username)
	if err != nil {
		return fmt.Errorf("set password: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errs.E(errs.NotFound, "no user %q", username)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM login_failures WHERE username = ?`, username); err != nil {
		return fmt.Errorf("set password: %w", err)
	}
	return nil
}

// UserExists reports whether a username is taken.
func (s *Store) UserExists(ctx context.Context, username string) (bool, error) {
	var n int
	err := s.db.Reader().QueryRowContext(ctx, `SELECT count(*) FROM users WHERE username = ?`, username).Scan(&n)
	return n > 0, err
}
