package natsx

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// syncBuffer lets the test read logs while server goroutines write them.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// testLogger keeps server chatter out of the test output unless -v fails.
func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(tWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

type tWriter struct{ t *testing.T }

func (w tWriter) Write(p []byte) (int, error) {
	w.t.Helper()
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

func jsConfig(t *testing.T, name, domain, dir string) Config {
	return Config{
		Name:         name,
		StoreDir:     dir,
		Domain:       domain,
		JetStream:    true,
		SyncAlways:   true,
		Logger:       testLogger(t),
		ReadyTimeout: 20 * time.Second,
	}
}

func mustStart(t *testing.T, cfg Config) *Server {
	t.Helper()
	s, err := Start(context.Background(), cfg)
	if err != nil {
		t.Fatalf("Start(%s): %v", cfg.Name, err)
	}
	t.Cleanup(s.Shutdown)
	return s
}

func mustConnect(t *testing.T, s *Server) *nats.Conn {
	t.Helper()
	nc, err := s.Connect()
	if err != nil {
		t.Fatalf("Connect: %v", err)
	}
	t.Cleanup(nc.Close)
	return nc
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// eventually polls fn until it returns nil or the deadline passes.
func eventually(t *testing.T, d time.Duration, fn func() error) {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		err := fn()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("still failing after %s: %v", d, err)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

func TestJetStreamPersistsAcrossRestart(t *testing.T) {
	dir := t.TempDir()
	cfg := jsConfig(t, "solo", "mall-S1", dir)
	ctx := testCtx(t)

	s := mustStart(t, cfg)
	if s.ClientURL() != "" || s.LeafURL() != "" {
		t.Fatalf("in-process server should have no URLs, got %q %q", s.ClientURL(), s.LeafURL())
	}
	js, err := jetstream.New(mustConnect(t, s))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "EVENTS", Subjects: []string{"pos.>"}}); err != nil {
		t.Fatalf("CreateStream: %v", err)
	}
	if _, err := js.Publish(ctx, "pos.sale", []byte("sale-1")); err != nil {
		t.Fatalf("Publish: %v", err)
	}
	s.Shutdown()
	s.Shutdown() // idempotent

	s2 := mustStart(t, cfg)
	js2, err := jetstream.New(mustConnect(t, s2))
	if err != nil {
		t.Fatal(err)
	}
	st, err := js2.Stream(ctx, "EVENTS")
	if err != nil {
		t.Fatalf("stream after restart: %v", err)
	}
	msg, err := st.GetMsg(ctx, 1)
	if err != nil {
		t.Fatalf("GetMsg: %v", err)
	}
	if string(msg.Data) != "sale-1" || msg.Subject != "pos.sale" {
		t.Fatalf("got %q on %q", msg.Data, msg.Subject)
	}
}

func TestHubMirrorsMallAcrossDomains(t *testing.T) {
	ctx := testCtx(t)

	hubCfg := jsConfig(t, "hub", "hub", t.TempDir())
	hubCfg.SyncAlways = false
	hubCfg.LeafListen = "127.0.0.1:0"
	hub := mustStart(t, hubCfg)
	if !strings.HasPrefix(hub.LeafURL(), "nats-leaf://127.0.0.1:") || strings.HasSuffix(hub.LeafURL(), ":0") {
		t.Fatalf("LeafURL = %q", hub.LeafURL())
	}

	mallCfg := jsConfig(t, "mall-T1", "mall-T1", t.TempDir())
	mallCfg.LeafRemotes = []string{hub.LeafURL()}
	mall := mustStart(t, mallCfg)

	for _, s := range []*Server{hub, mall} {
		if err := s.WaitLeafConnected(ctx); err != nil {
			t.Fatal(err)
		}
	}

	mallJS, err := jetstream.New(mustConnect(t, mall))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := mallJS.CreateStream(ctx, jetstream.StreamConfig{Name: "EVENTS", Subjects: []string{"pos.t1.>"}}); err != nil {
		t.Fatalf("mall CreateStream: %v", err)
	}

	hubNC := mustConnect(t, hub)
	// Leaf up is not the same as the mall's JS API interest having reached
	// the hub; a mirror created before that waits out a 30 s retry.
	remoteJS, err := jetstream.NewWithDomain(hubNC, "mall-T1")
	if err != nil {
		t.Fatal(err)
	}
	eventually(t, 10*time.Second, func() error {
		_, err := remoteJS.Stream(ctx, "EVENTS")
		return err
	})

	hubJS, err := jetstream.New(hubNC)
	if err != nil {
		t.Fatal(err)
	}
	mirror, err := hubJS.CreateStream(ctx, jetstream.StreamConfig{
		Name:   "MALL_T1",
		Mirror: &jetstream.StreamSource{Name: "EVENTS", Domain: "mall-T1"},
	})
	if err != nil {
		t.Fatalf("hub CreateStream mirror: %v", err)
	}

	const n = 100
	for i := range n {
		if _, err := mallJS.Publish(ctx, "pos.t1.sale", fmt.Appendf(nil, "sale-%d", i)); err != nil {
			t.Fatalf("Publish %d: %v", i, err)
		}
	}

	eventually(t, 15*time.Second, func() error {
		info, err := mirror.Info(ctx)
		if err != nil {
			return err
		}
		if info.State.Msgs != n {
			return fmt.Errorf("mirror has %d msgs, want %d", info.State.Msgs, n)
		}
		return nil
	})
	last, err := mirror.GetMsg(ctx, n)
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("sale-%d", n-1); string(last.Data) != want {
		t.Fatalf("last mirrored message %q, want %q", last.Data, want)
	}
}

// Leaf authorization comes from ConfigString on the hub; the mall's
// LeafUser/LeafPassword must reach the remote URL.
func TestLeafUserPassword(t *testing.T) {
	hubCfg := Config{
		Name:         "hub-auth",
		LeafListen:   "127.0.0.1:0",
		ConfigString: `leafnodes { authorization { user: mall, password: "s3cret" } }`,
		Logger:       testLogger(t),
	}
	hub := mustStart(t, hubCfg)
	mall := mustStart(t, Config{
		Name:         "mall-auth",
		LeafRemotes:  []string{hub.LeafURL()},
		LeafUser:     "mall",
		LeafPassword: "s3cret",
		Logger:       testLogger(t),
	})
	ctx := testCtx(t)
	for _, s := range []*Server{hub, mall} {
		if err := s.WaitLeafConnected(ctx); err != nil {
			t.Fatal(err)
		}
	}
	// Core traffic crosses the link: a mall publish reaches a hub subscriber.
	sub, err := mustConnect(t, hub).SubscribeSync("ping.>")
	if err != nil {
		t.Fatal(err)
	}
	mallNC := mustConnect(t, mall)
	eventually(t, 5*time.Second, func() error {
		if err := mallNC.Publish("ping.x", []byte("hi")); err != nil {
			return err
		}
		_, err := sub.NextMsg(50 * time.Millisecond)
		return err
	})
}

func TestSecondStartOnSameStoreDirFails(t *testing.T) {
	dir := t.TempDir()
	mustStart(t, jsConfig(t, "first", "mall-L1", dir))

	s, err := Start(context.Background(), jsConfig(t, "second", "mall-L1", dir))
	if err == nil {
		s.Shutdown()
		t.Fatal("second Start on a locked StoreDir succeeded")
	}
	if !errors.Is(err, ErrStoreDirLocked) || !strings.Contains(err.Error(), dir) {
		t.Fatalf("want ErrStoreDirLocked naming %s, got: %v", dir, err)
	}
	t.Logf("error: %v", err)
}

func TestStartFailureLeavesNothingRunning(t *testing.T) {
	t.Run("client port taken", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { ln.Close() })
		dir := t.TempDir()
		cfg := jsConfig(t, "busy", "mall-B1", dir)
		cfg.Port = ln.Addr().(*net.TCPAddr).Port

		_, err = Start(context.Background(), cfg)
		if !errors.Is(err, syscall.EADDRINUSE) || !strings.Contains(err.Error(), ln.Addr().String()) {
			t.Fatalf("want address-in-use error naming %s, got: %v", ln.Addr(), err)
		}
		t.Logf("error: %v", err)
		cfg.Port = -1 // the lock must have been released
		s := mustStart(t, cfg)
		if !strings.HasPrefix(s.ClientURL(), "nats://127.0.0.1:") {
			t.Fatalf("ClientURL = %q", s.ClientURL())
		}
		nc, err := nats.Connect(s.ClientURL())
		if err != nil {
			t.Fatalf("TCP connect: %v", err)
		}
		nc.Close()
	})

	t.Run("JetStream cannot start", func(t *testing.T) {
		// A file where the server wants its jetstream directory: the server
		// reports this only through Fatalf, which must end the wait at once.
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "jetstream"), nil, 0o600); err != nil {
			t.Fatal(err)
		}
		cfg := jsConfig(t, "broken", "mall-X1", dir)
		cfg.ReadyTimeout = time.Minute
		begin := time.Now()
		_, err := Start(context.Background(), cfg)
		if err == nil || !strings.Contains(err.Error(), "JetStream") {
			t.Fatalf("want JetStream start error, got: %v", err)
		}
		if d := time.Since(begin); d > 10*time.Second {
			t.Fatalf("failure took %s; Fatalf was not noticed", d)
		}
		lock, err := lockDir(dir)
		if err != nil {
			t.Fatalf("lock not released: %v", err)
		}
		lock.unlock()
	})
}

func TestValidate(t *testing.T) {
	good := Config{Name: "mall-LKO1", StoreDir: "/tmp/x", Domain: "mall-LKO1", JetStream: true}
	if err := good.Validate(); err != nil {
		t.Fatalf("good config rejected: %v", err)
	}
	for name, tc := range map[string]struct {
		mut  func(*Config)
		want string
	}{
		"dot in domain":      {func(c *Config) { c.Domain = "mall.LKO1" }, "not allowed"},
		"wildcard in domain": {func(c *Config) { c.Domain = "mall-*" }, "not allowed"},
		"gt in domain":       {func(c *Config) { c.Domain = "mall>" }, "not allowed"},
		"space in domain":    {func(c *Config) { c.Domain = "mall LKO1" }, "not allowed"},
		"no domain":          {func(c *Config) { c.Domain = "" }, "Domain is required"},
		"no store dir":       {func(c *Config) { c.StoreDir = "" }, "StoreDir is required"},
		"no name":            {func(c *Config) { c.Name = "" }, "Name is required"},
		"bad leaf listen":    {func(c *Config) { c.LeafListen = "7422" }, "LeafListen"},
		"bad remote scheme":  {func(c *Config) { c.LeafRemotes = []string{"http://hub:7422"} }, "scheme"},
		"creds and user": {func(c *Config) {
			c.LeafRemotes = []string{"nats-leaf://hub:7422"}
			c.LeafCredentials, c.LeafUser = "/x.creds", "u"
		}, "mutually exclusive"},
		"port range": {func(c *Config) { c.Port = 70000 }, "Port"},
	} {
		t.Run(name, func(t *testing.T) {
			c := good
			tc.mut(&c)
			err := c.Validate()
			if !errors.Is(err, ErrInvalidConfig) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("want ErrInvalidConfig mentioning %q, got: %v", tc.want, err)
			}
		})
	}
	// Start refuses before touching the disk.
	bad := good
	bad.StoreDir = ""
	if _, err := Start(context.Background(), bad); !errors.Is(err, ErrInvalidConfig) {
		t.Fatalf("Start with invalid config: %v", err)
	}
}

func TestLogsReachSlog(t *testing.T) {
	var buf syncBuffer
	cfg := jsConfig(t, "logged", "mall-G1", t.TempDir())
	cfg.Logger = slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	s := mustStart(t, cfg)
	nc := mustConnect(t, s)
	if err := nc.Flush(); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{
		`level=INFO msg="Starting nats-server" nats_server=logged`,
		`level=INFO msg="Server is ready" nats_server=logged`,
		`level=DEBUG`, // debug enabled on the handler => the server emits Debugf
	} {
		if !strings.Contains(out, want) {
			t.Errorf("log output lacks %q:\n%s", want, out)
		}
	}
}
