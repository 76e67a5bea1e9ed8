package backup

import (
	"strings"
	"testing"
)

// Without PostgreSQL's client programs a PostgreSQL hub's backup says
// which program it needs and where it looked.
func TestPGToolMissingIsNamed(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	old := debianPGBin
	debianPGBin = t.TempDir() + "/*/bin"
	defer func() { debianPGBin = old }()
	_, err := pgTool("pg_dump")
	if err == nil || !strings.Contains(err.Error(), "pg_dump") || !strings.Contains(err.Error(), "postgresql-client") {
		t.Fatalf("pgTool without pg_dump: %v", err)
	}
}
