package auth_test

import (
	"context"
	"testing"
	"time"

	"ektamall/shared/auth"
	"ektamall/shared/errs"
)

// A mall caches live sessions (issue 24). Whatever ends a session or
// changes its user must show on the very next request: logout,
// deactivation, a password reset, a role changed by another process
// (ektamall mall create-user writes the file directly), and expiry.
func TestCachedSessionsSeeEveryChangeAtOnce(t *testing.T) {
	ctx := context.Background()
	s, db := newStore(t)
	s.CacheSessions()
	now := time.Now()
	s.SetClock(func() time.Time { return now })
	admin := auth.User{Username: "boss", Role: auth.MallAdmin}
	create(t, s, db, "boss", "password1", auth.MallAdmin, "")
	create(t, s, db, "ravi", "password1", auth.Cashier, "")
	login := func() string {
		t.Helper()
		sess, err := s.Login(ctx, "ravi", "password1", "")
		if err != nil {
			t.Fatal(err)
		}
		for range 2 { // the second answer comes from the cache
			if u, err := s.Authenticate(ctx, sess.Token); err != nil || u.Username != "ravi" || u.Role != auth.Cashier {
				t.Fatalf("fresh token: %+v, %v", u, err)
			}
		}
		return sess.Token
	}
	refused := func(what, tok string) {
		t.Helper()
		if u, err := s.Authenticate(ctx, tok); errs.CodeOf(err) != errs.Unauthorized {
			t.Fatalf("%s: token still accepted (%+v, %v)", what, u, err)
		}
	}

	tok := login()
	if err := s.Logout(ctx, tok, ""); err != nil {
		t.Fatal(err)
	}
	refused("after logout", tok)

	tok = login()
	if _, err := s.SetActive(ctx, admin, []auth.Role{auth.Cashier}, "ravi", false, ""); err != nil {
		t.Fatal(err)
	}
	refused("after deactivation", tok)
	if _, err := s.SetActive(ctx, admin, []auth.Role{auth.Cashier}, "ravi", true, ""); err != nil {
		t.Fatal(err)
	}

	tok = login()
	if _, err := s.ResetPassword(ctx, admin, []auth.Role{auth.Cashier}, "ravi", "password2", ""); err != nil {
		t.Fatal(err)
	}
	refused("after a password reset", tok)
	if _, err := s.ResetPassword(ctx, admin, []auth.Role{auth.Cashier}, "ravi", "password1", ""); err != nil {
		t.Fatal(err)
	}

	tok = login()
	if _, err := db.W.ExecContext(ctx, `UPDATE users SET role = 'mall_admin' WHERE username = 'ravi'`); err != nil {
		t.Fatal(err)
	}
	if u, err := s.Authenticate(ctx, tok); err != nil || u.Role != auth.MallAdmin {
		t.Fatalf("after a role change: %+v, %v, want role mall_admin", u, err)
	}

	now = now.Add(time.Hour + time.Second)
	refused("after expiry", tok)
}
