package inventory

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"

	"ektamall/shared/errs"
)

var keyRE = regexp.MustCompile(`^[A-Za-z0-9._:-]{8,128}$`)

// ValidKey checks an optional Idempotency-Key: empty, or 8 to 128 of
// letters, digits and . _ : - (a UUID fits).
func ValidKey(key string) error {
	if key != "" && !keyRE.MatchString(key) {
		return errs.Field("Idempotency-Key", "Idempotency-Key must be 8 to 128 of letters, digits, '.', '_', ':' and '-', e.g. a UUID")
	}
	return nil
}

// fingerprint hashes the decoded request, so a retry with other spacing
// is the same request and any change of meaning is not.
func fingerprint(v any) []byte {
	b, _ := json.Marshal(v)
	h := sha256.Sum256(b)
	return h[:]
}

// replayed returns the document an earlier request with a's key made, or
// "" (also when a has no key). The key reused by another user or for a
// different request is a Conflict, never someone else's document.
func replayed(ctx context.Context, tx *sql.Tx, a Actor, kind string, hash []byte) (string, error) {
	if a.Key == "" {
		return "", nil
	}
	var user, doc string
	var h []byte
	err := tx.QueryRowContext(ctx, `SELECT user_id, body_hash, doc_id FROM inventory_requests WHERE kind = ? AND key = ?`, kind, a.Key).Scan(&user, &h, &doc)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("idempotency key: %w", err)
	}
	if user != a.ID || !bytes.Equal(h, hash) {
		return "", errs.E(errs.Conflict, "Idempotency-Key %s was already used for a different %s request; send a new key", a.Key, kind)
	}
	return doc, nil
}

func remember(ctx context.Context, tx *sql.Tx, a Actor, kind string, hash []byte, docID, at string) error {
	if a.Key == "" {
		return nil
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO inventory_requests (key, kind, user_id, body_hash, doc_id, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		a.Key, kind, a.ID, hash, docID, at)
	if err != nil {
		return fmt.Errorf("store idempotency key: %w", err)
	}
	return nil
}
