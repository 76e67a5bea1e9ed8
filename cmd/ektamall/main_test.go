package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"ektamall/cmd/ektamall/internal/e2e"
)

type safeBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *safeBuf) Write(p []byte) (int, error) { s.mu.Lock(); defer s.mu.Unlock(); return s.b.Write(p) }
func (s *safeBuf) String() string              { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// TestDemoServesAndRestarts runs the demo entry point on free ports
// (without history: TestDemoHistory covers it), checks
// /healthz on the hub and both malls and a login from demo.json, stops it
// cleanly, and starts it again on the same directory with its data kept.
// The banner is the last thing printed: nothing reaches stderr, the
// requests are logged in demo.log, and NATS's start-up banner nowhere.
func TestDemoServesAndRestarts(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "demo")
	var channelKey string
	for round := 1; round <= 2; round++ {
		ctx, cancel := context.WithCancel(context.Background())
		out, errOut := &safeBuf{}, &safeBuf{}
		done := make(chan int, 1)
		go func() {
			done <- run(ctx, []string{"demo", "--dir", dir, "--http", "127.0.0.1:0", "--empty"}, out, errOut)
		}()
		var info demoFile
		deadline := time.Now().Add(2 * time.Minute) // a loaded machine under -race
		for {
			b, err := os.ReadFile(filepath.Join(dir, "demo.json"))
			if err == nil && json.Unmarshal(b, &info) == nil && strings.Contains(out.String(), "running") {
				break
			}
			if time.Now().After(deadline) {
				cancel()
				t.Fatalf("round %d: demo.json never appeared; output:\n%s", round, out.String())
			}
			time.Sleep(50 * time.Millisecond)
		}
		if len(info.Malls) != 2 || info.Malls[0].ID != "LKO1" || info.Malls[1].ID != "BLR1" {
			t.Fatalf("malls in demo.json = %+v", info.Malls)
		}
		for _, url := range []string{info.Hub.URL, info.Malls[0].URL, info.Malls[1].URL} {
			e2e.WaitOK(t, url+"/healthz", 20*time.Second)
		}
		// Every role can log in with the listed password, at the right place.
		roles := map[string]bool{}
		for _, u := range info.Users {
			base := info.Hub.URL
			for _, m := range info.Malls {
				if m.ID == u.Mall {
					base = m.URL
				}
			}
			if code := e2e.Call(t, "POST", base+"/api/v1/auth/login", "", map[string]string{"username": u.Username, "password": u.Password}, nil); code != 200 {
				t.Errorf("round %d: login %s at %s: status %d", round, u.Username, base, code)
			}
			roles[u.Role] = true
		}
		for _, r := range []string{"cashier", "zone_manager", "mall_admin", "finance"} {
			if !roles[r] {
				t.Errorf("demo.json has no %s", r)
			}
		}
		// The online channel's key reads the hub's channel catalog, and
		// stays the same across a restart.
		if len(info.Channels) != 1 || info.Channels[0].ID == "" || info.Channels[0].Key == "" {
			t.Fatalf("round %d: channels in demo.json = %+v", round, info.Channels)
		}
		if code := e2e.Call(t, "GET", info.Hub.URL+"/api/v1/channel/catalog", info.Channels[0].Key, nil, nil); code != 200 {
			t.Errorf("round %d: channel catalog with demo.json's key: status %d", round, code)
		}
		if round == 1 {
			channelKey = info.Channels[0].Key
		} else if info.Channels[0].Key != channelKey {
			t.Errorf("the channel key changed across a restart")
		}
		printed := strings.TrimSpace(out.String())
		if !strings.HasSuffix(printed, "EKTAMALL_<FLAG>") || errOut.String() != "" {
			t.Errorf("round %d: the banner is not the last thing printed; stdout ends %q, stderr %q", round, printed[max(0, len(printed)-80):], errOut.String())
		}
		logged, _ := os.ReadFile(filepath.Join(dir, "demo.log"))
		if !strings.Contains(string(logged), `"route":"/api/v1/auth/login"`) || strings.Contains(string(logged), "Starting nats-server") {
			t.Errorf("round %d: demo.log should hold the logins' request lines and no NATS banner", round)
		}
		cancel()
		select {
		case code := <-done:
			if code != 0 {
				t.Fatalf("round %d: demo exited %d", round, code)
			}
		case <-time.After(30 * time.Second):
			t.Fatal("demo did not shut down within 30 s")
		}
	}
}

func TestBadFlagsExitNonZeroWithOneLine(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	file := filepath.Join(t.TempDir(), "a-file")
	os.WriteFile(file, nil, 0o600)
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"unknown command", []string{"shop"}, "unknown command"},
		{"unknown flag", []string{"mall", "--colour", "blue"}, "colour"},
		{"missing mall id", []string{"mall", "--dir", t.TempDir(), "--state", "UP"}, "--id"},
		{"bad state", []string{"mall", "--dir", t.TempDir(), "--id", "LKO1", "--state", "XX"}, "--state"},
		{"bad address", []string{"hub", "--dir", t.TempDir(), "--http", "nonsense"}, "--http"},
		{"bad einvoice-transfers", []string{"hub", "--dir", t.TempDir(), "--einvoice-transfers", "maybe"}, "--einvoice-transfers"},
		{"bad transfer-value", []string{"mall", "--dir", t.TempDir(), "--id", "LKO1", "--state", "UP", "--transfer-value", "cost"}, "--transfer-value"},
		{"bad eway-limits", []string{"mall", "--dir", t.TempDir(), "--id", "LKO1", "--state", "UP", "--eway-limits", "UP=lots"}, "--eway-limits"},
		{"port in use", []string{"hub", "--dir", filepath.Join(t.TempDir(), "h"), "--http", busy.Addr().String(), "--leaf", "127.0.0.1:0"}, "address already in use"},
		{"dir is a file", []string{"hub", "--dir", file, "--http", "127.0.0.1:0", "--leaf", "127.0.0.1:0"}, "--dir"},
		{"demo hub-db not a postgres URL", []string{"demo", "--dir", t.TempDir(), "--hub-db", "mysql://hub"}, "--hub-db"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var stderr bytes.Buffer
			code := run(context.Background(), c.args, io.Discard, &stderr)
			msg := lastLine(stderr.String())
			if code == 0 {
				t.Fatalf("exit 0 for %v", c.args)
			}
			// The reason is the last line, one line, naming the problem.
			if !strings.HasPrefix(msg, "ektamall ") || !strings.Contains(msg, c.want) {
				t.Errorf("last line %q does not name %q", msg, c.want)
			}
		})
	}
	// A port in use must not leave a half-created data directory behind.
	dir := filepath.Join(t.TempDir(), "never")
	run(context.Background(), []string{"hub", "--dir", dir, "--http", busy.Addr().String(), "--leaf", "127.0.0.1:0"}, io.Discard, io.Discard)
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("failed start left %s behind", dir)
	}
}

func lastLine(s string) string {
	s = strings.TrimRight(s, "\n")
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		return s[i+1:]
	}
	return s
}

// TestHelpPrintsUsageOnce: -h on a command or a nested subcommand prints
// its usage once and exits 0 (it used to print it twice). Commands write
// usage to the process's stderr, so the test swaps it for a pipe.
func TestHelpPrintsUsageOnce(t *testing.T) {
	for _, args := range [][]string{{"hub", "-h"}, {"mall", "-h"}, {"hub", "provision-mall", "-h"}, {"settle", "-h"}} {
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		saved := os.Stderr
		os.Stderr = w
		var buf bytes.Buffer
		code := run(context.Background(), args, io.Discard, &buf)
		os.Stderr = saved
		w.Close()
		out, _ := io.ReadAll(r)
		r.Close()
		all := buf.String() + string(out)
		if code != 0 {
			t.Errorf("%v: exit %d", args, code)
		}
		if n := strings.Count(all, "usage: ektamall"); n != 1 {
			t.Errorf("%v: usage printed %d times:\n%s", args, n, all)
		}
	}
}
