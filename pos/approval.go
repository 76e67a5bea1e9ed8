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
	"ektamall/shared/catalogdb"
	"ektamall/shared/errs"
	"ektamall/shared/money"
	"ektamall/shared/text"
)

// Approval is a one-time permission from a mall admin for the cashier who
// asked: it lets one sale carry discounts over the cashier's limit, within
// what the admin saw and approved (the scope). It is never a blank cheque.
type Approval struct {
	Token     string    `json:"approval_token"`
	Approver  string    `json:"approver"`
	ExpiresAt time.Time `json:"expires_at"`
	For       string    `json:"for"` // the cashier it was given to
	ApprovalScope
}

// ApprovalScope is what an approval covers.
type ApprovalScope struct {
	// SKU limits the approval to lines of one product; "" covers any line
	// of the sale.
	SKU string `json:"sku,omitempty"`
	// Discount is the largest discount approved on a line, as a
	// percentage of the line's value ("25%"), whether the cashier enters
	// it as a percentage or an amount.
	Discount string `json:"discount"`
	// MaxAmount caps the sum of the discounts of the sale's over-limit
	// lines, in rupees.
	MaxAmount money.Amount `json:"max_amount"`
}

// ApprovalRequest is what a counter sends: the approving admin's
// credentials (empty when a mall admin approves for themselves) and the
// scope shown to the admin.
type ApprovalRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
	ApprovalScope
}

// scope checks an approval request's scope and returns its basis points.
func (r ApprovalRequest) scope() (int64, error) {
	d, err := ParseDiscount(r.Discount)
	switch {
	case err != nil || d.Kind != "percent":
		return 0, errs.Field("discount", "discount is the largest discount approved on a line, as a percentage such as \"25%%\"")
	case !r.MaxAmount.IsPositive() || r.MaxAmount.GreaterThan(MaxFloat):
		return 0, errs.Field("max_amount", "max_amount is the ceiling on the approved discounts in rupees, more than 0.00 and at most %s", MaxFloat)
	case r.SKU != "" && (len(r.SKU) > 64 || !text.Valid(r.SKU, text.Rule{Max: 64})):
		return 0, errs.Field("sku", "sku names one product, e.g. UP-MBD-001")
	}
	return d.BP, nil
}

// Approve issues an approval token for the caller. At a counter the mall
// admin types their username and password on the cashier's screen; a mall
// admin asking for themselves may leave them empty.
func (s *Service) Approve(ctx context.Context, a Actor, req ApprovalRequest) (Approval, error) {
	if err := canRing(a.User); err != nil {
		return Approval{}, err
	}
	bp, err := req.scope()
	if err != nil {
		return Approval{}, err
	}
	if req.SKU != "" {
		if _, err := catalogdb.GetProduct(ctx, s.db.R, req.SKU); err != nil {
			return Approval{}, err
		}
	}
	username, password := req.Username, req.Password
	now := s.now()
	approver := a.User
	if username != "" || a.User.Role != auth.MallAdmin {
		u, err := s.auth.VerifyApprover(ctx, a.User, username, password, auth.MallAdmin, a.RequestID)
		if err != nil {
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
	ap := Approval{Token: tok, Approver: approver.Username, ExpiresAt: now.Add(s.cfg.ApprovalTTL), For: a.User.Username, ApprovalScope: req.ApprovalScope}
	ap.Discount = Discount{Kind: "percent", BP: bp}.String()
	var sku any
	if req.SKU != "" {
		sku = req.SKU
	}
	err = s.db.Transact(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO approvals (token_hash, approver_id, for_user_id, created_at, expires_at, sku, max_discount_bp, max_amount_paise)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			h[:], approver.ID, a.User.ID, now.Format(timeFmt), ap.ExpiresAt.Format(timeFmt), sku, bp, req.MaxAmount.Paise()); err != nil {
			return err
		}
		return audit(ctx, tx, a, now, "approval_granted", map[string]any{"approver": approver.Username, "for": a.User.Username,
			"sku": req.SKU, "discount": ap.Discount, "max_amount": req.MaxAmount})
	})
	if err != nil {
		return Approval{}, fmt.Errorf("approve: %w", err)
	}
	return ap, nil
}

// checkApproval verifies an approval token for a's sale of lines (the
// over-limit ones, by line number) at time now and returns the approver's
// id and username.
func checkApproval(ctx context.Context, tx *sql.Tx, a Actor, token string, lines []SaleLine, overLimit []int, now time.Time) (string, string, error) {
	h := sha256.Sum256([]byte(token))
	var (
		approver, name, forUser, exp string
		used, sku                    sql.NullString
		bp, maxPaise                 sql.NullInt64
	)
	err := tx.QueryRowContext(ctx, `SELECT a.approver_id, u.username, a.for_user_id, a.expires_at, a.used_by, a.sku, a.max_discount_bp, a.max_amount_paise
		FROM approvals a JOIN users u ON u.id = a.approver_id WHERE a.token_hash = ?`, h[:]).Scan(&approver, &name, &forUser, &exp, &used, &sku, &bp, &maxPaise)
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
	case !bp.Valid || !maxPaise.Valid:
		return "", "", errs.E(errs.Forbidden, "the approval names no discount; ask a mall admin to approve again")
	}
	if err := withinScope(lines, overLimit, sku.String, bp.Int64, maxPaise.Int64); err != nil {
		return "", "", err
	}
	return approver, name, nil
}

// withinScope refuses a sale whose over-limit lines go beyond what the
// admin approved: another product, a larger discount, or more in total.
func withinScope(lines []SaleLine, overLimit []int, sku string, bp, maxPaise int64) error {
	pct := Discount{Kind: "percent", BP: bp}.String()
	total := money.Zero
	for _, n := range overLimit {
		l := lines[n-1]
		if sku != "" && l.SKU != sku {
			return errs.E(errs.Forbidden, "the approval covers %s only, not line %d (%s); ask a mall admin to approve this cart", sku, n, l.SKU)
		}
		if !withinLimit(l.Discount, l.Gross(), bp) {
			return errs.E(errs.Forbidden, "line %d's discount of %s on %s is more than the approved %s", n, l.Discount, l.Gross(), pct)
		}
		total = total.Add(l.Discount)
	}
	if max := money.FromPaise(maxPaise); total.GreaterThan(max) {
		return errs.E(errs.Forbidden, "the discounts over your limit come to %s, more than the approved ceiling of %s", total, max)
	}
	return nil
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
