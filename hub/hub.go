// Package hub is the central hub's domain: what it does with the events the
// malls send. Its adapters live in subpackages (ingest for NATS, api for
// HTTP, ledger for the books); they meet through the interfaces here.
package hub

import (
	"context"

	"ektamall/shared/events"
	"ektamall/shared/sqldb"
)

// Books is the ledger as ingest sees it, inside one ingest transaction.
// Ingest owns everything about an event but its money: it decodes and
// validates each event once, checks that what it references exists,
// de-duplicates it, puts it in its mall's order and parks what cannot
// apply. The books post the money of each event ingest hands them, and
// refuse one whose money cannot be booked against what they hold (a
// return of more than was sold, a second sale under the same id).
//
// An error coded errs.Invalid or errs.NotFound refuses the event for
// good: ingest rolls back its writes (to a savepoint before it) and parks
// it. Any other error rolls the whole transaction back and redelivers.
type Books interface {
	// Book posts ev; ingest calls it once per event, in order.
	Book(ctx context.Context, ev events.Event) error
	// Done writes anything Book held back; ingest calls it after the last
	// event of the transaction, before the commit.
	Done(ctx context.Context) error
}

// OpenBooks opens the books inside one ingest transaction (tx).
type OpenBooks func(tx sqldb.Tx) Books
