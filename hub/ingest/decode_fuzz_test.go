package ingest

import (
	"encoding/json"
	"testing"

	"ektamall/shared/errs"
	"ektamall/shared/events"
)

// FuzzEventDecode feeds the hub's one decoding of an event (the
// ingester's decode) what could arrive on a mall's stream: the envelope
// decodes or is refused, a valid envelope's payload decodes into its type
// and validates or is refused as invalid (so it is parked, never retried
// forever), nothing panics, and a valid envelope survives re-encoding.
func FuzzEventDecode(f *testing.F) {
	for _, s := range []string{
		`{"id":"0190a0b0-0000-7000-8000-000000000001","mall":"LKO1","seq":1,"type":"sale.completed","at":"2026-04-01T10:00:00Z","v":1,"payload":{"sale_id":"s1","invoice_no":"C01/26-27/1","lines":[{"sku":"UP-VNS-001","qty":1,"amount":"100.00"}],"tenders":[{"method":"cash","amount":"100.00"}],"total":"100.00"}}`,
		`{"id":"e2","mall":"BLR1","seq":2,"type":"return.completed","at":"2026-04-01T10:00:00Z","v":1,"payload":{"return_id":"r1","sale_id":"s1","lines":[{"sku":"KA-MYS-002","qty":1}],"total":"1.005"}}`,
		`{"id":"e3","mall":"LKO1","seq":3,"type":"stock.moved","at":"2026-04-01T10:00:00Z","v":1,"payload":{"sku":"UP-VNS-001","qty":-9223372036854775808}}`,
		`{"id":"e4","mall":"LKO1","seq":0,"type":"shift.closed","at":"0001-01-01T00:00:00Z","v":2,"payload":null}`,
		`{"id":"e5","mall":"LKO1","seq":5,"type":"transfer.sent","at":"2026-04-01T10:00:00Z","v":1,"payload":"not an object"}`,
		`{"id":"e6","mall":"LKO1","seq":6,"type":"sale.voided","at":"2026-04-01T10:00:00Z","v":1,"payload":{"sale_id":1}}`,
		`{"id":"e7","mall":"LKO1","seq":7,"type":"evil.type","at":"2026-04-01T10:00:00Z","v":1,"payload":{}}`,
		`not json`, `{}`, `[]`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		in := (&Ingester{}).decode(1, data)
		if in.err != nil {
			return // parked by the consumer as unreadable
		}
		ev := in.ev.Envelope
		switch {
		case in.perr != nil && errs.CodeOf(in.perr) != errs.Invalid:
			t.Fatalf("payload refused with code %s, want invalid (parked): %v", errs.CodeOf(in.perr), in.perr)
		case in.perr == nil && in.ev.Payload == nil:
			t.Fatalf("a %s event decoded to no payload", ev.Type)
		case in.perr == nil:
			in.ev.Payload.References() // what ingest asks of every payload it applies
		}
		b, err := json.Marshal(ev)
		if err != nil {
			if len(ev.Payload) > 0 {
				return // a payload json.RawMessage cannot re-encode (e.g. invalid once compacted)
			}
			t.Fatalf("re-encode: %v", err)
		}
		var back events.Envelope
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("re-decode %s: %v", b, err)
		}
		if back.ID != ev.ID || back.Mall != ev.Mall || back.Seq != ev.Seq || back.Type != ev.Type || !back.At.Equal(ev.At) || back.Version != ev.Version {
			t.Fatalf("envelope changed on the round trip: %+v -> %+v", ev, back)
		}
		if back.Validate() != nil {
			t.Fatalf("a valid envelope became invalid: %+v", back)
		}
	})
}
