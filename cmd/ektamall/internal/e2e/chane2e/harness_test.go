// Package chane2e tests online orders end to end on the mall side (issue
// 22): a hub and two malls linked over real NATS, the channel's JSON API
// and the malls' screens and APIs over real HTTP.
package chane2e

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"ektamall/cmd/ektamall/internal/e2e"
	"ektamall/cmd/ektamall/internal/linkproxy"
	hubapp "ektamall/hub/app"
	"ektamall/hub/channel"
	"ektamall/hub/ingest"
	"ektamall/pos/mallapp"
	"ektamall/shared/apiclient"
	"ektamall/shared/auth"
	"ektamall/shared/ids"
	"ektamall/shared/sqlitedb"
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
	ctx := context.Background()
	dir := t.TempDir()
	h, err := hubapp.Open(ctx, hubapp.Config{Dir: filepath.Join(dir, "hub"), HTTP: "127.0.0.1:0", Leaf: "127.0.0.1:0",
		Synchronous: "NORMAL", ShutdownFor: 5 * time.Second}, e2e.Quiet())
	if err != nil {
		t.Fatalf("open hub: %v", err)
	}
	w := &world{t: t, hub: h, malls: map[string]*mallapp.Mall{}}
	var stops []func()
	t.Cleanup(func() {
		for i := len(stops) - 1; i >= 0; i-- {
			stops[i]()
		}
	})
	hubCtx, stopHub := context.WithCancel(ctx)
	hubDone := make(chan error, 1)
	stops = append(stops, func() {
		stopHub()
		if err := <-hubDone; err != nil {
			t.Errorf("hub shutdown: %v", err)
		}
	})
	leaf := h.LeafURL[len("nats-leaf://"):]
	link, err := linkproxy.New(leaf)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(link.Close)
	w.link = link
	for _, m := range []struct{ id, state, name, hub string }{
		{"LKO1", "UP", "PM Ekta Mall, Lucknow", "nats-leaf://" + w.link.Addr},
		{"BLR1", "KA", "PM Ekta Mall, Bengaluru", h.LeafURL},
	} {
		raw, err := h.ProvisionMall(ctx, ingest.MallInfo{ID: m.id, State: m.state, Name: m.name}, true)
		if err != nil {
			t.Fatalf("provision %s: %v", m.id, err)
		}
		creds := filepath.Join(dir, m.id+".creds")
		if err := os.WriteFile(creds, raw, 0o600); err != nil {
			t.Fatal(err)
		}
		ml, err := mallapp.Open(ctx, mallapp.Config{Dir: filepath.Join(dir, m.id), ID: m.id, State: m.state, Name: m.name,
			Address: "Ekta Mall, " + m.name, HTTP: "127.0.0.1:0", Hub: m.hub, HubURL: h.URL, Creds: creds, Synchronous: "NORMAL",
			ShutdownFor: 5 * time.Second}, e2e.Quiet())
		if err != nil {
			t.Fatalf("open %s: %v", m.id, err)
		}
		for _, u := range []struct {
			name string
			role auth.Role
			zone string
		}{{"cashier", auth.Cashier, ""}, {"zm.up", auth.ZoneManager, "UP"}, {"zm.ka", auth.ZoneManager, "KA"}} {
			createUser(t, ml.DB, ml.Auth, u.name, u.role, u.zone)
		}
		mctx, stop := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() { done <- ml.Run(mctx) }()
		stops = append(stops, func() {
			stop()
			if err := <-done; err != nil {
				t.Errorf("%s shutdown: %v", m.id, err)
			}
		})
		w.malls[m.id] = ml
	}
	createUser(t, h.DB, h.Auth, "finance", auth.Finance, "")
	go func() { hubDone <- h.Run(hubCtx) }()
	e2e.WaitOK(t, h.URL+"/healthz", 10*time.Second)
	for _, m := range w.malls {
		e2e.WaitOK(t, m.URL+"/healthz", 10*time.Second)
	}
	if w.key, err = h.Channel.Issue(ctx, "test-buyer"); err != nil {
		t.Fatal(err)
	}
	w.fin = e2e.Login(t, h.URL, "finance", password)
	return w
}

func createUser(t *testing.T, db *sqlitedb.DB, store *auth.Store, name string, role auth.Role, zone string) {
	t.Helper()
	err := db.Transact(context.Background(), func(tx *sql.Tx) error {
		_, err := store.CreateUser(context.Background(), tx, name, password, name, role, zone)
		return err
	})
	if err != nil {
		t.Fatalf("user %s: %v", name, err)
	}
}

func (w *world) mallURL(id string) string { return w.malls[id].URL }

// login logs a mall user in.
func (w *world) login(mall, user string) string {
	return e2e.Login(w.t, w.mallURL(mall), user, password)
}

// receive brings qty units of sku into the zone's backroom at a mall.
func (w *world) receive(mall, zone, sku, producer string, qty int64) {
	w.t.Helper()
	tok := w.login(mall, "zm."+lower(zone))
	e2e.Expect(w.t, "POST", w.mallURL(mall)+"/api/v1/zones/"+zone+"/receipts", tok,
		map[string]any{"producer_id": producer, "lines": []any{map[string]any{"sku": sku, "qty": qty}}}, 201, nil,
		apiclient.Key(ids.New()))
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 32
		}
	}
	return string(b)
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
	amt := fmt.Sprintf("%s", p.MRP)
	if qty != 1 {
		w.t.Fatal("sell: one unit at a time")
	}
	return e2e.Call(w.t, "POST", w.mallURL(mall)+"/api/v1/sales", tok, map[string]any{"shift_id": shift,
		"lines": []any{map[string]any{"sku": p.SKU, "qty": qty}}, "tenders": []any{map[string]any{"method": "cash", "amount": amt}}},
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
	e2e.Expect(w.t, "GET", w.mallURL(mall)+"/api/v1/stock?zone="+zone, w.login(mall, "zm."+lower(zone)), nil, 200, &rows)
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
