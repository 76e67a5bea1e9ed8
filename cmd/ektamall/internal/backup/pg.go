package backup

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"ektamall/hub/ledger"
	"ektamall/shared/sqldb"
)

// A PostgreSQL hub's backup is PostgreSQL's own: pg_dump's custom-format
// archive, one consistent snapshot taken while the hub nodes run (pg_dump
// reads in one REPEATABLE READ transaction and blocks no writer). Restore
// loads it with pg_restore into an empty database, in one transaction,
// and checks the ledger there; the hub is then pointed at that database.
// Continuous archiving (WAL, point-in-time recovery) is the server
// operator's business and complements this.

// ledgerTables must be in every hub archive: a dump without them is not a
// hub's books.
var ledgerTables = []string{"ledger_accounts", "ledger_entries", "ledger_postings", "settlement_runs"}

// BackupPG dumps the hub's books at url into out (which must not exist)
// with pg_dump and verifies the archive lists the hub's tables.
func BackupPG(ctx context.Context, url, out string) error {
	if _, err := os.Stat(out); err == nil {
		return fmt.Errorf("--out %s exists", out)
	}
	dump, err := pgTool("pg_dump")
	if err != nil {
		return err
	}
	tmp := out + ".part"
	os.Remove(tmp)
	if err := runTool(ctx, dump, "--format=custom", "--no-owner", "--no-privileges", "--file", tmp, "--dbname", url); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := VerifyPG(ctx, tmp); err != nil {
		os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, out)
}

// VerifyPG checks that file is a pg_dump archive of a hub's books.
func VerifyPG(ctx context.Context, file string) error {
	list, err := pgTool("pg_restore")
	if err != nil {
		return err
	}
	var out bytes.Buffer
	cmd := exec.CommandContext(ctx, list, "--list", file)
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s is not a PostgreSQL backup: pg_restore --list: %w\n%s", file, err, strings.TrimSpace(out.String()))
	}
	for _, t := range ledgerTables {
		if !strings.Contains(out.String(), " TABLE DATA public "+t+" ") {
			return fmt.Errorf("%s is not a backup of a hub's books: it holds no table %s", file, t)
		}
	}
	return nil
}

// RestorePG loads the archive from into the empty database at url and
// checks that its ledger balances; what happened goes to stdout. It
// refuses a database that already holds a hub's books: restore into a new
// one, then point the hub's --db at it.
func RestorePG(ctx context.Context, url, from string, stdout io.Writer) error {
	if err := VerifyPG(ctx, from); err != nil {
		return err
	}
	pg, err := sqldb.OpenPostgres(ctx, url, sqldb.PGOptions{MaxConns: 2})
	if err != nil {
		return fmt.Errorf("--db: %w", err)
	}
	defer pg.Close()
	var tables int
	if err := pg.Pool().QueryRowContext(ctx, `SELECT count(*) FROM pg_tables WHERE schemaname = 'public'`).Scan(&tables); err != nil {
		return fmt.Errorf("--db: %w", err)
	}
	if tables > 0 {
		return errors.New("--db: the database already holds tables; restore into a new, empty database (createdb), then point the hub's --db at it")
	}
	restore, err := pgTool("pg_restore")
	if err != nil {
		return err
	}
	if err := runTool(ctx, restore, "--single-transaction", "--exit-on-error", "--no-owner", "--no-privileges", "--dbname", url, from); err != nil {
		return err
	}
	rep, err := ledger.Check(ctx, pg.Reader())
	if err != nil {
		return fmt.Errorf("ledger check of the restored books: %w", err)
	}
	if !rep.OK {
		return fmt.Errorf("the restored books do not balance: %s", strings.Join(rep.Problems, "; "))
	}
	fmt.Fprintf(stdout, "restored %s into the database; ledger balanced: %d entries, debits = credits = %s\n", from, rep.Entries, rep.Debits)
	return nil
}

// debianPGBin is where Debian's packages put PostgreSQL's programs.
var debianPGBin = "/usr/lib/postgresql/*/bin"

// pgTool finds one of PostgreSQL's client programs: on PATH, or where
// Debian's packages put them (newest version first).
func pgTool(name string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	dirs, _ := filepath.Glob(debianPGBin)
	sort.Slice(dirs, func(i, j int) bool { return pgVersion(dirs[i]) > pgVersion(dirs[j]) })
	for _, d := range dirs {
		if p := filepath.Join(d, name); fileExists(p) {
			return p, nil
		}
	}
	return "", fmt.Errorf("backing up a PostgreSQL hub needs PostgreSQL's %s (of the server's version or newer), on PATH or under /usr/lib/postgresql/*/bin; Debian: apt-get install postgresql-client", name)
}

func pgVersion(binDir string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return v
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

func runTool(ctx context.Context, path string, args ...string) error {
	var out bytes.Buffer
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s: %w\n%s", filepath.Base(path), err, strings.TrimSpace(out.String()))
	}
	return nil
}
