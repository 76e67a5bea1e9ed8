package settle

import (
	"encoding/csv"
	"io"
	"strings"

	"ektamall/shared/errs"
	"ektamall/shared/money"
)

// CSVHeader is the bank bulk-payout file's header. One row per payout;
// mode follows the rails' limits (RTGS from ₹2,00,000, else NEFT); the
// reference is what the bank echoes back with the UTR.
var CSVHeader = []string{"reference", "beneficiary", "account_no", "ifsc", "amount", "mode", "narration", "producer_id", "district_id", "state"}

// rtgsMin is the RTGS minimum (research/ledger_gst.md §2.6).
var rtgsMin = money.MustParse("200000.00")

// cell makes a value safe for a bank upload and for spreadsheets: no
// delimiters or line breaks, and no leading character a spreadsheet would
// run as a formula.
func cell(s string, max int) string {
	s = strings.Map(func(r rune) rune {
		switch r {
		case ',', '"', '\n', '\r', '\t', '|', ';':
			return ' '
		}
		return r
	}, s)
	s = strings.TrimLeft(strings.TrimSpace(s), "=+-@")
	if len([]rune(s)) > max {
		s = string([]rune(s)[:max])
	}
	return s
}

// FileReady refuses payouts that cannot go in a bank file.
func FileReady(payouts []Payout) error {
	for _, p := range payouts {
		if p.AccountNo == "" || p.IFSC == "" {
			return errs.E(errs.Conflict, "payout %s to %s has no bank account; it cannot go in a payout file", p.Reference, p.ProducerID)
		}
	}
	return nil
}

// WriteCSV writes payouts as a bank bulk-payout file. A payout without the
// account it was made to (one from before accounts were snapshotted, when
// none was on file) is refused before anything is written: a blank
// account in a bank upload is never right.
func WriteCSV(w io.Writer, payouts []Payout) error {
	if err := FileReady(payouts); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader); err != nil {
		return err
	}
	for _, p := range payouts {
		mode := "NEFT"
		if !p.Amount.LessThan(rtgsMin) {
			mode = "RTGS"
		}
		if err := cw.Write([]string{p.Reference, cell(p.Beneficiary, 40), cell(p.AccountNo, 24), cell(p.IFSC, 11), p.Amount.String(), mode,
			cell("EKTA MALL PAYOUT "+p.Reference, 60), p.ProducerID, p.DistrictID, p.State}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
