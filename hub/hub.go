// Package hub is the central hub's domain: what it does with the events the
// malls send. Its adapters live in subpackages (ingest for NATS, api for
// HTTP, ledger for the books); they meet through the interfaces here.
package hub

import (
	"context"

	"ektamall/shared/events"
	"ektamall/shared/sqldb"
)

// EventApplier applies one ingested mall event to the hub's books inside
// the ingest transaction, so an event is recorded, applied and its mall's
// watermark advanced together or not at all. An error coded errs.Invalid
// or errs.NotFound means the event can never apply: ingest parks it with
// the reason and moves on. Any other error rolls back and redelivers.
type EventApplier interface {
	ApplyEvent(ctx context.Context, tx sqldb.Tx, ev events.Envelope) error
}

// BatchApplier is an EventApplier that books the events of one ingest
// transaction faster when it is told the transaction. Ingest calls ForTx
// once per batch.
type BatchApplier interface {
	EventApplier
	// ForTx returns the applier for events in tx only; it may remember
	// what it read of the catalog until tx ends.
	ForTx(tx sqldb.Tx) TxApplier
}

// TxApplier applies events inside one transaction, as ApplyEvent does.
// payload is the event's payload as ingest already decoded it for its
// type (*events.Sale for a sale, and so on), so that it is not decoded
// twice; nil: the applier decodes it. The applier may hold writes back
// until Done, which the caller runs after the last event and before the
// commit; so an event Apply accepted must stay applied unless the whole
// transaction rolls back, and the writes of one it refused must be rolled
// back (to a savepoint before it, or with the whole transaction).
type TxApplier interface {
	Apply(ctx context.Context, ev events.Envelope, payload any) error
	Done(ctx context.Context) error
}
