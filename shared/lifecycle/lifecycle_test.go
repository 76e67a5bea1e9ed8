package lifecycle_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"ektamall/shared/lifecycle"
)

// A port in use fails the start before anything is left behind: the data
// directory the start created is gone again.
func TestBeginOnABusyPortLeavesNoDirectory(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	dir := filepath.Join(t.TempDir(), "new")
	var s lifecycle.Server
	if _, err := s.Begin(dir, busy.Addr().String()); err == nil {
		t.Fatal("Begin on a port in use succeeded")
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("data directory after a failed start: %v", err)
	}
}

// Serve answers on the API and metrics addresses until its context ends;
// Close then frees both ports, and a second Close is harmless.
func TestServeUntilCancelledThenClose(t *testing.T) {
	var s lifecycle.Server
	created, err := s.Begin(filepath.Join(t.TempDir(), "d"), "127.0.0.1:0")
	if err != nil || !created {
		t.Fatalf("Begin: created %v, %v", created, err)
	}
	if err := s.ListenMetrics("127.0.0.1:0", prometheus.NewRegistry()); err != nil {
		t.Fatal(err)
	}
	s.Handle(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) }), time.Second)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx) }()
	for _, u := range []string{s.URL + "/", s.MetricsURL + "/metrics"} {
		if code := getWithin(t, u, 5*time.Second); code != 200 {
			t.Fatalf("GET %s: %d", u, code)
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Serve after cancel: %v", err)
	}
	if err := s.Close(time.Second); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(time.Second); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if _, err := http.Get(s.URL + "/"); err == nil {
		t.Fatal("the API still answers after Close")
	}
}

func getWithin(t *testing.T, url string, d time.Duration) int {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
			return resp.StatusCode
		}
		if time.Now().After(deadline) {
			t.Fatalf("GET %s: %v", url, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
