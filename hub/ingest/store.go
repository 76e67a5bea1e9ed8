package ingest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"ektamall/hub"
	"ektamall/shared/errs"
	"ektamall/shared/events"
	"ektamall/shared/sqldb"
	"ektamall/shared/syncwire"
)

// ingestLoop pulls the mall's mirror in batches, ingests each batch in one
// transaction, acks the batch after the commit and reports the new
// watermark to the mall at once.
func (s *Service) ingestLoop(ctx context.Context, mall string) {
	log := s.log.With("mall", mall)
	for ctx.Err() == nil {
		cons, err := s.js.Consumer(ctx, syncwire.HubMallStream(mall), ingestConsumer)
		if err != nil {
			log.Warn("ingest consumer", "err", err)
			if !sleep(ctx, time.Second) {
				return
			}
			// The stream or consumer may be gone (a wiped store): recreate.
			if err := s.setupMall(ctx, mall); err != nil && ctx.Err() == nil {
				log.Warn("ingest setup", "err", err)
			}
			continue
		}
		for ctx.Err() == nil {
			batch, err := cons.FetchNoWait(s.cfg.BatchSize)
			if err == nil {
				var msgs []jetstream.Msg
				for m := range batch.Messages() {
					msgs = append(msgs, m)
				}
				err = batch.Error()
				if len(msgs) > 0 {
					if ierr := s.ingestBatch(ctx, mall, msgs); ierr != nil {
						log.Warn("ingest batch failed; will be redelivered", "err", ierr, "events", len(msgs))
						for _, m := range msgs {
							m.NakWithDelay(time.Second)
						}
						sleep(ctx, time.Second)
						continue
					}
					if aerr := msgs[len(msgs)-1].DoubleAck(ctx); aerr != nil && ctx.Err() == nil {
						log.Warn("ingest ack", "err", aerr) // harmless: redelivery is a no-op
					}
					s.report(ctx, mall)
					s.wakePublisher()
					continue
				}
			}
			if err != nil && !errors.Is(err, jetstream.ErrNoMessages) && ctx.Err() == nil {
				log.Warn("ingest fetch", "err", err)
				break
			}
			// Nothing waiting: long-poll for the next event.
			batch, err = cons.Fetch(1, jetstream.FetchMaxWait(time.Second))
			if err != nil {
				if ctx.Err() == nil {
					log.Warn("ingest fetch", "err", err)
				}
				break
			}
			var msgs []jetstream.Msg
			for m := range batch.Messages() {
				msgs = append(msgs, m)
			}
			if len(msgs) > 0 {
				if ierr := s.ingestBatch(ctx, mall, msgs); ierr != nil {
					log.Warn("ingest failed; will be redelivered", "err", ierr)
					msgs[0].NakWithDelay(time.Second)
					sleep(ctx, time.Second)
					continue
				}
				msgs[0].DoubleAck(ctx)
				s.report(ctx, mall)
				s.wakePublisher()
			}
		}
		if !sleep(ctx, 200*time.Millisecond) {
			return
		}
	}
}

// ingestBatch records every message of one mall's batch, applies what is
// contiguous with the watermark, and advances the watermark, all in one
// transaction. The common case (the next event, in order) costs one insert
// plus the applier's own work.
func (s *Service) ingestBatch(ctx context.Context, mall string, msgs []jetstream.Msg) error {
	// The batch's statements run on a context that is never cancelled: on
	// a cancellable one go-sqlite3 runs each Exec in a goroutine of its own
	// and database/sql watches each query from another, which cost more
	// than most of these statements. Cancellation is checked between
	// events instead, and rolls the batch back.
	stop := ctx
	ctx = context.WithoutCancel(ctx)
	batch := decodeAhead(msgs)
	// A savepoint per event costs about a quarter of the event: SQLite
	// copies aside every page the event changes. So a batch runs without
	// them first; should an event be refused, the batch is rolled back
	// whole and run again with them, which parks just that event.
	err := s.runBatch(ctx, stop, mall, batch, false)
	if errors.Is(err, errRefused) {
		err = s.runBatch(ctx, stop, mall, batch, true)
	}
	return err
}

// errRefused ends a run without savepoints when an event is refused.
var errRefused = errors.New("an event was refused")

// runBatch records and applies a batch in one transaction. careful: each
// event is applied in a savepoint, so that a refused one is parked and the
// others go on; otherwise a refused event ends the run with errRefused.
func (s *Service) runBatch(ctx, stop context.Context, mall string, batch *decodedBatch, careful bool) error {
	now := s.cfg.Now().UTC()
	return s.cfg.DB.Transact(ctx, func(tx sqldb.Tx) error {
		b := batchState{mall: mall, now: now, careful: careful, applier: txApplier(s.cfg.Applier, tx), skus: map[string]bool{}}
		if err := tx.QueryRowContext(ctx, `SELECT watermark, highest FROM mall_sync WHERE mall_id = ?`, mall).Scan(&b.wm, &b.highest); err != nil {
			return fmt.Errorf("watermark %s: %w", mall, err)
		}
		startWM, startHighest := b.wm, b.highest
		err := batch.each(func(in *incoming) error {
			if err := stop.Err(); err != nil {
				return err
			}
			if in.fail != nil {
				return in.fail
			}
			return s.record(ctx, tx, &b, in)
		})
		if err != nil {
			return err
		}
		if b.highest > b.wm {
			if err := s.drainHeld(ctx, tx, &b); err != nil {
				return err
			}
		}
		if b.applier != nil {
			if err := b.applier.Done(ctx); err != nil {
				return err
			}
		}
		if b.wm == startWM && b.highest == startHighest {
			return nil
		}
		_, err = tx.ExecContext(ctx, `UPDATE mall_sync SET watermark = ?, highest = ?, events = events + ?, parked = parked + ?,
			last_event_at = CASE WHEN last_event_at > ? THEN last_event_at ELSE ? END, last_ingest_at = ? WHERE mall_id = ?`,
			b.wm, b.highest, b.applied+b.parked, b.parked, b.lastAt, b.lastAt, now.Format(time.RFC3339Nano), mall)
		return err
	})
}

// batchState is one mall's ingest position while a batch is applied.
type batchState struct {
	mall            string
	now             time.Time
	wm, highest     int64
	startHighest    int64
	startSet        bool
	applied, parked int64
	lastAt          string
	careful         bool            // a savepoint per event (see runBatch)
	applier         hub.TxApplier   // nil: record and check only
	skus            map[string]bool // SKUs found in the catalog during this batch
}

// txApplier is the configured applier for the events of tx.
func txApplier(a hub.EventApplier, tx sqldb.Tx) hub.TxApplier {
	switch a := a.(type) {
	case nil:
		return nil
	case hub.BatchApplier:
		return a.ForTx(tx)
	default:
		return eventApplier{a, tx}
	}
}

// eventApplier is an applier that takes events one at a time.
type eventApplier struct {
	a  hub.EventApplier
	tx sqldb.Tx
}

func (e eventApplier) Apply(ctx context.Context, ev events.Envelope, _ any) error {
	return e.a.ApplyEvent(ctx, e.tx, ev)
}

func (e eventApplier) Done(context.Context) error { return nil }

// incoming is a received message, decoded.
type incoming struct {
	streamSeq uint64
	raw       []byte
	ev        events.Envelope
	err       error    // the envelope is unreadable
	payload   any      // ev's payload, decoded for its type
	skus      []string // the SKUs it names
	perr      error    // the payload is unreadable
	fail      error    // the message's metadata is unreadable
}

// decode reads a message's envelope and payload.
func decode(streamSeq uint64, raw []byte) incoming {
	in := incoming{streamSeq: streamSeq, raw: raw}
	if in.ev, in.err = events.Decode(raw); in.err == nil {
		in.payload, in.skus, in.perr = decodeFor(in.ev)
	}
	return in
}

// decodedBatch is a batch's messages, decoded by decodeAhead and kept for
// a second run.
type decodedBatch struct {
	next <-chan incoming
	got  []incoming // never grows past its capacity, so pointers stay valid
}

// decodeAhead decodes msgs in order on a goroutine of its own, so that the
// JSON decoding runs on another CPU while the batch's SQLite work runs on
// this one. The channel holds the whole batch: the goroutine never waits.
func decodeAhead(msgs []jetstream.Msg) *decodedBatch {
	out := make(chan incoming, len(msgs))
	go func() {
		defer close(out)
		for _, m := range msgs {
			md, err := m.Metadata()
			if err != nil {
				out <- incoming{fail: err}
				return
			}
			out <- decode(md.Sequence.Stream, m.Data())
		}
	}()
	return &decodedBatch{next: out, got: make([]incoming, 0, len(msgs))}
}

// each calls fn on every message in order, waiting for any not decoded
// yet, until fn fails.
func (d *decodedBatch) each(fn func(*incoming) error) error {
	for i := 0; ; i++ {
		if i == len(d.got) {
			in, ok := <-d.next
			if !ok {
				return nil
			}
			d.got = append(d.got, in)
		}
		if err := fn(&d.got[i]); err != nil {
			return err
		}
	}
}

// record stores one received message. The next event in sequence is
// applied at once; a later one is held until the gap before it fills; one
// that cannot belong to the mall's sequence at all is parked. A
// redelivered event is a no-op.
func (s *Service) record(ctx context.Context, tx sqldb.Tx, b *batchState, in *incoming) error {
	mall, ev, streamSeq, raw := b.mall, in.ev, in.streamSeq, in.raw
	if in.err != nil {
		return s.park(ctx, tx, mall, streamSeq, events.Envelope{}, errs.E(errs.Invalid, "undecodable event: %v", in.err), raw, b.now)
	}
	if ev.Mall != mall {
		// Never let it take a sequence number of this mall: the genuine
		// event with that number would then be dropped as a duplicate.
		return s.park(ctx, tx, mall, streamSeq, ev, errs.E(errs.Forbidden, "event names mall %q but came from mall %s's stream", ev.Mall, mall), raw, b.now)
	}
	status := "held"
	late := ev.Seq <= b.wm // a closed epoch's straggler (see drainHeld)
	if ev.Seq == b.wm+1 || late {
		status = "applied" // corrected to parked below if it cannot apply
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO events_received (mall_id, seq, event_id, type, occurred_at, received_at, status, envelope)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
		mall, ev.Seq, ev.ID, ev.Type, ev.At.UTC().Format(time.RFC3339Nano), b.now.Format(time.RFC3339Nano), status, raw)
	if err != nil {
		return fmt.Errorf("record %s seq %d: %w", mall, ev.Seq, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return s.duplicate(ctx, tx, b, streamSeq, ev, raw)
	}
	b.highest = max(b.highest, ev.Seq)
	switch {
	case status == "held":
		return nil
	case late:
		// Every sequence up to the watermark within its epoch is here, so
		// this one belongs to a history a restore ended (it travelled
		// after the restored mall's marker): book it, leave the watermark.
		wm := b.wm
		err := s.applyNext(ctx, tx, b, in)
		b.wm = wm
		return err
	}
	return s.applyNext(ctx, tx, b, in)
}

// duplicate handles an event whose sequence or id the hub already holds:
// the same event again is a no-op, anything else is parked.
func (s *Service) duplicate(ctx context.Context, tx sqldb.Tx, b *batchState, streamSeq uint64, ev events.Envelope, raw []byte) error {
	var have string
	err := tx.QueryRowContext(ctx, `SELECT event_id FROM events_received WHERE mall_id = ? AND seq = ?`, b.mall, ev.Seq).Scan(&have)
	switch {
	case err == nil && have == ev.ID:
		return nil // redelivery or re-send of an event we hold
	case err == nil:
		return s.park(ctx, tx, b.mall, streamSeq, ev, errs.E(errs.Conflict, "sequence %d already received as event %s", ev.Seq, have), raw, b.now)
	case errors.Is(err, sql.ErrNoRows):
		return s.park(ctx, tx, b.mall, streamSeq, ev, errs.E(errs.Conflict, "event id %s was already received under another sequence", ev.ID), raw, b.now)
	}
	return err
}

// applyNext applies the event at watermark+1 (its row is already stored
// as applied) and moves the watermark past it, parking it if it cannot
// apply.
func (s *Service) applyNext(ctx context.Context, tx sqldb.Tx, b *batchState, in *incoming) error {
	ev, raw := in.ev, in.raw
	if aerr := s.apply(ctx, tx, b, in); aerr != nil {
		if !parkable(aerr) {
			return aerr
		}
		if err := s.park(ctx, tx, b.mall, 0, ev, aerr, raw, b.now); err != nil {
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
func (s *Service) drainHeld(ctx context.Context, tx sqldb.Tx, b *batchState) error {
	for b.highest > b.wm {
		ok, err := s.applyHeld(ctx, tx, b, b.wm+1)
		if err != nil || ok {
			if err != nil {
				return err
			}
			continue
		}
		marker, err := s.nextEpoch(ctx, tx, b)
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
				s.log.Warn("events lost with a restored mall's database", "mall", b.mall, "from_seq", b.wm+1, "to_seq", seq-1)
			}
			if _, err := s.applyHeld(ctx, tx, b, seq); err != nil {
				return err
			}
		}
	}
	return nil
}

// applyHeld applies the held event at seq, if there is one, and moves the
// watermark to it.
func (s *Service) applyHeld(ctx context.Context, tx sqldb.Tx, b *batchState, seq int64) (bool, error) {
	var raw []byte
	err := tx.QueryRowContext(ctx, `SELECT envelope FROM events_received WHERE mall_id = ? AND seq = ? AND status = 'held'`, b.mall, seq).Scan(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	in := decode(0, raw)
	if in.err != nil {
		return false, fmt.Errorf("held event %s/%d: %w", b.mall, seq, in.err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE events_received SET status = 'applied' WHERE mall_id = ? AND seq = ?`, b.mall, in.ev.Seq); err != nil {
		return false, err
	}
	return true, s.applyNext(ctx, tx, b, &in)
}

// nextEpoch finds the held marker of the mall's next epoch (events of a
// mall restored from a backup, shared/events/epoch.go) that continues from
// an event at or below the watermark; 0 if there is none yet.
func (s *Service) nextEpoch(ctx context.Context, tx sqldb.Tx, b *batchState) (int64, error) {
	var seq int64
	var raw []byte
	err := tx.QueryRowContext(ctx, `SELECT seq, envelope FROM events_received WHERE mall_id = ? AND seq > ? AND status = 'held' AND type = ?
		ORDER BY seq LIMIT 1`, b.mall, b.wm, events.MallRestored).Scan(&seq, &raw)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	in := decode(0, raw)
	p, ok := in.payload.(*events.Restore)
	if in.err != nil || in.perr != nil || !ok {
		// It cannot open an epoch; applying it parks it with the reason.
		return 0, nil
	}
	if p.PrevSeq > b.wm {
		return 0, nil // the hub still lacks some of the backup's events: the mall re-sends them
	}
	return seq, nil
}

// parkable: the event can never apply as it is (errs Invalid, NotFound,
// Forbidden, Conflict); anything else is a fault to retry.
func parkable(err error) bool {
	switch errs.CodeOf(err) {
	case errs.Invalid, errs.NotFound, errs.Forbidden, errs.Conflict:
		return true
	}
	return false
}

// apply checks the event and routes it, then hands it to the applier. In
// a careful run it does so in a savepoint, so a refused event leaves none
// of its writes behind; otherwise a refusal ends the run (errRefused) and
// the whole batch is rolled back.
func (s *Service) apply(ctx context.Context, tx sqldb.Tx, b *batchState, in *incoming) (err error) {
	if !b.careful {
		err = s.applyChecked(ctx, tx, b, in)
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
	return s.applyChecked(ctx, tx, b, in)
}

// applyChecked runs ingest's own checks of the event, routes it, and hands
// it to the applier.
func (s *Service) applyChecked(ctx context.Context, tx sqldb.Tx, b *batchState, in *incoming) error {
	if err := checkPayload(ctx, tx, in, b.skus); err != nil {
		return err
	}
	if err := route(ctx, tx, in.ev, s.cfg.Now()); err != nil {
		return err
	}
	if b.applier != nil {
		return b.applier.Apply(ctx, in.ev, in.payload)
	}
	return nil
}

// park records an event the hub will not apply, with its reason. A
// redelivery of the same message parks it once.
func (s *Service) park(ctx context.Context, tx sqldb.Tx, mall string, streamSeq uint64, ev events.Envelope, reason error, raw []byte, now time.Time) error {
	var seq any
	if ev.Seq > 0 {
		seq = ev.Seq
	}
	if ev.ID != "" {
		// Keyed by event id alone: a re-send of the same event (new stream
		// sequence) parks it once.
		streamSeq = 0
	}
	pub := errs.Public(reason)
	_, err := tx.ExecContext(ctx, `INSERT INTO parked_events (mall_id, stream_seq, seq, event_id, type, code, reason, payload, parked_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (mall_id, stream_seq, event_id) DO NOTHING`,
		mall, streamSeq, seq, ev.ID, ev.Type, string(pub.Code), reason.Error(), raw, now.Format(time.RFC3339Nano))
	if err != nil {
		return fmt.Errorf("park %s: %w", mall, err)
	}
	s.log.Warn("event parked", "mall", mall, "seq", ev.Seq, "event", ev.ID, "type", ev.Type, "reason", reason.Error())
	return nil
}
