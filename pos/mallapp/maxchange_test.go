package mallapp_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/google/uuid"
	"golang.org/x/crypto/bcrypt"

	"ektamall/pos/mallapp"
	"ektamall/shared/auth"
)

// --max-change sets how much change a cash tender may ask for: the
// default refuses ₹1,00,000 tendered for one item, a mall configured
// for more accepts it, and a malformed value is refused at start.
func TestMaxChangeFlag(t *testing.T) {
	sell := func(cfg mallapp.Config) int {
		t.Helper()
		ctx := context.Background()
		cfg.Dir, cfg.State, cfg.PasswordCost = t.TempDir(), "UP", bcrypt.MinCost
		m := startMallWith(t, cfg)
		get(t, m.URL+"/healthz")
		if err := m.DB.Transact(ctx, func(tx *sql.Tx) error {
			_, err := m.Auth.CreateUser(ctx, tx, "boss", "password1", "Boss", auth.MallAdmin, "")
			return err
		}); err != nil {
			t.Fatal(err)
		}
		tok := login(t, m, "boss", "password1")
		code, shift := call(t, "POST", m.URL+"/api/v1/shifts", tok, map[string]string{"counter": "C01", "opening_float": "500.00"})
		if code != 201 {
			t.Fatalf("open shift: %d %v", code, shift)
		}
		req, _ := http.NewRequest("GET", m.URL+"/api/v1/products?zone=UP", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var products []map[string]any
		json.NewDecoder(resp.Body).Decode(&products)
		resp.Body.Close()
		if len(products) == 0 {
			t.Fatal("no products in zone UP")
		}
		body, _ := json.Marshal(map[string]any{"shift_id": shift["id"],
			"lines":   []map[string]any{{"sku": products[0]["sku"], "qty": 1}},
			"tenders": []map[string]any{{"method": "cash", "amount": "100000.00"}}})
		req, _ = http.NewRequest("POST", m.URL+"/api/v1/sales", bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Idempotency-Key", uuid.NewString())
		resp, err = http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := sell(mallapp.Config{ID: "MCH1"}); code != 400 {
		t.Errorf("default --max-change: ₹1,00,000 cash for one item answered %d, want 400", code)
	}
	if code := sell(mallapp.Config{ID: "MCH2", MaxChange: "100000.00"}); code != 201 {
		t.Errorf("--max-change 100000.00: ₹1,00,000 cash for one item answered %d, want 201", code)
	}
	bad := mallapp.Config{Dir: t.TempDir(), ID: "MCH3", State: "UP", HTTP: "127.0.0.1:0", Synchronous: "FULL", ShutdownFor: 1, MaxChange: "lots"}
	if err := bad.Validate(); err == nil || !strings.Contains(err.Error(), "max-change") {
		t.Errorf("--max-change lots: %v, want an error naming max-change", err)
	}
}
