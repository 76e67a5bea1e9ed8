package ingest

import (
	"context"
	"fmt"
	"strings"

	"ektamall/shared/events"
	"ektamall/shared/sqldb"
)

// incoming is a received message, decoded.
type incoming struct {
	streamSeq uint64
	raw       []byte
	ev        events.Event // its Payload is nil when perr is set
	err       error        // the envelope is unreadable
	perr      error        // the payload is unreadable or invalid
	fail      error        // the message's metadata is unreadable
}

// decode reads a message's envelope and payload. It is the hub's only
// decoding of an event: everything after it reads the incoming.
func (g *Ingester) decode(streamSeq uint64, raw []byte) incoming {
	g.decoded.Add(1)
	return decode(streamSeq, raw)
}

func decode(streamSeq uint64, raw []byte) incoming {
	in := incoming{streamSeq: streamSeq, raw: raw}
	if in.ev.Envelope, in.err = events.Decode(raw); in.err == nil {
		in.ev.Payload, in.perr = events.DecodePayload(in.ev.Envelope)
	}
	return in
}

// Applied reads back, in order, the events of a mall that ingest applied
// with sequences in (from, to] and one of the given types, decoded as
// ingest decoded them; one that no longer decodes is left out. It is for
// the parts of the hub that follow its events after ingest, at their own
// pace (the producers' stock picture), so that the hub reads events with
// one decoder, from the table ingest owns.
func Applied(ctx context.Context, tx sqldb.Tx, mall string, from, to int64, types ...string) ([]events.Event, error) {
	if len(types) == 0 {
		return nil, nil
	}
	args := []any{mall, from, to}
	for _, t := range types {
		args = append(args, t)
	}
	rows, err := tx.QueryContext(ctx, `SELECT envelope FROM events_received WHERE mall_id = ? AND seq > ? AND seq <= ?
		AND status = 'applied' AND type IN (?`+strings.Repeat(", ?", len(types)-1)+`) ORDER BY seq`, args...)
	if err != nil {
		return nil, fmt.Errorf("events of %s: %w", mall, err)
	}
	defer rows.Close()
	var out []events.Event
	for rows.Next() {
		var raw []byte
		if err := rows.Scan(&raw); err != nil {
			return nil, err
		}
		if in := decode(0, raw); in.err == nil && in.perr == nil {
			out = append(out, in.ev)
		}
	}
	return out, rows.Err()
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
func (g *Ingester) decodeAhead(msgs []Message) *decodedBatch {
	out := make(chan incoming, len(msgs))
	go func() {
		defer close(out)
		for _, m := range msgs {
			md, err := m.Metadata()
			if err != nil {
				out <- incoming{fail: err}
				return
			}
			out <- g.decode(md.Sequence.Stream, m.Data())
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
