package ingest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"ektamall/shared/errs"
	"ektamall/shared/events"
	"ektamall/shared/sqldb"
)

// Order and duplicates: every event is recorded once in events_received,
// keyed by its mall and sequence and by its id; it applies only when every
// sequence before it in its epoch is in (shared/events/epoch.go).

// record stores one received message. The next event in sequence is
// applied at once; a later one is held until the gap before it fills; one
// that cannot belong to the mall's sequence at all is parked. A
// redelivered event is a no-op.
func (g *Ingester) record(ctx context.Context, tx sqldb.Tx, b *batchState, in *incoming) error {
	ev, streamSeq, raw := in.ev.Envelope, in.streamSeq, in.raw
	if in.err != nil {
		return g.park(ctx, tx, b, streamSeq, events.Envelope{}, errs.E(errs.Invalid, "undecodable event: %v", in.err), raw)
	}
	if ev.Mall != b.mall {
		// Never let it take a sequence number of this mall: the genuine
		// event with that number would then be dropped as a duplicate.
		return g.park(ctx, tx, b, streamSeq, ev, errs.E(errs.Forbidden, "event names mall %q but came from mall %s's stream", ev.Mall, b.mall), raw)
	}
	status := "held"
	late := ev.Seq <= b.wm // a closed epoch's straggler (see drainHeld)
	if ev.Seq == b.wm+1 || late {
		status = "applied" // corrected to parked below if it cannot apply
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO events_received (mall_id, seq, event_id, type, occurred_at, received_at, status, envelope)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
		b.mall, ev.Seq, ev.ID, ev.Type, ev.At.UTC().Format(time.RFC3339Nano), b.now.Format(time.RFC3339Nano), status, raw)
	if err != nil {
		return fmt.Errorf("record %s seq %d: %w", b.mall, ev.Seq, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return g.duplicate(ctx, tx, b, streamSeq, ev, raw)
	}
	b.highest = max(b.highest, ev.Seq)
	switch {
	case status == "held":
		b.held[ev.Seq] = in
		return nil
	case late:
		// Every sequence up to the watermark within its epoch is here, so
		// this one belongs to a history a restore ended (it travelled
		// after the restored mall's marker): book it, leave the watermark.
		wm := b.wm
		err := g.applyNext(ctx, tx, b, in)
		b.wm = wm
		return err
	}
	return g.applyNext(ctx, tx, b, in)
}

// duplicate handles an event whose sequence or id the hub already holds:
// the same event again is a no-op, anything else is parked.
func (g *Ingester) duplicate(ctx context.Context, tx sqldb.Tx, b *batchState, streamSeq uint64, ev events.Envelope, raw []byte) error {
	var have string
	err := tx.QueryRowContext(ctx, `SELECT event_id FROM events_received WHERE mall_id = ? AND seq = ?`, b.mall, ev.Seq).Scan(&have)
	switch {
	case err == nil && have == ev.ID:
		return nil // redelivery or re-send of an event we hold
	case err == nil:
		return g.park(ctx, tx, b, streamSeq, ev, errs.E(errs.Conflict, "sequence %d already received as event %s", ev.Seq, have), raw)
	case errors.Is(err, sql.ErrNoRows):
		return g.park(ctx, tx, b, streamSeq, ev, errs.E(errs.Conflict, "event id %s was already received under another sequence", ev.ID), raw)
	}
	return err
}

// applyNext applies the event at watermark+1 (its row is already stored
// as applied) and moves the watermark past it, parking it if it cannot
// apply.
func (g *Ingester) applyNext(ctx context.Context, tx sqldb.Tx, b *batchState, in *incoming) error {
	ev := in.ev.Envelope
	if aerr := g.apply(ctx, tx, b, in); aerr != nil {
		if !parkable(aerr) {
			return aerr
		}
		if err := g.park(ctx, tx, b, 0, ev, aerr, in.raw); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE events_received SET status = 'parked' WHERE mall_id = ? AND seq = ?`, b.mall, ev.Seq); err != nil {
			return err
		}
		b.parked++
	} else {
		b.applied++
	}
	b.wm = ev.Seq
	b.lastAt = max(b.lastAt, ev.At.UTC().Format(time.RFC3339Nano))
	return nil
}

// drainHeld applies held events from watermark+1 while they are contiguous,
// and moves on to a restored mall's next epoch when its marker is held and
// the hub holds the backup's events it continues from.
func (g *Ingester) drainHeld(ctx context.Context, tx sqldb.Tx, b *batchState) error {
	for b.highest > b.wm {
		ok, err := g.applyHeld(ctx, tx, b, b.wm+1)
		if err != nil || ok {
			if err != nil {
				return err
			}
			continue
		}
		marker, err := g.nextEpoch(ctx, tx, b)
		if err != nil || marker == 0 {
			return err
		}
		// The marker travelled behind every event the replaced history
		// had put in the mall's stream, so held events before it will
		// never be joined by the ones missing between them: they were
		// lost with the replaced database. Book them in order, then the
		// marker, and carry on in the new epoch.
		for {
			var seq int64
			err := tx.QueryRowContext(ctx, `SELECT seq FROM events_received WHERE mall_id = ? AND seq > ? AND seq <= ? AND status = 'held'
				ORDER BY seq LIMIT 1`, b.mall, b.wm, marker).Scan(&seq)
			if errors.Is(err, sql.ErrNoRows) {
				break
			}
			if err != nil {
				return err
			}
			if seq < marker {
				g.log().Warn("events lost with a restored mall's database", "mall", b.mall, "from_seq", b.wm+1, "to_seq", seq-1)
			}
			if _, err := g.applyHeld(ctx, tx, b, seq); err != nil {
				return err
			}
		}
	}
	return nil
}

// applyHeld applies the held event at seq, if there is one, and moves the
// watermark to it.
func (g *Ingester) applyHeld(ctx context.Context, tx sqldb.Tx, b *batchState, seq int64) (bool, error) {
	in, err := g.heldEvent(ctx, tx, b, `seq = ?`, seq)
	if err != nil || in == nil {
		return false, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE events_received SET status = 'applied' WHERE mall_id = ? AND seq = ?`, b.mall, seq); err != nil {
		return false, err
	}
	delete(b.held, seq)
	return true, g.applyNext(ctx, tx, b, in)
}

// heldEvent is the first held event of the mall that matches where (with
// its arguments), or nil. An event held in this batch is taken from memory;
// one held by an earlier transaction is read back and decoded.
func (g *Ingester) heldEvent(ctx context.Context, tx sqldb.Tx, b *batchState, where string, args ...any) (*incoming, error) {
	var seq int64
	err := tx.QueryRowContext(ctx, `SELECT seq FROM events_received WHERE mall_id = ? AND status = 'held' AND `+where+`
		ORDER BY seq LIMIT 1`, append([]any{b.mall}, args...)...).Scan(&seq)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if in, ok := b.held[seq]; ok {
		return in, nil
	}
	var raw []byte
	if err := tx.QueryRowContext(ctx, `SELECT envelope FROM events_received WHERE mall_id = ? AND seq = ?`, b.mall, seq).Scan(&raw); err != nil {
		return nil, err
	}
	in := g.decode(0, raw)
	if in.err != nil {
		return nil, fmt.Errorf("held event %s/%d: %w", b.mall, seq, in.err)
	}
	return &in, nil
}

// nextEpoch finds the held marker of the mall's next epoch (events of a
// mall restored from a backup, shared/events/epoch.go) that continues from
// an event at or below the watermark; 0 if there is none yet.
func (g *Ingester) nextEpoch(ctx context.Context, tx sqldb.Tx, b *batchState) (int64, error) {
	in, err := g.heldEvent(ctx, tx, b, `seq > ? AND type = ?`, b.wm, events.MallRestored)
	if err != nil || in == nil {
		return 0, err
	}
	p, ok := in.ev.Payload.(*events.Restore)
	if !ok {
		// It cannot open an epoch; applying it parks it with the reason.
		return 0, nil
	}
	if p.PrevSeq > b.wm {
		return 0, nil // the hub still lacks some of the backup's events: the mall re-sends them
	}
	return in.ev.Seq, nil
}
