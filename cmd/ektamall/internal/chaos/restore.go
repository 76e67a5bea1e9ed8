package chaos

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"ektamall/pos/loadgen"
	"ektamall/shared/events"
	"ektamall/shared/invoice"
	"ektamall/shared/sqlitedb"
)

// restoreScenario is the restore scenario that follows the seeded faults: the
// first mall is backed up, sells on (first with its hub link up, then cut
// off), loses its database and is restored from that stale backup while
// the link is still down, sells offline in its new epoch, and reconnects.
// The sales made between the backup and the restore ("lost") left the
// mall's database but not the system: they reached the hub or the mall's
// own stream, and must be booked once, beside the restored mall's new
// sales, with no invoice number issued twice.
func restoreScenario(ctx context.Context, o *Options, m *mallNode) (lost, after loadgen.Result, err error) {
	out := o.stdout
	fmt.Fprintf(out, "chaos: restore scenario on %s\n", m.id)
	stale := filepath.Join(o.dir, m.id+"-stale.db")
	if err := runCmd(ctx, o, "  backup", "backup", "--dir", m.dir, "--out", stale); err != nil {
		return lost, after, err
	}
	run := func(d time.Duration, seed uint64) (loadgen.Result, error) {
		r, err := loadgen.Run(ctx, loadgen.Config{MallURL: m.proc.url, AdminUser: adminUser, AdminPassword: password,
			Counters: o.counters, Duration: d, Seed: seed, Patient: true,
			Client: &http.Client{Timeout: 15 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: o.counters + 4}}})
		if err != nil {
			return r, fmt.Errorf("restore scenario load on %s: %w", m.id, err)
		}
		return r, nil
	}
	online, err := run(3*time.Second, o.seed*3+1)
	if err != nil {
		return lost, after, err
	}
	m.proxy.SetCut(true)
	offline, err := run(3*time.Second, o.seed*3+2)
	if err != nil {
		return lost, after, err
	}
	lost = mergeLoad(online, offline)
	fmt.Fprintf(out, "  after the backup: %d sales and %d returns (%d of them with the link cut)\n",
		lost.Sales, lost.Returns, offline.Sales+offline.Returns)
	// The database is lost once its events are in the mall's own stream
	// (which survives in the NATS store); what never left the database
	// would be lost with it, and no check could count it.
	if err := waitRelayed(ctx, filepath.Join(m.dir, "mall.db")); err != nil {
		return lost, after, err
	}
	m.proc.kill(syscall.SIGTERM)
	if err := runCmd(ctx, o, "  restore", "restore", "--dir", m.dir, "--from", stale); err != nil {
		return lost, after, err
	}
	if err := m.proc.start(ctx); err != nil {
		return lost, after, err
	}
	if after, err = run(3*time.Second, o.seed*3+3); err != nil {
		return lost, after, err
	}
	fmt.Fprintf(out, "  restored %s sold %d times with %d returns offline; link healed\n", m.id, after.Sales, after.Returns)
	m.proxy.SetCut(false)
	return lost, after, nil
}

// runCmd runs the binary with args and prints its output indented.
func runCmd(ctx context.Context, o *Options, label string, args ...string) error {
	b, err := exec.CommandContext(ctx, o.bin, args...).CombinedOutput()
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.Contains(l, "pages") {
			fmt.Fprintf(o.stdout, "%s: %s\n", label, l)
		}
	}
	if err != nil {
		return fmt.Errorf("%s %s: %w", o.bin, args[0], err)
	}
	return nil
}

// waitRelayed waits until the running mall's relay has put every
// outbox row into its own stream.
func waitRelayed(ctx context.Context, path string) error {
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro&_busy_timeout=5000")
	if err != nil {
		return err
	}
	defer db.Close()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var relayed, last int64
		err := db.QueryRowContext(ctx, `SELECT relayed_seq, (SELECT COALESCE(MAX(seq), 0) FROM outbox) FROM sync_state`).Scan(&relayed, &last)
		if err == nil && relayed == last {
			return nil
		}
		if time.Now().After(deadline) {
			return errors.Join(fmt.Errorf("relay at %d of %d after 30s", relayed, last), err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// mergeLoad adds the figures of two load runs.
func mergeLoad(a, b loadgen.Result) loadgen.Result {
	a.Elapsed += b.Elapsed
	a.Sales += b.Sales
	a.Returns += b.Returns
	a.Errors += b.Errors
	a.ErrorSamples = append(a.ErrorSamples, b.ErrorSamples...)
	a.SalesTotal = a.SalesTotal.Add(b.SalesTotal)
	a.ReturnsTotal = a.ReturnsTotal.Add(b.ReturnsTotal)
	a.Answered = append(a.Answered, b.Answered...)
	a.ZReports = append(a.ZReports, b.ZReports...)
	a.ZMismatches = append(a.ZMismatches, b.ZMismatches...)
	return a
}

// epoch is one epoch of a mall's event numbers as a database holds it.
type epoch struct {
	e, n, max int64
}

func (c epoch) gapless() bool { return c.n == c.max-c.e*events.EpochSpan }

func (c epoch) String() string {
	return fmt.Sprintf("%d events up to %d", c.n, c.max)
}

// readEpochs reads the events a query lists by epoch.
func readEpochs(ctx context.Context, db *sql.DB, q string, args ...any) (map[int64]epoch, error) {
	rows, err := db.QueryContext(ctx, `SELECT (seq - 1) / ?, count(*), MAX(seq) FROM (`+q+`) GROUP BY 1`, append([]any{events.EpochSpan}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]epoch{}
	for rows.Next() {
		var c epoch
		if err := rows.Scan(&c.e, &c.n, &c.max); err != nil {
			return nil, err
		}
		out[c.e] = c
	}
	return out, rows.Err()
}

// checkHubSeries checks every invoice and credit-note series the hub
// holds for a mall: each number once, each series 1..n with no gap, the
// restored history's and the one it replaced alike.
func checkHubSeries(ctx context.Context, c *checker, hdb *sqlitedb.DB, id string) error {
	rows, err := hdb.R.QueryContext(ctx, `SELECT invoice_no FROM hub_sales WHERE mall = ?1 UNION ALL SELECT credit_note_no FROM hub_returns WHERE mall = ?1`, id)
	if err != nil {
		return err
	}
	defer rows.Close()
	seen := map[string]map[int64]int{}
	var bad []string
	for rows.Next() {
		var no string
		if err := rows.Scan(&no); err != nil {
			return err
		}
		series, fy, seq, err := invoice.Parse(no)
		if err != nil {
			bad = append(bad, err.Error())
			continue
		}
		key := series + "/" + fy.Code()
		if seen[key] == nil {
			seen[key] = map[int64]int{}
		}
		if seen[key][seq]++; seen[key][seq] == 2 {
			bad = append(bad, no+" twice")
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	sizes := []string{}
	for key, s := range seen {
		for i := int64(1); i <= int64(len(s)); i++ {
			if s[i] == 0 {
				bad = append(bad, fmt.Sprintf("%s: %d numbers, %d missing", key, len(s), i))
				break
			}
		}
		sizes = append(sizes, fmt.Sprintf("%s ×%d", key, len(s)))
	}
	slices.Sort(sizes)
	c.check(len(bad) == 0, id+" hub numbers unique, gapless", "%d series %v %v", len(seen), sizes, bad)
	return nil
}
