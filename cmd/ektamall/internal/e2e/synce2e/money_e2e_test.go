package synce2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"ektamall/cmd/ektamall/internal/e2e"
	hubapp "ektamall/hub/app"
	"ektamall/hub/ingest"
	"ektamall/pos/mallapp"
	"ektamall/shared/apiclient"
	"ektamall/shared/auth"
	"ektamall/shared/sqldb"
)

// apps is a real hub and one mall (LKO1) in-process, linked over embedded
// NATS, with a finance login at the hub and a mall admin at the mall.
type apps struct {
	hub             *hubapp.Hub
	mall            *mallapp.Mall
	hubTok, mallTok string
	adminTok        string // the hub admin, who owns the catalog
	hubURL, mallURL string
}

func startApps(t *testing.T) *apps {
	t.Helper()
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	h, err := hubapp.Open(ctx, hubapp.Config{Dir: filepath.Join(dir, "hub"), DB: testHubDB(t), HTTP: "127.0.0.1:0", Leaf: "127.0.0.1:0",
		Synchronous: "FULL", ShutdownFor: 5 * time.Second}, e2e.Quiet())
	if err != nil {
		t.Fatal(err)
	}
	creds, err := h.ProvisionMall(ctx, ingest.MallInfo{ID: "LKO1", State: "UP"}, false)
	if err != nil {
		t.Fatal(err)
	}
	credsPath := filepath.Join(dir, "LKO1.creds")
	if err := os.WriteFile(credsPath, creds, 0o600); err != nil {
		t.Fatal(err)
	}
	m, err := mallapp.Open(ctx, mallapp.Config{Dir: filepath.Join(dir, "LKO1"), ID: "LKO1", State: "UP", HTTP: "127.0.0.1:0",
		Hub: h.LeafURL, Creds: credsPath, Synchronous: "FULL", ShutdownFor: 5 * time.Second}, e2e.Quiet())
	if err != nil {
		h.Close()
		t.Fatal(err)
	}
	done := make(chan struct{}, 2)
	go func() { m.Run(ctx); done <- struct{}{} }()
	go func() { h.Run(ctx); done <- struct{}{} }()
	t.Cleanup(func() { cancel(); <-done; <-done })
	for _, u := range []struct {
		store *auth.Store
		db    sqldb.DB
		name  string
		role  auth.Role
	}{{h.Auth, h.Store, "fin", auth.Finance}, {h.Auth, h.Store, "hadm", auth.HubAdmin}, {m.Auth, sqldb.FromSQLite(m.DB), "adm", auth.MallAdmin}} {
		if err := u.db.Transact(ctx, func(tx sqldb.Tx) error {
			_, err := u.store.CreateUser(ctx, tx, u.name, "pass-word-123", u.name, u.role, "")
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	return &apps{hub: h, mall: m, hubTok: syncLogin(t, h.URL, "fin"), adminTok: syncLogin(t, h.URL, "hadm"), mallTok: syncLogin(t, m.URL, "adm"),
		hubURL: h.URL, mallURL: m.URL}
}

// keyedCall sends a JSON POST with a fresh Idempotency-Key.
func keyedCall(t *testing.T, url, tok string, body any, want int, out any) {
	t.Helper()
	e2e.Expect(t, "POST", url, tok, body, want, out, apiclient.Key(uuid.NewString()))
}

// Issue 14 item 3: a return naming one sale line twice (one entry per
// scanned unit) is one credit-note line at the mall, and the hub books it
// into the ledger instead of parking it, so the producer is not paid for
// returned goods.
func TestReturnSameSaleLineTwiceReachesHubLedger(t *testing.T) {
	a := startApps(t)
	var sh struct{ ID string }
	keyedCall(t, a.mallURL+"/api/v1/shifts", a.mallTok, map[string]any{"counter": "C01", "opening_float": "1000.00"}, 201, &sh)
	var sale struct {
		ID    string
		Total string
	}
	keyedCall(t, a.mallURL+"/api/v1/sales", a.mallTok, map[string]any{"shift_id": sh.ID,
		"lines":   []any{map[string]any{"sku": "UP-AMT-001", "qty": 3}, map[string]any{"sku": "UP-ALG-001", "qty": 1}},
		"tenders": []any{map[string]any{"method": "cash", "amount": "2000.00"}}}, 201, &sale)
	var cn struct {
		ID    string
		Total string
		Lines []struct {
			SaleLineNo int `json:"sale_line_no"`
			Qty        int64
			Amount     string
		}
	}
	keyedCall(t, a.mallURL+"/api/v1/returns", a.mallTok, map[string]any{"sale_id": sale.ID, "refund_method": "cash",
		"lines": []any{map[string]any{"sku": "UP-AMT-001", "qty": 1}, map[string]any{"sku": "UP-AMT-001", "qty": 1}}}, 201, &cn)
	if len(cn.Lines) != 1 || cn.Lines[0].SaleLineNo != 1 || cn.Lines[0].Qty != 2 || cn.Total != "798.00" {
		t.Fatalf("credit note %+v, want one line of 2 units of sale line 1 for 798.00", cn)
	}
	// A third unit may still come back; a fourth may not.
	keyedCall(t, a.mallURL+"/api/v1/returns", a.mallTok, map[string]any{"sale_id": sale.ID, "refund_method": "cash",
		"lines": []any{map[string]any{"sku": "UP-AMT-001", "qty": 1}, map[string]any{"sku": "UP-AMT-001", "qty": 1}}}, 409, nil)

	e2e.WaitFor(t, 20*time.Second, "the return booked at the hub", func() error {
		var n int
		var qty, amount int64
		err := a.hub.Store.Reader().QueryRowContext(context.Background(), `SELECT count(*), COALESCE(SUM(qty), 0), COALESCE(SUM(amount), 0) FROM hub_return_lines
			WHERE mall = 'LKO1' AND return_id = ?`, cn.ID).Scan(&n, &qty, &amount)
		if err != nil {
			return err
		}
		if n != 1 || qty != 2 || amount != 79800 {
			return fmt.Errorf("hub return lines: %d rows, %d units, %d paise", n, qty, amount)
		}
		return nil
	})
	var parked []any
	e2e.Expect(t, "GET", a.hubURL+"/api/v1/parked", a.hubTok, nil, 200, &parked)
	if len(parked) != 0 {
		t.Fatalf("parked at the hub: %v", parked)
	}
	var bal map[string]string
	e2e.Expect(t, "GET", a.hubURL+"/api/v1/ledger/balance", a.hubTok, nil, 200, &bal)
	if bal["debits"] != bal["credits"] {
		t.Fatalf("ledger %v", bal)
	}
}

// Issue 14 item 11: the hub's catalog API refuses a product without a GST
// rate (or any other field a sale reads) and a tax-rate change without a
// rate, instead of publishing 0% GST to every mall; a complete product
// still flows to the mall with its rate.
func TestProductWithoutGSTRateRefused(t *testing.T) {
	a := startApps(t)
	prod := loadSeed(t).Products[3]
	full := map[string]any{"sku": prod.SKU, "name": prod.Name + " (new edition)", "barcode": prod.Barcode, "hsn": prod.HSN,
		"gst_rate": prod.GSTRate.String(), "mrp": prod.MRP.String(), "state": prod.State, "district_id": prod.DistrictID,
		"producer_id": prod.ProducerID, "gi": prod.GI, "category": prod.Category}
	without := func(field string) map[string]any {
		out := map[string]any{}
		for k, v := range full {
			if k != field {
				out[k] = v
			}
		}
		return out
	}
	for _, f := range []string{"gst_rate", "mrp", "hsn", "state", "district_id", "producer_id", "gi", "name", "barcode", "category"} {
		var e struct {
			Error struct{ Code, Message string }
		}
		e2e.Expect(t, "POST", a.hubURL+"/api/v1/catalog/products", a.adminTok, without(f), 400, &e)
		if e.Error.Code != "invalid" || !strings.Contains(e.Error.Message, f) {
			t.Fatalf("product without %s: %+v", f, e)
		}
	}
	nul := without("gst_rate")
	nul["gst_rate"] = nil
	e2e.Expect(t, "POST", a.hubURL+"/api/v1/catalog/products", a.adminTok, nul, 400, nil)
	e2e.Expect(t, "POST", a.hubURL+"/api/v1/catalog/tax-rates", a.adminTok, map[string]any{"hsn": prod.HSN}, 400, nil)
	var changes []any
	e2e.Expect(t, "GET", a.hubURL+"/api/v1/catalog/changes", a.hubTok, nil, 200, &changes)
	if len(changes) != 0 {
		t.Fatalf("refused changes were published: %v", changes)
	}
	var bp int64
	if err := a.hub.Store.Reader().QueryRowContext(context.Background(), `SELECT gst_rate_bp FROM products WHERE sku = ?`, prod.SKU).Scan(&bp); err != nil || bp != prod.GSTRate.BasisPoints() {
		t.Fatalf("hub rate of %s: %d bp (%v), want %d", prod.SKU, bp, err, prod.GSTRate.BasisPoints())
	}
	e2e.Expect(t, "POST", a.hubURL+"/api/v1/catalog/products", a.adminTok, full, 201, nil)
	e2e.WaitFor(t, 10*time.Second, "the product at the mall", func() error {
		var p map[string]any
		e2e.Expect(t, "GET", a.mallURL+"/api/v1/products/"+prod.SKU, a.mallTok, nil, 200, &p)
		if p["name"] != full["name"] || p["gst_rate"] != prod.GSTRate.String() {
			return fmt.Errorf("mall has %v", p)
		}
		return nil
	})
}
