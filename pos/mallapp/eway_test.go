package mallapp_test

import (
	"context"
	"database/sql"
	"flag"
	"strings"
	"testing"

	"github.com/google/uuid"
	"golang.org/x/crypto/bcrypt"

	"ektamall/pos/mallapp"
	"ektamall/shared/auth"
	"ektamall/shared/config"
)

// --eway-limit and --eway-limits (or their environment variables) set
// the e-way bill thresholds without code: a mall in UP configured with
// UP's limit at ₹1,00,000 sends a ₹60,000 consignment to another UP mall
// on a challan at once, while a mall with the defaults holds the same
// consignment for its e-way bill; between States the --eway-limit
// applies; a bad pair is refused at start, naming the flag.
func TestEWayLimitFlags(t *testing.T) {
	const worth = 60000_00 // paise: over ₹50,000, under ₹1,00,000
	// send starts a mall from args (and the environment), sends the same
	// consignment to an UP and a KA mall, and says which needed an e-way bill.
	send := func(id string, args ...string) (intra, inter bool) {
		t.Helper()
		ctx := context.Background()
		var cfg mallapp.Config
		fs := flag.NewFlagSet("mall", flag.ContinueOnError)
		cfg.Flags(fs)
		if err := config.Parse(fs, append([]string{"--id", id, "--state", "UP", "--dir", t.TempDir()}, args...)); err != nil {
			t.Fatal(err)
		}
		cfg.PasswordCost = bcrypt.MinCost
		m := startMallWith(t, cfg)
		get(t, m.URL+"/healthz")
		if err := m.DB.Transact(ctx, func(tx *sql.Tx) error {
			_, err := m.Auth.CreateUser(ctx, tx, "boss", "password1", "Boss", auth.MallAdmin, "")
			return err
		}); err != nil {
			t.Fatal(err)
		}
		tok := login(t, m, "boss", "password1")
		for _, p := range []map[string]string{{"id": "AGR1", "state": "UP", "name": "Agra"}, {"id": "BLR1", "state": "KA", "name": "Bengaluru"}} {
			if code, out := call(t, "POST", m.URL+"/api/v1/peer-malls", tok, p); code != 201 && code != 200 {
				t.Fatalf("add peer %s: %d %v", p["id"], code, out)
			}
		}
		var mrp int64
		m.DB.R.QueryRow(`SELECT mrp_paise FROM products WHERE sku = 'UP-MBD-001'`).Scan(&mrp)
		qty := worth / mrp
		if v := qty * mrp; v <= 50000_00 || v > 100000_00 {
			t.Fatalf("UP-MBD-001 at %d paise: %d of them are worth %d", mrp, qty, v)
		}
		line := []map[string]any{{"sku": "UP-MBD-001", "qty": qty}}
		if code, out := call(t, "POST", m.URL+"/api/v1/zones/UP/receipts", tok, map[string]any{"producer_id": "PR-UP-MORADABAD-01",
			"lines": []map[string]any{{"sku": "UP-MBD-001", "qty": 2 * qty}}}); code != 201 {
			t.Fatalf("receive: %d %v", code, out)
		}
		out := map[string]bool{}
		for _, to := range []string{"AGR1", "BLR1"} {
			code, tr := callKeyed(t, "POST", m.URL+"/api/v1/zones/UP/transfers", tok, map[string]any{"to_mall": to, "lines": line})
			if code != 201 {
				t.Fatalf("transfer to %s: %d %v", to, code, tr)
			}
			_, needs := tr["eway_bill"]
			if needs != (tr["status"] == "awaiting_eway_bill") {
				t.Errorf("transfer to %s: e-way bill %v but status %v", to, tr["eway_bill"], tr["status"])
			}
			out[to] = needs
		}
		return out["AGR1"], out["BLR1"]
	}
	if intra, inter := send("EWB1"); !intra || !inter {
		t.Errorf("defaults: ₹60,000 within UP needs an e-way bill: %v, to KA: %v; want both", intra, inter)
	}
	if intra, inter := send("EWB2", "--eway-limits", "up=100000.00, DL=100000"); intra || !inter {
		t.Errorf("--eway-limits UP=100000.00: within UP %v (want none), to KA %v (want one)", intra, inter)
	}
	t.Setenv("EKTAMALL_EWAY_LIMITS", "UP=100000.00")
	t.Setenv("EKTAMALL_EWAY_LIMIT", "75000.00")
	if intra, inter := send("EWB3"); intra || inter {
		t.Errorf("EKTAMALL_EWAY_LIMIT=75000.00: to KA %v, within UP %v; want neither", inter, intra)
	}
	for _, bad := range []struct{ flag, v string }{{"eway-limits", "XX=5000.00"}, {"eway-limits", "UP"}, {"eway-limits", "UP=0"},
		{"eway-limits", "UP=1.00,UP=2.00"}, {"eway-limit", "-1"}} {
		cfg := mallapp.Config{Dir: t.TempDir(), ID: "EWB9", State: "UP", HTTP: "127.0.0.1:0", Synchronous: "FULL", ShutdownFor: 1, EWayLimit: "50000.00"}
		if bad.flag == "eway-limits" {
			cfg.EWayLimits = bad.v
		} else {
			cfg.EWayLimit = bad.v
		}
		if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), "--"+bad.flag+":") {
			t.Errorf("--%s %q: %v, want an error naming --%s", bad.flag, bad.v, err, bad.flag)
		}
	}
}

func callKeyed(t *testing.T, method, url, token string, body any) (int, map[string]any) {
	t.Helper()
	return callWith(t, method, url, token, body, map[string]string{"Idempotency-Key": uuid.NewString()})
}
