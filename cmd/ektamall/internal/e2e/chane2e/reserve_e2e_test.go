package chane2e

import (
	"strings"
	"testing"

	"ektamall/cmd/ektamall/internal/e2e"
	"ektamall/hub/channel"
)

// part finds a line's part by mall and status.
func part(o channel.Order, line int, mall, status string) (channel.Line, bool) {
	for _, l := range o.Lines {
		if l.Line == line && l.Mall == mall && l.Status == status {
			return l, true
		}
	}
	return channel.Line{}, false
}

// TestCounterSaleRacingAReservationNeverOversells: LKO1 sells its last
// unit at the counter while cut off from the hub, so the hub, still
// counting that unit, allocates an online order there. When the link
// returns, LKO1 refuses the reservation with its reason and the hub moves
// the line to BLR1, which holds one; a second SKU that no other mall holds
// is cancelled with the reason. The unit BLR1 reserves can no longer be
// sold at its counter, and is again once the channel cancels the order.
func TestCounterSaleRacingAReservationNeverOversells(t *testing.T) {
	w := start(t)
	// Finance keeps no unit of the UP zone back from the channels.
	buf := w.hub.URL + "/api/v1/channels/buffers/"
	e2e.Expect(t, "PUT", buf+"UP", w.fin, map[string]any{"qty": -1}, 400, nil)
	e2e.Expect(t, "PUT", buf+"ZZ", w.fin, map[string]any{"qty": 0}, 404, nil)
	e2e.Expect(t, "PUT", buf+"UP", w.fin, map[string]any{"qty": 0}, 200, nil)
	var bufs []channel.Buffer
	e2e.Expect(t, "GET", w.hub.URL+"/api/v1/channels/buffers", w.fin, nil, 200, &bufs)
	seen := 0
	for _, b := range bufs {
		if (b.Zone == "UP" && (b.Qty != 0 || b.Default)) || (b.Zone == "KA" && (b.Qty != channel.DefaultBuffer || !b.Default)) {
			t.Fatalf("buffer %+v", b)
		}
		if b.Zone == "UP" || b.Zone == "KA" {
			seen++
		}
	}
	if seen != 2 {
		t.Fatalf("buffers %+v: want a row for UP and one for KA", bufs)
	}
	ps := w.products("LKO1", "UP")
	a, b := ps[0], ps[1]
	w.receive("LKO1", "UP", a.SKU, a.ProducerID, 1)
	w.receive("BLR1", "UP", a.SKU, a.ProducerID, 1)
	w.receive("LKO1", "UP", b.SKU, b.ProducerID, 1)
	w.waitAvailable(a.SKU, 2)
	w.waitAvailable(b.SKU, 1)

	// LKO1 sells the last unit of each while the hub cannot hear it.
	w.link.SetCut(true)
	shift, cashier := w.shift("LKO1")
	for _, p := range []product{a, b} {
		if st := w.sell("LKO1", shift, cashier, p, 1); st != 201 {
			t.Fatalf("offline counter sale of %s: %d", p.SKU, st)
		}
	}
	o := w.order("RACE-1", "UP", map[string]any{"sku": a.SKU, "qty": 1}, map[string]any{"sku": b.SKU, "qty": 1})
	if o.Placement != channel.Accepted || o.Status != channel.LineAllocated {
		t.Fatalf("order placed: %s/%s %+v, want accepted and allocated (the hub still counts LKO1's units)", o.Placement, o.Status, o.Lines)
	}
	for _, l := range o.Lines {
		if l.Mall != "LKO1" {
			t.Fatalf("line %+v: the nearest mall to UP holding it is LKO1", l)
		}
	}
	w.link.SetCut(false)

	o = w.waitOrder("RACE-1", "LKO1's refusal and the re-allocation", func(o channel.Order) bool {
		_, moved := part(o, 1, "BLR1", channel.LineReserved)
		_, gone := part(o, 2, "LKO1", channel.LineCancelled)
		return moved && gone
	})
	old, ok := part(o, 1, "LKO1", channel.LineReallocated)
	if !ok || !strings.Contains(old.Reason, "LKO1") || !strings.Contains(old.Reason, "sold at the counter") || !strings.Contains(old.Reason, "BLR1") {
		t.Fatalf("line 1 at LKO1: %+v, want re-allocated to BLR1 with LKO1's reason", o.Lines)
	}
	cut, _ := part(o, 2, "LKO1", channel.LineCancelled)
	if !strings.Contains(cut.Reason, "sold at the counter") || !strings.Contains(cut.Reason, "no other mall") {
		t.Fatalf("line 2: reason %q, want the counter sale and no other mall", cut.Reason)
	}
	if o.Status != channel.LineReserved {
		t.Fatalf("order status %s, want reserved (its live line is reserved)", o.Status)
	}
	// Nothing was sold twice: LKO1 holds none, BLR1 its one, reserved.
	if s := w.stock("LKO1", "UP", a.SKU); s.Shelf+s.Backroom != 0 || s.Reserved != 0 {
		t.Fatalf("LKO1 stock of %s: %+v", a.SKU, s)
	}
	if s := w.stock("BLR1", "UP", a.SKU); s.Shelf+s.Backroom != 1 || s.Reserved != 1 {
		t.Fatalf("BLR1 stock of %s: %+v, want 1 held for the order", a.SKU, s)
	}
	w.waitAvailable(a.SKU, 0)

	// The reserved unit cannot go over BLR1's counter.
	bshift, bcashier := w.shift("BLR1")
	if st := w.sell("BLR1", bshift, bcashier, a, 1); st != 409 {
		t.Fatalf("counter sale of a reserved unit: %d, want 409", st)
	}

	// The channel cancels: BLR1 releases the unit and may sell it again.
	e2e.Expect(t, "POST", w.hub.URL+"/api/v1/channel/orders/RACE-1/cancel", w.key, map[string]any{"lines": []int{3}}, 400, nil)
	e2e.Expect(t, "POST", w.hub.URL+"/api/v1/channel/orders/RACE-1/cancel", w.key, map[string]any{"reason": "buyer changed their mind"}, 200, &o)
	if l, _ := part(o, 1, "BLR1", channel.LineCancelled); l.Reason != "buyer changed their mind" {
		t.Fatalf("cancelled line: %+v", o.Lines)
	}
	if o.Status != channel.OrderCancelled {
		t.Fatalf("cancelled order: %s %+v", o.Status, o.Lines)
	}
	e2eWait(t, w, func() bool { return w.stock("BLR1", "UP", a.SKU).Reserved == 0 })
	if st := w.sell("BLR1", bshift, bcashier, a, 1); st != 201 {
		t.Fatalf("counter sale after the cancellation: %d, want 201", st)
	}
}
