package pos

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// documentSeries is the series a counter's invoices (credit: credit notes)
// are numbered in: "C01" and "CNC01" until the mall is first restored from
// a backup that lacked its newest events; from then on the epoch's letter
// is appended ("C01A" and "C01AN"), so that no number the lost history gave
// a customer is ever given again (pos/mallsync/epoch.go).
func documentSeries(ctx context.Context, tx *sql.Tx, counter string, credit bool) (string, error) {
	var suffix string
	err := tx.QueryRowContext(ctx, `SELECT series FROM restores ORDER BY epoch DESC LIMIT 1`).Scan(&suffix)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		if credit {
			return "CN" + counter, nil
		}
		return counter, nil
	case err != nil:
		return "", fmt.Errorf("document series: %w", err)
	case credit:
		return counter + suffix + "N", nil
	}
	return counter + suffix, nil
}
