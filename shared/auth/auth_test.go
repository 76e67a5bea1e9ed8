package auth_test

import (
	"context"
	"database/sql"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"ektamall/migrations"
	"ektamall/shared/auth"
	"ektamall/shared/catalog"
	"ektamall/shared/catalogdb"
	"ektamall/shared/errs"
	"ektamall/shared/sqlitedb"
)

// newStore opens a real mall database with the catalog (zones are needed
// for zone managers) and a fast bcrypt cost.
func newStore(t *testing.T) (*auth.Store, *sqlitedb.DB) {
	t.Helper()
	ctx := context.Background()
	db, err := sqlitedb.Open(ctx, filepath.Join(t.TempDir(), "mall.db"), sqlitedb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := migrations.Apply(ctx, db.W, migrations.Mall, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		t.Fatal(err)
	}
	seed, err := catalog.LoadSeed()
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Transact(ctx, func(tx *sql.Tx) error { return catalogdb.InsertSeed(ctx, tx, seed, true, time.Now()) }); err != nil {
		t.Fatal(err)
	}
	return auth.NewStore(db, auth.Policy{BcryptCost: bcrypt.MinCost, MaxFailures: 3, LockFor: time.Minute, TokenTTL: time.Hour}), db
}

func create(t *testing.T, s *auth.Store, db *sqlitedb.DB, user, pass string, role auth.Role, zone string) error {
	t.Helper()
	return db.Transact(context.Background(), func(tx *sql.Tx) error {
		_, err := s.CreateUser(context.Background(), tx, user, pass, user, role, zone)
		return err
	})
}

func count(t *testing.T, db *sqlitedb.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := db.R.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestLoginAuthenticateLogout(t *testing.T) {
	ctx := context.Background()
	s, db := newStore(t)
	if err := create(t, s, db, "asha", "correct horse", auth.Cashier, ""); err != nil {
		t.Fatal(err)
	}
	sess, err := s.Login(ctx, "asha", "correct horse", "req-1")
	if err != nil {
		t.Fatal(err)
	}
	u, err := s.Authenticate(ctx, sess.Token)
	if err != nil || u.Username != "asha" || u.Role != auth.Cashier {
		t.Fatalf("authenticate = %+v, %v", u, err)
	}
	// Only the hash of the token is stored.
	if n := count(t, db, `SELECT count(*) FROM sessions WHERE token_hash = ?`, sess.Token); n != 0 {
		t.Fatal("the raw token is stored")
	}
	if err := s.Logout(ctx, sess.Token, "req-2"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Authenticate(ctx, sess.Token); errs.CodeOf(err) != errs.Unauthorized {
		t.Fatalf("token after logout: %v", err)
	}
	if n := count(t, db, `SELECT count(*) FROM audit_log WHERE action IN ('login','logout')`); n != 2 {
		t.Fatalf("audit rows for login+logout = %d", n)
	}
}

func TestTokenExpires(t *testing.T) {
	ctx := context.Background()
	s, db := newStore(t)
	create(t, s, db, "ravi", "password1", auth.MallAdmin, "")
	now := time.Now()
	s.SetClock(func() time.Time { return now })
	sess, err := s.Login(ctx, "ravi", "password1", "")
	if err != nil {
		t.Fatal(err)
	}
	now = now.Add(time.Hour + time.Second)
	if _, err := s.Authenticate(ctx, sess.Token); errs.CodeOf(err) != errs.Unauthorized {
		t.Fatalf("expired token accepted: %v", err)
	}
}

func TestRepeatedFailuresLockTheAccount(t *testing.T) {
	ctx := context.Background()
	s, db := newStore(t)
	create(t, s, db, "meena", "password1", auth.Cashier, "")
	now := time.Now()
	s.SetClock(func() time.Time { return now })
	for i := 0; i < 3; i++ {
		if _, err := s.Login(ctx, "meena", "wrong-pass", ""); errs.CodeOf(err) != errs.Unauthorized {
			t.Fatalf("attempt %d: %v", i, err)
		}
	}
	_, err := s.Login(ctx, "meena", "password1", "")
	if errs.CodeOf(err) != errs.Unauthorized || !strings.Contains(err.Error(), "locked") {
		t.Fatalf("right password during lock: %v, want locked", err)
	}
	now = now.Add(time.Minute + time.Second)
	if _, err := s.Login(ctx, "meena", "password1", ""); err != nil {
		t.Fatalf("after the lock: %v", err)
	}
	if n := count(t, db, `SELECT count(*) FROM audit_log WHERE action = 'account_locked'`); n != 1 {
		t.Fatalf("account_locked audit rows = %d", n)
	}
}

func TestUnknownUserAndBadInput(t *testing.T) {
	ctx := context.Background()
	s, db := newStore(t)
	if _, err := s.Login(ctx, "nobody", "whatever1", ""); errs.CodeOf(err) != errs.Unauthorized {
		t.Fatalf("unknown user: %v", err)
	}
	cases := []struct {
		user, pass string
		role       auth.Role
		zone       string
	}{
		{"A", "password1", auth.Cashier, ""},            // upper case
		{"ok.user", "short", auth.Cashier, ""},          // short password
		{"zm.none", "password1", auth.ZoneManager, ""},  // zone manager without zone
		{"cash.zone", "password1", auth.Cashier, "UP"},  // cashier with a zone
		{"zm.bad", "password1", auth.ZoneManager, "XX"}, // unknown zone (foreign key)
	}
	for _, c := range cases {
		if err := create(t, s, db, c.user, c.pass, c.role, c.zone); err == nil {
			t.Errorf("created %+v", c)
		}
	}
	if n := count(t, db, `SELECT count(*) FROM users`); n != 0 {
		t.Fatalf("users after bad input = %d", n)
	}
	create(t, s, db, "dup.user", "password1", auth.Cashier, "")
	if err := create(t, s, db, "dup.user", "password2", auth.Cashier, ""); errs.CodeOf(err) != errs.Conflict {
		t.Fatalf("duplicate username: %v", err)
	}
}

// TestParallelGuessesStillLock fires a burst of wrong passwords at once:
// every one must count, so the account locks.
func TestParallelGuessesStillLock(t *testing.T) {
	ctx := context.Background()
	s, db := newStore(t)
	create(t, s, db, "target", "password1", auth.MallAdmin, "")
	var wg sync.WaitGroup
	for i := 0; i < 6; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); s.Login(ctx, "target", "guess-guess", "") }()
	}
	wg.Wait()
	if _, err := s.Login(ctx, "target", "password1", ""); err == nil || !strings.Contains(err.Error(), "locked") {
		t.Fatalf("after 6 parallel wrong guesses the right password gave %v; want locked", err)
	}
}

// TestLockIsPerClient: guesses from one address lock that address only;
// another counter logs in; an admin's unlock lifts the lock; approvals'
// wrong passwords never lock the admin's own login.
func TestLockIsPerClient(t *testing.T) {
	ctx := context.Background()
	s, db := newStore(t)
	create(t, s, db, "victim", "password1", auth.MallAdmin, "")
	create(t, s, db, "boss", "password1", auth.MallAdmin, "")
	create(t, s, db, "clerk", "password1", auth.Cashier, "")
	for i := 0; i < 3; i++ {
		s.LoginFrom(ctx, "victim", "guess-guess", "10.0.0.66", "")
	}
	if _, err := s.LoginFrom(ctx, "victim", "password1", "10.0.0.66", ""); err == nil || !strings.Contains(err.Error(), "locked") {
		t.Fatalf("the guessing address is not locked: %v", err)
	}
	if _, err := s.LoginFrom(ctx, "victim", "password1", "10.0.0.7", ""); err != nil {
		t.Fatalf("the victim's own counter is locked out too: %v", err)
	}
	locks, err := s.Locks(ctx, "victim")
	if err != nil || len(locks) != 1 || locks[0].Client != "10.0.0.66" {
		t.Fatalf("locks = %+v, %v", locks, err)
	}
	boss := auth.User{ID: "boss", Username: "boss", Role: auth.MallAdmin}
	if err := s.Unlock(ctx, boss, []auth.Role{auth.Cashier}, "victim", ""); errs.CodeOf(err) != errs.Forbidden {
		t.Fatalf("unlock of a role the admin does not manage: %v", err)
	}
	if err := s.Unlock(ctx, boss, []auth.Role{auth.Cashier, auth.MallAdmin}, "nobody", ""); errs.CodeOf(err) != errs.NotFound {
		t.Fatalf("unlock of no user: %v", err)
	}
	if err := s.Unlock(ctx, boss, []auth.Role{auth.Cashier, auth.MallAdmin}, "victim", "req-u"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.LoginFrom(ctx, "victim", "password1", "10.0.0.66", ""); err != nil {
		t.Fatalf("after unlock: %v", err)
	}
	if n := count(t, db, `SELECT count(*) FROM audit_log WHERE action = 'account_unlocked' AND request_id = 'req-u'`); n != 1 {
		t.Fatalf("unlock audit rows = %d", n)
	}
	// Ten wrong approval passwords, then the admin logs in.
	for i := 0; i < 10; i++ {
		if _, err := s.VerifyPassword(ctx, "boss", "wrong-wrong"); errs.CodeOf(err) != errs.Unauthorized {
			t.Fatalf("wrong approval password: %v", err)
		}
	}
	if _, err := s.LoginFrom(ctx, "boss", "password1", "10.0.0.7", ""); err != nil {
		t.Fatalf("approval failures locked the admin's login: %v", err)
	}
	if n := count(t, db, `SELECT count(*) FROM login_failures WHERE username = 'boss'`); n != 0 {
		t.Fatalf("approval failures were counted as login failures: %d", n)
	}
}

// TestHugeUsernameIsBounded: a 200 KB username is not written whole to
// the audit log.
func TestHugeUsernameIsBounded(t *testing.T) {
	ctx := context.Background()
	s, db := newStore(t)
	huge := strings.Repeat("x", 200_000)
	if _, err := s.LoginFrom(ctx, huge, "whatever1", "10.0.0.1", ""); errs.CodeOf(err) != errs.Unauthorized {
		t.Fatalf("huge username: %v", err)
	}
	if n := count(t, db, `SELECT COALESCE(max(length(detail)), 0) FROM audit_log`); n > 200 {
		t.Fatalf("an audit row of %d bytes", n)
	}
}
