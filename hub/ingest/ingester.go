package ingest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"ektamall/hub"
	"ektamall/shared/errs"
	"ektamall/shared/events"
	"ektamall/shared/sqldb"
)

// Ingester is the part of ingest that does not know NATS: it records a
// mall's events in the hub's database exactly once, applies them in the
// mall's sequence order, parks those that cannot apply, and advances the
// mall's watermark, one transaction per batch. It decodes each message
// once and hands the decoded event to everything that reads it (the
// reference check, the router, the books). The Service feeds it from
// each mall's stream; tests feed it directly.
type Ingester struct {
	DB    hub.Store
	Books hub.OpenBooks    // nil: events are recorded and checked only
	Now   func() time.Time // nil: time.Now
	Log   *slog.Logger     // nil: slog.Default()
	// Guard runs first in every ingest transaction; an error ends the
	// batch (nil: none). Several hub nodes on PostgreSQL check there that
	// they still hold the mall's ingest lease (lease.go).
	Guard func(ctx context.Context, tx sqldb.Tx, mall string) error

	decoded atomic.Int64
}

// Message is a message of a mall's stream at the hub, as jetstream.Msg has
// it.
type Message interface {
	Metadata() (*jetstream.MsgMetadata, error)
	Data() []byte
}

// Raw is a message at streamSeq of a mall's stream, for feeding an
// Ingester without NATS.
func Raw(streamSeq uint64, data []byte) Message { return rawMsg{streamSeq, data} }

type rawMsg struct {
	seq  uint64
	data []byte
}

func (r rawMsg) Metadata() (*jetstream.MsgMetadata, error) {
	return &jetstream.MsgMetadata{Sequence: jetstream.SequencePair{Stream: r.seq}}, nil
}

func (r rawMsg) Data() []byte { return r.data }

// Parking is an event a batch parked, with the reason.
type Parking struct {
	Seq     int64 // 0: the message had no readable sequence
	EventID string
	Reason  error
}

// Decoded is how many messages the ingester has decoded: one per message
// received, plus one per held event read back from the database in a
// later transaction.
func (g *Ingester) Decoded() int64 { return g.decoded.Load() }

func (g *Ingester) now() time.Time {
	if g.Now == nil {
		return time.Now()
	}
	return g.Now()
}

func (g *Ingester) log() *slog.Logger {
	if g.Log == nil {
		return slog.Default()
	}
	return g.Log
}

// Ingest records every message of one mall's batch, applies what is
// contiguous with the watermark, and advances the watermark, all in one
// transaction; it returns what it parked. The common case (the next
// event, in order) costs one insert plus the books' own work. An error is
// a fault: nothing was written, and the batch is to be delivered again.
func (g *Ingester) Ingest(ctx context.Context, mall string, msgs []Message) ([]Parking, error) {
	// The batch's statements run on a context that is never cancelled: on
	// a cancellable one go-sqlite3 runs each Exec in a goroutine of its own
	// and database/sql watches each query from another, which cost more
	// than most of these statements. Cancellation is checked between
	// events instead, and rolls the batch back.
	stop := ctx
	ctx = context.WithoutCancel(ctx)
	batch := g.decodeAhead(msgs)
	// A savepoint per event costs about a quarter of the event: SQLite
	// copies aside every page the event changes. So a batch runs without
	// them first; should an event be refused, the batch is rolled back
	// whole and run again with them, which parks just that event.
	parked, err := g.runBatch(ctx, stop, mall, batch, false)
	if errors.Is(err, errRefused) {
		parked, err = g.runBatch(ctx, stop, mall, batch, true)
	}
	return parked, err
}

// errRefused ends a run without savepoints when an event is refused.
var errRefused = errors.New("an event was refused")

// runBatch records and applies a batch in one transaction. careful: each
// event is applied in a savepoint, so that a refused one is parked and the
// others go on; otherwise a refused event ends the run with errRefused.
func (g *Ingester) runBatch(ctx, stop context.Context, mall string, batch *decodedBatch, careful bool) (parked []Parking, err error) {
	now := g.now().UTC()
	err = g.DB.Transact(ctx, func(tx sqldb.Tx) error {
		if g.Guard != nil {
			if err := g.Guard(ctx, tx, mall); err != nil {
				return err
			}
		}
		b := batchState{mall: mall, now: now, careful: careful, known: map[refKey]bool{}, held: map[int64]*incoming{}}
		if g.Books != nil {
			b.books = g.Books(tx)
		}
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
			return g.record(ctx, tx, &b, in)
		})
		if err != nil {
			return err
		}
		if b.highest > b.wm {
			if err := g.drainHeld(ctx, tx, &b); err != nil {
				return err
			}
		}
		if b.books != nil {
			if err := b.books.Done(ctx); err != nil {
				return err
			}
		}
		parked = b.parkings
		if b.wm == startWM && b.highest == startHighest {
			return nil
		}
		_, err = tx.ExecContext(ctx, `UPDATE mall_sync SET watermark = ?, highest = ?, events = events + ?, parked = parked + ?,
			last_event_at = CASE WHEN last_event_at < ? THEN ? ELSE last_event_at END, last_ingest_at = ? WHERE mall_id = ?`,
			b.wm, b.highest, b.applied+b.parked, b.parked, b.lastAt, b.lastAt, now.Format(time.RFC3339Nano), mall)
		return err
	})
	return parked, err
}

// batchState is one mall's ingest position while a batch is applied.
type batchState struct {
	mall            string
	now             time.Time
	wm, highest     int64
	applied, parked int64
	lastAt          string
	careful         bool                // a savepoint per event (see runBatch)
	books           hub.Books           // nil: record and check only
	known           map[refKey]bool     // references found during this batch (checkRefs)
	held            map[int64]*incoming // events of this batch held for a gap, by sequence
	parkings        []Parking
}

// park records an event the hub will not apply, with its reason. A
// redelivery of the same message parks it once.
func (g *Ingester) park(ctx context.Context, tx sqldb.Tx, b *batchState, streamSeq uint64, ev events.Envelope, reason error, raw []byte) error {
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
		b.mall, streamSeq, seq, ev.ID, ev.Type, string(pub.Code), reason.Error(), raw, b.now.Format(time.RFC3339Nano))
	if err != nil {
		return fmt.Errorf("park %s: %w", b.mall, err)
	}
	b.parkings = append(b.parkings, Parking{Seq: ev.Seq, EventID: ev.ID, Reason: reason})
	g.log().Warn("event parked", "mall", b.mall, "seq", ev.Seq, "event", ev.ID, "type", ev.Type, "reason", reason.Error())
	return nil
}
