// Package ondce2e is issue 22's end-to-end test: a buyer app (the ondctest
// simulator) drives the ONDC flow against a hub and two malls linked over
// real NATS, all over real HTTP on 127.0.0.1.
package ondce2e

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"ektamall/cmd/ektamall/internal/e2e"
	"ektamall/cmd/ektamall/internal/e2e/twomalls"
	hubapp "ektamall/hub/app"
	"ektamall/hub/channel"
	"ektamall/hub/channel/ondc"
	"ektamall/hub/channel/ondc/ondctest"
	"ektamall/hub/ledger/ledgertest"
	"ektamall/pos/mallapp"
	"ektamall/shared/apiclient"
	"ektamall/shared/ids"
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
	buyer := ondctest.New(t, "buyer.e2e.test")
	tm := twomalls.Start(t, hubapp.Config{ReturnWindow: returnSecs * time.Second, MinPayout: "1.00",
		ONDCBuyerApps: []ondc.BuyerApp{buyer.App(channelID)}}, password, nil)
	h := tm.Hub
	buyer.Seller, buyer.SellerKey = h.URL+"/ondc", h.ONDC.PublicKey()
	ledgertest.BankAccounts(t, h.Store) // producers can be paid
	return &world{t: t, hub: h, malls: tm.Malls, buyer: buyer, fin: e2e.Login(t, h.URL, "finance", password)}
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
	tok := w.login(mall, "zm."+strings.ToLower(p.State))
	e2e.Expect(w.t, "POST", w.mallURL(mall)+"/api/v1/zones/"+p.State+"/receipts", tok,
		map[string]any{"producer_id": p.ProducerID, "lines": []any{map[string]any{"sku": p.SKU, "qty": qty}}}, 201, nil,
		apiclient.Key(ids.New()))
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
	e2e.Expect(w.t, "GET", w.mallURL(mall)+"/api/v1/stock?zone="+p.State, w.login(mall, "zm."+strings.ToLower(p.State)), nil, 200, &rows)
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
