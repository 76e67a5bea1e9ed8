package producer_test

import (
	"testing"

	"ektamall/shared/sqldb/pgtest"
)

// TestMain runs this package's tests on SQLite, and on PostgreSQL too when
// EKTAMALL_TEST_PG asks for it (shared/sqldb/pgtest).
func TestMain(m *testing.M) { pgtest.Main(m) }
