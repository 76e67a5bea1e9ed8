package webe2e

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"ektamall/shared/auth"
	"ektamall/shared/sqlitedb"
)

// badCase is one malformed or hostile request and the status it must get
// (0: any 4xx).
type badCase struct {
	name, target, method, path, as, body string
	key                                  string // Idempotency-Key
	want                                 int
	// ct is the Content-Type: "" sends application/json, "-" none.
	ct string
	// hdr are extra request headers.
	hdr map[string]string
}

// badBookkeeping are the tables a refused request may change, or that
// change by themselves: who logged in (sessions), what was tried
// (audit_log, login_failures), the mall's record of the hub's last
// watermark report (sync_state: stamped as reports arrive) and the
// migration library's own. Every other table is business data and must
// stay byte-identical; a write that reached the outbox still shows there
// and, once synced, in the hub's tables.
var badBookkeeping = []string{"sessions", "audit_log", "login_failures", "sync_state", "goose_db_version", "sqlite_sequence"}

// badDump writes every row of every business table of db, tables by name
// and rows in a total order, as bytes: two dumps are equal exactly when no
// row was inserted, updated or deleted.
func badDump(t *testing.T, db *sqlitedb.DB) map[string][]byte {
	t.Helper()
	rows, err := db.R.Query(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(badBookkeeping, n) {
			tables = append(tables, n)
		}
	}
	rows.Close()
	out := map[string][]byte{}
	for _, tb := range tables {
		out[tb] = badDumpTable(t, db, tb)
	}
	return out
}

func badDumpTable(t *testing.T, db *sqlitedb.DB, table string) []byte {
	t.Helper()
	// Names come from sqlite_master and table_info, never from input. The
	// rows are rendered, sorted and joined inside SQLite (quote() keeps
	// each value's type and exact bytes): done in Go it cost most of this
	// test's time under the race detector.
	rows, err := db.R.Query(`SELECT name FROM pragma_table_info(?) ORDER BY cid`, table)
	if err != nil {
		t.Fatalf("%s: %v", table, err)
	}
	var cols []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			t.Fatal(err)
		}
		cols = append(cols, `quote("`+c+`")`)
	}
	rows.Close()
	if len(cols) == 0 {
		t.Fatalf("%s: no columns", table)
	}
	row := strings.Join(cols, "||char(31)||")
	var dump sql.NullString
	if err := db.R.QueryRow(`SELECT group_concat(r, char(10) ORDER BY r) FROM (SELECT ` + row + ` AS r FROM "` + table + `")`).
		Scan(&dump); err != nil {
		t.Fatalf("%s: %v", table, err)
	}
	return []byte(dump.String)
}

// badChanged names the tables whose dumps differ.
func badChanged(before, after map[string][]byte) []string {
	var out []string
	for tb, b := range after {
		if !bytes.Equal(before[tb], b) {
			out = append(out, tb)
		}
	}
	for tb := range before {
		if _, ok := after[tb]; !ok {
			out = append(out, tb+" (dropped)")
		}
	}
	slices.Sort(out)
	return out
}

// badEnv is a hub and a mall with the users and documents the cases aim
// at.
type badEnv struct {
	*env
	tok map[string]string
	fx  badFixture
}

// TestBadInputChangesNothing sends malformed and hostile requests to a
// real hub and mall, one at a time. Each must get its 4xx status with
// {"error":{"code","message"}}, the security headers of every response,
// and leave every business table of both databases byte-identical.
func TestBadInputChangesNothing(t *testing.T) {
	ctx := context.Background()
	e := &badEnv{env: startEnv(t)}
	for _, u := range []struct {
		db    *sqlitedb.DB
		store *auth.Store
		name  string
		role  auth.Role
	}{
		{e.mall.DB, e.mall.Auth, "badin.admin", auth.MallAdmin}, {e.mall.DB, e.mall.Auth, "badin.cashier2", auth.Cashier},
		{e.mall.DB, e.mall.Auth, "badin.victim", auth.Cashier},
		{e.hub.DB, e.hub.Auth, "badin.hubadmin", auth.HubAdmin}, {e.hub.DB, e.hub.Auth, "badin.fin2", auth.Finance},
		{e.hub.DB, e.hub.Auth, "badin.hubvictim", auth.Finance},
	} {
		if err := u.db.Transact(ctx, func(tx *sql.Tx) error {
			_, err := u.store.CreateUser(ctx, tx, u.name, password, u.name, u.role, "")
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	e.tok = map[string]string{
		"cashier": webLogin(t, e.mall.URL, "cashier"), "cashier2": webLogin(t, e.mall.URL, "badin.cashier2"),
		"zm": webLogin(t, e.mall.URL, "zm.up"), "admin": webLogin(t, e.mall.URL, "badin.admin"),
		"finance": webLogin(t, e.hub.URL, "finance"), "fin2": webLogin(t, e.hub.URL, "badin.fin2"),
		"hubadmin": webLogin(t, e.hub.URL, "badin.hubadmin"), "bogus": "not-a-token",
	}
	e.fx = badSetup(t, e)
	cases := append(badMallCases(t, e), badHubCases(t, e)...)
	cases = append(cases, badEdgeCases(t, e)...)

	before := map[string]map[string][]byte{"mall": badDump(t, e.mall.DB), "hub": badDump(t, e.hub.DB)}
	dbs := map[string]*sqlitedb.DB{"mall": e.mall.DB, "hub": e.hub.DB}
	targets := map[string]int{}
	for _, c := range cases {
		targets[c.target]++
		t.Run(c.name, func(t *testing.T) {
			badCheck(t, e, c)
			// Byte-identical after every refused request, at both ends
			// (a mall write would sync to the hub; a hub catalog change
			// would reach the mall).
			for name, db := range dbs {
				after := badDump(t, db)
				if ch := badChanged(before[name], after); len(ch) > 0 {
					t.Errorf("the %s's database changed: %s", name, strings.Join(ch, ", "))
					before[name] = after
				}
			}
		})
	}
	if len(cases) < 150 || targets["mall"] < 60 || targets["hub"] < 40 {
		t.Fatalf("only %d cases (%v)", len(cases), targets)
	}
	badAfterChecks(t, e)
}

// badCheck sends one case and checks the status, the error body and the
// headers every response carries.
func badCheck(t *testing.T, e *badEnv, c badCase) {
	t.Helper()
	base := e.mall.URL
	if c.target == "hub" {
		base = e.hub.URL
	}
	req, err := http.NewRequest(c.method, base+c.path, strings.NewReader(c.body))
	if err != nil {
		t.Fatal(err)
	}
	switch c.ct {
	case "":
		req.Header.Set("Content-Type", "application/json")
	case "-":
	default:
		req.Header.Set("Content-Type", c.ct)
	}
	if tok := e.tok[c.as]; tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	if c.key != "" {
		req.Header.Set("Idempotency-Key", c.key)
	}
	for k, v := range c.hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", c.method, c.path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	code := resp.StatusCode
	if code < 400 || code > 499 || (c.want != 0 && code != c.want) {
		t.Errorf("status %d, want %s: %.300s", code, map[bool]string{true: "any 4xx", false: fmt.Sprint(c.want)}[c.want == 0], raw)
	}
	var body struct {
		Error *struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if err := json.Unmarshal(raw, &body); err != nil || body.Error == nil || body.Error.Code == "" || body.Error.Message == "" {
		t.Errorf("status %d without an error body {code, message}: %.200s", code, raw)
	}
	if testing.Verbose() && body.Error != nil {
		t.Logf("%d %s: %.160s", code, body.Error.Code, body.Error.Message)
	}
	if len(raw) > 8<<10 {
		t.Errorf("a %d-byte error body", len(raw))
	}
	h := resp.Header
	if h.Get("X-Content-Type-Options") != "nosniff" || !strings.Contains(h.Get("Content-Security-Policy"), "frame-ancestors 'none'") ||
		h.Get("Referrer-Policy") == "" {
		t.Errorf("security headers missing: %v", h)
	}
	if strings.HasPrefix(c.path, "/api/") && h.Get("Cache-Control") != "no-store" {
		t.Errorf("Cache-Control %q on an API response", h.Get("Cache-Control"))
	}
	if code == http.StatusMethodNotAllowed && h.Get("Allow") == "" {
		t.Errorf("405 without Allow")
	}
}

// badWaitSynced waits until the hub holds every event of the mall.
func badWaitSynced(t *testing.T, e *badEnv) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var st struct {
			LastSeq      int64 `json:"last_seq"`
			HubWatermark int64 `json:"hub_watermark"`
			Pending      int64 `json:"pending"`
		}
		webCall(t, "GET", e.mall.URL+"/api/v1/sync", e.tok["admin"], nil, &st)
		if st.LastSeq > 0 && st.HubWatermark == st.LastSeq && st.Pending == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the mall's events never all reached the hub: %+v", st)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
