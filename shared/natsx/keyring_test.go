package natsx

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/nats-io/nkeys"
)

// TestReloadWhileTrafficFlows: users are reloaded (a mall provisioned)
// while in-process clients use the JetStream API, as the hub does when a
// mall is provisioned during ingest. Under -race this is where
// nats-server's reload raced its service imports.
func TestReloadWhileTrafficFlows(t *testing.T) {
	cfg := jsConfig(t, "hub", "hub", t.TempDir())
	cfg.RequireAuth = true
	s := mustStart(t, cfg)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for w := range 4 {
		nc := mustConnect(t, s)
		js, err := jetstream.New(nc)
		if err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			name := []string{"A", "B", "C", "D"}[w]
			for {
				select {
				case <-stop:
					return
				default:
				}
				js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{Name: name, Subjects: []string{"s." + name}})
				js.Publish(ctx, "s."+name, []byte("x"))
				js.AccountInfo(ctx)
			}
		}()
	}
	var users []User
	for i := range 100 {
		kp, _ := nkeys.CreateUser()
		pub, _ := kp.PublicKey()
		users = append(users, User{Nkey: pub, Publish: []string{"x.>"}, Subscribe: []string{"y.>"}, LeafOnly: true})
		c := cfg
		c.Users = append([]User(nil), users...)
		if err := s.Reload(c); err != nil {
			t.Fatalf("reload %d: %v", i, err)
		}
		time.Sleep(5 * time.Millisecond)
	}
	close(stop)
	wg.Wait()
}

// TestKeyringAdmitsAndCutsLeafKeys: a mall's key added by Reload admits
// its leaf connection (no configuration reload), confined to its allow
// lists; removed by Reload, the connection is cut and not admitted again.
func TestKeyringAdmitsAndCutsLeafKeys(t *testing.T) {
	hubCfg := jsConfig(t, "hub", "hub", t.TempDir())
	hubCfg.RequireAuth = true
	hubCfg.LeafListen = "127.0.0.1:0"
	hub := mustStart(t, hubCfg)
	kp, _ := nkeys.CreateUser()
	pub, _ := kp.PublicKey()
	seed, _ := kp.Seed()
	creds := filepath.Join(t.TempDir(), "mall.creds")
	if err := os.WriteFile(creds, seed, 0o600); err != nil {
		t.Fatal(err)
	}
	mall := mustStart(t, Config{Name: "mall", LeafRemotes: []string{hub.LeafURL()}, LeafCredentials: creds, Logger: testLogger(t)})
	time.Sleep(300 * time.Millisecond) // a few refused attempts: the key is not known yet
	if hub.LeafConnected() {
		t.Fatal("a leaf with an unknown key was admitted")
	}
	cfg := hubCfg
	cfg.Users = []User{{Nkey: pub, Publish: []string{"up.>"}, Subscribe: []string{"down.>"}, LeafOnly: true}}
	if err := hub.Reload(cfg); err != nil {
		t.Fatal(err)
	}
	ctx := testCtx(t)
	if err := mall.WaitLeafConnected(ctx); err != nil {
		t.Fatalf("the key added by Reload was not admitted: %v", err)
	}
	// Confined: what the mall publishes outside "up.>" never reaches the hub.
	hc, mc := mustConnect(t, hub), mustConnect(t, mall)
	up, _ := hc.SubscribeSync("up.x")
	other, _ := hc.SubscribeSync("other.x")
	hc.Flush()
	eventually(t, 10*time.Second, func() error {
		mc.Publish("other.x", []byte("no"))
		mc.Publish("up.x", []byte("yes"))
		mc.Flush()
		_, err := up.NextMsg(100 * time.Millisecond)
		return err
	})
	if m, err := other.NextMsg(200 * time.Millisecond); err == nil {
		t.Fatalf("a subject outside the mall's allow list crossed: %q", m.Subject)
	}
	// Revoked: the connection is cut and stays out.
	cfg.Users = nil
	if err := hub.Reload(cfg); err != nil {
		t.Fatal(err)
	}
	eventually(t, 10*time.Second, func() error {
		if hub.LeafConnected() {
			return errors.New("the revoked key's leaf is still connected")
		}
		return nil
	})
	time.Sleep(1500 * time.Millisecond) // the mall retries every second
	if hub.LeafConnected() {
		t.Fatal("the revoked key was admitted again")
	}
}
