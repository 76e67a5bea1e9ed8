package auth_test

import (
	"context"
	"testing"
	"time"

	"ektamall/shared/auth"
	"ektamall/shared/errs"
)

// TestVerifyApproverLimitsGuesses: a mall admin's login typed on a
// colleague's screen approves; a cashier's or a wrong password does not
// (403, the colleague's session is fine); after five failures from one
// login even the right password is refused for a while, and another
// login is not held back.
func TestVerifyApproverLimitsGuesses(t *testing.T) {
	ctx := context.Background()
	s, db := newStore(t)
	for _, u := range []struct {
		name string
		role auth.Role
		zone string
	}{{"admin", auth.MallAdmin, ""}, {"cashier", auth.Cashier, ""}, {"zm1", auth.ZoneManager, "UP"}, {"zm2", auth.ZoneManager, "UP"}} {
		if err := create(t, s, db, u.name, "password-"+u.name, u.role, u.zone); err != nil {
			t.Fatal(err)
		}
	}
	zm, err := s.VerifyPassword(ctx, "zm1", "password-zm1")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	s.SetClock(func() time.Time { return now })
	if u, err := s.VerifyApprover(ctx, zm, "admin", "password-admin", auth.MallAdmin, "r1"); err != nil || u.Username != "admin" {
		t.Fatalf("the admin's login: %+v %v", u, err)
	}
	if _, err := s.VerifyApprover(ctx, zm, "cashier", "password-cashier", auth.MallAdmin, "r2"); errs.CodeOf(err) != errs.Forbidden {
		t.Fatalf("a cashier approving: %v", err)
	}
	for range auth.MaxApprovalFailures - 1 {
		if _, err := s.VerifyApprover(ctx, zm, "admin", "guess", auth.MallAdmin, "r3"); errs.CodeOf(err) != errs.Forbidden {
			t.Fatalf("a wrong password: %v", err)
		}
	}
	if _, err := s.VerifyApprover(ctx, zm, "admin", "password-admin", auth.MallAdmin, "r4"); errs.CodeOf(err) != errs.Forbidden {
		t.Fatalf("after %d failures the right password still approves: %v", auth.MaxApprovalFailures, err)
	}
	if n := count(t, db, `SELECT count(*) FROM audit_log WHERE action = 'approval_failed'`); n != auth.MaxApprovalFailures {
		t.Fatalf("%d failures audited, want %d", n, auth.MaxApprovalFailures)
	}
	zm2, err := s.VerifyPassword(ctx, "zm2", "password-zm2")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.VerifyApprover(ctx, zm2, "admin", "password-admin", auth.MallAdmin, "r5"); err != nil {
		t.Fatalf("another login is held back: %v", err)
	}
	now = now.Add(auth.ApprovalWindow + time.Second)
	if _, err := s.VerifyApprover(ctx, zm, "admin", "password-admin", auth.MallAdmin, "r6"); err != nil {
		t.Fatalf("after the window the admin's login still refused: %v", err)
	}
}
