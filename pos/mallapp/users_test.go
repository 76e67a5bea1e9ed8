package mallapp_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"net/http"
	"testing"

	"ektamall/pos/mallapp"
	"ektamall/shared/auth"
)

func call(t *testing.T, method, url, token string, body any) (int, map[string]any) {
	t.Helper()
	return callWith(t, method, url, token, body, nil)
}

// callWith is call with extra request headers.
func callWith(t *testing.T, method, url, token string, body any, headers map[string]string) (int, map[string]any) {
	t.Helper()
	var rd *bytes.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	} else {
		rd = bytes.NewReader(nil)
	}
	req, _ := http.NewRequest(method, url, rd)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

func login(t *testing.T, m *mallapp.Mall, user, pass string) string {
	t.Helper()
	code, out := call(t, "POST", m.URL+"/api/v1/auth/login", "", map[string]string{"username": user, "password": pass})
	if code != 200 {
		t.Fatalf("login %s: %d %v", user, code, out)
	}
	return out["token"].(string)
}

func TestMallAdminManagesStaff(t *testing.T) {
	ctx := context.Background()
	m := startMall(t, t.TempDir(), "TST2", "UP")
	get(t, m.URL+"/healthz")
	if err := m.DB.Transact(ctx, func(tx *sql.Tx) error {
		_, err := m.Auth.CreateUser(ctx, tx, "boss", "password1", "Boss", auth.MallAdmin, "")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	admin := login(t, m, "boss", "password1")
	code, _ := call(t, "POST", m.URL+"/api/v1/users", admin, map[string]string{"username": "new.cashier", "password": "counter-1", "role": "cashier"})
	if code != 201 {
		t.Fatalf("create cashier: %d", code)
	}
	code, _ = call(t, "POST", m.URL+"/api/v1/users", admin, map[string]string{"username": "zm.up2", "password": "counter-1", "role": "zone_manager", "zone": "UP"})
	if code != 201 {
		t.Fatalf("create zone manager: %d", code)
	}
	// An admin may not mint another admin; a cashier may not manage staff.
	if code, _ := call(t, "POST", m.URL+"/api/v1/users", admin, map[string]string{"username": "admin2", "password": "counter-1", "role": "mall_admin"}); code != 403 {
		t.Fatalf("admin creating admin: %d", code)
	}
	cashier := login(t, m, "new.cashier", "counter-1")
	if code, _ := call(t, "POST", m.URL+"/api/v1/users", cashier, map[string]string{"username": "x.y", "password": "counter-1", "role": "cashier"}); code != 403 {
		t.Fatalf("cashier creating users: %d", code)
	}
	// A reset ends the user's sessions.
	if code, _ := call(t, "PUT", m.URL+"/api/v1/users/new.cashier/password", admin, map[string]string{"password": "counter-2"}); code != 204 {
		t.Fatalf("reset: %d", code)
	}
	if code, _ := call(t, "GET", m.URL+"/api/v1/me", cashier, nil); code != 401 {
		t.Fatalf("old session after reset: %d", code)
	}
	login(t, m, "new.cashier", "counter-2")
	var audited int
	m.DB.R.QueryRow(`SELECT count(*) FROM audit_log WHERE action IN ('user_created','password_reset')`).Scan(&audited)
	if audited != 3 {
		t.Fatalf("audited staff changes = %d, want 3", audited)
	}
}
