package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"ektamall/cmd/ektamall/internal/bench"
	"ektamall/cmd/ektamall/internal/e2e"
	"ektamall/pos/mallapp"
)

// startLoadMall runs a real mall in-process on a random port, with a
// mall_admin for the load generator; it returns the URL and the password.
func startLoadMall(t *testing.T) (string, string) {
	t.Helper()
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "LKO1")
	pass, err := bench.InitMall(ctx, dir, "LKO1", e2e.Quiet())
	if err != nil {
		t.Fatal(err)
	}
	m, err := mallapp.Open(ctx, mallapp.Config{Dir: dir, ID: "LKO1", State: "UP", HTTP: "127.0.0.1:0", Synchronous: "FULL",
		ShutdownFor: 5 * time.Second}, e2e.Quiet())
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

// A paced run rings about rate × counters × duration sales, not as many
// as the mall can take.
func TestLoadgenPaced(t *testing.T) {
	url, pass := startLoadMall(t)
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"loadgen", "--mall", url, "--user", "bench.admin", "--password", pass,
		"--counters", "2", "--duration", "3s", "--rate", "5", "--seed", "3"}, &out, &errOut)
	if code != 0 {
		t.Fatalf("loadgen exited %d\nstdout:\n%s\nstderr:\n%s", code, out.String(), errOut.String())
	}
	var sales, returns int
	for _, l := range strings.Split(out.String(), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "sales" {
			sales, _ = strconv.Atoi(f[1])
		} else if len(f) >= 2 && f[0] == "returns" {
			returns, _ = strconv.Atoi(f[1])
		}
	}
	// 2 counters × 5/s × 3 s = 30 sales and returns, give or take a
	// counter's late start and the last one due at the deadline.
	if n := sales + returns; n < 24 || n > 32 {
		t.Fatalf("paced run rang %d sales and %d returns, want about 30:\n%s", sales, returns, out.String())
	}
	if code := run(context.Background(), []string{"loadgen", "--mall", url, "--user", "bench.admin", "--password", pass,
		"--rate", "-1"}, &out, &errOut); code == 0 {
		t.Fatal("a negative --rate was accepted")
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
