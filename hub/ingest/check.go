package ingest

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"ektamall/shared/errs"
	"ektamall/shared/events"
	"ektamall/shared/sqldb"
)

// parkable: the event can never apply as it is (errs Invalid, NotFound,
// Forbidden, Conflict); anything else is a fault to retry.
func parkable(err error) bool {
	switch errs.CodeOf(err) {
	case errs.Invalid, errs.NotFound, errs.Forbidden, errs.Conflict:
		return true
	}
	return false
}

// apply checks the event and routes it, then hands it to the books. In a
// careful run it does so in a savepoint, so a refused event leaves none of
// its writes behind; otherwise a refusal ends the run (errRefused) and the
// whole batch is rolled back.
func (g *Ingester) apply(ctx context.Context, tx sqldb.Tx, b *batchState, in *incoming) (err error) {
	if !b.careful {
		err = applyChecked(ctx, tx, b, in)
		if err != nil && parkable(err) {
			// %v: the refusal must not read as parkable itself.
			return fmt.Errorf("%w: %v", errRefused, err)
		}
		return err
	}
	if _, err := tx.ExecContext(ctx, `SAVEPOINT ingest_event`); err != nil {
		return err
	}
	defer func() {
		if err != nil {
			if _, rerr := tx.ExecContext(ctx, `ROLLBACK TO ingest_event`); rerr != nil {
				err = errors.Join(err, rerr)
			}
		}
		if _, rerr := tx.ExecContext(ctx, `RELEASE ingest_event`); rerr != nil {
			err = errors.Join(err, rerr)
		}
	}()
	return applyChecked(ctx, tx, b, in)
}

// applyChecked refuses an event whose payload did not decode or validate,
// checks that what it references exists, routes it to the mall it is for,
// and hands it to the books.
func applyChecked(ctx context.Context, tx sqldb.Tx, b *batchState, in *incoming) error {
	if in.perr != nil {
		return in.perr
	}
	if err := checkRefs(ctx, tx, in.ev.Payload.References(), b.known); err != nil {
		return err
	}
	if err := route(ctx, tx, in.ev, b.now); err != nil {
		return err
	}
	if b.books != nil {
		return b.books.Book(ctx, in.ev)
	}
	return nil
}

// refTables are where each kind of reference must exist.
var refTables = []struct {
	what, query string
	ids         func(events.Refs) []string
}{
	{"product", `SELECT 1 FROM products WHERE sku = ?`, func(r events.Refs) []string { return r.SKUs }},
	{"producer", `SELECT 1 FROM producers WHERE id = ?`, func(r events.Refs) []string { return r.Producers }},
	{"mall", `SELECT 1 FROM malls WHERE id = ?`, func(r events.Refs) []string { return r.Malls }},
}

// refKey is a reference checkRefs found: its kind and id.
type refKey struct{ what, id string }

// checkRefs finds every product, producer and mall an event names, or
// refuses it as NotFound. known holds what was already found in this
// transaction, which nothing in it can remove.
func checkRefs(ctx context.Context, tx sqldb.Tx, r events.Refs, known map[refKey]bool) error {
	for _, t := range refTables {
		for _, id := range t.ids(r) {
			key := refKey{t.what, id}
			if known[key] {
				continue
			}
			var one int
			err := tx.QueryRowContext(ctx, t.query, id).Scan(&one)
			if errors.Is(err, sql.ErrNoRows) {
				return errs.E(errs.NotFound, "unknown %s %q", t.what, id)
			}
			if err != nil {
				return err
			}
			known[key] = true
		}
	}
	return nil
}

// route queues an event another mall must receive (events.Forwarded: a
// transfer goes to the receiving mall, its receipt back to the sender).
// The publisher sends it on ROUTED, from where that mall's mirror pulls it.
func route(ctx context.Context, tx sqldb.Tx, ev events.Event, now time.Time) error {
	f, ok := ev.Payload.(events.Forwarded)
	if !ok {
		return nil
	}
	raw, err := json.Marshal(ev.Envelope)
	if err != nil {
		return fmt.Errorf("route %s: %w", ev.ID, err)
	}
	// The id is the next one, not the database's sequence: ROUTED is
	// published in id order and a gap would stall it (a PostgreSQL
	// sequence skips the values of rolled-back inserts).
	_, err = tx.ExecContext(ctx, `INSERT INTO routed_events (id, event_id, from_mall, to_mall, type, envelope, created_at)
		SELECT COALESCE(MAX(id), 0) + 1, ?, ?, ?, ?, ?, ? FROM routed_events WHERE true
		ON CONFLICT (event_id) DO NOTHING`, ev.ID, ev.Mall, f.ForwardTo(), ev.Type, raw, now.UTC().Format(time.RFC3339Nano))
	if err != nil {
		return fmt.Errorf("route %s: %w", ev.ID, err)
	}
	return nil
}
