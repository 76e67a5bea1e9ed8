package api_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"ektamall/inventory"
	"ektamall/migrations"
	"ektamall/pos/api"
	"ektamall/shared/auth"
	"ektamall/shared/catalog"
	"ektamall/shared/catalogdb"
	"ektamall/shared/ids"
	"ektamall/shared/sqlitedb"
)

// invMall is a mall's HTTP API on 127.0.0.1 with only the inventory area,
// and a logged-in token per role.
type invMall struct {
	t      *testing.T
	url    string
	db     *sqlitedb.DB
	tokens map[string]string // up, ka, admin, cashier
	key    string            // Idempotency-Key to send; "" sends a fresh one with each POST
	noKey  bool              // send no Idempotency-Key at all
}

func newInvMall(t *testing.T) *invMall {
	t.Helper()
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	db, err := sqlitedb.Open(ctx, filepath.Join(t.TempDir(), "mall.db"), sqlitedb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := migrations.Apply(ctx, db.W, migrations.Mall, log); err != nil {
		t.Fatal(err)
	}
	seed, err := catalog.LoadSeed()
	if err != nil {
		t.Fatal(err)
	}
	store := auth.NewStore(db, auth.Policy{BcryptCost: bcrypt.MinCost})
	users := map[string]struct {
		role auth.Role
		zone string
	}{"up": {auth.ZoneManager, "UP"}, "ka": {auth.ZoneManager, "KA"}, "admin": {auth.MallAdmin, ""}, "cashier": {auth.Cashier, ""}}
	err = db.Transact(ctx, func(tx *sql.Tx) error {
		if _, err := tx.Exec(`INSERT INTO mall (id, state, name, gstin, address, created_at) VALUES ('LKO1', 'UP', 'Test', '', '', ?)`,
			time.Now().UTC().Format(time.RFC3339)); err != nil {
			return err
		}
		if err := catalogdb.InsertSeed(ctx, tx, seed, true, time.Now()); err != nil {
			return err
		}
		for name, u := range users {
			if _, err := store.CreateUser(ctx, tx, "user."+name, "password-"+name, name, u.role, u.zone); err != nil {
				return err
			}
		}
		return inventory.UpsertPeerMall(ctx, tx, "LKO1", inventory.PeerMall{ID: "BLR1", State: "KA", Name: "Bengaluru"})
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(api.New(api.Deps{MallID: "LKO1", DB: db, Auth: store, Log: log,
		Inventory: api.InventoryDeps{Stock: inventory.New(db, "LKO1")}}))
	t.Cleanup(srv.Close)
	m := &invMall{t: t, url: srv.URL, db: db, tokens: map[string]string{}}
	for name := range users {
		var out struct{ Token string }
		m.must(m.call("", "POST", "/api/v1/auth/login", map[string]string{"username": "user." + name, "password": "password-" + name}, &out), 200)
		m.tokens[name] = out.Token
	}
	return m
}

// call sends body (JSON, or raw when it is a rawBody) as who and decodes
// the answer into out; it returns the status.
func (m *invMall) call(who, method, path string, body, out any) int {
	m.t.Helper()
	var rd io.Reader
	ctype := "application/json"
	switch b := body.(type) {
	case nil:
	case rawBody:
		rd, ctype = strings.NewReader(b.data), b.ctype
	default:
		js, _ := json.Marshal(b)
		rd = bytes.NewReader(js)
	}
	req, err := http.NewRequest(method, m.url+path, rd)
	if err != nil {
		m.t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", ctype)
	}
	if who != "" {
		req.Header.Set("Authorization", "Bearer "+m.tokens[who])
	}
	switch {
	case m.noKey:
	case m.key != "":
		req.Header.Set("Idempotency-Key", m.key)
	case method == http.MethodPost:
		req.Header.Set("Idempotency-Key", ids.New())
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		m.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 400 {
		var e struct {
			Error struct{ Code, Message string }
		}
		if json.Unmarshal(raw, &e) != nil || e.Error.Code == "" || e.Error.Message == "" {
			m.t.Fatalf("%s %s: %d without an error body: %s", method, path, resp.StatusCode, raw)
		}
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			m.t.Fatalf("%s %s: %d %s: %v", method, path, resp.StatusCode, raw, err)
		}
	}
	return resp.StatusCode
}

type rawBody struct{ ctype, data string }

func (m *invMall) must(status, want int) {
	m.t.Helper()
	if status != want {
		m.t.Fatalf("status %d, want %d", status, want)
	}
}

// state is what a refused request must leave untouched.
func (m *invMall) state() string {
	m.t.Helper()
	var s string
	if err := m.db.R.QueryRow(`SELECT (SELECT count(*) FROM stock_moves) || '/' || (SELECT count(*) FROM outbox) || '/' ||
		(SELECT count(*) FROM grns) || '/' || (SELECT count(*) FROM transfers) || '/' || (SELECT count(*) FROM counts) || '/' ||
		(SELECT count(*) FROM reorder_points) || '/' || (SELECT count(*) FROM stock_exceptions WHERE resolved_at IS NULL) || '/' ||
		(SELECT count(*) FROM peer_malls) || '/' || (SELECT count(*) FROM count_lines WHERE counted IS NOT NULL)`).Scan(&s); err != nil {
		m.t.Fatal(err)
	}
	return s
}

func (m *invMall) sell(sku, zone string, n int64) {
	m.t.Helper()
	ctx := context.Background()
	if err := m.db.Transact(ctx, func(tx *sql.Tx) error {
		return inventory.SellOut(ctx, tx, "LKO1", sku, zone, n, "INV-T", "cashier", time.Now())
	}); err != nil {
		m.t.Fatal(err)
	}
}

const (
	upSKU   = "UP-MBD-001"
	upSKU2  = "UP-MBD-002"
	upProd  = "PR-UP-MORADABAD-01"
	jsonCSV = "text/csv"
)

func kaProduct(t *testing.T, db *sqlitedb.DB) (sku, producer string) {
	if err := db.R.QueryRow(`SELECT sku, producer_id FROM products WHERE state = 'KA' ORDER BY sku LIMIT 1`).Scan(&sku, &producer); err != nil {
		t.Fatal(err)
	}
	return sku, producer
}

// Every inventory endpoint refuses the UP manager on KA's zone and SKUs,
// cashiers on every stock change, and non-admins on admin endpoints; each
// refusal is a 403 with the error body and changes nothing.
func TestInventoryScopeEveryEndpoint(t *testing.T) {
	m := newInvMall(t)
	kaSKU, kaProd := kaProduct(t, m.db)
	var grn struct{ ID string }
	m.must(m.call("ka", "POST", "/api/v1/zones/KA/receipts", map[string]any{"producer_id": kaProd, "lines": []any{map[string]any{"sku": kaSKU, "qty": 5}}}, &grn), 201)
	m.must(m.call("up", "POST", "/api/v1/zones/UP/receipts", map[string]any{"producer_id": upProd, "lines": []any{map[string]any{"sku": upSKU, "qty": 5}}}, nil), 201)
	var count struct{ ID string }
	m.must(m.call("ka", "POST", "/api/v1/zones/KA/counts", map[string]any{"skus": []string{kaSKU}}, &count), 201)
	incoming := map[string]any{"transfer_id": "0190a0a0-0000-7000-8000-0000000000aa", "from_mall": "BLR1", "to_mall": "LKO1", "zone": "KA",
		"lines": []any{map[string]any{"sku": kaSKU, "qty": 2}}, "by": "blr", "at": time.Now()}
	m.must(m.call("admin", "POST", "/api/v1/transfers/incoming", incoming, nil), 201)
	m.sell(kaSKU, "KA", 9) // 4 short: an exception for KA
	var excs []struct{ ID string }
	m.must(m.call("ka", "GET", "/api/v1/zones/KA/exceptions", nil, &excs), 200)
	if len(excs) != 1 {
		t.Fatalf("KA exceptions = %d", len(excs))
	}
	kaLine := map[string]any{"lines": []any{map[string]any{"sku": kaSKU, "qty": 1}}}
	csv := rawBody{jsonCSV, "sku,qty\n" + kaSKU + ",1\n"}
	type req struct {
		who, method, path string
		body              any
	}
	refused := []req{
		{"up", "GET", "/api/v1/stock?zone=KA", nil},
		{"up", "GET", "/api/v1/stock/" + kaSKU + "/moves", nil},
		{"up", "GET", "/api/v1/zones/KA/receipts", nil},
		{"up", "POST", "/api/v1/zones/KA/receipts", map[string]any{"producer_id": kaProd, "lines": kaLine["lines"]}},
		{"up", "POST", "/api/v1/zones/KA/receipts/import?producer_id=" + kaProd, csv},
		{"up", "POST", "/api/v1/zones/KA/restock", kaLine},
		{"up", "POST", "/api/v1/zones/UP/restock", kaLine}, // a KA SKU in the UP zone
		{"up", "POST", "/api/v1/zones/KA/damage", map[string]any{"from": "backroom", "reason": "x", "lines": kaLine["lines"]}},
		{"up", "GET", "/api/v1/zones/KA/transfers", nil},
		{"up", "POST", "/api/v1/zones/KA/transfers", map[string]any{"to_mall": "BLR1", "lines": kaLine["lines"]}},
		{"up", "GET", "/api/v1/zones/KA/counts", nil},
		{"up", "POST", "/api/v1/zones/KA/counts", map[string]any{}},
		{"up", "GET", "/api/v1/zones/KA/reorder-points", nil},
		{"up", "PUT", "/api/v1/zones/KA/reorder-points/" + kaSKU, map[string]any{"reorder_point": 3}},
		{"up", "PUT", "/api/v1/zones/UP/reorder-points/" + kaSKU, map[string]any{"reorder_point": 3}},
		{"up", "GET", "/api/v1/zones/KA/low-stock", nil},
		{"up", "GET", "/api/v1/zones/KA/exceptions", nil},
		{"up", "GET", "/api/v1/receipts/" + grn.ID, nil},
		{"up", "GET", "/api/v1/transfers/" + incoming["transfer_id"].(string), nil},
		{"up", "POST", "/api/v1/transfers/" + incoming["transfer_id"].(string) + "/receive", map[string]any{"lines": []any{map[string]any{"sku": kaSKU, "qty": 2}}}},
		{"up", "GET", "/api/v1/counts/" + count.ID, nil},
		{"up", "POST", "/api/v1/counts/" + count.ID + "/submit", map[string]any{"lines": []any{map[string]any{"sku": kaSKU, "location": "shelf", "counted": 1}}}},
		{"up", "POST", "/api/v1/counts/" + count.ID + "/post", nil},
		{"up", "POST", "/api/v1/exceptions/" + excs[0].ID + "/resolve", map[string]any{"resolution": "x"}},
		{"up", "GET", "/api/v1/stock/check", nil},
		{"up", "POST", "/api/v1/transfers/incoming", incoming},
		{"up", "POST", "/api/v1/peer-malls", map[string]any{"id": "DEL1", "state": "DL"}},
	}
	upLine := map[string]any{"lines": []any{map[string]any{"sku": upSKU, "qty": 1}}}
	for _, r := range []req{
		{"cashier", "POST", "/api/v1/zones/UP/receipts", map[string]any{"producer_id": upProd, "lines": upLine["lines"]}},
		{"cashier", "POST", "/api/v1/zones/UP/receipts/import?producer_id=" + upProd, rawBody{jsonCSV, "sku,qty\n" + upSKU + ",1\n"}},
		{"cashier", "POST", "/api/v1/zones/UP/restock", upLine},
		{"cashier", "POST", "/api/v1/zones/UP/damage", map[string]any{"from": "backroom", "reason": "x", "lines": upLine["lines"]}},
		{"cashier", "POST", "/api/v1/zones/UP/transfers", map[string]any{"to_mall": "BLR1", "lines": upLine["lines"]}},
		{"cashier", "POST", "/api/v1/zones/UP/counts", map[string]any{}},
		{"cashier", "PUT", "/api/v1/zones/UP/reorder-points/" + upSKU, map[string]any{"reorder_point": 3}},
		{"cashier", "POST", "/api/v1/counts/" + count.ID + "/post", nil},
		{"cashier", "POST", "/api/v1/exceptions/" + excs[0].ID + "/resolve", map[string]any{"resolution": "x"}},
		{"cashier", "POST", "/api/v1/transfers/incoming", incoming},
		{"cashier", "GET", "/api/v1/stock/check", nil},
	} {
		refused = append(refused, r)
	}
	for _, r := range refused {
		t.Run(r.who+" "+r.method+" "+r.path, func(t *testing.T) {
			m.t = t
			before := m.state()
			var e struct{ Error struct{ Code string } }
			if st := m.call(r.who, r.method, r.path, r.body, &e); st != 403 || e.Error.Code != "forbidden" {
				t.Fatalf("status %d code %q, want 403 forbidden", st, e.Error.Code)
			}
			if after := m.state(); after != before {
				t.Fatalf("a refused request changed the database: %s -> %s", before, after)
			}
		})
	}
	m.t = t
	// What each may do: the KA manager their own zone, the cashier read stock, the admin everything.
	m.must(m.call("cashier", "GET", "/api/v1/stock?zone=KA", nil, nil), 200)
	m.must(m.call("cashier", "GET", "/api/v1/stock/"+upSKU+"/moves", nil, nil), 200)
	m.must(m.call("ka", "POST", "/api/v1/counts/"+count.ID+"/submit", map[string]any{"lines": []any{
		map[string]any{"sku": kaSKU, "location": "shelf", "counted": 0}, map[string]any{"sku": kaSKU, "location": "backroom", "counted": 0}}}, nil), 200)
	m.must(m.call("ka", "POST", "/api/v1/counts/"+count.ID+"/post", nil, nil), 200)
	var check struct {
		OK         bool
		Mismatches []any
	}
	m.must(m.call("admin", "GET", "/api/v1/stock/check", nil, &check), 200)
	if !check.OK || len(check.Mismatches) != 0 {
		t.Fatalf("check = %+v", check)
	}
}

// The "done when", over HTTP: the UP manager receives Moradabad
// brassware, restocks, a cashier sells, the moves and the low-stock list
// change, the zone is counted and the variance posted.
func TestInventoryZoneManagerDay(t *testing.T) {
	m := newInvMall(t)
	var g struct {
		No       string
		TotalQty int64 `json:"total_qty"`
		Lines    []struct{ SKU string }
	}
	m.must(m.call("up", "POST", "/api/v1/zones/UP/receipts", map[string]any{"producer_id": upProd, "lines": []any{
		map[string]any{"sku": upSKU, "qty": 12}, map[string]any{"sku": upSKU2, "qty": 6}}}, &g), 201)
	if g.TotalQty != 18 || len(g.Lines) != 2 {
		t.Fatalf("grn = %+v", g)
	}
	m.must(m.call("up", "POST", "/api/v1/zones/UP/restock", map[string]any{"lines": []any{map[string]any{"sku": upSKU, "qty": 8}}}, nil), 201)
	var e struct{ Error struct{ Code string } }
	m.must(m.call("up", "POST", "/api/v1/zones/UP/restock", map[string]any{"lines": []any{map[string]any{"sku": upSKU, "qty": 5}}}, &e), 409)
	m.must(m.call("up", "POST", "/api/v1/zones/UP/restock", map[string]any{"lines": []any{map[string]any{"sku": upSKU, "qty": 0}}}, nil), 400)
	m.must(m.call("up", "PUT", "/api/v1/zones/UP/reorder-points/"+upSKU, map[string]any{"reorder_point": 6}, nil), 200)
	m.sell(upSKU, "UP", 7)

	var stock []map[string]any
	m.must(m.call("up", "GET", "/api/v1/stock?zone=UP", nil, &stock), 200)
	var row map[string]any
	for _, r := range stock {
		if r["sku"] == upSKU {
			row = r
		}
	}
	keys := []string{}
	for k := range row {
		keys = append(keys, k)
	}
	if len(row) != 9 || row["reserved"] != 0.0 || row["available"] != 5.0 || row["shelf"] != 1.0 || row["backroom"] != 4.0 || row["damaged"] != 0.0 || row["reorder_point"] != 6.0 || row["low"] != true {
		t.Fatalf("stock row (fields %v) = %v", keys, row)
	}
	var moves []struct {
		Kind string
		Qty  int64
		From string
	}
	m.must(m.call("up", "GET", "/api/v1/stock/"+upSKU+"/moves", nil, &moves), 200)
	if len(moves) != 3 || moves[0].Kind != "sale" || moves[2].Kind != "receipt" {
		t.Fatalf("moves = %+v", moves)
	}
	var low []struct {
		SKU          string
		SuggestedQty int64 `json:"suggested_qty"`
	}
	m.must(m.call("up", "GET", "/api/v1/zones/UP/low-stock", nil, &low), 200)
	if len(low) != 1 || low[0].SKU != upSKU || low[0].SuggestedQty != 6-5+7 {
		t.Fatalf("low stock = %+v", low)
	}

	var c struct {
		ID    string
		Lines []struct {
			SKU      string
			Location string
			Expected *int64
		}
		Report *struct {
			UnitsShort int64 `json:"units_short"`
		}
	}
	m.must(m.call("up", "POST", "/api/v1/zones/UP/counts", map[string]any{"blind": true}, &c), 201)
	var entries []any
	for _, l := range c.Lines {
		if l.Expected != nil {
			t.Fatalf("a blind count shows the expected quantity of %s", l.SKU)
		}
		n := 0
		switch {
		case l.SKU == upSKU && l.Location == "backroom":
			n = 3 // one vase missing
		case l.SKU == upSKU:
			n = 1
		case l.SKU == upSKU2 && l.Location == "backroom":
			n = 6
		}
		entries = append(entries, map[string]any{"sku": l.SKU, "location": l.Location, "counted": n})
	}
	m.must(m.call("up", "POST", "/api/v1/counts/"+c.ID+"/submit", map[string]any{"lines": entries}, nil), 200)
	m.must(m.call("ka", "POST", "/api/v1/counts/"+c.ID+"/post", nil, nil), 403)
	m.must(m.call("up", "POST", "/api/v1/counts/"+c.ID+"/post", nil, &c), 200)
	if c.Report == nil || c.Report.UnitsShort != 1 {
		t.Fatalf("variance report = %+v", c.Report)
	}
	m.must(m.call("up", "POST", "/api/v1/counts/"+c.ID+"/post", nil, nil), 409)
	m.must(m.call("up", "GET", "/api/v1/stock?zone=UP", nil, &stock), 200)
	for _, r := range stock {
		if r["sku"] == upSKU && (r["shelf"] != 1.0 || r["backroom"] != 3.0) {
			t.Fatalf("after the count: %v", r)
		}
	}
}

func TestInventoryCSVUpload(t *testing.T) {
	m := newInvMall(t)
	var bad struct {
		Error struct {
			Code    string
			BadRows int `json:"bad_rows"`
			Rows    []struct {
				Line    int
				Message string
			}
		}
	}
	before := m.state()
	body := "sku,qty\n" + upSKU + ",3\nUP-NOPE-9,1\n" + upSKU2 + ",-2\n" + upSKU2 + ",4\n"
	m.must(m.call("up", "POST", "/api/v1/zones/UP/receipts/import?producer_id="+upProd, rawBody{"text/csv", body}, &bad), 400)
	if bad.Error.Code != "invalid" || bad.Error.BadRows != 2 || len(bad.Error.Rows) != 2 || bad.Error.Rows[0].Line != 3 || bad.Error.Rows[1].Line != 4 {
		t.Fatalf("bad CSV answer = %+v", bad)
	}
	if m.state() != before {
		t.Fatal("a bad CSV changed the database")
	}
	// A large consignment as a multipart upload, as browsers send it.
	var sb strings.Builder
	sb.WriteString("sku,qty\n")
	for i := range 20000 {
		fmt.Fprintf(&sb, "%s,%d\n", []string{upSKU, upSKU2}[i%2], 1+i%5)
	}
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField("producer_id", upProd)
	fw, _ := mw.CreateFormFile("file", "consignment.csv")
	_, _ = io.WriteString(fw, sb.String())
	mw.Close()
	var g struct {
		Source   string
		TotalQty int64 `json:"total_qty"`
		Lines    []any
	}
	m.must(m.call("up", "POST", "/api/v1/zones/UP/receipts/import", rawBody{mw.FormDataContentType(), buf.String()}, &g), 201)
	if g.Source != "csv" || len(g.Lines) != 20000 || g.TotalQty != 60000 {
		t.Fatalf("imported grn: source %s, %d lines, %d units", g.Source, len(g.Lines), g.TotalQty)
	}
	m.must(m.call("up", "POST", "/api/v1/zones/UP/receipts/import?producer_id="+upProd, rawBody{"application/json", `{"sku":1}`}, nil), 415)
}

func TestInventoryIdempotencyKeyOverHTTP(t *testing.T) {
	m := newInvMall(t)
	body := map[string]any{"producer_id": upProd, "lines": []any{map[string]any{"sku": upSKU, "qty": 4}}}
	var first, again struct {
		ID     string
		Replay bool
	}
	m.key = "0190a0a0-0000-7000-8000-0000000000k1"
	m.must(m.call("up", "POST", "/api/v1/zones/UP/receipts", body, &first), 201)
	m.must(m.call("up", "POST", "/api/v1/zones/UP/receipts", body, &again), 200)
	if again.ID != first.ID || !again.Replay {
		t.Fatalf("retry = %+v, first %+v", again, first)
	}
	m.must(m.call("up", "POST", "/api/v1/zones/UP/receipts", map[string]any{"producer_id": upProd, "lines": []any{map[string]any{"sku": upSKU, "qty": 5}}}, nil), 409)
	m.key = "bad key!"
	m.must(m.call("up", "POST", "/api/v1/zones/UP/restock", map[string]any{"lines": []any{map[string]any{"sku": upSKU, "qty": 1}}}, nil), 400)
	m.key = ""
	var stock []struct {
		SKU      string
		Backroom int64
	}
	m.must(m.call("up", "GET", "/api/v1/stock", nil, &stock), 200)
	for _, r := range stock {
		if r.SKU == upSKU && r.Backroom != 4 {
			t.Fatalf("backroom after a retried receipt = %d, want 4", r.Backroom)
		}
	}
}

// A write that a retry would double needs an Idempotency-Key; receipts and
// restock keep it optional, as CONTRACT.md has them. With a key, a retried
// write-off comes back as the first one and moves nothing again.
func TestInventoryKeyRequiredWhereARetryDoubles(t *testing.T) {
	m := newInvMall(t)
	lines := []any{map[string]any{"sku": upSKU, "qty": 1}}
	m.must(m.call("up", "POST", "/api/v1/zones/UP/receipts", map[string]any{"producer_id": upProd, "lines": []any{map[string]any{"sku": upSKU, "qty": 9}}}, nil), 201)

	m.noKey = true
	before := m.state()
	for _, r := range []struct {
		path string
		body any
	}{
		{"/api/v1/zones/UP/damage", map[string]any{"from": "backroom", "reason": "cracked", "lines": lines}},
		{"/api/v1/zones/UP/transfers", map[string]any{"to_mall": "BLR1", "lines": lines}},
		{"/api/v1/zones/UP/counts", map[string]any{}},
		{"/api/v1/zones/UP/receipts/import?producer_id=" + upProd, rawBody{"text/csv", "sku,qty\n" + upSKU + ",1\n"}},
	} {
		m.must(m.call("up", "POST", r.path, r.body, nil), 400)
	}
	if after := m.state(); after != before {
		t.Fatalf("refused writes without a key changed %s to %s", before, after)
	}
	m.must(m.call("up", "POST", "/api/v1/zones/UP/receipts", map[string]any{"producer_id": upProd, "lines": lines}, nil), 201)
	m.must(m.call("up", "POST", "/api/v1/zones/UP/restock", map[string]any{"lines": lines}, nil), 201)

	m.noKey, m.key = false, "0190a0a0-0000-7000-8000-0000000000d1"
	var first, again struct {
		ID     string
		Replay bool
	}
	damage := map[string]any{"from": "backroom", "reason": "cracked", "lines": lines}
	m.must(m.call("up", "POST", "/api/v1/zones/UP/damage", damage, &first), 202) // waits for a mall admin
	moved := m.state()
	m.must(m.call("up", "POST", "/api/v1/zones/UP/damage", damage, &again), 200)
	if again.ID != first.ID || !again.Replay || m.state() != moved {
		t.Fatalf("retried write-off = %+v (first %+v), state %s then %s", again, first, moved, m.state())
	}
}
