package mallapp_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"ektamall/pos/mallapp"
	"ektamall/shared/auth"
)

// listCall is call for endpoints answering a JSON array; it also returns
// the response headers.
func listCall(t *testing.T, url, token string) (int, []map[string]any, http.Header) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out []map[string]any
	var buf bytes.Buffer
	buf.ReadFrom(resp.Body)
	if resp.StatusCode == 200 {
		if err := json.Unmarshal(buf.Bytes(), &out); err != nil {
			t.Fatalf("GET %s: %v in %s", url, err, buf.String())
		}
	}
	return resp.StatusCode, out, resp.Header
}

func errCode(out map[string]any) string {
	e, _ := out["error"].(map[string]any)
	s, _ := e["code"].(string)
	return s
}

// mallWithAdmin starts a mall and creates its first admin the way
// `ektamall mall create-user` does, returning the admin's token.
func mallWithAdmin(t *testing.T) (*mallapp.Mall, string) {
	t.Helper()
	ctx := context.Background()
	m := startMallWith(t, mallapp.Config{Dir: t.TempDir(), ID: "STF1", State: "UP", PasswordCost: bcrypt.MinCost})
	get(t, m.URL+"/healthz")
	if err := m.DB.Transact(ctx, func(tx *sql.Tx) error {
		_, err := m.Auth.CreateUser(ctx, tx, "boss", "password1", "Boss", auth.MallAdmin, "")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return m, login(t, m, "boss", "password1")
}

func TestStaffRefusals(t *testing.T) {
	m, admin := mallWithAdmin(t)
	users := m.URL + "/api/v1/users"
	code, _ := call(t, "POST", users, admin, map[string]string{"username": "asha", "password": "counter-1", "role": "cashier"})
	if code != 201 {
		t.Fatalf("create cashier: %d", code)
	}
	cashier := login(t, m, "asha", "counter-1")
	cases := []struct {
		name, method, path, token string
		body                      any
		status                    int
		code                      string
	}{
		{"zone manager without a zone", "POST", "/api/v1/users", admin, map[string]string{"username": "zm.x", "password": "counter-1", "role": "zone_manager"}, 400, "invalid"},
		{"zone manager of an unknown zone", "POST", "/api/v1/users", admin, map[string]string{"username": "zm.y", "password": "counter-1", "role": "zone_manager", "zone": "XX"}, 400, "invalid"},
		{"cashier with a zone", "POST", "/api/v1/users", admin, map[string]string{"username": "c.z", "password": "counter-1", "role": "cashier", "zone": "UP"}, 400, "invalid"},
		{"duplicate username", "POST", "/api/v1/users", admin, map[string]string{"username": "asha", "password": "counter-9", "role": "cashier"}, 409, "conflict"},
		{"empty password", "POST", "/api/v1/users", admin, map[string]string{"username": "e.p", "password": "", "role": "cashier"}, 400, "invalid"},
		{"unknown role", "POST", "/api/v1/users", admin, map[string]string{"username": "r.x", "role": "superuser"}, 403, "forbidden"},
		{"admin mints an admin", "POST", "/api/v1/users", admin, map[string]string{"username": "boss2", "role": "mall_admin"}, 403, "forbidden"},
		{"cashier creates a user", "POST", "/api/v1/users", cashier, map[string]string{"username": "c.c", "password": "counter-1", "role": "cashier"}, 403, "forbidden"},
		{"cashier lists users", "GET", "/api/v1/users", cashier, nil, 403, "forbidden"},
		{"cashier deactivates", "POST", "/api/v1/users/asha/deactivate", cashier, nil, 403, "forbidden"},
		{"cashier reads the audit log", "GET", "/api/v1/audit", cashier, nil, 403, "forbidden"},
		{"admin deactivates the admin", "POST", "/api/v1/users/boss/deactivate", admin, nil, 403, "forbidden"},
		{"admin unlocks an unknown user", "POST", "/api/v1/users/nobody/unlock", admin, nil, 404, "not_found"},
		{"reset of an unknown user", "PUT", "/api/v1/users/nobody/password", admin, map[string]string{"password": "counter-2"}, 404, "not_found"},
		{"no token", "GET", "/api/v1/users", "", nil, 401, "unauthorized"},
		{"audit with a bad limit", "GET", "/api/v1/audit?limit=0", admin, nil, 400, "invalid"},
		{"audit with a bad date", "GET", "/api/v1/audit?from=yesterday", admin, nil, 400, "invalid"},
		{"audit with a bad action", "GET", "/api/v1/audit?action=x%27%3B", admin, nil, 400, "invalid"},
		{"audit to before from", "GET", "/api/v1/audit?from=2026-05-02&to=2026-05-01", admin, nil, 400, "invalid"},
	}
	var before int
	m.DB.R.QueryRow(`SELECT count(*) FROM users`).Scan(&before)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out := call(t, c.method, m.URL+c.path, c.token, c.body)
			if code != c.status || errCode(out) != c.code {
				t.Fatalf("%s %s: %d %v, want %d %s", c.method, c.path, code, out, c.status, c.code)
			}
		})
	}
	var after, off int
	m.DB.R.QueryRow(`SELECT count(*), count(deactivated_at) FROM users`).Scan(&after, &off)
	if after != before || off != 0 {
		t.Fatalf("refused requests changed users: %d → %d, %d deactivated", before, after, off)
	}
}

func TestStaffLifecycle(t *testing.T) {
	m, admin := mallWithAdmin(t)
	users := m.URL + "/api/v1/users"

	// A zone manager with a generated password, shown once.
	code, out := call(t, "POST", users, admin, map[string]string{"username": "zm.up", "role": "zone_manager", "zone": "UP", "display_name": "Ravi"})
	pass, _ := out["password"].(string)
	if code != 201 || len(pass) < 12 || out["zone"] != "UP" {
		t.Fatalf("create zone manager: %d %v", code, out)
	}
	zm := login(t, m, "zm.up", pass)
	if code, _ := call(t, "GET", m.URL+"/api/v1/stock?zone=UP", zm, nil); code != 200 {
		t.Fatalf("zone manager reads their zone: %d", code)
	}

	// Deactivating ends the session at once and refuses the next login.
	code, out = call(t, "POST", users+"/zm.up/deactivate", admin, nil)
	if code != 200 || out["active"] != false {
		t.Fatalf("deactivate: %d %v", code, out)
	}
	if code, _ := call(t, "GET", m.URL+"/api/v1/me", zm, nil); code != 401 {
		t.Fatalf("session of a deactivated user: %d", code)
	}
	code, out = call(t, "POST", m.URL+"/api/v1/auth/login", "", map[string]string{"username": "zm.up", "password": pass})
	if code != 401 || !strings.Contains(fmt.Sprint(out), "deactivated") {
		t.Fatalf("login of a deactivated user: %d %v", code, out)
	}
	if code, out = call(t, "POST", users+"/zm.up/activate", admin, nil); code != 200 || out["active"] != true {
		t.Fatalf("activate: %d %v", code, out)
	}
	login(t, m, "zm.up", pass)

	// Five wrong passwords lock the account; the admin unlocks it.
	for i := 0; i < 5; i++ {
		call(t, "POST", m.URL+"/api/v1/auth/login", "", map[string]string{"username": "zm.up", "password": "wrong-guess"})
	}
	if code, _ := call(t, "POST", m.URL+"/api/v1/auth/login", "", map[string]string{"username": "zm.up", "password": pass}); code != 401 {
		t.Fatalf("login while locked: %d", code)
	}
	_, list, _ := listCall(t, users, admin)
	if !hasUser(list, "zm.up", "locked", true) {
		t.Fatalf("the list does not show the lock: %v", list)
	}
	if code, out = call(t, "POST", users+"/zm.up/unlock", admin, nil); code != 200 || fmt.Sprint(out["locks"]) != "[]" {
		t.Fatalf("unlock: %d %v", code, out)
	}
	if _, list, _ = listCall(t, users, admin); !hasUser(list, "zm.up", "locked", false) {
		t.Fatalf("the list still shows a lock: %v", list)
	}
	zm = login(t, m, "zm.up", pass)

	// A reset with no body generates a password and ends their sessions.
	code, out = call(t, "PUT", users+"/zm.up/password", admin, nil)
	newPass, _ := out["password"].(string)
	if code != 200 || len(newPass) < 12 || newPass == pass {
		t.Fatalf("generated reset: %d %v", code, out)
	}
	if code, _ := call(t, "GET", m.URL+"/api/v1/me", zm, nil); code != 401 {
		t.Fatalf("session after reset: %d", code)
	}

	// A user changes their own password: the current one is required, the
	// other sessions end, this one lives on.
	zm = login(t, m, "zm.up", newPass)
	other := login(t, m, "zm.up", newPass)
	code, out = call(t, "PUT", m.URL+"/api/v1/me/password", zm, map[string]string{"old_password": "not-it-at-all", "new_password": "my-own-pass"})
	if code != 400 || errCode(out) != "invalid" {
		t.Fatalf("change with a wrong current password: %d %v", code, out)
	}
	if code, _ := call(t, "PUT", m.URL+"/api/v1/me/password", zm, map[string]string{"old_password": newPass, "new_password": "my-own-pass"}); code != 204 {
		t.Fatalf("change own password: %d", code)
	}
	if code, _ := call(t, "GET", m.URL+"/api/v1/me", zm, nil); code != 200 {
		t.Fatalf("the session that changed the password: %d", code)
	}
	if code, _ := call(t, "GET", m.URL+"/api/v1/me", other, nil); code != 401 {
		t.Fatalf("another session after a password change: %d", code)
	}
	login(t, m, "zm.up", "my-own-pass")

	// Every change is in the audit log, by the admin (or the user).
	_, rows, _ := listCall(t, m.URL+"/api/v1/audit?action=user_*,password_*,account_unlocked", admin)
	var got []string
	for _, r := range rows {
		got = append(got, fmt.Sprint(r["actor"], ":", r["action"]))
	}
	want := []string{"zm.up:password_changed", "boss:password_reset", "boss:account_unlocked", "boss:user_reactivated", "boss:user_deactivated", "boss:user_created"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("audited staff changes (newest first):\n got %v\nwant %v", got, want)
	}
}

func hasUser(list []map[string]any, name, field string, v any) bool {
	for _, u := range list {
		if u["username"] == name {
			return u[field] == v
		}
	}
	return false
}

func TestAuditFiltersAndPaging(t *testing.T) {
	m, admin := mallWithAdmin(t)
	for i := 0; i < 7; i++ {
		if code, _ := call(t, "POST", m.URL+"/api/v1/users", admin, map[string]string{"username": fmt.Sprintf("cashier%d", i), "password": "counter-1", "role": "cashier"}); code != 201 {
			t.Fatalf("create cashier%d: %d", i, code)
		}
	}
	login(t, m, "cashier3", "counter-1")
	audit := m.URL + "/api/v1/audit"

	_, all, _ := listCall(t, audit+"?limit=1000", admin)
	if len(all) < 9 { // two logins of boss and cashier3, seven creations
		t.Fatalf("audit rows = %d: %v", len(all), all)
	}
	for _, r := range all {
		for _, k := range []string{"id", "at", "actor", "action", "detail"} {
			if _, ok := r[k]; !ok {
				t.Fatalf("row lacks %q: %v", k, r)
			}
		}
	}

	// Filters: who and what.
	_, rows, _ := listCall(t, audit+"?actor=boss&action=user_created", admin)
	if len(rows) != 7 {
		t.Fatalf("boss's user_created rows = %d", len(rows))
	}
	if d, _ := rows[0]["detail"].(map[string]any); d["username"] != "cashier6" || d["role"] != "cashier" {
		t.Fatalf("newest creation's detail = %v", rows[0]["detail"])
	}
	_, rows, _ = listCall(t, audit+"?actor=cashier3", admin)
	if len(rows) != 1 || rows[0]["action"] != "login" {
		t.Fatalf("cashier3's rows = %v", rows)
	}

	// Time: an IST date covering today, and bounds that exclude everything.
	today := time.Now().In(time.FixedZone("IST", 19800)).Format("2006-01-02")
	if _, rows, _ = listCall(t, audit+"?limit=1000&from="+today+"&to="+today, admin); len(rows) != len(all) {
		t.Fatalf("rows of today = %d, want %d", len(rows), len(all))
	}
	future := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	if _, rows, _ = listCall(t, audit+"?from="+future, admin); len(rows) != 0 {
		t.Fatalf("rows after an hour from now = %d", len(rows))
	}
	if _, rows, _ = listCall(t, audit+"?to=2020-01-01", admin); len(rows) != 0 {
		t.Fatalf("rows before 2020 = %d", len(rows))
	}

	// Paging by cursor walks every row exactly once, newest first.
	var walked []any
	next := audit + "?limit=3"
	for pages := 0; next != ""; pages++ {
		if pages > 10 {
			t.Fatal("paging does not end")
		}
		code, page, h := listCall(t, next, admin)
		if code != 200 || len(page) > 3 {
			t.Fatalf("page %d: %d, %d rows", pages, code, len(page))
		}
		for _, r := range page {
			walked = append(walked, r["id"])
		}
		next = ""
		if c := h.Get("X-Next-Before"); c != "" {
			next = audit + "?limit=3&before=" + c
		}
	}
	if len(walked) != len(all) {
		t.Fatalf("paged through %d rows, want %d", len(walked), len(all))
	}
	for i := range all {
		if walked[i] != all[i]["id"] {
			t.Fatalf("row %d: paged id %v, listed %v", i, walked[i], all[i]["id"])
		}
	}

	// The log stays append-only whatever the API does.
	if _, err := m.DB.W.Exec(`UPDATE audit_log SET action = 'x'`); err == nil || !strings.Contains(err.Error(), "append-only") {
		t.Fatalf("UPDATE audit_log: %v", err)
	}
	if _, err := m.DB.W.Exec(`DELETE FROM audit_log`); err == nil || !strings.Contains(err.Error(), "append-only") {
		t.Fatalf("DELETE FROM audit_log: %v", err)
	}
}

// TestOwnPasswordGuessesLock: a borrowed session cannot be used to guess
// the password through the change form; wrong guesses count as failed
// logins from that device.
func TestOwnPasswordGuessesLock(t *testing.T) {
	m, admin := mallWithAdmin(t)
	if code, _ := call(t, "POST", m.URL+"/api/v1/users", admin, map[string]string{"username": "asha", "password": "counter-1", "role": "cashier"}); code != 201 {
		t.Fatalf("create cashier: %d", code)
	}
	tok := login(t, m, "asha", "counter-1")
	for i := 0; i < 5; i++ {
		if code, _ := call(t, "PUT", m.URL+"/api/v1/me/password", tok, map[string]string{"old_password": fmt.Sprintf("guess-%d-x", i), "new_password": "taken-over"}); code != 400 {
			t.Fatalf("guess %d: %d", i, code)
		}
	}
	code, out := call(t, "PUT", m.URL+"/api/v1/me/password", tok, map[string]string{"old_password": "counter-1", "new_password": "taken-over"})
	if code != 400 || !strings.Contains(fmt.Sprint(out), "too many") {
		t.Fatalf("the right password after five guesses: %d %v", code, out)
	}
	if code, _ := call(t, "POST", m.URL+"/api/v1/auth/login", "", map[string]string{"username": "asha", "password": "taken-over"}); code != 401 {
		t.Fatalf("the guessed-at password was changed: %d", code)
	}
}
