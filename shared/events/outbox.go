package events

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"ektamall/shared/ids"
)

// Append writes one event to the mall's outbox inside tx, the same
// transaction as the rows it describes, and returns its envelope. The
// sequence is max+1: the mall has a single writer and outbox rows are never
// deleted, so the sequence has no gaps.
func Append(ctx context.Context, tx *sql.Tx, mall, typ string, at time.Time, payload any) (Envelope, error) {
	var seq int64
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) + 1 FROM outbox`).Scan(&seq); err != nil {
		return Envelope{}, fmt.Errorf("outbox: next seq: %w", err)
	}
	return insert(ctx, tx, seq, mall, typ, at, payload)
}

func insert(ctx context.Context, tx *sql.Tx, seq int64, mall, typ string, at time.Time, payload any) (Envelope, error) {
	body, err := json.Marshal(payload)
	if err != nil {
		return Envelope{}, fmt.Errorf("outbox: encode %s: %w", typ, err)
	}
	ev := Envelope{ID: ids.New(), Mall: mall, Seq: seq, Type: typ, At: at.UTC(), Version: Version, Payload: body}
	if err := ev.Validate(); err != nil {
		return Envelope{}, fmt.Errorf("outbox: %w", err)
	}
	raw, err := json.Marshal(ev)
	if err != nil {
		return Envelope{}, fmt.Errorf("outbox: encode envelope: %w", err)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO outbox (seq, event_id, type, occurred_at, payload) VALUES (?, ?, ?, ?, ?)`,
		seq, ev.ID, typ, ev.At.Format(time.RFC3339Nano), raw)
	if err != nil {
		return Envelope{}, fmt.Errorf("outbox: insert: %w", err)
	}
	return ev, nil
}

// Decode parses an envelope and checks it.
func Decode(raw []byte) (Envelope, error) {
	var ev Envelope
	if err := json.Unmarshal(raw, &ev); err != nil {
		return Envelope{}, fmt.Errorf("event: decode: %w", err)
	}
	return ev, ev.Validate()
}
