package ingest

import (
	"ektamall/shared/events"
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
	in := incoming{streamSeq: streamSeq, raw: raw}
	if in.ev.Envelope, in.err = events.Decode(raw); in.err == nil {
		in.ev.Payload, in.perr = events.DecodePayload(in.ev.Envelope)
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
