// Package hub is the central hub's domain: what it does with the events the
// malls send. Its adapters live in subpackages (ingest for NATS, api for
// HTTP, ledger for the books); they meet through the interfaces here.
package hub

import (
	"context"
	"database/sql"

	"ektamall/shared/events"
)

// EventApplier applies one ingested mall event to the hub's books inside
// the ingest transaction, so an event is recorded, applied and its mall's
// watermark advanced together or not at all. An error coded errs.Invalid
// or errs.NotFound means the event can never apply: ingest parks it with
// the reason and moves on. Any other error rolls back and redelivers.
type EventApplier interface {
	ApplyEvent(ctx context.Context, tx *sql.Tx, ev events.Envelope) error
}
