package config_test

import (
	"flag"
	"strings"
	"testing"
	"time"

	"ektamall/shared/config"
)

func TestEnvFillsFlagsNotGiven(t *testing.T) {
	t.Setenv("EKTAMALL_DIR", "/from/env")
	t.Setenv("EKTAMALL_SQLITE_SYNCHRONOUS", "NORMAL")
	t.Setenv("EKTAMALL_HTTP", "0.0.0.0:9")
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	dir := fs.String("dir", "", "")
	sync := fs.String("sqlite-synchronous", "FULL", "")
	addr := fs.String("http", "127.0.0.1:1", "")
	if err := config.Parse(fs, []string{"--http", "127.0.0.1:2"}); err != nil {
		t.Fatal(err)
	}
	if *dir != "/from/env" || *sync != "NORMAL" {
		t.Errorf("env not applied: dir %q sync %q", *dir, *sync)
	}
	if *addr != "127.0.0.1:2" {
		t.Errorf("command line must win over env, got %q", *addr)
	}
}

func TestBadEnvValueNamesTheVariable(t *testing.T) {
	t.Setenv("EKTAMALL_SHUTDOWN_TIMEOUT", "soon")
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	fs.Duration("shutdown-timeout", time.Second, "")
	err := config.Parse(fs, nil)
	if err == nil || !strings.Contains(err.Error(), "EKTAMALL_SHUTDOWN_TIMEOUT") {
		t.Fatalf("err = %v", err)
	}
}

func TestErrorsCollectEveryField(t *testing.T) {
	var e config.Errors
	if e.Err() != nil {
		t.Fatal("empty Errors is an error")
	}
	e.Addf("id", "required")
	e.CheckAddr("http", "no-port")
	e.CheckAddr("leaf", "127.0.0.1:7422")
	err := e.Err()
	if err == nil || !strings.Contains(err.Error(), "--id: required") || !strings.Contains(err.Error(), "--http") || strings.Contains(err.Error(), "--leaf") {
		t.Fatalf("err = %v", err)
	}
	if strings.Contains(err.Error(), "\n") {
		t.Fatal("errors must fit one line")
	}
}
