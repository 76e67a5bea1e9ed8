package pos

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"strings"
	"time"

	"ektamall/shared/errs"
	"ektamall/shared/ids"
	"ektamall/shared/money"
	"ektamall/shared/sqlitedb"
)

// MaxUPI is the largest amount one UPI QR asks for (the highest UPI
// per-transaction limit for merchant payments).
var MaxUPI = money.MustParse("500000.00")

// UPIRequest is the payload of a dynamic UPI QR code for one payment.
type UPIRequest struct {
	// TR is the merchant transaction reference, unique per QR: the
	// cashier records it as the UPI tender's ref, and it matches the PSP
	// statement line to this counter.
	TR        string       `json:"tr"`
	Amount    money.Amount `json:"amount"`
	Payee     string       `json:"payee"`
	URI       string       `json:"uri"`
	CreatedAt time.Time    `json:"created_at"`
}

// upiEscape percent-encodes a parameter value; spaces become %20 since
// several UPI apps show a '+' literally.
func upiEscape(s string) string { return strings.ReplaceAll(url.QueryEscape(s), "+", "%20") }

// UPIQR makes the upi://pay payload for a QR asking for amount, with a
// fresh transaction reference (a QR is never reused, even after a failed
// payment: ask for a new one).
func (s *Service) UPIQR(ctx context.Context, a Actor, amount money.Amount) (UPIRequest, error) {
	if err := canRing(a.User); err != nil {
		return UPIRequest{}, err
	}
	if !amount.IsPositive() || amount.GreaterThan(MaxUPI) {
		return UPIRequest{}, errs.Field("amount", "amount must be more than 0.00 and at most %s", MaxUPI)
	}
	now := s.now()
	for range 3 { // a reference collision is astronomically rare; retry it anyway
		// Letters and digits only: many UPI apps refuse other characters.
		tr := s.mall.ID + strings.ToUpper(strings.ReplaceAll(ids.New(), "-", "")[:24])
		err := s.db.Transact(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO upi_requests (tr, amount_paise, user_id, created_at) VALUES (?, ?, ?, ?)`,
				tr, amount.Paise(), a.User.ID, now.Format(timeFmt))
			return err
		})
		if errs.CodeOf(err) == errs.Conflict && sqlitedb.IsUnique(err) {
			continue
		}
		if err != nil {
			return UPIRequest{}, fmt.Errorf("upi request: %w", err)
		}
		note := "Invoice at " + s.mall.Name
		uri := "upi://pay?pa=" + upiEscape(s.cfg.UPIVPA) + "&pn=" + upiEscape(s.cfg.UPIName) + "&mc=" + upiEscape(s.cfg.UPIMCC) +
			"&tr=" + tr + "&tn=" + upiEscape(note) + "&am=" + amount.String() + "&cu=INR"
		return UPIRequest{TR: tr, Amount: amount, Payee: s.cfg.UPIVPA, URI: uri, CreatedAt: now}, nil
	}
	return UPIRequest{}, errs.E(errs.Unavailable, "could not make a unique UPI reference; try again")
}
