package webe2e

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"
	"time"

	"ektamall/cmd/ektamall/internal/e2e"
	hubapp "ektamall/hub/app"
	"ektamall/hub/ingest"
	"ektamall/pos/mallapp"
	"ektamall/shared/auth"
	"ektamall/shared/sqlitedb"
)

// password is every test user's password.
const password = "browser-test-pass"

// env is a hub and one mall (LKO1, Uttar Pradesh) linked as in production.
type env struct {
	hub  *hubapp.Hub
	mall *mallapp.Mall
}

// startEnv opens the hub and the mall in t.TempDir on random loopback
// ports, creates the users of every role, serves both and stops both (mall
// first: it is a leaf of the hub) when the test ends. hubOpts adjust the
// hub's configuration.
func startEnv(t *testing.T, hubOpts ...func(*hubapp.Config)) *env {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	hc := hubapp.Config{Dir: filepath.Join(dir, "hub"), HTTP: "127.0.0.1:0", Leaf: "127.0.0.1:0",
		Synchronous: "NORMAL", ShutdownFor: 5 * time.Second}
	for _, o := range hubOpts {
		o(&hc)
	}
	h, err := hubapp.Open(ctx, hc, e2e.Quiet())
	if err != nil {
		t.Fatalf("open hub: %v", err)
	}
	// Provisioned like the demo's malls, so the mall's sales reach the hub.
	raw, err := h.ProvisionMall(ctx, ingest.MallInfo{ID: "LKO1", State: "UP", Name: "PM Ekta Mall, Lucknow"}, true)
	creds := filepath.Join(dir, "LKO1.creds")
	if err == nil {
		err = os.WriteFile(creds, raw, 0o600)
	}
	if err != nil {
		h.Close()
		t.Fatalf("provision mall: %v", err)
	}
	m, err := mallapp.Open(ctx, mallapp.Config{Dir: filepath.Join(dir, "LKO1"), ID: "LKO1", State: "UP", Name: "PM Ekta Mall, Lucknow",
		Address: "Awadh Shilpgram, Lucknow", HTTP: "127.0.0.1:0", Hub: h.LeafURL, HubURL: h.URL, Creds: creds, Synchronous: "NORMAL", ShutdownFor: 5 * time.Second}, e2e.Quiet())
	if err != nil {
		h.Close()
		t.Fatalf("open mall: %v", err)
	}
	users := []struct {
		db    *sqlitedb.DB
		store *auth.Store
		name  string
		role  auth.Role
		zone  string
	}{
		{h.DB, h.Auth, "finance", auth.Finance, ""},
		{m.DB, m.Auth, "cashier", auth.Cashier, ""},
		{m.DB, m.Auth, "zm.up", auth.ZoneManager, "UP"},
	}
	for _, u := range users {
		err := u.db.Transact(ctx, func(tx *sql.Tx) error {
			_, err := u.store.CreateUser(ctx, tx, u.name, password, u.name, u.role, u.zone)
			return err
		})
		if err != nil {
			t.Fatalf("user %s: %v", u.name, err)
		}
	}
	hubCtx, stopHub := context.WithCancel(ctx)
	mallCtx, stopMall := context.WithCancel(ctx)
	hubDone, mallDone := make(chan error, 1), make(chan error, 1)
	go func() { hubDone <- h.Run(hubCtx) }()
	go func() { mallDone <- m.Run(mallCtx) }()
	t.Cleanup(func() {
		stopMall()
		if err := <-mallDone; err != nil {
			t.Errorf("mall shutdown: %v", err)
		}
		stopHub()
		if err := <-hubDone; err != nil {
			t.Errorf("hub shutdown: %v", err)
		}
	})
	e := &env{hub: h, mall: m}
	e2e.WaitOK(t, h.URL+"/healthz", 10*time.Second)
	e2e.WaitOK(t, m.URL+"/healthz", 10*time.Second)
	return e
}

// call is a JSON request as a logged-in user, for checking what the
// screens did through the API. It returns the status and decodes into out.
func webCall(t *testing.T, method, url, token string, body, out any) int {
	t.Helper()
	return e2e.Call(t, method, url, token, body, out)
}

func webLogin(t *testing.T, base, user string) string {
	t.Helper()
	return e2e.Login(t, base, user, password)
}
