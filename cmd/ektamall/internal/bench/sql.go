package bench

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"ektamall/hub/ledger"
	"ektamall/hub/settle"
	"ektamall/migrations"
	"ektamall/shared/catalog"
	"ektamall/shared/catalogdb"
	"ektamall/shared/sqldb"
	"ektamall/shared/sqlitedb"
)

type rawCheckout struct {
	perSec float64
	p99    time.Duration
}

// rawSchema is the smallest schema a checkout touches: the sale, its
// lines, the stock it takes and the outbox row for the hub.
const rawSchema = `
CREATE TABLE sales (id TEXT PRIMARY KEY, shift_id TEXT NOT NULL, total INTEGER NOT NULL, at TEXT NOT NULL);
CREATE TABLE sale_lines (sale_id TEXT NOT NULL REFERENCES sales (id), line_no INTEGER NOT NULL, sku TEXT NOT NULL,
	qty INTEGER NOT NULL, amount INTEGER NOT NULL, PRIMARY KEY (sale_id, line_no));
CREATE TABLE stock (sku TEXT PRIMARY KEY, qty INTEGER NOT NULL);
CREATE TABLE outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, type TEXT NOT NULL, payload BLOB NOT NULL);`

// measureRawCheckout runs checkout-shaped transactions (1 sale + 5 lines +
// 5 stock updates + 1 outbox row of a realistic size) back to back
// through plain SQL on a database opened like a mall's (sqlitedb.Open:
// WAL, synchronous=FULL, one writer): the ceiling of one writer.
func measureRawCheckout(ctx context.Context, dir string, d time.Duration) (rawCheckout, error) {
	db, err := sqlitedb.Open(ctx, filepath.Join(dir, "raw.db"), sqlitedb.Options{})
	if err != nil {
		return rawCheckout{}, err
	}
	defer db.Close()
	if _, err := db.W.ExecContext(ctx, rawSchema); err != nil {
		return rawCheckout{}, err
	}
	err = db.Transact(ctx, func(tx *sql.Tx) error {
		for i := range 100 {
			if _, err := tx.ExecContext(ctx, `INSERT INTO stock (sku, qty) VALUES (?, 1000000)`, fmt.Sprintf("SKU%03d", i)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return rawCheckout{}, err
	}
	payload := []byte(`{"sale":` + strings.Repeat(`"x",`, 250) + `"x"}`) // ~1 KB, like a sale event
	var lat []time.Duration
	start := time.Now()
	for n := 0; time.Since(start) < d; n++ {
		t := time.Now()
		err := db.Transact(ctx, func(tx *sql.Tx) error {
			id := fmt.Sprintf("S%09d", n)
			if _, err := tx.ExecContext(ctx, `INSERT INTO sales (id, shift_id, total, at) VALUES (?, ?, ?, ?)`, id, "SH1", 123400, t.UTC().Format(time.RFC3339Nano)); err != nil {
				return err
			}
			for l := range 5 {
				sku := fmt.Sprintf("SKU%03d", (n*5+l)%100)
				if _, err := tx.ExecContext(ctx, `INSERT INTO sale_lines (sale_id, line_no, sku, qty, amount) VALUES (?, ?, ?, ?, ?)`, id, l+1, sku, 1, 24680); err != nil {
					return err
				}
				if _, err := tx.ExecContext(ctx, `UPDATE stock SET qty = qty - ? WHERE sku = ?`, 1, sku); err != nil {
					return err
				}
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO outbox (id, type, payload) VALUES (?, ?, ?)`, id, "sale.completed", payload)
			return err
		})
		if err != nil {
			return rawCheckout{}, err
		}
		lat = append(lat, time.Since(t))
	}
	el := time.Since(start)
	slices.Sort(lat)
	return rawCheckout{perSec: float64(len(lat)) / el.Seconds(), p99: lat[len(lat)*99/100]}, nil
}

type settleResult struct {
	run, raw time.Duration
	dbBytes  int64 // the hub database holding the lines: how big n lines make it
}

// measureSettle fills a hub database with n sale lines by bulk INSERT ...
// SELECT (eight lines a sale, spread over the seed's producers, all out
// of the return window) and times a real settlement run against a raw
// GROUP BY over the same lines.
func measureSettle(ctx context.Context, dir string, n int, log *slog.Logger) (settleResult, error) {
	db, err := sqlitedb.Open(ctx, filepath.Join(dir, "hub.db"), sqlitedb.Options{Synchronous: "NORMAL"})
	if err != nil {
		return settleResult{}, err
	}
	defer db.Close()
	if _, err := migrations.Apply(ctx, db.W, migrations.Hub, log); err != nil {
		return settleResult{}, err
	}
	seed, err := catalog.LoadSeed()
	if err != nil {
		return settleResult{}, err
	}
	// Every producer has a bank account: one without is held and carried
	// forward, and the run would pay nothing.
	if err := db.Transact(ctx, func(tx *sql.Tx) error {
		if err := catalogdb.InsertSeed(ctx, tx, seed, false, time.Now()); err != nil {
			return err
		}
		return settle.SeedDemoBankAccounts(ctx, tx, time.Now())
	}); err != nil {
		return settleResult{}, err
	}
	// Producers are numbered in a temporary table so a line picks one by
	// its number.
	if _, err := db.W.ExecContext(ctx, `CREATE TEMP TABLE bp AS SELECT row_number() OVER (ORDER BY id) - 1 AS k, id, district_id, state FROM producers`); err != nil {
		return settleResult{}, err
	}
	var np int
	if err := db.W.QueryRowContext(ctx, `SELECT COUNT(*) FROM temp.bp`).Scan(&np); err != nil || np == 0 {
		return settleResult{}, fmt.Errorf("producers: %d, %v", np, err)
	}
	at := ledger.TS(time.Now().Add(-30 * 24 * time.Hour))
	const chunk = 200_000
	for lo := 0; lo < n; lo += chunk {
		hi := min(n, lo+chunk)
		err := db.Transact(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, `WITH RECURSIVE s(i) AS (SELECT ? UNION ALL SELECT i + 8 FROM s WHERE i + 8 < ?)
				INSERT INTO hub_sales (mall, sale_id, invoice_no, shift_id, counter, at, ingested_at, event_id, total, change, tax)
				SELECT 'LKO1', 'S' || i, 'INV' || i, 'SH1', 'C01', ?, ?, 'E' || i, 800000, 0, 0 FROM s`, lo, hi, at, at); err != nil {
				return fmt.Errorf("sales: %w", err)
			}
			_, err := tx.ExecContext(ctx, `WITH RECURSIVE s(i) AS (SELECT ? UNION ALL SELECT i + 1 FROM s WHERE i + 1 < ?)
				INSERT INTO hub_sale_lines (mall, sale_id, line_no, invoice_no, sku, producer_id, district_id, state, category, hsn, qty,
					unit_price, discount, amount, taxable, gst_rate_bp, cgst, sgst, utgst, commission_rule_id, commission_bp, commission,
					commission_gst, producer_net, at, ingested_at)
				SELECT 'LKO1', 'S' || (i - i % 8), i % 8 + 1, 'INV' || (i - i % 8), 'SKU', bp.id, bp.district_id, bp.state, 'craft', '6911', 1,
					100000, 0, 100000, 95238, 500, 2381, 2381, 0, 'default', 1000, 10000, 1800, 88200, ?, ? FROM s JOIN temp.bp ON bp.k = i % ?`,
				lo, hi, at, at, np)
			return err
		})
		if err != nil {
			return settleResult{}, fmt.Errorf("lines: %w", err)
		}
	}
	if _, err := db.W.ExecContext(ctx, `ANALYZE`); err != nil {
		return settleResult{}, err
	}
	// The raw aggregate: what each producer is owed, in one GROUP BY.
	t := time.Now()
	rows, err := db.R.QueryContext(ctx, `SELECT producer_id, SUM(producer_net) FROM hub_sale_lines WHERE ingested_at <= ? AND at <= ? GROUP BY producer_id`,
		ledger.TS(time.Now()), ledger.TS(time.Now().Add(-settle.DefaultWindow)))
	if err != nil {
		return settleResult{}, err
	}
	var groups int
	for rows.Next() {
		groups++
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return settleResult{}, err
	}
	raw := time.Since(t)
	t = time.Now()
	run, _, err := settle.New(sqldb.FromSQLite(db), settle.Config{}, nil, log).Create(ctx, time.Time{}, "bench", nil)
	if err != nil {
		return settleResult{}, err
	}
	took := time.Since(t)
	if run.ItemCount != int64(n) || int(run.PayoutCount) != groups {
		return settleResult{}, fmt.Errorf("run settled %d items in %d payouts, want %d in %d", run.ItemCount, run.PayoutCount, n, groups)
	}
	var size int64
	if err := db.R.QueryRowContext(ctx, `SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()`).Scan(&size); err != nil {
		return settleResult{}, err
	}
	return settleResult{run: took, raw: raw, dbBytes: size}, nil
}
