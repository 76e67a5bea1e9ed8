package inventory

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Doc names the document behind a movement or an exception the way the
// people who hold it do: an invoice or credit note number, a GRN number,
// the malls of a transfer, the date of a count. Refs are ids inside the
// system; a zone manager looking for the paper needs these.
type Doc struct {
	Kind string `json:"kind"` // invoice, credit_note, grn, transfer, count, movement
	No   string `json:"no"`   // what is printed on it
}

// docQueries find a ref's document, tried in order. Sales and returns are
// the point of sale's tables in the same mall database; stock refers to
// them by id and only reads their printed numbers.
var docQueries = []struct {
	kind, query string
}{
	{"invoice", `SELECT invoice_no FROM sales WHERE id = ?`},
	{"credit_note", `SELECT credit_note_no FROM returns WHERE id = ?`},
	{"grn", `SELECT no FROM grns WHERE id = ? OR no = ?`},
	{"transfer", `SELECT 'Transfer ' || from_mall || ' → ' || to_mall || ', sent ' || sent_at FROM transfers WHERE id = ?`},
	{"count", `SELECT 'Count of ' || created_at FROM counts WHERE id = ?`},
}

// docFor names ref's document; a ref no table knows (a restock's or a
// damage write-off's own id) is a "movement" with no number.
func docFor(ctx context.Context, q queryer, ref string) (Doc, error) {
	if ref == "" {
		return Doc{}, nil
	}
	for _, d := range docQueries {
		args := []any{ref}
		if d.kind == "grn" {
			args = append(args, ref)
		}
		var no string
		err := q.QueryRowContext(ctx, d.query, args...).Scan(&no)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return Doc{}, fmt.Errorf("document of %s: %w", ref, err)
		}
		return Doc{Kind: d.kind, No: withDate(no)}, nil
	}
	return Doc{Kind: "movement"}, nil
}

// withDate turns a trailing stored time ("…, sent 2026-12-07T04:10:00Z")
// into an IST date in words ("…, sent 7 December 2026").
func withDate(s string) string {
	for i := len(s) - 1; i > 0; i-- {
		if s[i] != ' ' {
			continue
		}
		if t, err := time.Parse(time.RFC3339Nano, s[i+1:]); err == nil {
			return s[:i+1] + t.In(ist).Format("2 January 2006")
		}
		break
	}
	return s
}

var ist = time.FixedZone("IST", 5*3600+1800)
