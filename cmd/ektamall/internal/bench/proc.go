package bench

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	hubapp "ektamall/hub/app"
	"ektamall/hub/ingest"
	"ektamall/pos/loadgen"
	"ektamall/pos/mallapp"
	"ektamall/shared/auth"
	"ektamall/shared/catalog"
	"ektamall/shared/events"
	"ektamall/shared/gst"
	"ektamall/shared/money"
	"ektamall/shared/sqldb"
	"ektamall/shared/sqlitedb"
)

// The mall and the hub run as child processes of this very binary
// ('ektamall mall', 'ektamall hub'), so each one's peak RSS (VmHWM in
// /proc/<pid>/status) is its own: in one process the load generator, the
// other node and the bench's own buffers would be counted with it.
type child struct {
	cmd  *exec.Cmd
	url  string
	done chan error
}

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// profileDir, when set (bench --profile), makes every child write a CPU
// profile there, numbered in start order; the bench runs one step at a time.
var (
	profileDir string
	profileSeq int
)

// startChild runs 'ektamall args...' and waits until its /readyz says 200;
// it returns how long that took (the cold start).
func startChild(ctx context.Context, httpAddr string, args ...string) (*child, time.Duration, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, 0, err
	}
	c := &child{cmd: exec.Command(exe, args...), url: "http://" + httpAddr, done: make(chan error, 1)}
	c.cmd.Stdout, c.cmd.Stderr = nil, nil
	c.cmd.Env = append(os.Environ(), "EKTAMALL_DEBUG=")
	if profileDir != "" {
		profileSeq++
		c.cmd.Env = append(c.cmd.Env, fmt.Sprintf("EKTAMALL_CPUPROFILE=%s", filepath.Join(profileDir, fmt.Sprintf("%02d-%s.cpu", profileSeq, args[0]))))
	}
	start := time.Now()
	if err := c.cmd.Start(); err != nil {
		return nil, 0, err
	}
	go func() { c.done <- c.cmd.Wait() }()
	hc := &http.Client{Timeout: time.Second}
	deadline := start.Add(60 * time.Second)
	for {
		if resp, err := hc.Get(c.url + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return c, time.Since(start), nil
			}
		}
		select {
		case err := <-c.done:
			return nil, 0, fmt.Errorf("%s exited before it was ready: %v", args[0], err)
		case <-ctx.Done():
			c.stop()
			return nil, 0, ctx.Err()
		case <-time.After(5 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			c.stop()
			return nil, 0, fmt.Errorf("%s not ready after 60 s", args[0])
		}
	}
}

// stop sends SIGTERM and waits for a clean exit (SIGKILL after 30 s).
func (c *child) stop() {
	_ = c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-c.done:
	case <-time.After(30 * time.Second):
		_ = c.cmd.Process.Kill()
		<-c.done
	}
}

// memKB reads a field (VmHWM: peak resident set; VmRSS: now) in kB.
func (c *child) memKB(field string) int64 {
	return statusKB(fmt.Sprintf("/proc/%d/status", c.cmd.Process.Pid), field)
}

// statusKB reads a kB field of a /proc status file; 0 if unknown.
func statusKB(path, field string) int64 {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, field+":"); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return n
		}
	}
	return 0
}

// InitMall creates a mall's data directory with the real Open (migrations,
// identity, seed catalog) and a mall_admin for the load generator.
func InitMall(ctx context.Context, dir, id string, log *slog.Logger) (string, error) {
	m, err := mallapp.Open(ctx, mallapp.Config{Dir: dir, ID: id, State: "UP", HTTP: "127.0.0.1:0", Synchronous: "FULL", ShutdownFor: 5 * time.Second}, log)
	if err != nil {
		return "", err
	}
	if err := m.Close(); err != nil {
		return "", err
	}
	db, err := sqlitedb.Open(ctx, filepath.Join(dir, "mall.db"), sqlitedb.Options{})
	if err != nil {
		return "", err
	}
	defer db.Close()
	pass := "bench-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	err = db.Transact(ctx, func(tx *sql.Tx) error {
		_, err := auth.NewStore(db, auth.Policy{}).CreateUser(ctx, tx, "bench.admin", pass, "Bench", auth.MallAdmin, "")
		return err
	})
	return pass, err
}

type mallResult struct {
	salesPerSec       float64
	p99, pacedP99     time.Duration // flat out, and paced at o.counterRate
	errors            int64
	mismatches        []string
	idleRSS, peakRSS  int64
	coldSeed, coldBig time.Duration
}

// measureMall: real checkouts over HTTP from the load generator against a
// mall child process; its memory; and its cold start with the seed
// catalog and with a catalog grown to o.products.
func measureMall(ctx context.Context, o *Options, dir string, log *slog.Logger) (mallResult, error) {
	var r mallResult
	pass, err := InitMall(ctx, dir, "BENCH", log)
	if err != nil {
		return r, err
	}
	addr, err := freeAddr()
	if err != nil {
		return r, err
	}
	args := []string{"mall", "--dir", dir, "--id", "BENCH", "--state", "UP", "--http", addr, "--metrics", "off"}
	m, cold, err := startChild(ctx, addr, args...)
	if err != nil {
		return r, err
	}
	r.coldSeed = cold
	r.idleRSS = m.memKB("VmRSS")
	res, err := loadgen.Run(ctx, loadgen.Config{MallURL: m.url, AdminUser: "bench.admin", AdminPassword: pass, Counters: o.counters,
		Duration: o.duration, Seed: 8})
	r.peakRSS = m.memKB("VmHWM")
	m.stop()
	if err != nil {
		return r, err
	}
	r.salesPerSec, r.p99, r.errors, r.mismatches = res.SalesPerSecond(), res.P99, res.Errors, res.ZMismatches
	for _, e := range res.ErrorSamples {
		fmt.Fprintf(os.Stderr, "bench: checkout error: %s\n", e)
	}
	// Latency where a queue does not make it: every counter paced.
	m, _, err = startChild(ctx, addr, args...)
	if err != nil {
		return r, err
	}
	paced, err := loadgen.Run(ctx, loadgen.Config{MallURL: m.url, AdminUser: "bench.admin", AdminPassword: pass, Counters: o.counters,
		Duration: o.duration, Seed: 9, Rate: o.counterRate})
	m.stop()
	if err != nil {
		return r, err
	}
	r.pacedP99, r.errors = paced.P99, r.errors+paced.Errors
	r.mismatches = append(r.mismatches, paced.ZMismatches...)
	if err := growCatalog(ctx, dir, o.products); err != nil {
		return r, err
	}
	m, cold, err = startChild(ctx, addr, args...)
	if err != nil {
		return r, err
	}
	r.coldBig = cold
	m.stop()
	return r, nil
}

// growCatalog adds copies of the seed's products until the mall has n.
func growCatalog(ctx context.Context, dir string, n int) error {
	db, err := sqlitedb.Open(ctx, filepath.Join(dir, "mall.db"), sqlitedb.Options{})
	if err != nil {
		return err
	}
	defer db.Close()
	return db.Transact(ctx, func(tx *sql.Tx) error {
		var have int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM products`).Scan(&have); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `WITH RECURSIVE c(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM c WHERE k < ?)
			INSERT INTO products (sku, name, barcode, hsn, gst_rate_bp, mrp_paise, state, district_id, producer_id, gi, category, active, updated_at)
			SELECT p.sku || '-B' || c.k, p.name || ' ' || c.k, p.barcode || '-' || c.k, p.hsn, p.gst_rate_bp, p.mrp_paise + c.k, p.state,
				p.district_id, p.producer_id, p.gi, p.category, p.active, p.updated_at
			FROM c JOIN (SELECT * FROM products) p LIMIT ?`, n/max(have, 1)+1, max(0, n-have))
		return err
	})
}

type drainResult struct {
	perSec           float64
	idleRSS, peakRSS int64
}

// measureDrain: a mall child with a backlog of o.events sales in its outbox
// (it sold offline) connects to a hub child; the figure is events per
// second from the mall's start until the hub's ledger has booked them all.
func measureDrain(ctx context.Context, o *Options, dir string, log *slog.Logger) (drainResult, error) {
	return measureDrainOn(ctx, o, dir, "", log)
}

// measureDrainOn is measureDrain with the hub's books at url (its --db; ""
// for its SQLite file).
func measureDrainOn(ctx context.Context, o *Options, dir, url string, log *slog.Logger) (drainResult, error) {
	var r drainResult
	hubDir, mallDir := filepath.Join(dir, "hub"), filepath.Join(dir, "LKO2")
	if err := os.MkdirAll(hubDir, 0o750); err != nil {
		return r, err
	}
	creds, err := hubapp.ProvisionMallIn(ctx, url, hubDir, ingest.MallInfo{ID: "LKO2", State: "UP"}, true, log)
	if err != nil {
		return r, err
	}
	credsPath := filepath.Join(dir, "leaf.creds")
	if err := os.WriteFile(credsPath, creds, 0o600); err != nil {
		return r, err
	}
	if _, err := InitMall(ctx, mallDir, "LKO2", log); err != nil {
		return r, err
	}
	target, err := writeBacklog(ctx, mallDir, "LKO2", o.events)
	if err != nil {
		return r, err
	}
	if err := relayOffline(ctx, mallDir, target); err != nil {
		return r, err
	}
	hubHTTP, err := freeAddr()
	if err != nil {
		return r, err
	}
	leaf, err := freeAddr()
	if err != nil {
		return r, err
	}
	hubArgs := []string{"hub", "--dir", hubDir, "--http", hubHTTP, "--leaf", leaf, "--metrics", "off"}
	if url != "" {
		hubArgs = append(hubArgs, "--db", url)
	}
	h, _, err := startChild(ctx, hubHTTP, hubArgs...)
	if err != nil {
		return r, err
	}
	defer h.stop()
	r.idleRSS = h.memKB("VmRSS")
	var hdb sqldb.DB
	if url == "" {
		lite, err := sqlitedb.Open(ctx, filepath.Join(hubDir, "hub.db"), sqlitedb.Options{})
		if err != nil {
			return r, err
		}
		hdb = sqldb.FromSQLite(lite)
	} else if hdb, err = sqldb.OpenPostgres(ctx, url, sqldb.PGOptions{MaxConns: 2}); err != nil {
		return r, err
	}
	defer hdb.Close()
	mallHTTP, err := freeAddr()
	if err != nil {
		return r, err
	}
	start := time.Now()
	m, _, err := startChild(ctx, mallHTTP, "mall", "--dir", mallDir, "--id", "LKO2", "--state", "UP", "--http", mallHTTP, "--metrics", "off",
		"--hub", "nats-leaf://"+leaf, "--creds", credsPath)
	if err != nil {
		return r, err
	}
	defer m.stop()
	deadline := start.Add(8 * time.Minute)
	for {
		// The watermark covers an event once it is ingested and booked
		// (or parked, which the count below rules out).
		var wm int64
		if err := hdb.Reader().QueryRowContext(ctx, `SELECT watermark FROM mall_sync WHERE mall_id = 'LKO2'`).Scan(&wm); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return r, err
		}
		if wm >= target {
			break
		}
		if time.Now().After(deadline) {
			return r, fmt.Errorf("the hub's watermark is %d of %d after 8 min", wm, target)
		}
		time.Sleep(50 * time.Millisecond)
	}
	r.perSec = float64(o.events) / time.Since(start).Seconds()
	r.peakRSS = h.memKB("VmHWM")
	var booked int
	if err := hdb.Reader().QueryRowContext(ctx, `SELECT COUNT(*) FROM hub_sales WHERE mall = 'LKO2'`).Scan(&booked); err != nil {
		return r, err
	}
	if booked != o.events {
		return r, fmt.Errorf("the hub booked %d of %d sales", booked, o.events)
	}
	return r, nil
}

// relayOffline runs the mall without a hub until its relay has put every
// outbox row up to target into its local stream, so the drain measures the
// uplink and the hub, as the raw mirror does, not the mall's relay.
func relayOffline(ctx context.Context, dir string, target int64) error {
	addr, err := freeAddr()
	if err != nil {
		return err
	}
	m, _, err := startChild(ctx, addr, "mall", "--dir", dir, "--id", "LKO2", "--state", "UP", "--http", addr, "--metrics", "off")
	if err != nil {
		return err
	}
	defer m.stop()
	db, err := sqlitedb.Open(ctx, filepath.Join(dir, "mall.db"), sqlitedb.Options{})
	if err != nil {
		return err
	}
	defer db.Close()
	deadline := time.Now().Add(5 * time.Minute)
	for {
		var relayed int64
		if err := db.R.QueryRowContext(ctx, `SELECT relayed_seq FROM sync_state WHERE id = 1`).Scan(&relayed); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if relayed >= target {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("relayed %d of %d outbox rows after 5 min", relayed, target)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// writeBacklog puts n sale events in a stopped mall's outbox, a thousand
// per transaction, as if it had sold offline, and returns the last
// outbox sequence.
func writeBacklog(ctx context.Context, dir, mall string, n int) (int64, error) {
	return appendBacklog(ctx, dir, mall, 0, n)
}

// appendBacklog is writeBacklog for sales from..from+n-1 (sale ids are
// numbered by them), into a mall's outbox whether it runs or not: its
// relay takes them from there.
func appendBacklog(ctx context.Context, dir, mall string, from, n int) (int64, error) {
	seed, err := catalog.LoadSeed()
	if err != nil {
		return 0, err
	}
	db, err := sqlitedb.Open(ctx, filepath.Join(dir, "mall.db"), sqlitedb.Options{Synchronous: "NORMAL"})
	if err != nil {
		return 0, err
	}
	defer db.Close()
	rate := gst.MustRate("5")
	at := time.Now().UTC()
	var last int64
	for i := from; i < from+n; i += 1000 {
		err := db.Transact(ctx, func(tx *sql.Tx) error {
			for j := i; j < min(from+n, i+1000); j++ {
				p := seed.Products[j%len(seed.Products)]
				qty := int64(1 + j%3)
				unit := money.FromPaise(int64(10000 + (j%97)*137))
				amt := unit.MulInt(qty)
				split := gst.Inclusive(amt, rate, false)
				s := events.Sale{SaleID: fmt.Sprintf("%s-S%07d", mall, j), InvoiceNo: fmt.Sprintf("%sC01/%07d", mall, j), ShiftID: "SH1",
					Counter: "C01", CashierID: "u1", At: at,
					Lines: []events.SaleLine{{LineNo: 1, SKU: p.SKU, ProducerID: p.ProducerID, Qty: qty, UnitPrice: unit, Amount: amt,
						Taxable: split.Taxable, GSTRate: rate, CGST: split.CGST, SGST: split.SGST, HSN: "6911"}},
					Tenders: []events.Tender{{Method: "cash", Amount: amt}}, Total: amt}
				ev, err := events.Append(ctx, tx, mall, events.SaleCompleted, at, s)
				if err != nil {
					return err
				}
				last = ev.Seq
			}
			return nil
		})
		if err != nil {
			return 0, err
		}
	}
	return last, nil
}
