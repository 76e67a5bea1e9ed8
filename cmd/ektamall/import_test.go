package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ektamall/cmd/ektamall/internal/e2e"
	"ektamall/pos/mallapp"
	"ektamall/shared/auth"
)

// TestImportCommand uploads a consignment CSV to a real mall: a bad file is
// refused whole with every bad row printed by line number; the fixed file
// becomes one goods received note.
func TestImportCommand(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	m, err := mallapp.Open(ctx, mallapp.Config{Dir: t.TempDir(), ID: "LKO1", State: "UP", HTTP: "127.0.0.1:0",
		Synchronous: "FULL", ShutdownFor: time.Second}, e2e.Quiet())
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	e2e.WaitOK(t, m.URL+"/healthz", 20*time.Second)
	if err := m.DB.Transact(ctx, func(tx *sql.Tx) error {
		_, err := m.Auth.CreateUser(ctx, tx, "zm.up", "password1", "UP manager", auth.ZoneManager, "UP")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("sku,qty\nUP-MBD-001,5\nUP-MBD-001,five\nKA-XXX-001,1\nUP-MBD-002,2\n"), 0o600)
	var good strings.Builder
	good.WriteString("sku,qty\n")
	for i := range 3000 {
		fmt.Fprintf(&good, "UP-MBD-00%d,%d\n", 1+i%2, 1+i%3)
	}
	goodPath := filepath.Join(dir, "good.csv")
	os.WriteFile(goodPath, []byte(good.String()), 0o600)
	args := func(file string) []string {
		return []string{"import", "--mall", m.URL, "--user", "zm.up", "--password", "password1", "--zone", "UP",
			"--producer", "PR-UP-MORADABAD-01", "--ref", "CH-7", file}
	}

	var out, errOut bytes.Buffer
	if code := run(ctx, args(bad), &out, &errOut); code != 1 {
		t.Fatalf("bad file: exit %d, stderr %s", code, errOut.String())
	}
	for _, want := range []string{"bad.csv:3: quantity \"five\"", "bad.csv:4: unknown SKU", "nothing was imported"} {
		if !strings.Contains(errOut.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut.String())
		}
	}
	var moves int
	m.DB.R.QueryRow(`SELECT count(*) FROM stock_moves`).Scan(&moves)
	if moves != 0 {
		t.Fatalf("a refused import left %d moves", moves)
	}

	out.Reset()
	errOut.Reset()
	if code := run(ctx, args(goodPath), &out, &errOut); code != 0 {
		t.Fatalf("good file: exit %d, stderr %s", code, errOut.String())
	}
	if !strings.Contains(out.String(), "GRN-LKO1-000001: 3000 lines, 6000 units") {
		t.Fatalf("stdout = %q", out.String())
	}
	if !strings.Contains(errOut.String(), "uploading good.csv") {
		t.Errorf("no progress bar on stderr: %q", errOut.String())
	}
	if code := run(ctx, []string{"import", "--mall", m.URL, goodPath}, &out, &errOut); code == 0 {
		t.Fatal("import without --user/--zone/--producer succeeded")
	}
}
