package hubdb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"ektamall/hub/ledger"
	"ektamall/shared/sqldb"
	"ektamall/shared/sqlitedb"
)

// CopyReport is what Copy moved and checked.
type CopyReport struct {
	Tables []TableCount  `json:"tables"`
	Ledger ledger.Report `json:"ledger"` // ledger.Check on the copy
}

// TableCount is one table's rows, in the source and in the copy.
type TableCount struct {
	Table  string `json:"table"`
	Source int64  `json:"source"`
	Copied int64  `json:"copied"`
}

// Copy moves a SQLite hub's books into an empty PostgreSQL hub database,
// both migrated to the same schema version, in one PostgreSQL transaction
// (COPY per table, in the order the tables were created, so every row a
// foreign key names is there first). Before it commits it compares every
// table's row count, each ledger account's running totals and the money
// columns' sums, and runs ledger.Check on the copy; any difference rolls
// the copy back. The source is only read; stop the SQLite hub first.
func Copy(ctx context.Context, from *sqlitedb.DB, to *sqldb.PGStore) (CopyReport, error) {
	var rep CopyReport
	tables, err := sqliteTables(ctx, from.R)
	if err != nil {
		return rep, err
	}
	conn, err := to.Pool().Conn(ctx)
	if err != nil {
		return rep, err
	}
	defer conn.Close()
	// One transaction on one session: COPY goes through pgx itself, the
	// checks through database/sql (ledger.Check), so the transaction is
	// opened and ended by hand rather than by either.
	if _, err := conn.ExecContext(ctx, `BEGIN ISOLATION LEVEL SERIALIZABLE`); err != nil {
		return rep, err
	}
	done := false
	defer func() {
		if !done {
			conn.ExecContext(context.WithoutCancel(ctx), `ROLLBACK`)
		}
	}()
	err = conn.Raw(func(dc any) error {
		pc := dc.(*stdlib.Conn).Conn()
		if err := refuseNonEmpty(ctx, pc, tables); err != nil {
			return err
		}
		for _, t := range tables {
			n, err := copyTable(ctx, from.R, pc, t)
			if err != nil {
				return fmt.Errorf("copy %s: %w", t, err)
			}
			rep.Tables = append(rep.Tables, TableCount{Table: t, Source: n})
		}
		if err := resetIdentities(ctx, pc); err != nil {
			return err
		}
		return verify(ctx, from.R, pc, &rep)
	})
	if err != nil {
		return rep, err
	}
	if rep.Ledger, err = ledger.Check(ctx, sqldb.PGQuerier(conn)); err != nil {
		return rep, err
	}
	if !rep.Ledger.OK {
		return rep, errors.New("the ledger check on the copy failed; nothing was committed: " + strings.Join(rep.Ledger.Problems, "; "))
	}
	if _, err := conn.ExecContext(ctx, `COMMIT`); err != nil {
		return rep, fmt.Errorf("commit: %w", err)
	}
	done = true
	return rep, nil
}

// migrationRows are rows the migrations themselves insert (the default
// commission rule): the copy replaces them with the source's.
var migrationRows = map[string]bool{"commission_rules": true}

// sqliteTables lists the hub's tables so that every table comes after the
// tables its foreign keys name: in the order they were created, except
// that a table a migration rebuilt (created again, so listed late) moves
// before the tables that refer to it.
func sqliteTables(ctx context.Context, db *sql.DB) ([]string, error) {
	rows, err := db.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table'
		AND name NOT LIKE 'sqlite_%' AND name <> 'goose_db_version' ORDER BY rowid`)
	if err != nil {
		return nil, fmt.Errorf("tables: %w", err)
	}
	var created []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return nil, err
		}
		created = append(created, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	refers := map[string][]string{}
	for _, t := range created {
		fks, err := db.QueryContext(ctx, `SELECT DISTINCT "table" FROM pragma_foreign_key_list(?)`, t)
		if err != nil {
			return nil, fmt.Errorf("foreign keys of %s: %w", t, err)
		}
		for fks.Next() {
			var r string
			if err := fks.Scan(&r); err != nil {
				fks.Close()
				return nil, err
			}
			if r != t { // a table naming itself is copied in rowid order
				refers[t] = append(refers[t], r)
			}
		}
		fks.Close()
		if err := fks.Err(); err != nil {
			return nil, err
		}
	}
	var out []string
	placed, visiting := map[string]bool{}, map[string]bool{}
	var place func(t string) error
	place = func(t string) error {
		if placed[t] {
			return nil
		}
		if visiting[t] {
			return fmt.Errorf("tables: foreign keys in a cycle through %s", t)
		}
		visiting[t] = true
		for _, r := range refers[t] {
			if err := place(r); err != nil {
				return err
			}
		}
		placed[t] = true
		out = append(out, t)
		return nil
	}
	for _, t := range created {
		if err := place(t); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func refuseNonEmpty(ctx context.Context, tx *pgx.Conn, tables []string) error {
	for _, t := range tables {
		if migrationRows[t] {
			if _, err := tx.Exec(ctx, `DELETE FROM `+pgx.Identifier{t}.Sanitize()); err != nil {
				return err
			}
			continue
		}
		var any bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM `+pgx.Identifier{t}.Sanitize()+`)`).Scan(&any); err != nil {
			return fmt.Errorf("target %s: %w", t, err)
		}
		if any {
			return fmt.Errorf("the PostgreSQL database already holds books (table %s has rows): migrate-db copies into an empty hub database only", t)
		}
	}
	return nil
}

// copyTable streams one table into PostgreSQL with COPY, in the source's
// insertion order (rowid) where it has one: a reversing ledger entry
// comes after the entry it reverses.
func copyTable(ctx context.Context, src *sql.DB, tx *pgx.Conn, table string) (int64, error) {
	cols, err := columns(ctx, src, table)
	if err != nil {
		return 0, err
	}
	bytea, err := byteaColumns(ctx, tx, table)
	if err != nil {
		return 0, err
	}
	order := ""
	var withoutRowid int
	if err := src.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE name = ? AND sql LIKE '%WITHOUT ROWID%'`, table).Scan(&withoutRowid); err != nil {
		return 0, err
	}
	if withoutRowid == 0 {
		order = " ORDER BY rowid"
	}
	quoted := make([]string, len(cols))
	for i, c := range cols {
		quoted[i] = `"` + c + `"`
	}
	rows, err := src.QueryContext(ctx, `SELECT `+strings.Join(quoted, ", ")+` FROM "`+table+`"`+order)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	var scanErr error
	source := pgx.CopyFromFunc(func() ([]any, error) {
		if !rows.Next() {
			return nil, rows.Err()
		}
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if scanErr = rows.Scan(ptrs...); scanErr != nil {
			return nil, scanErr
		}
		for i, c := range cols {
			if s, ok := vals[i].(string); ok && bytea[c] {
				vals[i] = []byte(s) // SQLite keeps text put into a BLOB column as text
			}
		}
		return vals, nil
	})
	return tx.CopyFrom(ctx, pgx.Identifier{table}, cols, source)
}

func columns(ctx context.Context, db *sql.DB, table string) ([]string, error) {
	rows, err := db.QueryContext(ctx, `SELECT name FROM pragma_table_info(?) ORDER BY cid`, table)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

func byteaColumns(ctx context.Context, tx *pgx.Conn, table string) (map[string]bool, error) {
	rows, err := tx.Query(ctx, `SELECT column_name FROM information_schema.columns
		WHERE table_schema = current_schema() AND table_name = $1 AND data_type = 'bytea'`, table)
	if err != nil {
		return nil, err
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	for _, n := range names {
		out[n] = true
	}
	return out, nil
}

// resetIdentities moves every identity column's sequence past the ids
// the copy wrote, so the next insert does not collide with them.
func resetIdentities(ctx context.Context, tx *pgx.Conn) error {
	rows, err := tx.Query(ctx, `SELECT table_name, column_name FROM information_schema.columns
		WHERE table_schema = current_schema() AND is_identity = 'YES'`)
	if err != nil {
		return err
	}
	type col struct{ Table, Column string }
	cols, err := pgx.CollectRows(rows, pgx.RowToStructByPos[col])
	if err != nil {
		return err
	}
	for _, c := range cols {
		t, cl := pgx.Identifier{c.Table}.Sanitize(), pgx.Identifier{c.Column}.Sanitize()
		if _, err := tx.Exec(ctx, `SELECT setval(pg_get_serial_sequence($1, $2), COALESCE(MAX(`+cl+`), 0) + 1, false) FROM `+t,
			c.Table, c.Column); err != nil {
			return fmt.Errorf("identity %s.%s: %w", c.Table, c.Column, err)
		}
	}
	return nil
}

// moneySums are the sums that must survive the move to the paisa.
var moneySums = []string{
	`SELECT COALESCE(SUM(debit), 0), COALESCE(SUM(credit), 0) FROM ledger_postings`,
	`SELECT COALESCE(SUM(debits), 0), COALESCE(SUM(credits), 0) FROM ledger_accounts`,
	`SELECT COALESCE(SUM(total), 0), COALESCE(SUM(tax), 0) FROM hub_sales`,
	`SELECT COALESCE(SUM(amount), 0), COALESCE(SUM(producer_net), 0) FROM hub_sale_lines`,
	`SELECT COALESCE(SUM(amount), 0), COALESCE(SUM(producer_net), 0) FROM hub_return_lines`,
	`SELECT COALESCE(SUM(amount), 0), count(*) FROM settlement_payouts`,
	`SELECT COALESCE(SUM(amount), 0), count(*) FROM settlement_items`,
}

// verify compares the copy with the source before the commit.
func verify(ctx context.Context, src *sql.DB, tx *pgx.Conn, rep *CopyReport) error {
	var problems []string
	for i, t := range rep.Tables {
		if err := src.QueryRowContext(ctx, `SELECT count(*) FROM "`+t.Table+`"`).Scan(&rep.Tables[i].Source); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM `+pgx.Identifier{t.Table}.Sanitize()).Scan(&rep.Tables[i].Copied); err != nil {
			return err
		}
		if rep.Tables[i].Source != rep.Tables[i].Copied {
			problems = append(problems, fmt.Sprintf("%s: %d rows in SQLite, %d copied", t.Table, rep.Tables[i].Source, rep.Tables[i].Copied))
		}
	}
	for _, q := range moneySums {
		var a, b, c, d int64
		if err := src.QueryRowContext(ctx, q).Scan(&a, &b); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, q).Scan(&c, &d); err != nil {
			return err
		}
		if a != c || b != d {
			problems = append(problems, fmt.Sprintf("%s: SQLite %d/%d, PostgreSQL %d/%d", q, a, b, c, d))
		}
	}
	if err := sameAccounts(ctx, src, tx, &problems); err != nil {
		return err
	}
	if len(problems) > 0 {
		return errors.New("the copy does not match its source; nothing was committed:\n  " + strings.Join(problems, "\n  "))
	}
	return nil
}

// sameAccounts compares every ledger account's running totals.
func sameAccounts(ctx context.Context, src *sql.DB, tx *pgx.Conn, problems *[]string) error {
	const q = `SELECT id, debits, credits FROM ledger_accounts ORDER BY id`
	type acct struct {
		ID     string
		Debits int64
		Credit int64
	}
	rows, err := src.QueryContext(ctx, q)
	if err != nil {
		return err
	}
	var want []acct
	for rows.Next() {
		var a acct
		if err := rows.Scan(&a.ID, &a.Debits, &a.Credit); err != nil {
			rows.Close()
			return err
		}
		want = append(want, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	prow, err := tx.Query(ctx, q)
	if err != nil {
		return err
	}
	got, err := pgx.CollectRows(prow, pgx.RowToStructByPos[acct])
	if err != nil {
		return err
	}
	slices.SortFunc(want, func(a, b acct) int { return strings.Compare(a.ID, b.ID) })
	slices.SortFunc(got, func(a, b acct) int { return strings.Compare(a.ID, b.ID) })
	if !slices.Equal(want, got) {
		*problems = append(*problems, "ledger account totals differ")
	}
	return nil
}
