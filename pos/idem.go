package pos

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"time"

	"ektamall/shared/auth"
	"ektamall/shared/errs"
)

var keyRE = regexp.MustCompile(`^[A-Za-z0-9._:-]{8,128}$`)

// ValidKey checks an Idempotency-Key: 8 to 128 of letters, digits and
// . _ : - (a UUID fits).
func ValidKey(key string) error {
	if key == "" {
		return errs.Field("Idempotency-Key", "the Idempotency-Key header is required (a fresh UUID per sale or return, reused on retries)")
	}
	if !keyRE.MatchString(key) {
		return errs.Field("Idempotency-Key", "Idempotency-Key must be 8 to 128 of letters, digits, '.', '_', ':' and '-', e.g. a UUID")
	}
	return nil
}

// requestHash fingerprints a decoded request. Hashing the decoded form
// (not the raw bytes) makes a retry with different spacing or key order
// the same request, while any change of meaning is a different one.
func requestHash(v any) []byte {
	b, _ := json.Marshal(v)
	h := sha256.Sum256(b)
	return h[:]
}

// lookupKey returns the document an earlier request with this key made,
// or "" when the key is new. The same key from another user or with a
// different body is a Conflict: it must never silently return someone
// else's document or drop the new request.
func lookupKey(ctx context.Context, q queryer, kind, key string, u auth.User, hash []byte) (string, error) {
	var (
		user, doc string
		h         []byte
	)
	err := q.QueryRowContext(ctx, `SELECT user_id, body_hash, doc_id FROM idempotency_keys WHERE kind = ? AND key = ?`, kind, key).Scan(&user, &h, &doc)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("idempotency key: %w", err)
	}
	if user != u.ID || !bytes.Equal(h, hash) {
		return "", errs.E(errs.Conflict, "Idempotency-Key %s was already used for a different %s request; send a new key for a new %s", key, kind, kind)
	}
	return doc, nil
}

func storeKey(ctx context.Context, tx *sql.Tx, kind, key string, u auth.User, hash []byte, docID string, at time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO idempotency_keys (key, kind, user_id, body_hash, doc_id, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		key, kind, u.ID, hash, docID, at.Format(timeFmt))
	if err != nil {
		return fmt.Errorf("store idempotency key: %w", err)
	}
	return nil
}

// audit appends to the audit log in tx with a JSON detail.
func audit(ctx context.Context, tx *sql.Tx, a Actor, at time.Time, action string, detail map[string]any) error {
	b, err := json.Marshal(detail)
	if err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	return auth.Audit(ctx, tx, at, a.User.ID, action, string(b), a.RequestID)
}
