package main

import (
	"bytes"
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"ektamall/cmd/ektamall/internal/e2e"
	hubapp "ektamall/hub/app"
	"ektamall/pos/mallapp"
	"ektamall/shared/apiclient"
)

var passwordLine = regexp.MustCompile(`(?m)^password: (\S+)$`)

// createUser runs 'ektamall PROCESS create-user ARGS' with stdin and
// returns what it printed and the password it printed (if any).
func createUser(t *testing.T, process, stdin string, args ...string) (string, string, error) {
	t.Helper()
	var out bytes.Buffer
	err := runCreateUser(context.Background(), process, args, strings.NewReader(stdin), &out)
	m := passwordLine.FindStringSubmatch(out.String())
	if m == nil {
		return out.String(), "", err
	}
	return out.String(), m[1], err
}

func serveMall(t *testing.T, cfg mallapp.Config) *mallapp.Mall {
	t.Helper()
	m, err := mallapp.Open(context.Background(), cfg, e2e.Quiet())
	if err != nil {
		t.Fatalf("open mall: %v", err)
	}
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx) }()
	t.Cleanup(func() {
		stop()
		if err := <-done; err != nil {
			t.Errorf("mall shutdown: %v", err)
		}
	})
	e2e.WaitOK(t, m.URL+"/healthz", 10*time.Second)
	return m
}

// TestMallDayOne is the first day of a real mall: `ektamall mall
// create-user` on an empty directory, then `ektamall mall` on it; the admin
// logs in and creates a cashier, who rings a sale, and the audit log shows
// who did what.
func TestMallDayOne(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "LKO1")
	out, adminPass, err := createUser(t, "mall", "", "--dir", dir, "--username", "boss", "--role", "mall_admin", "--display-name", "Asha Verma")
	if err != nil || adminPass == "" || !strings.Contains(out, "a new database") {
		t.Fatalf("create-user on an empty directory: %v\n%s", err, out)
	}
	// Refusals change nothing and say why in one line.
	refusals := []struct {
		stdin string
		args  []string
		want  string
	}{
		{"", []string{"--dir", dir, "--username", "boss", "--role", "mall_admin"}, "--reset"},
		{"", []string{"--dir", dir, "--username", "zm.x", "--role", "zone_manager"}, "zone"},
		{"", []string{"--dir", dir, "--username", "fin", "--role", "finance"}, "role"},
		{"", []string{"--dir", dir, "--username", "BAD NAME", "--role", "cashier"}, "username"},
		{"short\n", []string{"--dir", dir, "--username", "c.short", "--role", "cashier", "--password-stdin"}, "8 to 72"},
		{"", []string{"--dir", dir, "--username", "c.empty", "--role", "cashier", "--password-stdin"}, "standard input"},
		{"", []string{"--dir", dir, "--role", "cashier"}, "required"},
	}
	for _, r := range refusals {
		if _, _, err := createUser(t, "mall", r.stdin, r.args...); err == nil || !strings.Contains(err.Error(), r.want) {
			t.Errorf("create-user %v: %v, want an error naming %q", r.args, err, r.want)
		}
	}
	// A zone manager with a password from standard input.
	if _, p, err := createUser(t, "mall", "zone-pass-1\n", "--dir", dir, "--username", "zm.up", "--role", "zone_manager", "--zone", "up", "--password-stdin"); err != nil || p != "" {
		t.Fatalf("zone manager from stdin: %v (printed password %q)", err, p)
	}

	// The mall's first start records its identity, as if create-user had
	// never run.
	m := serveMall(t, mallapp.Config{Dir: dir, ID: "LKO1", State: "UP", Name: "PM Ekta Mall, Lucknow", HTTP: "127.0.0.1:0",
		Synchronous: "NORMAL", ShutdownFor: 5 * time.Second})
	var name string
	if err := m.DB.R.QueryRow(`SELECT name FROM mall`).Scan(&name); err != nil || name != "PM Ekta Mall, Lucknow" {
		t.Fatalf("mall identity: %q, %v", name, err)
	}
	e2e.Login(t, m.URL, "zm.up", "zone-pass-1")
	admin := e2e.Login(t, m.URL, "boss", adminPass)
	var cashier struct {
		Password string `json:"password"`
	}
	if code := e2e.Call(t, "POST", m.URL+"/api/v1/users", admin, map[string]string{"username": "lko1.cashier9", "role": "cashier"}, &cashier); code != 201 {
		t.Fatalf("admin creates a cashier: %d", code)
	}
	tok := e2e.Login(t, m.URL, "lko1.cashier9", cashier.Password)
	ringSale(t, m.URL, tok)

	// Who did what, newest first.
	var rows []struct {
		Actor, Action string
		Detail        map[string]string
	}
	if code := e2e.Call(t, "GET", m.URL+"/api/v1/audit?action=user_created,login", admin, nil, &rows); code != 200 {
		t.Fatalf("audit: %d", code)
	}
	var got []string
	for _, r := range rows {
		got = append(got, r.Actor+":"+r.Action+":"+r.Detail["username"]+r.Detail["via"])
	}
	want := "lko1.cashier9:login: boss:user_created:lko1.cashier9 boss:login: zm.up:login: :user_created:zm.upcli :user_created:bosscli"
	if strings.Join(got, " ") != want {
		t.Fatalf("audit log:\n got %s\nwant %s", strings.Join(got, " "), want)
	}

	// A lost admin password, reset beside the running mall.
	if _, _, err := createUser(t, "mall", "new-admin-pass\n", "--dir", dir, "--username", "boss", "--role", "mall_admin", "--reset", "--password-stdin"); err != nil {
		t.Fatalf("reset beside a running mall: %v", err)
	}
	if code := e2e.Call(t, "GET", m.URL+"/api/v1/me", admin, nil, nil); code != 401 {
		t.Fatalf("the admin's old session after a reset: %d", code)
	}
	e2e.Login(t, m.URL, "boss", "new-admin-pass")
}

// ringSale opens a shift and sells one unit of the first UP product for
// cash.
func ringSale(t *testing.T, base, tok string) {
	t.Helper()
	var products []struct{ SKU, MRP string }
	if code := e2e.Call(t, "GET", base+"/api/v1/products?zone=UP&limit=1", tok, nil, &products); code != 200 || len(products) == 0 {
		t.Fatalf("products: %d %v", code, products)
	}
	var shift struct{ ID string }
	if code := e2e.Call(t, "POST", base+"/api/v1/shifts", tok, map[string]string{"counter": "C01", "opening_float": "1000.00"}, &shift); code != 201 {
		t.Fatalf("open shift: %d", code)
	}
	var sale struct {
		InvoiceNo string `json:"invoice_no"`
		Total     string
	}
	code := e2e.Call(t, "POST", base+"/api/v1/sales", tok, map[string]any{"shift_id": shift.ID,
		"lines":   []map[string]any{{"sku": products[0].SKU, "qty": 1}},
		"tenders": []map[string]any{{"method": "cash", "amount": products[0].MRP}}}, &sale, apiclient.Key("day-one-sale-1"))
	if code != 201 || sale.InvoiceNo == "" || sale.Total != products[0].MRP {
		t.Fatalf("sale: %d %+v (mrp %s)", code, sale, products[0].MRP)
	}
}

// TestHubDayOne: `ektamall hub create-user` makes the first hub admin, who
// creates finance; finance reads the audit log but manages nobody.
func TestHubDayOne(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "hub")
	_, pass, err := createUser(t, "hub", "", "--dir", dir, "--username", "hubadmin", "--role", "hub_admin")
	if err != nil || pass == "" {
		t.Fatalf("hub create-user: %v", err)
	}
	if _, _, err := createUser(t, "hub", "", "--dir", dir, "--username", "c1", "--role", "cashier"); err == nil || !strings.Contains(err.Error(), "role") {
		t.Fatalf("a cashier at the hub: %v", err)
	}
	h, err := hubapp.Open(context.Background(), hubapp.Config{Dir: dir, HTTP: "127.0.0.1:0", Leaf: "127.0.0.1:0",
		Synchronous: "NORMAL", ShutdownFor: 5 * time.Second}, e2e.Quiet())
	if err != nil {
		t.Fatalf("open hub: %v", err)
	}
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- h.Run(ctx) }()
	t.Cleanup(func() { stop(); <-done })
	e2e.WaitOK(t, h.URL+"/healthz", 10*time.Second)
	admin := e2e.Login(t, h.URL, "hubadmin", pass)
	if code := e2e.Call(t, "POST", h.URL+"/api/v1/users", admin, map[string]string{"username": "fin.one", "password": "finance-pass", "role": "finance"}, nil); code != 201 {
		t.Fatalf("hub admin creates finance: %d", code)
	}
	if code := e2e.Call(t, "POST", h.URL+"/api/v1/users", admin, map[string]string{"username": "hubadmin2", "role": "hub_admin"}, nil); code != 403 {
		t.Fatalf("hub admin creates a hub admin: %d", code)
	}
	fin := e2e.Login(t, h.URL, "fin.one", "finance-pass")
	if code := e2e.Call(t, "POST", h.URL+"/api/v1/users", fin, map[string]string{"username": "fin.two", "role": "finance"}, nil); code != 403 {
		t.Fatalf("finance creates a user: %d", code)
	}
	var rows []struct{ Actor, Action string }
	if code := e2e.Call(t, "GET", h.URL+"/api/v1/audit?action=user_created", fin, nil, &rows); code != 200 || len(rows) != 2 || rows[0].Actor != "hubadmin" || rows[1].Actor != "" {
		t.Fatalf("finance reads the audit log: %d %+v", code, rows)
	}
	// The hub admin deactivates finance: the session ends at once.
	if code := e2e.Call(t, "POST", h.URL+"/api/v1/users/fin.one/deactivate", admin, nil, nil); code != 200 {
		t.Fatalf("deactivate finance: %d", code)
	}
	if code := e2e.Call(t, "GET", h.URL+"/api/v1/malls", fin, nil, nil); code != 401 {
		t.Fatalf("a deactivated finance user's session: %d", code)
	}
}
