package pos

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
)

// A sale's trace token is 18 random bytes (144 bits) in base64url: the
// link on its receipt names the sale at the hub's public trace page
// without being guessable, as the sequential invoice number would be.
func newTraceToken() string {
	b := make([]byte, 18)
	rand.Read(b) // never fails (crypto/rand panics instead)
	return base64.RawURLEncoding.EncodeToString(b)
}

// insertTrace gives a new sale its trace token, inside the sale's
// transaction (the token travels to the hub in the sale's event).
func insertTrace(ctx context.Context, tx *sql.Tx, saleID string) (string, error) {
	tok := newTraceToken()
	if _, err := tx.ExecContext(ctx, `INSERT INTO sale_traces (sale_id, token) VALUES (?, ?)`, saleID, tok); err != nil {
		return "", fmt.Errorf("trace token: %w", err)
	}
	return tok, nil
}

// readTrace is a sale's token ("" for sales made before tokens existed).
func readTrace(ctx context.Context, q queryer, saleID string) (string, error) {
	var tok string
	err := q.QueryRowContext(ctx, `SELECT token FROM sale_traces WHERE sale_id = ?`, saleID).Scan(&tok)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read trace token: %w", err)
	}
	return tok, nil
}

// traceURL is the public link of a token, "" when either is unknown.
func (m Mall) traceURL(token string) string {
	if token == "" || m.TraceBase == "" {
		return ""
	}
	return m.TraceBase + "/trace/" + token
}
