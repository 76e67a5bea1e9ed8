package chaos

import (
	"bytes"
	"context"
	"flag"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestChaosShort runs the fault test for about 40 seconds of load with a
// fixed seed against freshly built binaries: hub and malls SIGKILLed, leaf
// links cut, a mall restored from a stale backup while cut off, and every
// check of 'ektamall chaos' must pass.
func TestChaosShort(t *testing.T) {
	if testing.Short() {
		t.Skip("the chaos run takes about a minute")
	}
	bin := filepath.Join(t.TempDir(), "ektamall")
	if out, err := exec.Command("go", "build", "-o", bin, "ektamall/cmd/ektamall").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	var out bytes.Buffer
	fs := flag.NewFlagSet("chaos", flag.ContinueOnError)
	o := Flags(fs)
	if err := fs.Parse([]string{"--bin", bin, "--seed", "20260601", "--duration", "40s", "--counters", "2",
		"--dir", filepath.Join(t.TempDir(), "chaos"), "--keep"}); err != nil {
		t.Fatal(err)
	}
	err := Run(ctx, o, &out)
	t.Log(out.String())
	if err != nil {
		t.Fatalf("chaos: %v", err)
	}
	// The run must really have faulted: at least one SIGKILL and one cut.
	s := out.String()
	if !strings.Contains(s, "SIGKILL") || !strings.Contains(s, "leaf link") {
		t.Fatalf("the schedule injected no kills or no cuts:\n%s", s)
	}
	// And a mall was restored from a stale backup into a new epoch.
	if !strings.Contains(s, "started epoch 1") || !strings.Contains(s, "lost with a restore") {
		t.Fatalf("no restore of a stale backup in the run:\n%s", s)
	}
	if strings.Contains(s, "FAIL") {
		t.Fatal("a check failed")
	}
}
