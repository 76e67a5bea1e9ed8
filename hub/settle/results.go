package settle

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"

	"ektamall/hub"
	"ektamall/hub/ledger"
	"ektamall/shared/csvin"
	"ektamall/shared/errs"
	"ektamall/shared/ids"
	"ektamall/shared/sqldb"
)

// The bank's response to a bulk-payment file: per payout reference, paid
// (with the UTR it went out under) or failed (with the bank's reason).
// Paid clears the payout from "in flight" against the bank; failed puts it
// back on the producer's payable, so the next run pays it again. A payout
// already paid may later come back failed, with the bank's reason: a NEFT
// credit the beneficiary's bank returned. The money is back in our bank
// and owed to the producer again; the next run pays it. A failed payout
// never becomes paid (the next run pays it under a new reference), and a
// returned credit is booked once.

// Result is one row of a bank response.
type Result struct {
	Line      int    `json:"line"`
	Reference string `json:"reference"`
	Status    string `json:"status"` // paid, failed
	UTR       string `json:"utr,omitempty"`
	Reason    string `json:"reason,omitempty"`
}

// ResultsImport is an applied bank response.
type ResultsImport struct {
	ID         string    `json:"id"`
	Filename   string    `json:"filename"`
	Paid       int       `json:"paid"`
	Failed     int       `json:"failed"`
	ImportedAt time.Time `json:"imported_at"`
	ImportedBy string    `json:"imported_by"`
	// Failures are the payouts this file reports failed or returned, with
	// the bank's reason: the breaks finance follows up (the next run pays
	// them again).
	Failures []Result `json:"failures"`
}

// ParseResults reads a bank response CSV with a header naming the columns
// reference, status and utr (reason optional; any order, other columns
// ignored). Every bad row is named by its line number.
func ParseResults(body []byte) ([]Result, error) {
	var out []Result
	seen := map[string]int{}
	err := csvin.Read(body, "bank response", []string{"reference", "status", "utr"}, func(line int, get func(string) string) []string {
		r := Result{Line: line, Reference: get("reference"), Status: strings.ToLower(get("status")), UTR: get("utr"), Reason: get("reason")}
		if probs := r.problems(); len(probs) > 0 {
			return probs
		}
		if first, dup := seen[r.Reference]; dup {
			return []string{fmt.Sprintf("reference %s is also on line %d", r.Reference, first)}
		}
		seen[r.Reference] = line
		out = append(out, r)
		return nil
	})
	return out, err
}

func (r Result) problems() []string {
	var p []string
	if r.Reference == "" {
		p = append(p, "empty reference")
	}
	switch r.Status {
	case "paid":
		if r.UTR == "" || len(r.UTR) > 35 || strings.ContainsFunc(r.UTR, func(c rune) bool { return !unicode.IsPrint(c) || c == ' ' }) {
			p = append(p, fmt.Sprintf("utr %q: a paid row needs the bank's UTR (1-35 characters, no spaces)", r.UTR))
		}
	case "failed":
		if len(r.Reason) > 200 {
			p = append(p, "reason is over 200 characters")
		}
	default:
		p = append(p, fmt.Sprintf("status %q must be paid or failed", r.Status))
	}
	return p
}

// ImportResults applies a bank response whole or not at all: an unknown
// reference, or a payout that already has another result, rejects the
// file. The same file twice is a Conflict; a row repeating a result
// already recorded (same status and UTR) is accepted and changes nothing.
func ImportResults(ctx context.Context, db hub.Store, filename string, body []byte, by string, now time.Time) (ResultsImport, error) {
	rows, err := ParseResults(body)
	if err != nil {
		return ResultsImport{}, err
	}
	sum := sha256.Sum256(body)
	im := ResultsImport{ID: ids.New(), Filename: filename, ImportedAt: now.UTC(), ImportedBy: by}
	err = db.Transact(ctx, func(tx sqldb.Tx) error {
		im.Paid, im.Failed, im.Failures = 0, 0, []Result{}
		_, err := tx.ExecContext(ctx, `INSERT INTO statement_imports (id, kind, sha256, filename, rows, imported_at, imported_by)
			VALUES (?, 'bank_response', ?, ?, ?, ?, ?)`, im.ID, hex.EncodeToString(sum[:]), filename, len(rows), ledger.TS(now), by)
		if sqldb.IsUnique(err) {
			return errs.E(errs.Conflict, "this bank response file was already imported")
		}
		if err != nil {
			return err
		}
		var bad []string
		for _, r := range rows {
			applied, err := applyResult(ctx, tx, im.ID, r, now)
			var e *errs.Error
			if errors.As(err, &e) && e.Code != errs.Internal {
				bad = append(bad, fmt.Sprintf("line %d: %s", r.Line, e.Message))
				continue
			}
			if err != nil {
				return err
			}
			if applied && r.Status == "paid" {
				im.Paid++
			} else if applied {
				im.Failed++
				im.Failures = append(im.Failures, r)
			}
		}
		if len(bad) > 0 {
			return csvin.Rejected("bank response", bad)
		}
		return nil
	})
	if err != nil {
		return ResultsImport{}, fmt.Errorf("bank response: %w", err)
	}
	return im, nil
}

// applyResult records one payout's result and books it; it reports false
// for a row that repeats the recorded result.
func applyResult(ctx context.Context, tx sqldb.Tx, importID string, r Result, now time.Time) (bool, error) {
	var id, producer, ref string
	var amount int64
	err := tx.QueryRowContext(ctx, `SELECT id, producer_id, reference, amount FROM settlement_payouts WHERE reference = ?`, r.Reference).
		Scan(&id, &producer, &ref, &amount)
	if errors.Is(err, sql.ErrNoRows) {
		return false, errs.E(errs.NotFound, "no payout with reference %s", r.Reference)
	}
	if err != nil {
		return false, err
	}
	var status, utr string
	var returned bool
	err = tx.QueryRowContext(ctx, `SELECT status, utr, EXISTS (SELECT 1 FROM payout_returns x WHERE x.payout_id = r.payout_id)
		FROM payout_results r WHERE payout_id = ?`, id).Scan(&status, &utr, &returned)
	switch {
	case err == nil && status == "paid" && r.Status == "failed":
		if returned {
			return false, nil // the returned credit is booked already
		}
		return true, returnCredit(ctx, tx, importID, id, producer, ref, amount, r, now)
	case err == nil && status == r.Status && (utr == r.UTR || r.Status == "failed"):
		return false, nil
	case err == nil && status == "failed":
		return false, errs.E(errs.Conflict, "payout %s failed; the next run pays it under a new reference, so it cannot be marked paid", ref)
	case err == nil:
		return false, errs.E(errs.Conflict, "payout %s is already marked %s %s", ref, status, utr)
	case !errors.Is(err, sql.ErrNoRows):
		return false, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO payout_results (payout_id, status, utr, reason, at, import_id) VALUES (?, ?, ?, ?, ?, ?)`,
		id, r.Status, r.UTR, r.Reason, ledger.TS(now), importID); err != nil {
		return false, err
	}
	// Paid: the money left the bank. Failed: the producer is owed it again.
	to := ledger.BankAccount
	if r.Status == "failed" {
		to = ledger.ProducerAccount(producer)
	}
	return true, ledger.Post(ctx, tx, ledger.Entry{ID: ledger.PayoutResultEntryID(id), Kind: "payout_" + r.Status, Ref: ref, At: now,
		Postings: []ledger.Posting{ledger.D(ledger.PayoutsInFlight, amount), ledger.C(to, amount)}}, now)
}

// returnCredit books a paid payout whose credit the bank returned: the
// money is back in the bank account and owed to the producer again, so
// the next run pays it (broughtForward no longer counts the payout).
func returnCredit(ctx context.Context, tx sqldb.Tx, importID, id, producer, ref string, amount int64, r Result, now time.Time) error {
	if strings.TrimSpace(r.Reason) == "" {
		return errs.E(errs.Invalid, "payout %s was paid; marking it failed (a returned credit) needs the bank's reason", ref)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO payout_returns (payout_id, reason, at, import_id) VALUES (?, ?, ?, ?)`,
		id, r.Reason, ledger.TS(now), importID); err != nil {
		return err
	}
	return ledger.Post(ctx, tx, ledger.Entry{ID: ledger.PayoutReturnEntryID(id), Kind: "payout_returned", Ref: ref, At: now,
		Postings: []ledger.Posting{ledger.D(ledger.BankAccount, amount), ledger.C(ledger.ProducerAccount(producer), amount)}}, now)
}
