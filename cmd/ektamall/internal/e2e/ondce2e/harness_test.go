// Package ondce2e is issue 22's end-to-end test: a buyer app (the ondctest
// simulator) drives the ONDC flow against a hub and two malls linked over
// real NATS, all over real HTTP on 127.0.0.1.
package ondce2e

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ektamall/cmd/ektamall/internal/e2e"
	hubapp "ektamall/hub/app"
	"ektamall/hub/channel"
	"ektamall/hub/channel/ondc"
	"ektamall/hub/channel/ondc/ondctest"
	"ektamall/hub/ingest"
	"ektamall/hub/ledger/ledgertest"
	"ektamall/pos/mallapp"
	"ektamall/shared/apiclient"
	"ektamall/shared/auth"
	"ektamall/shared/ids"
	"ektamall/shared/sqlitedb"
)

const (
	password   = "ondc-e2e-pass"
	channelID  = "ondc-e2e-buyer"
	returnSecs = 3 // the hub's return window in the test
)

// world is the hub, malls LKO1 (Uttar Pradesh) and BLR1 (Karnataka), and
// a buyer app the hub knows.
type world struct {
	t     *testing.T
	hub   *hubapp.Hub
	malls map[string]*mallapp.Mall
	buyer *ondctest.Buyer
	fin   string // finance token at the hub
}

func start(t *testing.T) *world {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	buyer := ondctest.New(t, "buyer.e2e.test")
	h, err := hubapp.Open(ctx, hubapp.Config{Dir: filepath.Join(dir, "hub"), HTTP: "127.0.0.1:0", Leaf: "127.0.0.1:0",
		Synchronous: "NORMAL", ShutdownFor: 5 * time.Second, ReturnWindow: returnSecs * time.Second, MinPayout: "1.00",
		ONDCBuyerApps: []ondc.BuyerApp{buyer.App(channelID)}}, e2e.Quiet())
	if err != nil {
		t.Fatalf("open hub: %v", err)
	}
	buyer.Seller, buyer.SellerKey = h.URL+"/ondc", h.ONDC.PublicKey()
	w := &world{t: t, hub: h, malls: map[string]*mallapp.Mall{}, buyer: buyer}
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
	for _, m := range []struct{ id, state, name string }{
		{"LKO1", "UP", "PM Ekta Mall, Lucknow"},
		{"BLR1", "KA", "PM Ekta Mall, Bengaluru"},
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
			Address: "Ekta Mall, " + m.name, HTTP: "127.0.0.1:0", Hub: h.LeafURL, HubURL: h.URL, Creds: creds, Synchronous: "NORMAL",
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
	ledgertest.BankAccounts(t, h.Store) // producers can be paid
	go func() { hubDone <- h.Run(hubCtx) }()
	e2e.WaitOK(t, h.URL+"/healthz", 10*time.Second)
	for _, m := range w.malls {
		e2e.WaitOK(t, m.URL+"/healthz", 10*time.Second)
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

func (w *world) login(mall, user string) string {
	return e2e.Login(w.t, w.mallURL(mall), user, password)
}

type product struct {
	SKU        string `json:"sku"`
	Name       string `json:"name"`
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

// receive brings qty units of a product into its zone's backroom at a mall.
func (w *world) receive(mall string, p product, qty int64) {
	w.t.Helper()
	tok := w.login(mall, "zm."+lower(p.State))
	e2e.Expect(w.t, "POST", w.mallURL(mall)+"/api/v1/zones/"+p.State+"/receipts", tok,
		map[string]any{"producer_id": p.ProducerID, "lines": []any{map[string]any{"sku": p.SKU, "qty": qty}}}, 201, nil,
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

// waitAvailable waits until the channel catalog offers n of sku.
func (w *world) waitAvailable(sku string, n int64) {
	w.t.Helper()
	e2e.WaitFor(w.t, 30*time.Second, "catalog availability of "+sku, func() error {
		f, err := w.hub.Channel.Catalog(context.Background(), "")
		if err != nil {
			return err
		}
		for _, it := range f.Items {
			if it.SKU == sku && it.Available == n {
				return nil
			}
		}
		return fmt.Errorf("%s: not %d available yet", sku, n)
	})
}

// order reads the order as the hub has it.
func (w *world) order(id string) channel.Order {
	w.t.Helper()
	o, err := w.hub.Channel.Get(context.Background(), channelID, id)
	if err != nil {
		w.t.Fatal(err)
	}
	return o
}

type stockRow struct {
	SKU      string `json:"sku"`
	Shelf    int64  `json:"shelf"`
	Backroom int64  `json:"backroom"`
	Reserved int64  `json:"reserved"`
}

// stock answers a product's row of its zone's stock at a mall.
func (w *world) stock(mall string, p product) stockRow {
	w.t.Helper()
	var rows []stockRow
	e2e.Expect(w.t, "GET", w.mallURL(mall)+"/api/v1/stock?zone="+p.State, w.login(mall, "zm."+lower(p.State)), nil, 200, &rows)
	for _, r := range rows {
		if r.SKU == p.SKU {
			return r
		}
	}
	return stockRow{SKU: p.SKU}
}

// postCSV uploads a CSV to the hub as finance and decodes the 201 answer.
func (w *world) postCSV(path, body string, out any) {
	w.t.Helper()
	c := apiclient.New(w.hub.URL, nil)
	c.Token = w.fin
	resp, err := c.Send(context.Background(), "POST", path, strings.NewReader(body), apiclient.Header("Content-Type", "text/csv"))
	if err != nil {
		w.t.Fatalf("POST %s: %v", path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 201 {
		w.t.Fatalf("POST %s: %d, want 201", path, resp.StatusCode)
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		w.t.Fatal(err)
	}
}
