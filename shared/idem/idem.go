// Package idem is the mall's one idempotency mechanism: a retried write
// carrying the same Idempotency-Key gets the document the first request
// made instead of a second sale, refund or stock move.
//
// Every mutating mall endpoint whose retry could double a write uses it the
// same way: check the key at the edge (Require, or Optional where the
// outside contract lets the key be left out), build a Request from the
// decoded body, and inside the write's transaction call Replay before
// writing and Remember after. One table, idempotency_keys, holds every
// kind; a kind is a namespace, so "sale" and "receipt" keys never meet.
package idem

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

	"ektamall/shared/errs"
)

// Header is the HTTP header that carries the key.
const Header = "Idempotency-Key"

var keyRE = regexp.MustCompile(`^[A-Za-z0-9._:-]{8,128}$`)

// Require checks a key that must be present: 8 to 128 of letters, digits
// and . _ : - (a UUID fits).
func Require(key string) error {
	if key == "" {
		return errs.Field(Header, "the Idempotency-Key header is required (a fresh UUID per request, reused on retries)")
	}
	return Optional(key)
}

// Optional checks a key that may be left out: empty, or as Require wants it.
func Optional(key string) error {
	if key != "" && !keyRE.MatchString(key) {
		return errs.Field(Header, "Idempotency-Key must be 8 to 128 of letters, digits, '.', '_', ':' and '-', e.g. a UUID")
	}
	return nil
}

// Hash fingerprints a decoded request. Hashing the decoded form (not the
// raw bytes) makes a retry with other spacing or key order the same
// request, while any change of meaning is a different one.
func Hash(v any) []byte {
	b, _ := json.Marshal(v)
	h := sha256.Sum256(b)
	return h[:]
}

// Request is one keyed write. An empty Key (an endpoint where the key is
// optional, sent without one) makes Replay and Remember do nothing.
type Request struct {
	Kind string // what the write makes: "sale", "return", "receipt", ...
	Key  string // the client's Idempotency-Key
	User string // who sent it; the same key from someone else is a Conflict
	Hash []byte // Hash of the decoded request
}

// New builds the Request for kind from the key, the sender and the
// decoded request v.
func New(kind, key, userID string, v any) Request {
	return Request{Kind: kind, Key: key, User: userID, Hash: Hash(v)}
}

// Querier reads; both *sql.Tx and *sql.DB are one.
type Querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Replay returns the id of the document an earlier request with this key
// made, or "" when the key is new. The same key from another user or with a
// different body is a Conflict: it must never silently return someone
// else's document or drop the new request. Call it inside the write's
// transaction (a read outside may skip work early, but only the one inside
// is sure).
func (r Request) Replay(ctx context.Context, q Querier) (string, error) {
	if r.Key == "" {
		return "", nil
	}
	var (
		user, doc string
		h         []byte
	)
	err := q.QueryRowContext(ctx, `SELECT user_id, body_hash, doc_id FROM idempotency_keys WHERE kind = ? AND key = ?`, r.Kind, r.Key).Scan(&user, &h, &doc)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("idempotency key: %w", err)
	}
	if user != r.User || !bytes.Equal(h, r.Hash) {
		return "", errs.E(errs.Conflict, "Idempotency-Key %s was already used for a different %s request; send a new key for a new %s", r.Key, r.Kind, r.Kind)
	}
	return doc, nil
}

// Remember records, in the write's transaction tx, that this key made
// document docID at time at.
func (r Request) Remember(ctx context.Context, tx *sql.Tx, docID string, at time.Time) error {
	if r.Key == "" {
		return nil
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO idempotency_keys (key, kind, user_id, body_hash, doc_id, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		r.Key, r.Kind, r.User, r.Hash, docID, at.UTC().Format(time.RFC3339Nano))
	if err != nil {
		return fmt.Errorf("store idempotency key: %w", err)
	}
	return nil
}

// Claim records, in the write's transaction tx and before the write, that
// this key makes document docID at time at, and returns "" when the key is
// new. When it is not, it records nothing and returns what Replay returns
// (the earlier document's id, or a Conflict). It is Replay and Remember in
// one statement for the common case, a new key (issue 24).
func (r Request) Claim(ctx context.Context, tx *sql.Tx, docID string, at time.Time) (string, error) {
	if r.Key == "" {
		return "", nil
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO idempotency_keys (key, kind, user_id, body_hash, doc_id, created_at) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (kind, key) DO NOTHING`, r.Key, r.Kind, r.User, r.Hash, docID, at.UTC().Format(time.RFC3339Nano))
	if err != nil {
		return "", fmt.Errorf("store idempotency key: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return "", fmt.Errorf("store idempotency key: %w", err)
	} else if n == 1 {
		return "", nil
	}
	doc, err := r.Replay(ctx, tx)
	if err == nil && doc == "" {
		err = fmt.Errorf("idempotency key %s: neither stored nor found", r.Key)
	}
	return doc, err
}
