package mallapp_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ektamall/pos/mallapp"
)

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func startMall(t *testing.T, dir, id, state string) *mallapp.Mall {
	t.Helper()
	return startMallWith(t, mallapp.Config{Dir: dir, ID: id, State: state})
}

// startMallWith serves a mall on a random port with cfg's identity.
func startMallWith(t *testing.T, cfg mallapp.Config) *mallapp.Mall {
	t.Helper()
	cfg.HTTP, cfg.Metrics, cfg.Synchronous, cfg.ShutdownFor = "127.0.0.1:0", "127.0.0.1:0", "FULL", 5*time.Second
	m, err := mallapp.Open(context.Background(), cfg, quiet())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("mall shutdown: %v", err)
		}
	})
	return m
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := http.Get(url)
		if err == nil {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			return resp.StatusCode, string(b)
		}
		if time.Now().After(deadline) {
			t.Fatal(err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestReadyzAndMetrics(t *testing.T) {
	m := startMall(t, t.TempDir(), "TST1", "UP")
	code, body := get(t, m.URL+"/readyz")
	var r struct {
		Ready  bool              `json:"ready"`
		Checks map[string]string `json:"checks"`
	}
	if err := json.Unmarshal([]byte(body), &r); err != nil || code != 200 || !r.Ready {
		t.Fatalf("readyz %d %s", code, body)
	}
	if r.Checks["database"] != "writable" || !strings.Contains(r.Checks["nats"], "stand-alone") {
		t.Fatalf("checks = %v", r.Checks)
	}
	get(t, m.URL+"/api/v1/products") // 401, but counted under its route
	if code, _ := get(t, m.URL+"/metrics"); code != 404 {
		t.Errorf("/metrics on the API address answers %d", code)
	}
	_, metrics := get(t, m.MetricsURL+"/metrics")
	for _, want := range []string{
		"ektamall_outbox_pending 0",
		"ektamall_sync_hub_watermark 0",
		`ektamall_http_requests_total{code="401",method="GET",route="/api/v1/products"} 1`,
		"go_goroutines",
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
}

func TestDataDirBelongsToOneMall(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "m")
	m, err := mallapp.Open(context.Background(), mallapp.Config{Dir: dir, ID: "LKO1", State: "UP", HTTP: "127.0.0.1:0", Synchronous: "FULL", ShutdownFor: time.Second}, quiet())
	if err != nil {
		t.Fatal(err)
	}
	m.Close()
	_, err = mallapp.Open(context.Background(), mallapp.Config{Dir: dir, ID: "BLR1", State: "KA", HTTP: "127.0.0.1:0", Synchronous: "FULL", ShutdownFor: time.Second}, quiet())
	if err == nil || !strings.Contains(err.Error(), "holds mall LKO1") {
		t.Fatalf("opening LKO1's directory as BLR1: %v", err)
	}
}
