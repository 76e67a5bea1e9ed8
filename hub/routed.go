package hub

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"ektamall/shared/events"
	"ektamall/shared/ids"
	"ektamall/shared/sqldb"
)

// RouteToMall queues a hub → mall message (typ with payload) on the routed
// downlink, which the hub's publisher sends to the mall's subject in id
// order. from is what the row names as its sender.
func RouteToMall(ctx context.Context, tx sqldb.Tx, from, mall, typ string, payload any, now time.Time) error {
	body, err := json.Marshal(payload)
	if err != nil {
		return err
	}
	ev := events.Envelope{ID: ids.New(), Mall: mall, Seq: 1, Type: typ, At: now.UTC(), Version: events.Version, Payload: body}
	raw, err := json.Marshal(ev)
	if err != nil {
		return err
	}
	// The next id, not a sequence: ROUTED is published in id order and a
	// gap would stall it (see route in hub/ingest/check.go).
	_, err = tx.ExecContext(ctx, `INSERT INTO routed_events (id, event_id, from_mall, to_mall, type, envelope, created_at)
		SELECT COALESCE(MAX(id), 0) + 1, ?, ?, ?, ?, ?, ? FROM routed_events`,
		ev.ID, from, mall, typ, raw, now.UTC().Format(time.RFC3339Nano))
	if err != nil {
		return fmt.Errorf("route %s to %s: %w", typ, mall, err)
	}
	return nil
}
