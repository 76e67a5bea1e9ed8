// Package chane2e tests online orders end to end on the mall side (issue
// 22): a hub and two malls linked over real NATS, the channel's JSON API
// and the malls' screens and APIs over real HTTP.
package chane2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"ektamall/cmd/ektamall/internal/e2e"
	"ektamall/cmd/ektamall/internal/e2e/twomalls"
	"ektamall/cmd/ektamall/internal/linkproxy"
	hubapp "ektamall/hub/app"
	"ektamall/hub/channel"
	"ektamall/pos/mallapp"
	"ektamall/shared/apiclient"
	"ektamall/shared/ids"
)

const password = "channel-test-pass"

// world is the hub and malls LKO1 (Uttar Pradesh, behind a link that can
// be cut) and BLR1 (Karnataka), with a channel's key.
type world struct {
	t     *testing.T
	hub   *hubapp.Hub
	malls map[string]*mallapp.Mall
	link  *linkproxy.Proxy // LKO1's leaf link, cut to take it offline
	key   string           // the channel's key
	fin   string           // finance token at the hub
}

func start(t *testing.T) *world {
	t.Helper()
	var link *linkproxy.Proxy
	tm := twomalls.Start(t, hubapp.Config{}, password, func(h *hubapp.Hub, mall string) string {
		if mall != "LKO1" {
			return h.LeafURL
		}
		var err error
		if link, err = linkproxy.New(strings.TrimPrefix(h.LeafURL, "nats-leaf://")); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(link.Close)
		return "nats-leaf://" + link.Addr
	})
	w := &world{t: t, hub: tm.Hub, malls: tm.Malls, link: link}
	var err error
	if w.key, err = w.hub.Channel.Issue(context.Background(), "test-buyer"); err != nil {
		t.Fatal(err)
	}
	w.fin = e2e.Login(t, w.hub.URL, "finance", password)
	return w
}

func (w *world) mallURL(id string) string { return w.malls[id].URL }

// login logs a mall user in.
func (w *world) login(mall, user string) string {
	return e2e.Login(w.t, w.mallURL(mall), user, password)
}

// receive brings qty units of sku into the zone's backroom at a mall.
func (w *world) receive(mall, zone, sku, producer string, qty int64) {
	w.t.Helper()
	tok := w.login(mall, "zm."+strings.ToLower(zone))
	e2e.Expect(w.t, "POST", w.mallURL(mall)+"/api/v1/zones/"+zone+"/receipts", tok,
		map[string]any{"producer_id": producer, "lines": []any{map[string]any{"sku": sku, "qty": qty}}}, 201, nil,
		apiclient.Key(ids.New()))
}

type product struct {
	SKU        string `json:"sku"`
	MRP        string `json:"mrp"`
	ProducerID string `json:"producer_id"`
	State      string `json:"state"`
}

// products answers a zone's products at a mall.
func (w *world) products(mall, zone string) []product {
	w.t.Helper()
	var ps []product
	e2e.Expect(w.t, "GET", w.mallURL(mall)+"/api/v1/products?zone="+zone, w.login(mall, "cashier"), nil, 200, &ps)
	if len(ps) < 2 {
		w.t.Fatalf("zone %s at %s has %d products", zone, mall, len(ps))
	}
	return ps
}

// shift opens a cashier's shift at a mall and answers its id and token.
func (w *world) shift(mall string) (string, string) {
	w.t.Helper()
	tok := w.login(mall, "cashier")
	var sh struct {
		ID string `json:"id"`
	}
	e2e.Expect(w.t, "POST", w.mallURL(mall)+"/api/v1/shifts", tok, map[string]any{"counter": "C01", "opening_float": "0.00"}, 201, &sh)
	return sh.ID, tok
}

// sell rings qty of a product at the counter for cash and answers the status.
func (w *world) sell(mall, shift, tok string, p product, qty int64) int {
	w.t.Helper()
	if qty != 1 {
		w.t.Fatal("sell: one unit at a time")
	}
	return e2e.Call(w.t, "POST", w.mallURL(mall)+"/api/v1/sales", tok, map[string]any{"shift_id": shift,
		"lines": []any{map[string]any{"sku": p.SKU, "qty": qty}}, "tenders": []any{map[string]any{"method": "cash", "amount": p.MRP}}},
		nil, apiclient.Key(ids.New()))
}

// order places an order through the channel's JSON API.
func (w *world) order(id string, to string, lines ...any) channel.Order {
	w.t.Helper()
	var o channel.Order
	e2e.Expect(w.t, "POST", w.hub.URL+"/api/v1/channel/orders", w.key, map[string]any{"order_id": id, "lines": lines,
		"deliver_to": map[string]any{"name": "A Buyer", "address": "12 MG Road", "state": to, "pincode": "560001"}}, 201, &o)
	return o
}

func (w *world) get(id string) channel.Order {
	w.t.Helper()
	var o channel.Order
	e2e.Expect(w.t, "GET", w.hub.URL+"/api/v1/channel/orders/"+id, w.key, nil, 200, &o)
	return o
}

// waitOrder polls the channel's view of an order until ok holds.
func (w *world) waitOrder(id, what string, ok func(channel.Order) bool) channel.Order {
	w.t.Helper()
	var o channel.Order
	e2e.WaitFor(w.t, 30*time.Second, what, func() error {
		o = w.get(id)
		if !ok(o) {
			return fmt.Errorf("order %s is %s: %+v", id, o.Status, o.Lines)
		}
		return nil
	})
	return o
}

// available is what the channel catalog offers of a SKU.
func (w *world) available(sku string) int64 {
	w.t.Helper()
	var f channel.Feed
	e2e.Expect(w.t, "GET", w.hub.URL+"/api/v1/channel/catalog", w.key, nil, 200, &f)
	for _, it := range f.Items {
		if it.SKU == sku {
			return it.Available
		}
	}
	return 0
}

func (w *world) waitAvailable(sku string, n int64) {
	w.t.Helper()
	e2e.WaitFor(w.t, 30*time.Second, "catalog availability of "+sku, func() error {
		if got := w.available(sku); got != n {
			return fmt.Errorf("%s: %d available, want %d", sku, got, n)
		}
		return nil
	})
}

type stockRow struct {
	SKU      string `json:"sku"`
	Shelf    int64  `json:"shelf"`
	Backroom int64  `json:"backroom"`
	Reserved int64  `json:"reserved"`
}

// stock answers a SKU's row of a mall's zone stock.
func (w *world) stock(mall, zone, sku string) stockRow {
	w.t.Helper()
	var rows []stockRow
	e2e.Expect(w.t, "GET", w.mallURL(mall)+"/api/v1/stock?zone="+zone, w.login(mall, "zm."+strings.ToLower(zone)), nil, 200, &rows)
	for _, r := range rows {
		if r.SKU == sku {
			return r
		}
	}
	return stockRow{SKU: sku}
}

// e2eWait polls cond for up to 30 s.
func e2eWait(t *testing.T, w *world, cond func() bool) {
	t.Helper()
	e2e.WaitFor(t, 30*time.Second, "condition", func() error {
		if !cond() {
			return fmt.Errorf("not yet")
		}
		return nil
	})
}

var errNotYet = fmt.Errorf("not yet")
