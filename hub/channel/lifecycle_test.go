package channel_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"ektamall/hub/channel"
	"ektamall/hub/ingest"
	"ektamall/shared/events"
	"ektamall/shared/ids"
)

// ingest hands one mall event to the hub's ingester with the channel's
// books in front of the ledger, as the hub process wires them; it answers
// the reason the event was parked, or nil.
func (b *books) ingest(mall, typ string, payload any) error {
	b.t.Helper()
	b.clock = b.clock.Add(time.Second)
	ev := b.malls[mall].Envelope(typ, b.clock, payload)
	raw, _ := json.Marshal(ev)
	if _, err := b.db.Writer().ExecContext(b.ctx, `INSERT INTO mall_sync (mall_id) VALUES (?) ON CONFLICT DO NOTHING`, mall); err != nil {
		b.t.Fatal(err)
	}
	ing := &ingest.Ingester{DB: b.db, Books: b.ch.Books(b.a.Open), Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	parked, err := ing.Ingest(b.ctx, mall, []ingest.Message{ingest.Raw(uint64(ev.Seq), raw)})
	if err != nil {
		b.t.Fatal(err)
	}
	if len(parked) > 0 {
		return parked[0].Reason
	}
	return nil
}

// routed answers the channel messages queued for a mall, oldest first.
func (b *books) routed(mall string) []events.ChannelOrder {
	b.t.Helper()
	rows, err := b.db.Reader().QueryContext(b.ctx, `SELECT type, envelope FROM routed_events WHERE to_mall = ? ORDER BY id`, mall)
	if err != nil {
		b.t.Fatal(err)
	}
	defer rows.Close()
	var out []events.ChannelOrder
	for rows.Next() {
		var typ string
		var raw []byte
		if err := rows.Scan(&typ, &raw); err != nil {
			b.t.Fatal(err)
		}
		var env events.Envelope
		if err := json.Unmarshal(raw, &env); err != nil {
			b.t.Fatal(err)
		}
		var p events.ChannelOrder
		if err := json.Unmarshal(env.Payload, &p); err != nil {
			b.t.Fatal(err)
		}
		p.Reason = typ + "|" + p.Reason // the type, for the test to read
		out = append(out, p)
	}
	return out
}

// TestOrderLifecycleAtTheHub: an order's line goes to the nearest mall as a
// reservation; that mall's refusal moves it to the other mall; the other
// mall's steps move its status; a mall cannot report on another's part; a
// cancellation before handover is routed to the mall holding it and gives
// the units back to the channels. Runs on SQLite and PostgreSQL.
func TestOrderLifecycleAtTheHub(t *testing.T) {
	b := newBooks(t)
	p := b.p1
	for _, m := range []string{"LKO1", "BLR1"} {
		if err := b.ingest(m, events.StockMoved, events.StockMove{MoveID: ids.New(), Kind: "receipt", SKU: p.SKU, Zone: p.State, Qty: 1, To: "backroom", At: b.clock}); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.ch.SetBuffer(b.ctx, p.State, 0); err != nil {
		t.Fatal(err)
	}
	dest := channel.Destination{Name: "Ravi Verma", Address: "4 Hazratganj, Lucknow", State: "UP", Pincode: "226001"}
	o, _, err := b.ch.Place(b.ctx, "ondc-buyer", channel.OrderRequest{OrderID: "L-1", DeliverTo: dest, Lines: []channel.LineReq{{SKU: p.SKU, Qty: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	if o.Status != channel.LineAllocated || o.Placement != channel.Accepted || o.Lines[0].Mall != "LKO1" {
		t.Fatalf("placed: %+v", o)
	}
	if r := b.routed("LKO1"); len(r) != 1 || !strings.HasPrefix(r[0].Reason, events.ChannelReserve) || r[0].Parts[0].SKU != p.SKU || r[0].DeliverTo.State != "UP" {
		t.Fatalf("routed to LKO1: %+v", r)
	}
	// LKO1's unit went meanwhile (written off here; a counter sale alike).
	if err := b.ingest("LKO1", events.StockMoved, events.StockMove{MoveID: ids.New(), Kind: "damage", SKU: p.SKU, Zone: p.State, Qty: 1,
		From: "backroom", To: "damaged", At: b.clock}); err != nil {
		t.Fatal(err)
	}
	if err := b.ingest("LKO1", events.ChannelStatus, events.ChannelUpdate{Channel: "ondc-buyer", OrderID: "L-1", At: b.clock,
		Parts: []events.ChannelPart{{Line: 1, Part: 1, SKU: p.SKU, Zone: p.State, Qty: 1, Status: events.PartRejected, Reason: "sold at the counter"}}}); err != nil {
		t.Fatal(err)
	}
	o, _ = b.ch.Get(b.ctx, "ondc-buyer", "L-1")
	if len(o.Lines) != 2 || o.Lines[0].Status != channel.LineReallocated || !strings.Contains(o.Lines[0].Reason, "LKO1 could not reserve it: sold at the counter") ||
		o.Lines[1].Mall != "BLR1" || o.Lines[1].Status != channel.LineAllocated {
		t.Fatalf("after LKO1's refusal: %+v", o.Lines)
	}
	if r := b.routed("BLR1"); len(r) != 1 || r[0].Parts[0].Part != 2 {
		t.Fatalf("routed to BLR1: %+v", r)
	}
	// LKO1 may not speak for BLR1's part; BLR1 reserves and picks it.
	if err := b.ingest("LKO1", events.ChannelStatus, events.ChannelUpdate{Channel: "ondc-buyer", OrderID: "L-1", At: b.clock,
		Parts: []events.ChannelPart{{Line: 1, Part: 2, Status: events.PartPicked}}}); err == nil {
		t.Fatal("LKO1 reported on BLR1's part")
	}
	for _, st := range []string{events.PartReserved, events.PartPicked} {
		if err := b.ingest("BLR1", events.ChannelStatus, events.ChannelUpdate{Channel: "ondc-buyer", OrderID: "L-1", At: b.clock,
			Parts: []events.ChannelPart{{Line: 1, Part: 2, Status: st}}}); err != nil {
			t.Fatal(err)
		}
		if o, _ = b.ch.Get(b.ctx, "ondc-buyer", "L-1"); o.Status != st {
			t.Fatalf("after BLR1's %s: %s %+v", st, o.Status, o.Lines)
		}
	}
	feed, err := b.ch.Catalog(b.ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range feed.Items {
		if it.SKU == p.SKU && it.Available != 0 {
			t.Fatalf("%s offered while held: %d", p.SKU, it.Available)
		}
	}
	if _, err := b.ch.Cancel(b.ctx, "ondc-buyer", "L-1", []int{2}, ""); err == nil {
		t.Fatal("cancelled a line the order does not have")
	}
	o, err = b.ch.Cancel(b.ctx, "ondc-buyer", "L-1", nil, "")
	if err != nil || o.Status != channel.OrderCancelled || o.Lines[1].Reason != "cancelled by the channel" {
		t.Fatalf("cancel: %v %+v", err, o)
	}
	if r := b.routed("BLR1"); len(r) != 2 || !strings.HasPrefix(r[1].Reason, events.ChannelCancel) || r[1].Parts[0].Part != 2 {
		t.Fatalf("cancel routed to BLR1: %+v", r)
	}
	// A late "packed" from BLR1 does not revive it; its "cancelled" confirms it.
	for _, st := range []string{events.PartPacked, events.PartCancelled} {
		if err := b.ingest("BLR1", events.ChannelStatus, events.ChannelUpdate{Channel: "ondc-buyer", OrderID: "L-1", At: b.clock,
			Parts: []events.ChannelPart{{Line: 1, Part: 2, Status: st}}}); err != nil {
			t.Fatal(err)
		}
	}
	if o, _ = b.ch.Get(b.ctx, "ondc-buyer", "L-1"); o.Status != channel.OrderCancelled {
		t.Fatalf("after BLR1's late steps: %+v", o)
	}
	if feed, err = b.ch.Catalog(b.ctx, ""); err != nil {
		t.Fatal(err)
	}
	for _, it := range feed.Items {
		if it.SKU == p.SKU && it.Available != 1 {
			t.Fatalf("%s after the cancellation: %d available, want BLR1's 1", p.SKU, it.Available)
		}
	}
}
