package auth

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"ektamall/shared/errs"
	"ektamall/shared/sqldb"
	"ektamall/shared/text"
)

// A second person's approval: a mall admin types their username and
// password on a colleague's screen (a till's over-limit discount, a zone
// manager's damage write-off or return to the producer).
const (
	// MaxApprovalFailures in ApprovalWindow per requesting login stop the
	// approval form from being used to guess an admin's password (the
	// password check it uses does not lock accounts by itself).
	MaxApprovalFailures = 5
	ApprovalWindow      = 15 * time.Minute
)

// VerifyApprover checks the credentials typed on requester's screen by
// the person approving, who must have role approver. Each failure is
// audited as "approval_failed" on the requester's login, and after
// MaxApprovalFailures of them in ApprovalWindow further attempts from that
// login are refused. Wrong credentials are Forbidden, not Unauthorized:
// the requester's own session is fine.
func (s *Store) VerifyApprover(ctx context.Context, requester User, username, password string, approver Role, requestID string) (User, error) {
	now := s.now().UTC()
	var n int
	if err := s.db.Reader().QueryRowContext(ctx, `SELECT count(*) FROM audit_log WHERE action = 'approval_failed' AND user_id = ? AND at > ?`,
		requester.ID, now.Add(-ApprovalWindow).Format(time.RFC3339Nano)).Scan(&n); err != nil {
		return User{}, fmt.Errorf("approver: %w", err)
	}
	if n >= MaxApprovalFailures {
		return User{}, errs.E(errs.Forbidden, "too many failed approvals from this login; wait %d minutes", int(ApprovalWindow.Minutes()))
	}
	u, err := s.VerifyPassword(ctx, username, password)
	if err == nil && u.Role != approver {
		err = errs.E(errs.Forbidden, "only a %s can approve", approver)
	}
	if err == nil {
		return u, nil
	}
	d, _ := json.Marshal(map[string]any{"approver": text.Bound(username, 64)})
	_ = s.db.Transact(ctx, func(tx sqldb.Tx) error {
		return Audit(ctx, tx, now, requester.ID, "approval_failed", string(d), requestID)
	})
	if errs.CodeOf(err) == errs.Unauthorized {
		return User{}, errs.E(errs.Forbidden, "wrong username or password for the approving %s", approver)
	}
	return User{}, err
}
