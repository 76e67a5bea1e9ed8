package main

import (
	"bytes"
	"context"
	"database/sql"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ektamall/cmd/ektamall/internal/e2e"
	"ektamall/pos/mallapp"
	"ektamall/shared/auth"
)

func openMall(t *testing.T, dir, id, state string) *mallapp.Mall {
	t.Helper()
	m, err := mallapp.Open(context.Background(), mallapp.Config{Dir: dir, ID: id, State: state, HTTP: "127.0.0.1:0",
		Synchronous: "FULL", ShutdownFor: time.Second}, e2e.Quiet())
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func addUser(t *testing.T, m *mallapp.Mall, name string) {
	t.Helper()
	ctx := context.Background()
	if err := m.DB.Transact(ctx, func(tx *sql.Tx) error {
		_, err := m.Auth.CreateUser(ctx, tx, name, "password1", name, auth.Cashier, "")
		return err
	}); err != nil {
		t.Fatal(err)
	}
}

func TestBackupAndRestoreCommands(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	dir := filepath.Join(root, "LKO1")
	m := openMall(t, dir, "LKO1", "UP")
	addUser(t, m, "before.backup")
	out := filepath.Join(root, "lko1-backup.db")
	var stdout, stderr bytes.Buffer
	// Online: the mall is open while the backup runs.
	if code := run(ctx, []string{"backup", "--dir", dir, "--out", out}, &stdout, &stderr); code != 0 {
		t.Fatalf("backup exit %d: %s", code, stderr.String())
	}
	addUser(t, m, "after.backup")
	m.Close()

	// A backup of another mall is refused.
	other := filepath.Join(root, "BLR1")
	openMall(t, other, "BLR1", "KA").Close()
	stderr.Reset()
	if code := run(ctx, []string{"restore", "--dir", other, "--from", out}, io.Discard, &stderr); code == 0 || !strings.Contains(stderr.String(), "backup of mall LKO1") {
		t.Fatalf("restoring LKO1 into BLR1: exit %d, %s", code, stderr.String())
	}

	stderr.Reset()
	if code := run(ctx, []string{"restore", "--dir", dir, "--from", out}, io.Discard, &stderr); code != 0 {
		t.Fatalf("restore exit %d: %s", code, stderr.String())
	}
	m = openMall(t, dir, "LKO1", "UP")
	defer m.Close()
	for name, want := range map[string]bool{"before.backup": true, "after.backup": false} {
		got, err := m.Auth.UserExists(ctx, name)
		if err != nil || got != want {
			t.Errorf("user %s exists = %v (err %v), want %v", name, got, err, want)
		}
	}
}
