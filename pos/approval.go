package pos

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"ektamall/shared/auth"
	"ektamall/shared/errs"
	"ektamall/shared/text"
)

// Approval is a one-time permission from a mall admin for the cashier who
// asked: it lets one sale carry discounts over the cashier's limit.
type Approval struct {
	Token     string    `json:"approval_token"`
	Approver  string    `json:"approver"`
	ExpiresAt time.Time `json:"expires_at"`
}

// maxApprovalFailures in approvalWindow per requesting user stops the
// approval form from being used to guess an admin's password (the
// password check it uses does not lock accounts by itself).
const (
	maxApprovalFailures = 5
	approvalWindow      = 15 * time.Minute
)

// Approve issues an approval token for the caller. At a counter the mall
// admin types their username and password on the cashier's screen; a mall
// admin asking for themselves may leave them empty.
func (s *Service) Approve(ctx context.Context, a Actor, username, password string) (Approval, error) {
	if err := canRing(a.User); err != nil {
		return Approval{}, err
	}
	now := s.now()
	approver := a.User
	if username != "" || a.User.Role != auth.MallAdmin {
		var n int
		if err := s.db.R.QueryRowContext(ctx, `SELECT count(*) FROM audit_log WHERE action = 'approval_failed' AND user_id = ? AND at > ?`,
			a.User.ID, now.Add(-approvalWindow).Format(timeFmt)).Scan(&n); err != nil {
			return Approval{}, fmt.Errorf("approve: %w", err)
		}
		if n >= maxApprovalFailures {
			return Approval{}, errs.E(errs.Forbidden, "too many failed approvals from this login; wait %d minutes", int(approvalWindow.Minutes()))
		}
		u, err := s.auth.VerifyPassword(ctx, username, password)
		if err == nil && u.Role != auth.MallAdmin {
			err = errs.E(errs.Forbidden, "only a mall admin can approve")
		}
		if err != nil {
			_ = s.db.Transact(ctx, func(tx *sql.Tx) error {
				return audit(ctx, tx, a, now, "approval_failed", map[string]any{"approver": text.Bound(username, 64)})
			})
			if errs.CodeOf(err) == errs.Unauthorized {
				// 403, not 401: the cashier's own session is fine.
				return Approval{}, errs.E(errs.Forbidden, "wrong username or password for the approving mall admin")
			}
			return Approval{}, err
		}
		approver = u
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return Approval{}, fmt.Errorf("approve: %w", err)
	}
	tok := base64.RawURLEncoding.EncodeToString(b)
	h := sha256.Sum256([]byte(tok))
	ap := Approval{Token: tok, Approver: approver.Username, ExpiresAt: now.Add(s.cfg.ApprovalTTL)}
	err := s.db.Transact(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO approvals (token_hash, approver_id, for_user_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
			h[:], approver.ID, a.User.ID, now.Format(timeFmt), ap.ExpiresAt.Format(timeFmt)); err != nil {
			return err
		}
		return audit(ctx, tx, a, now, "approval_granted", map[string]any{"approver": approver.Username, "for": a.User.Username})
	})
	if err != nil {
		return Approval{}, fmt.Errorf("approve: %w", err)
	}
	return ap, nil
}

// checkApproval verifies an approval token for a's sale at time now and
// returns the approver's id and username.
func checkApproval(ctx context.Context, tx *sql.Tx, a Actor, token string, now time.Time) (string, string, error) {
	h := sha256.Sum256([]byte(token))
	var (
		approver, name, forUser, exp string
		used                         sql.NullString
	)
	err := tx.QueryRowContext(ctx, `SELECT a.approver_id, u.username, a.for_user_id, a.expires_at, a.used_by
		FROM approvals a JOIN users u ON u.id = a.approver_id WHERE a.token_hash = ?`, h[:]).Scan(&approver, &name, &forUser, &exp, &used)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return "", "", errs.E(errs.Forbidden, "the approval token is not valid; ask a mall admin to approve again")
	case err != nil:
		return "", "", fmt.Errorf("check approval: %w", err)
	case used.Valid:
		return "", "", errs.E(errs.Conflict, "the approval was already used on another sale; ask again")
	case forUser != a.User.ID:
		return "", "", errs.E(errs.Forbidden, "the approval was given to another cashier")
	case !now.Before(parseTime(exp)):
		return "", "", errs.E(errs.Forbidden, "the approval has expired; ask a mall admin to approve again")
	}
	return approver, name, nil
}

func markApproval(ctx context.Context, tx *sql.Tx, token, saleID string, now time.Time) error {
	h := sha256.Sum256([]byte(token))
	res, err := tx.ExecContext(ctx, `UPDATE approvals SET used_by = ?, used_at = ? WHERE token_hash = ? AND used_by IS NULL`, saleID, now.Format(timeFmt), h[:])
	if err != nil {
		return fmt.Errorf("use approval: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return errs.E(errs.Conflict, "the approval was already used on another sale; ask again")
	}
	return nil
}
