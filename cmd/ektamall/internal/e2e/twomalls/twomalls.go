// Package twomalls starts, in one process, a hub and the malls LKO1 (Uttar
// Pradesh) and BLR1 (Karnataka) linked over real NATS, with a cashier and
// both States' zone managers at each mall and finance at the hub: the
// setting of the online-order end-to-end tests.
package twomalls

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

// World is the running hub and malls; the test's cleanup stops them.
type World struct {
	Hub   *hubapp.Hub
	Malls map[string]*mallapp.Mall
}

// Start opens the hub with cfg (its directory, addresses, durability and
// shutdown are filled in here) and the two malls, creates the users with
// password, runs them all and waits until each answers /healthz. leaf, if
// not nil, gives the leaf URL a mall dials (a proxy that can cut it);
// otherwise the hub's own.
func Start(t *testing.T, cfg hubapp.Config, password string, leaf func(hub *hubapp.Hub, mall string) string) *World {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	cfg.Dir, cfg.HTTP, cfg.Leaf = filepath.Join(dir, "hub"), "127.0.0.1:0", "127.0.0.1:0"
	cfg.Synchronous, cfg.ShutdownFor = "NORMAL", 5*time.Second
	h, err := hubapp.Open(ctx, cfg, e2e.Quiet())
	if err != nil {
		t.Fatalf("open hub: %v", err)
	}
	w := &World{Hub: h, Malls: map[string]*mallapp.Mall{}}
	var stops []func()
	t.Cleanup(func() {
		for i := len(stops) - 1; i >= 0; i-- {
			stops[i]()
		}
	})
	hubCtx, stopHub := context.WithCancel(ctx)
	hubDone := make(chan error, 1)
	stops = append(stops, func() {
		stopHub()
		if err := <-hubDone; err != nil {
			t.Errorf("hub shutdown: %v", err)
		}
	})
	for _, m := range []struct{ id, state, name string }{
		{"LKO1", "UP", "PM Ekta Mall, Lucknow"},
		{"BLR1", "KA", "PM Ekta Mall, Bengaluru"},
	} {
		hubLeaf := h.LeafURL
		if leaf != nil {
			hubLeaf = leaf(h, m.id)
		}
		ml := openMall(t, h, dir, m.id, m.state, m.name, hubLeaf)
		for _, u := range []struct {
			name string
			role auth.Role
			zone string
		}{{"cashier", auth.Cashier, ""}, {"zm.up", auth.ZoneManager, "UP"}, {"zm.ka", auth.ZoneManager, "KA"}} {
			CreateUser(t, ml.DB, ml.Auth, u.name, password, u.role, u.zone)
		}
		mctx, stop := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() { done <- ml.Run(mctx) }()
		id := m.id
		stops = append(stops, func() {
			stop()
			if err := <-done; err != nil {
				t.Errorf("%s shutdown: %v", id, err)
			}
		})
		w.Malls[m.id] = ml
	}
	CreateUser(t, h.DB, h.Auth, "finance", password, auth.Finance, "")
	go func() { hubDone <- h.Run(hubCtx) }()
	e2e.WaitOK(t, h.URL+"/healthz", 10*time.Second)
	for _, m := range w.Malls {
		e2e.WaitOK(t, m.URL+"/healthz", 10*time.Second)
	}
	return w
}

// openMall provisions a mall at the hub and opens it, not yet running.
func openMall(t *testing.T, h *hubapp.Hub, dir, id, state, name, hubLeaf string) *mallapp.Mall {
	t.Helper()
	raw, err := h.ProvisionMall(context.Background(), ingest.MallInfo{ID: id, State: state, Name: name}, true)
	if err != nil {
		t.Fatalf("provision %s: %v", id, err)
	}
	creds := filepath.Join(dir, id+".creds")
	if err := os.WriteFile(creds, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	ml, err := mallapp.Open(context.Background(), mallapp.Config{Dir: filepath.Join(dir, id), ID: id, State: state, Name: name,
		Address: "Ekta Mall, " + name, HTTP: "127.0.0.1:0", Hub: hubLeaf, HubURL: h.URL, Creds: creds, Synchronous: "NORMAL",
		ShutdownFor: 5 * time.Second}, e2e.Quiet())
	if err != nil {
		t.Fatalf("open %s: %v", id, err)
	}
	return ml
}

// CreateUser adds a user to a mall's or the hub's database.
func CreateUser(t *testing.T, db *sqlitedb.DB, store *auth.Store, name, password string, role auth.Role, zone string) {
	t.Helper()
	err := db.Transact(context.Background(), func(tx *sql.Tx) error {
		_, err := store.CreateUser(context.Background(), tx, name, password, name, role, zone)
		return err
	})
	if err != nil {
		t.Fatalf("user %s: %v", name, err)
	}
}
