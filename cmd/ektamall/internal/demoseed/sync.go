package demoseed

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"ektamall/shared/auth"
	"ektamall/shared/sqldb"
	"ektamall/shared/sqlitedb"
)

// syncWithin bounds every wait for sync: on a loaded 2-core machine the
// hub books a few thousand events a second.
const syncWithin = 2 * time.Minute

// waitFor polls f until it reports done, fails, or syncWithin passes.
func waitFor[T any](ctx context.Context, what string, f func() (T, bool, error)) (T, error) {
	deadline := time.Now().Add(syncWithin)
	for {
		v, done, err := f()
		if err != nil || done {
			return v, err
		}
		if time.Now().After(deadline) {
			return v, fmt.Errorf("demo history: waited %s for %s", syncWithin, what)
		}
		select {
		case <-ctx.Done():
			return v, ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// waitDrained waits until the hub holds every event of every mall: its
// watermark for the mall has reached the mall's last outbox sequence.
func waitDrained(ctx context.Context, hub sqldb.DB, malls []Mall) error {
	for _, m := range malls {
		_, err := waitFor(ctx, "the hub to hold every event of "+m.ID, func() (int64, bool, error) {
			last, err := lastSeq(ctx, m.DB)
			if err != nil {
				return 0, false, err
			}
			var wm int64
			err = hub.Reader().QueryRowContext(ctx, `SELECT COALESCE((SELECT watermark FROM mall_sync WHERE mall_id = ?), 0)`, m.ID).Scan(&wm)
			return wm, wm >= last, err
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func lastSeq(ctx context.Context, db *sqlitedb.DB) (int64, error) {
	var n int64
	err := db.R.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) FROM outbox`).Scan(&n)
	return n, err
}

// The states of a demo's data, as State finds them.
const (
	Fresh       = "fresh"
	Seeded      = "seeded with history"
	Empty       = "started empty (--empty)"
	Interrupted = "interrupted while its history was being seeded; remove the directory and start again"
	InUse       = "in use without seeded history"
)

// Markers in the hub's append-only audit log.
const (
	actionStarted = "demo.history_started"
	actionSeeded  = "demo.history_seeded"
	actionEmpty   = "demo.history_empty"
)

// State says whether the demo's data may be seeded: only when it is fresh.
// A directory used before seeding existed holds events and is InUse.
func State(ctx context.Context, hub sqldb.DB, malls []Mall) (string, error) {
	var action sql.NullString
	err := hub.Reader().QueryRowContext(ctx, `SELECT action FROM audit_log WHERE action IN (?, ?, ?) ORDER BY id DESC LIMIT 1`,
		actionStarted, actionSeeded, actionEmpty).Scan(&action)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("demo history marker: %w", err)
	}
	switch action.String {
	case actionSeeded:
		return Seeded, nil
	case actionEmpty:
		return Empty, nil
	case actionStarted:
		return Interrupted, nil
	}
	for _, m := range malls {
		if n, err := lastSeq(ctx, m.DB); err != nil || n > 0 {
			return InUse, err
		}
	}
	return Fresh, nil
}

// MarkEmpty records that the demo started without history, so a later
// start does not seed under the data it has by then.
func MarkEmpty(ctx context.Context, hub sqldb.DB) error {
	return mark(ctx, hub, actionEmpty, Options{})
}

func mark(ctx context.Context, hub sqldb.DB, action string, o Options) error {
	detail, _ := json.Marshal(map[string]any{"seed": o.Seed, "days": o.Days, "sales_per_day": o.SalesPerDay})
	return hub.Transact(ctx, func(tx sqldb.Tx) error {
		return auth.Audit(ctx, tx, time.Now(), "", action, string(detail), "demo")
	})
}
