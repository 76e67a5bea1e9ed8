package bench

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"ektamall/hub/hubdb"
	"ektamall/hub/ledger"
	"ektamall/hub/settle"
	"ektamall/shared/catalog"
	"ektamall/shared/catalogdb"
	"ektamall/shared/sqldb"
	"ektamall/shared/sqldb/pgcluster"
)

// The hub's books on PostgreSQL, measured beside SQLite in the same run:
// with --hub-db the backlog drain and the settlement run again with the
// hub on that server, against the same raw baselines (the JetStream mirror
// and a raw GROUP BY over the lines, the latter on PostgreSQL itself).

var hubDB string // --hub-db

func pgFlags(fs *flag.FlagSet) {
	fs.StringVar(&hubDB, "hub-db", "", "also measure the drain and the settlement with the hub's books on PostgreSQL: a postgres:// URL (a user who may CREATE DATABASE), or temp for a throwaway cluster of the local PostgreSQL binaries with their durable defaults")
}

// pgServer is the server --hub-db names; stop ends a throwaway one.
type pgServer struct {
	admin string // URL of a database to CREATE DATABASE from
	what  string // for the table
	stop  func() error
}

func startPG(ctx context.Context) (*pgServer, error) {
	if hubDB == "temp" {
		// Under the system's temp directory, not the bench's scratch one:
		// run as root, the server runs as user postgres, who must reach it.
		c, err := pgcluster.Start(ctx, os.TempDir(), pgcluster.Options{Durable: true})
		if err != nil {
			return nil, err
		}
		return &pgServer{admin: c.URL, what: "PostgreSQL (throwaway local cluster, fsync on)", stop: c.Stop}, nil
	}
	if !sqldb.IsPostgresURL(hubDB) {
		return nil, fmt.Errorf("--hub-db: %q must be temp or a postgres:// URL", hubDB)
	}
	return &pgServer{admin: hubDB, what: "PostgreSQL", stop: func() error { return nil }}, nil
}

// newDatabase creates an empty database for one step (byte-order text,
// as the hub wants) and returns its URL and a function that drops it.
func (s *pgServer) newDatabase(ctx context.Context, name string) (string, func(), error) {
	admin, err := sql.Open("pgx", s.admin)
	if err != nil {
		return "", nil, err
	}
	defer admin.Close()
	name = fmt.Sprintf("ektamall_bench_%s_%d", name, os.Getpid())
	admin.ExecContext(ctx, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`)
	if _, err := admin.ExecContext(ctx, `CREATE DATABASE `+name+` TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'`); err != nil {
		return "", nil, fmt.Errorf("create database: %w", err)
	}
	url := replaceDatabase(s.admin, name)
	drop := func() {
		if a, err := sql.Open("pgx", s.admin); err == nil {
			a.ExecContext(context.Background(), `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`)
			a.Close()
		}
	}
	return url, drop, nil
}

// replaceDatabase puts db in place of url's database path.
func replaceDatabase(url, db string) string {
	rest, query, _ := strings.Cut(url, "?")
	scheme, hostPath, _ := strings.Cut(rest, "://")
	host, _, _ := strings.Cut(hostPath, "/")
	out := scheme + "://" + host + "/" + db
	if query != "" {
		out += "?" + query
	}
	return out
}

// measurePG runs the drain and the settlement on PostgreSQL; the figures
// go beside the SQLite ones with the same baselines (mirror: the raw
// JetStream rate measured earlier in the run).
func measurePG(ctx context.Context, o *Options, stdout io.Writer, step func(string) func(), mirror float64, log *slog.Logger) ([]figure, error) {
	if hubDB == "" {
		return nil, nil
	}
	srv, err := startPG(ctx)
	if err != nil {
		return nil, fmt.Errorf("--hub-db: %w", err)
	}
	defer srv.stop()
	var figs []figure

	done := step(fmt.Sprintf("(d) PG: drain %d events into the hub ledger", o.events))
	url, drop, err := srv.newDatabase(ctx, "drain")
	if err != nil {
		return nil, err
	}
	drain, err := measureDrainOn(ctx, o, filepath.Join(o.dir, "drain-pg"), url, log)
	drop()
	if err != nil {
		return nil, fmt.Errorf("drain on PostgreSQL: %w", err)
	}
	done()
	figs = append(figs, newFigure("backlog_drain_pg", fmt.Sprintf("backlog of %d events into the hub ledger, PG", o.events), drain.perSec, "events/s",
		mirror, "raw JetStream mirror events/s", "≥ 0.25× raw, ≥ 20,000/s", func(v, _, r float64) bool { return r >= 0.25 && v >= 20000 }))

	done = step(fmt.Sprintf("(e) PG: settlement of %d lines", o.settleLines))
	url, drop, err = srv.newDatabase(ctx, "settle")
	if err != nil {
		return nil, err
	}
	st, err := measureSettlePG(ctx, url, o.settleLines, log)
	drop()
	if err != nil {
		return nil, fmt.Errorf("settlement on PostgreSQL: %w", err)
	}
	done()
	figs = append(figs, newFigure("settlement_pg", fmt.Sprintf("settlement run over %d sale lines, PG", o.settleLines), st.run.Seconds(), "s",
		st.raw.Seconds(), "raw SQL aggregate over the lines (PG), s", "≤ 1.5× raw", func(_, _, r float64) bool { return r <= 1.5 }))
	fmt.Fprintf(stdout, "  hub books on %s: %d sale lines take %.1f GB (%.0f bytes a line, indexes included)\n",
		srv.what, o.settleLines, float64(st.dbBytes)/1e9, float64(st.dbBytes)/float64(max(o.settleLines, 1)))
	return figs, nil
}

// measureSettlePG is measureSettle on PostgreSQL: the same lines (eight a
// sale, spread over the seed's producers, out of the return window) made
// by INSERT ... SELECT over generate_series, the same raw GROUP BY, then
// a real settlement run through the store seam.
func measureSettlePG(ctx context.Context, url string, n int, log *slog.Logger) (settleResult, error) {
	store, _, err := hubdb.Open(ctx, url, "", "", log)
	if err != nil {
		return settleResult{}, err
	}
	defer store.Close()
	pool := store.(*sqldb.PGStore).Pool()
	seed, err := catalog.LoadSeed()
	if err != nil {
		return settleResult{}, err
	}
	if err := store.Transact(ctx, func(tx sqldb.Tx) error {
		if err := catalogdb.InsertSeed(ctx, tx, seed, false, time.Now()); err != nil {
			return err
		}
		return settle.SeedDemoBankAccounts(ctx, tx, time.Now())
	}); err != nil {
		return settleResult{}, err
	}
	if _, err := pool.ExecContext(ctx, `CREATE UNLOGGED TABLE bench_bp AS SELECT (row_number() OVER (ORDER BY id) - 1)::bigint AS k, id, district_id, state FROM producers`); err != nil {
		return settleResult{}, err
	}
	var np int64
	if err := pool.QueryRowContext(ctx, `SELECT count(*) FROM bench_bp`).Scan(&np); err != nil || np == 0 {
		return settleResult{}, fmt.Errorf("producers: %d, %v", np, err)
	}
	at := ledger.TS(time.Now().Add(-30 * 24 * time.Hour))
	const chunk = 500_000
	for lo := 0; lo < n; lo += chunk {
		hi := min(n, lo+chunk)
		if _, err := pool.ExecContext(ctx, `INSERT INTO hub_sales (mall, sale_id, invoice_no, shift_id, counter, at, ingested_at, event_id, total, change, tax)
			SELECT 'LKO1', 'S' || i, 'INV' || i, 'SH1', 'C01', $3, $3, 'E' || i, 800000, 0, 0 FROM generate_series($1::bigint, $2::bigint - 1, 8) AS i`, lo, hi, at); err != nil {
			return settleResult{}, fmt.Errorf("sales: %w", err)
		}
		if _, err := pool.ExecContext(ctx, `INSERT INTO hub_sale_lines (mall, sale_id, line_no, invoice_no, sku, producer_id, district_id, state, category, hsn, qty,
				unit_price, discount, amount, taxable, gst_rate_bp, cgst, sgst, utgst, commission_rule_id, commission_bp, commission,
				commission_gst, producer_net, at, ingested_at)
			SELECT 'LKO1', 'S' || (i - i % 8), i % 8 + 1, 'INV' || (i - i % 8), 'SKU', bp.id, bp.district_id, bp.state, 'craft', '6911', 1,
				100000, 0, 100000, 95238, 500, 2381, 2381, 0, 'default', 1000, 10000, 1800, 88200, $3, $3
			FROM generate_series($1::bigint, $2::bigint - 1) AS i JOIN bench_bp bp ON bp.k = i % $4`, lo, hi, at, np); err != nil {
			return settleResult{}, fmt.Errorf("lines: %w", err)
		}
	}
	if _, err := pool.ExecContext(ctx, `DROP TABLE bench_bp`); err != nil {
		return settleResult{}, err
	}
	if _, err := pool.ExecContext(ctx, `VACUUM ANALYZE`); err != nil {
		return settleResult{}, err
	}
	t := time.Now()
	var groups int
	rows, err := store.Reader().QueryContext(ctx, `SELECT producer_id, SUM(producer_net) FROM hub_sale_lines WHERE ingested_at <= ? AND at <= ? GROUP BY producer_id`,
		ledger.TS(time.Now()), ledger.TS(time.Now().Add(-settle.DefaultWindow)))
	if err != nil {
		return settleResult{}, err
	}
	for rows.Next() {
		groups++
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return settleResult{}, err
	}
	raw := time.Since(t)
	t = time.Now()
	run, _, err := settle.New(store, settle.Config{}, nil, log).Create(ctx, time.Time{}, "bench", nil)
	if err != nil {
		return settleResult{}, err
	}
	took := time.Since(t)
	if run.ItemCount != int64(n) || int(run.PayoutCount) != groups {
		return settleResult{}, fmt.Errorf("run settled %d items in %d payouts, want %d in %d", run.ItemCount, run.PayoutCount, n, groups)
	}
	var size int64
	if err := pool.QueryRowContext(ctx, `SELECT pg_database_size(current_database())`).Scan(&size); err != nil {
		return settleResult{}, err
	}
	return settleResult{run: took, raw: raw, dbBytes: size}, nil
}
