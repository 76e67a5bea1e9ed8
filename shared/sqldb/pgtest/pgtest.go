// Package pgtest gives tests a real PostgreSQL database when the
// environment asks for one. EKTAMALL_TEST_PG:
//
//   - unset or empty: tests use SQLite only (Enabled is false);
//   - "temp": each test binary starts a throwaway cluster (initdb and
//     pg_ctl in a temp directory, on a free loopback port) in its TestMain
//     and stops it when its tests end;
//   - a postgres:// URL: that server, whose user may CREATE DATABASE.
//
// Each test gets a database of its own, dropped when the test ends.
package pgtest

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"sync/atomic"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver

	"ektamall/shared/sqldb"
	"ektamall/shared/sqldb/pgcluster"
)

// Env is the variable that turns PostgreSQL tests on.
const Env = "EKTAMALL_TEST_PG"

var (
	server string // URL of the server's maintenance database, set by Main
	serial atomic.Int64
)

// Enabled reports whether tests should run on PostgreSQL.
func Enabled() bool { return os.Getenv(Env) != "" }

// Main runs a test binary: with EKTAMALL_TEST_PG=temp it starts a cluster
// first and stops it after, so a package's tests can use NewDatabase.
// Call it from TestMain.
func Main(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	switch v := os.Getenv(Env); {
	case v == "":
	case v == "temp":
		c, err := pgcluster.Start(context.Background(), os.TempDir(), pgcluster.Options{})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer func() {
			if err := c.Stop(); err != nil {
				fmt.Fprintln(os.Stderr, err)
			}
		}()
		server = c.URL
	case sqldb.IsPostgresURL(v):
		server = v
	default:
		fmt.Fprintf(os.Stderr, "%s=%q: want temp or a postgres:// URL\n", Env, v)
		return 1
	}
	return m.Run()
}

// NewDatabase creates an empty database for t on the server and returns
// its URL; the database is dropped when t ends. It fails t when
// PostgreSQL is not enabled or the package's TestMain does not call Main.
func NewDatabase(t testing.TB) string {
	t.Helper()
	if server == "" {
		t.Fatalf("pgtest: %s is %q and this package's TestMain has not called pgtest.Main", Env, os.Getenv(Env))
	}
	name := fmt.Sprintf("t%d_%d_%d", os.Getpid(), time.Now().UnixNano()%1e9, serial.Add(1))
	admin, err := sql.Open("pgx", server)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := admin.ExecContext(ctx, `CREATE DATABASE `+name+` TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'`); err != nil {
		t.Fatalf("pgtest: create database: %v", err)
	}
	t.Cleanup(func() {
		admin, err := sql.Open("pgx", server)
		if err != nil {
			t.Error(err)
			return
		}
		defer admin.Close()
		if _, err := admin.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`); err != nil {
			t.Errorf("pgtest: drop database %s: %v", name, err)
		}
	})
	u, err := url.Parse(server)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}
