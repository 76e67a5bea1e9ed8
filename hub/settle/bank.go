package settle

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"ektamall/hub/ledger"
	"ektamall/shared/errs"
	"ektamall/shared/sqldb"
	"ektamall/shared/text"
)

// BankAccount is where a producer's payouts go.
type BankAccount struct {
	ProducerID  string `json:"producer_id"`
	Beneficiary string `json:"beneficiary"`
	AccountNo   string `json:"account_no"`
	IFSC        string `json:"ifsc"`
}

var (
	ifscRE    = regexp.MustCompile(`^[A-Z]{4}0[A-Z0-9]{6}$`)
	accountRE = regexp.MustCompile(`^[0-9]{9,18}$`)
)

// Validate checks the account the way a bank upload will.
func (b BankAccount) Validate() error {
	switch {
	case !ifscRE.MatchString(b.IFSC):
		return errs.Field("ifsc", "IFSC %q must be 4 letters, 0, then 6 letters or digits (e.g. SBIN0001234)", b.IFSC)
	case !accountRE.MatchString(b.AccountNo):
		return errs.Field("account_no", "account number must be 9 to 18 digits")
	case !text.Valid(b.Beneficiary, text.Rule{Max: 40, Required: true}) || strings.ContainsAny(b.Beneficiary, ",\"\n\r|;"):
		return errs.Field("beneficiary", "beneficiary name must be 1 to 40 characters without , \" | ; or line breaks")
	}
	return nil
}

// PutBankAccount sets a producer's bank account inside tx.
func PutBankAccount(ctx context.Context, tx sqldb.Tx, b BankAccount, now time.Time) error {
	if err := b.Validate(); err != nil {
		return err
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM producers WHERE id = ?`, b.ProducerID).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return errs.E(errs.NotFound, "unknown producer %q", b.ProducerID)
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO producer_bank_accounts (producer_id, beneficiary, account_no, ifsc, updated_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (producer_id) DO UPDATE SET beneficiary = excluded.beneficiary, account_no = excluded.account_no, ifsc = excluded.ifsc,
		updated_at = excluded.updated_at`, b.ProducerID, strings.TrimSpace(b.Beneficiary), b.AccountNo, b.IFSC, ledger.TS(now))
	if err != nil {
		return fmt.Errorf("bank account: %w", err)
	}
	return nil
}

// SeedDemoBankAccounts gives every producer without an account a
// fictional one (valid IFSC shape, bank code EKTA which no real bank
// uses), so a demo's payout file is complete. Never call it on a real hub.
func SeedDemoBankAccounts(ctx context.Context, tx sqldb.Tx, now time.Time) error {
	rows, err := tx.QueryContext(ctx, `SELECT p.id, p.name FROM producers p
		WHERE NOT EXISTS (SELECT 1 FROM producer_bank_accounts b WHERE b.producer_id = p.id) ORDER BY p.id`)
	if err != nil {
		return err
	}
	type pr struct{ id, name string }
	var list []pr
	for rows.Next() {
		var p pr
		if err := rows.Scan(&p.id, &p.name); err != nil {
			rows.Close()
			return err
		}
		list = append(list, p)
	}
	rows.Close()
	for i, p := range list {
		name := []rune(strings.NewReplacer(",", " ", "\"", " ", "|", " ", ";", " ").Replace(p.name))
		if len(name) > 40 {
			name = name[:40]
		}
		b := BankAccount{ProducerID: p.id, Beneficiary: strings.TrimSpace(string(name)),
			AccountNo: fmt.Sprintf("9100%010d", 1000+i), IFSC: fmt.Sprintf("EKTA0%06d", 1+i%999)}
		if err := PutBankAccount(ctx, tx, b, now); err != nil {
			return fmt.Errorf("demo bank account %s: %w", p.id, err)
		}
	}
	return nil
}
