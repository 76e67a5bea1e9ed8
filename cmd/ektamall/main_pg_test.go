package main

import (
	"testing"

	"ektamall/shared/sqldb/pgtest"
)

// TestMigrateDB copies a hub's books into PostgreSQL: under make test-pg
// this package gets a throwaway cluster like the hub's packages do.
func TestMain(m *testing.M) { pgtest.Main(m) }
