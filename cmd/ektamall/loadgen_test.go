package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	mallapp "ektamall/pos/app"
)

// startLoadMall runs a real mall in-process on a random port, with a
// mall_admin for the load generator; it returns the URL and the password.
func startLoadMall(t *testing.T) (string, string) {
	t.Helper()
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "LKO1")
	pass, err := initMall(ctx, dir, "LKO1", quietLog())
	if err != nil {
		t.Fatal(err)
	}
	m, err := mallapp.Open(ctx, mallapp.Config{Dir: dir, ID: "LKO1", State: "UP", HTTP: "127.0.0.1:0", Synchronous: "FULL",
		ShutdownFor: 5 * time.Second}, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	rctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- m.Run(rctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("mall shutdown: %v", err)
		}
	})
	return m.URL, pass
}

// The load generator against a real mall: four counters for a few
// seconds sell without errors, and every shift's Z report equals the sales
// the counters were answered, including a sale in flight at the deadline.
func TestLoadgenAgainstRealMall(t *testing.T) {
	url, pass := startLoadMall(t)
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"loadgen", "--mall", url, "--user", "bench.admin", "--password", pass,
		"--counters", "4", "--duration", "3s", "--seed", "7"}, &out, &errOut)
	if code != 0 {
		t.Fatalf("loadgen exited %d\nstdout:\n%s\nstderr:\n%s", code, out.String(), errOut.String())
	}
	s := out.String()
	for _, want := range []string{"sales/s", "p99", "errors     0", "4 shifts closed; totals equal the answered sales to the paisa"} {
		if !strings.Contains(s, want) {
			t.Errorf("summary lacks %q:\n%s", want, s)
		}
	}
	if strings.Contains(s, "sales      0 ") {
		t.Errorf("no sales were made:\n%s", s)
	}
	// A second run on the same mall reuses the cashiers and still agrees.
	out.Reset()
	if code := run(context.Background(), []string{"loadgen", "--mall", url, "--user", "bench.admin", "--password", pass,
		"--counters", "4", "--duration", "1s"}, &out, &errOut); code != 0 {
		t.Fatalf("second run exited %d: %s %s", code, out.String(), errOut.String())
	}
}

// A run that cannot do its job exits non-zero.
func TestLoadgenFailsOnBadLogin(t *testing.T) {
	url, _ := startLoadMall(t)
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"loadgen", "--mall", url, "--user", "bench.admin", "--password", "wrong-password",
		"--counters", "1", "--duration", "1s"}, &out, &errOut)
	if code == 0 || !strings.Contains(errOut.String(), "admin login") {
		t.Fatalf("exit %d, stderr %q; want a non-zero exit naming the login", code, errOut.String())
	}
}
