package settle

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"ektamall/hub/ledger"
	"ektamall/shared/errs"
	"ektamall/shared/ids"
	"ektamall/shared/sqldb"
	"ektamall/shared/text"
)

// BankChange is a requested change of a producer's bank account. It is
// paid into only after a second person approves it (maker-checker): a
// single compromised or careless login cannot redirect a producer's money.
type BankChange struct {
	ID          string      `json:"id"`
	Account     BankAccount `json:"account"`
	Status      string      `json:"status"` // pending, approved, rejected, superseded
	RequestedBy string      `json:"requested_by"`
	RequestedAt time.Time   `json:"requested_at"`
	DecidedBy   string      `json:"decided_by,omitempty"`
	DecidedAt   *time.Time  `json:"decided_at,omitempty"`
	Reason      string      `json:"reason,omitempty"`
	// Current is the account payouts go to now (absent: none yet), so the
	// checker sees what the change replaces.
	Current *BankAccount `json:"current,omitempty"`
}

// RequestBankChange records a pending change of b's account, asked for by
// maker. A change already pending for the producer is superseded.
func RequestBankChange(ctx context.Context, tx sqldb.Tx, b BankAccount, maker string, now time.Time) (BankChange, error) {
	if err := b.Validate(); err != nil {
		return BankChange{}, err
	}
	if err := producerExists(ctx, tx, b.ProducerID); err != nil {
		return BankChange{}, err
	}
	at := ledger.TS(now)
	if _, err := tx.ExecContext(ctx, `UPDATE producer_bank_changes SET status = 'superseded', decided_at = ?, reason = 'replaced by a newer request'
		WHERE producer_id = ? AND status = 'pending'`, at, b.ProducerID); err != nil {
		return BankChange{}, fmt.Errorf("bank change: %w", err)
	}
	ch := BankChange{ID: ids.New(), Account: b, Status: "pending", RequestedBy: maker, RequestedAt: now.UTC()}
	ch.Account.Beneficiary = strings.TrimSpace(b.Beneficiary)
	if _, err := tx.ExecContext(ctx, `INSERT INTO producer_bank_changes (id, producer_id, beneficiary, account_no, ifsc, status, requested_by, requested_at)
		VALUES (?, ?, ?, ?, ?, 'pending', ?, ?)`, ch.ID, b.ProducerID, ch.Account.Beneficiary, b.AccountNo, b.IFSC, maker, at); err != nil {
		return BankChange{}, fmt.Errorf("bank change: %w", err)
	}
	return readBankChange(ctx, tx, ch.ID)
}

// DecideBankChange approves or rejects a pending change on behalf of
// checker, who must not be the person who asked for it. Approval writes
// the account settlement pays into.
func DecideBankChange(ctx context.Context, tx sqldb.Tx, id, checker string, approve bool, reason string, now time.Time) (BankChange, error) {
	reason, err := text.Clean("reason", reason, text.Rule{Max: 200, Required: !approve})
	if err != nil {
		return BankChange{}, err
	}
	ch, err := readBankChange(ctx, tx, id)
	if err != nil {
		return BankChange{}, err
	}
	switch {
	case ch.Status != "pending":
		return BankChange{}, errs.E(errs.Conflict, "bank change %s is already %s", id, ch.Status)
	case ch.RequestedBy == checker:
		return BankChange{}, errs.E(errs.Forbidden, "a second person must approve or reject a bank change; %s asked for this one", checker)
	}
	status := "rejected"
	if approve {
		status = "approved"
		if err := PutBankAccount(ctx, tx, ch.Account, now); err != nil {
			return BankChange{}, err
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE producer_bank_changes SET status = ?, decided_by = ?, decided_at = ?, reason = ? WHERE id = ? AND status = 'pending'`,
		status, checker, ledger.TS(now), reason, id); err != nil {
		return BankChange{}, fmt.Errorf("bank change: %w", err)
	}
	return readBankChange(ctx, tx, id)
}

// BankChanges lists changes, newest first; status "" lists every one.
func BankChanges(ctx context.Context, db sqldb.Querier, status string, limit int) ([]BankChange, error) {
	switch status {
	case "", "pending", "approved", "rejected", "superseded":
	default:
		return nil, errs.Field("status", "status must be pending, approved, rejected or superseded")
	}
	rows, err := db.QueryContext(ctx, `SELECT id FROM producer_bank_changes WHERE (? = '' OR status = ?) ORDER BY requested_at DESC, id DESC LIMIT ?`,
		status, status, limit)
	if err != nil {
		return nil, fmt.Errorf("bank changes: %w", err)
	}
	var list []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		list = append(list, id)
	}
	rows.Close()
	out := []BankChange{}
	for _, id := range list {
		ch, err := readBankChange(ctx, db, id)
		if err != nil {
			return nil, err
		}
		out = append(out, ch)
	}
	return out, nil
}

type querier interface {
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
}

func readBankChange(ctx context.Context, q querier, id string) (BankChange, error) {
	var (
		ch                 BankChange
		reqAt              string
		decidedBy, decided sql.NullString
	)
	err := q.QueryRowContext(ctx, `SELECT id, producer_id, beneficiary, account_no, ifsc, status, requested_by, requested_at, decided_by, decided_at, reason
		FROM producer_bank_changes WHERE id = ?`, id).Scan(&ch.ID, &ch.Account.ProducerID, &ch.Account.Beneficiary, &ch.Account.AccountNo,
		&ch.Account.IFSC, &ch.Status, &ch.RequestedBy, &reqAt, &decidedBy, &decided, &ch.Reason)
	if errors.Is(err, sql.ErrNoRows) {
		return BankChange{}, errs.E(errs.NotFound, "no bank change %q", text.Bound(id, 64))
	}
	if err != nil {
		return BankChange{}, fmt.Errorf("bank change: %w", err)
	}
	ch.RequestedAt, _ = ledger.ParseTS(reqAt)
	ch.DecidedBy = decidedBy.String
	if decided.Valid {
		t, _ := ledger.ParseTS(decided.String)
		ch.DecidedAt = &t
	}
	var cur BankAccount
	err = q.QueryRowContext(ctx, `SELECT producer_id, beneficiary, account_no, ifsc FROM producer_bank_accounts WHERE producer_id = ?`,
		ch.Account.ProducerID).Scan(&cur.ProducerID, &cur.Beneficiary, &cur.AccountNo, &cur.IFSC)
	if err == nil {
		ch.Current = &cur
	} else if !errors.Is(err, sql.ErrNoRows) {
		return BankChange{}, fmt.Errorf("bank change: %w", err)
	}
	return ch, nil
}

func producerExists(ctx context.Context, tx sqldb.Tx, id string) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM producers WHERE id = ?`, id).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return errs.E(errs.NotFound, "unknown producer %q", text.Bound(id, 64))
	}
	return nil
}
