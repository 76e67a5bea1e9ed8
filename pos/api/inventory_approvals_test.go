package api_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"ektamall/inventory"
	"ektamall/shared/events"
)

// Issue 20 item 5: a zone manager's damage write-off or return to the
// producer waits for a mall admin. Until approved nothing moves and no
// event goes to the hub; the admin approves on /manage (their own login)
// or types their credentials on the zone manager's screen; a cashier's or
// a wrong password approves nothing; a declined request never moves; each
// step is in the audit log; the approved write-off carries its cause to
// the hub.
func TestStockRequestsNeedAMallAdmin(t *testing.T) {
	m := newInvMall(t)
	m.must(m.call("up", "POST", "/api/v1/zones/UP/receipts", map[string]any{"producer_id": upProd,
		"lines": []any{map[string]any{"sku": upSKU, "qty": 9}}}, nil), 201)
	line := []any{map[string]any{"sku": upSKU, "qty": 2}}
	balance := func(loc string) (n int64) {
		t.Helper()
		if err := m.db.R.QueryRow(`SELECT COALESCE(SUM(qty), 0) FROM stock WHERE sku = ? AND location = ?`, upSKU, loc).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}

	// Asked without a reason: refused. Asked properly: pending, nothing moved or sent.
	m.must(m.call("up", "POST", "/api/v1/zones/UP/damage", map[string]any{"from": "backroom", "lines": line}, nil), 400)
	m.must(m.call("up", "POST", "/api/v1/zones/UP/damage", map[string]any{"from": "backroom", "reason": "x", "cause": "dropped", "lines": line}, nil), 400)
	before := m.state()
	var req inventory.StockRequest
	m.must(m.call("up", "POST", "/api/v1/zones/UP/damage", map[string]any{"from": "backroom", "reason": "crate crushed in the backroom",
		"lines": line}, &req), 202)
	if req.Status != "pending" || req.Cause != inventory.CauseInStore || req.ID == "" {
		t.Fatalf("request %+v", req)
	}
	if m.state() != before || balance("damaged") != 0 {
		t.Fatalf("a pending write-off moved stock or sent an event: %s → %s", before, m.state())
	}

	// Refused approvals: the zone manager alone, a cashier's password, a wrong one.
	approve := "/api/v1/stock-requests/" + req.ID + "/approve"
	m.must(m.call("up", "POST", approve, nil, nil), 403)
	m.must(m.call("up", "POST", approve, map[string]any{"approver": map[string]string{"username": "user.cashier", "password": "password-cashier"}}, nil), 403)
	m.must(m.call("up", "POST", approve, map[string]any{"approver": map[string]string{"username": "user.admin", "password": "wrong"}}, nil), 403)
	m.must(m.call("ka", "POST", approve, map[string]any{"approver": map[string]string{"username": "user.admin", "password": "password-admin"}}, nil), 403)
	m.must(m.call("cashier", "GET", "/api/v1/stock-requests", nil, nil), 403)
	if m.state() != before {
		t.Fatalf("a refused approval moved stock: %s → %s", before, m.state())
	}

	// The admin sees it pending on /manage; the zone manager's screen takes the admin's password.
	var pending []inventory.StockRequest
	m.must(m.call("admin", "GET", "/api/v1/stock-requests?status=pending", nil, &pending), 200)
	if len(pending) != 1 || pending[0].ID != req.ID || pending[0].RequestedBy != "user.up" {
		t.Fatalf("pending %+v", pending)
	}
	var done inventory.StockRequest
	m.must(m.call("up", "POST", approve, map[string]any{"approver": map[string]string{"username": "user.admin", "password": "password-admin"}}, &done), 200)
	if done.Status != "approved" || done.DecidedBy != "user.admin" || done.MovementID == "" || balance("damaged") != 2 || balance("backroom") != 7 {
		t.Fatalf("approved %+v; damaged %d backroom %d", done, balance("damaged"), balance("backroom"))
	}
	m.must(m.call("admin", "POST", approve, nil, nil), 409)
	var env struct{ Payload events.StockMove }
	var raw string
	if err := m.db.R.QueryRow(`SELECT payload FROM outbox WHERE type = ? ORDER BY seq DESC LIMIT 1`, events.StockMoved).Scan(&raw); err != nil {
		t.Fatal(err)
	}
	ev := &env.Payload
	if err := json.Unmarshal([]byte(raw), &env); err != nil || ev.Kind != "damage" || ev.Cause != inventory.CauseInStore || ev.Ref != done.MovementID ||
		ev.Note != "crate crushed in the backroom" {
		t.Fatalf("event %+v %v", ev, err)
	}

	// A return to the producer, declined with a reason: nothing moves, and it cannot be approved after.
	var ret inventory.StockRequest
	m.must(m.call("up", "POST", "/api/v1/zones/UP/producer-returns", map[string]any{"producer_id": upProd, "from": "damaged", "reason": "producer collects",
		"lines": line}, &ret), 202)
	mid := m.state()
	m.must(m.call("up", "POST", "/api/v1/stock-requests/"+ret.ID+"/reject", map[string]string{"note": "no"}, nil), 403)
	m.must(m.call("admin", "POST", "/api/v1/stock-requests/"+ret.ID+"/reject", map[string]string{}, nil), 400)
	m.must(m.call("admin", "POST", "/api/v1/stock-requests/"+ret.ID+"/reject", map[string]string{"note": "the producer comes on Monday"}, &ret), 200)
	m.must(m.call("admin", "POST", "/api/v1/stock-requests/"+ret.ID+"/approve", nil, nil), 409)
	if ret.Status != "rejected" || m.state() != mid || balance("damaged") != 2 {
		t.Fatalf("declined return %+v moved stock", ret)
	}

	// A mall admin's own request is approved by asking: made at once.
	var mv inventory.Movement
	m.must(m.call("admin", "POST", "/api/v1/zones/UP/producer-returns", map[string]any{"producer_id": upProd, "from": "damaged", "reason": "producer collected",
		"lines": line}, &mv), 201)
	if mv.Approver != "user.admin" || mv.Request == "" || balance("damaged") != 0 {
		t.Fatalf("admin's return %+v, damaged %d", mv, balance("damaged"))
	}
	// The approved return prints as a note for both sides to sign; nothing else does.
	req2, _ := http.NewRequest("GET", m.url+"/api/v1/stock-requests/"+mv.Request+"/note", nil)
	req2.Header.Set("Authorization", "Bearer "+m.tokens["up"])
	res, err := http.DefaultClient.Do(req2)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	for _, want := range []string{upSKU, ">2<", upProd, "producer collected", "Received by (for the producer)", "user.admin"} {
		if res.StatusCode != 200 || !strings.Contains(string(page), want) {
			t.Fatalf("return note %d lacks %q:\n%s", res.StatusCode, want, page)
		}
	}
	m.must(m.call("up", "GET", "/api/v1/stock-requests/"+ret.ID+"/note", nil, nil), 409)
	m.must(m.call("up", "GET", "/api/v1/stock-requests/"+done.ID+"/note", nil, nil), 400)
	m.must(m.call("ka", "GET", "/api/v1/stock-requests/"+mv.Request+"/note", nil, nil), 403)

	// So is a zone manager's with the admin's credentials typed in.
	m.must(m.call("up", "POST", "/api/v1/zones/UP/damage", map[string]any{"from": "backroom", "reason": "arrived broken", "cause": "on_arrival",
		"lines": line, "approver": map[string]string{"username": "user.admin", "password": "password-admin"}}, &mv), 201)
	if mv.Approver != "user.admin" || balance("damaged") != 2 {
		t.Fatalf("typed-in approval %+v", mv)
	}

	var audit []string
	rows, err := m.db.R.Query(`SELECT action FROM audit_log WHERE action LIKE 'stock_request_%' OR action = 'approval_failed' ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var a string
		if err := rows.Scan(&a); err != nil {
			t.Fatal(err)
		}
		audit = append(audit, a)
	}
	rows.Close()
	want := []string{"stock_request_made", "approval_failed", "approval_failed", "stock_request_approved", "stock_request_made",
		"stock_request_rejected", "stock_request_made", "stock_request_approved", "stock_request_made", "stock_request_approved"}
	if len(audit) != len(want) {
		t.Fatalf("audit %v, want %v", audit, want)
	}
	for i := range want {
		if audit[i] != want[i] {
			t.Fatalf("audit %v, want %v", audit, want)
		}
	}
}
