package chaos

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"syscall"
	"time"

	"ektamall/hub/ingest"
	"ektamall/hub/ledger"
	"ektamall/hub/settle"
	"ektamall/pos/api"
	"ektamall/pos/loadgen"
	"ektamall/shared/apiclient"
	"ektamall/shared/events"
	"ektamall/shared/money"
	"ektamall/shared/sqlitedb"
)

// checker prints each check with its figures and counts failures.
type checker struct {
	out      io.Writer
	failures int
}

func (c *checker) check(ok bool, name, format string, args ...any) {
	mark := "ok  "
	if !ok {
		mark = "FAIL"
		c.failures++
	}
	fmt.Fprintf(c.out, "  %s  %-38s %s\n", mark, name, fmt.Sprintf(format, args...))
}

// checkAll waits for sync to settle and checks every promise against
// the running processes, then stops them and checks their databases.
func checkAll(ctx context.Context, o *Options, hub *process, malls []*mallNode, results []loadgen.Result) (int, error) {
	c := &checker{out: o.stdout}
	fmt.Fprintln(o.stdout, "chaos: load finished; every fault healed")
	for i, m := range malls {
		r := results[i]
		retries := 0
		for _, a := range r.Answered {
			retries += a.Retries
		}
		c.check(r.Errors == 0, m.id+" load answered without error",
			"%d sales (₹%s), %d returns (₹%s), %d retried requests, %d errors %v", r.Sales, r.SalesTotal, r.Returns, r.ReturnsTotal, retries, r.Errors, r.ErrorSamples)
		c.check(len(r.ZMismatches) == 0, m.id+" Z reports equal answered sales", "%d shifts closed, mismatches %v", len(r.ZReports), r.ZMismatches)
	}
	fin, err := login(ctx, hub.url, financeUser)
	if err != nil {
		return c.failures, err
	}
	admins := make([]*apiclient.Client, len(malls))
	for i, m := range malls {
		if admins[i], err = login(ctx, m.proc.url, adminUser); err != nil {
			return c.failures, err
		}
	}
	checkSettled(ctx, c, o.settleTimeout, fin, malls, admins)
	for i, m := range malls {
		checkMall(ctx, c, fin, m, admins[i], results[i])
	}
	checkLedger(ctx, c, fin)

	// Stop everything cleanly and look at the databases themselves.
	for _, m := range malls {
		m.proc.kill(syscall.SIGTERM)
	}
	hub.kill(syscall.SIGTERM)
	if err := checkDatabases(ctx, c, filepath.Join(o.dir, "hub", "hub.db"), malls, results); err != nil {
		return c.failures, err
	}
	return c.failures, nil
}

// checkSettled polls until every mall's outbox is covered by the
// hub's watermark, or the deadline passes.
func checkSettled(ctx context.Context, c *checker, timeout time.Duration, fin *apiclient.Client, malls []*mallNode, admins []*apiclient.Client) {
	start := time.Now()
	deadline := start.Add(timeout)
	var last string
	for {
		settled := true
		last = ""
		var hubMalls []ingest.MallStatus
		if _, err := fin.Call(ctx, "GET", "/api/v1/malls", nil, &hubMalls); err != nil {
			settled, last = false, err.Error()
		}
		for i, m := range malls {
			var st api.SyncStatus
			if _, err := admins[i].Call(ctx, "GET", "/api/v1/sync", nil, &st); err != nil {
				settled, last = false, last+" "+err.Error()
				continue
			}
			var hs ingest.MallStatus
			for _, h := range hubMalls {
				if h.ID == m.id {
					hs = h
				}
			}
			last += fmt.Sprintf("%s: last_seq %d, mall's view of hub watermark %d, pending %d; hub watermark %d, highest %d, parked %d. ",
				m.id, st.LastSeq, st.HubWatermark, st.Pending, hs.Watermark, hs.Highest, hs.Parked)
			if st.Pending != 0 || st.HubWatermark != st.LastSeq || hs.Watermark != st.LastSeq || hs.Highest != hs.Watermark {
				settled = false
			}
		}
		if settled || time.Now().After(deadline) || ctx.Err() != nil {
			c.check(settled, "sync settled", "in %s: %s", time.Since(start).Round(100*time.Millisecond), last)
			return
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// checkMall checks one mall: every answered sale and credit note is
// there once with its amount, the hub's totals equal the mall's, and
// stock equals its movements.
func checkMall(ctx context.Context, c *checker, fin *apiclient.Client, m *mallNode, admin *apiclient.Client, r loadgen.Result) {
	missing, wrong := 0, 0
	var sample string
	lost := map[string]bool{}
	for _, a := range m.lost.Answered {
		lost[a.ID] = true
	}
	for _, a := range r.Answered {
		if lost[a.ID] {
			continue // answered before the restore, by the database it replaced
		}
		path := "/api/v1/sales/" + url.PathEscape(a.ID)
		if a.Return {
			path = "/api/v1/returns/" + url.PathEscape(a.ID)
		}
		var got struct {
			Total money.Amount `json:"total"`
		}
		if _, err := admin.Call(ctx, "GET", path, nil, &got); err != nil {
			missing++
			sample = err.Error()
			continue
		}
		if !got.Total.Equal(a.Total) {
			wrong++
			sample = fmt.Sprintf("%s %s: mall says %s, counter was answered %s", a.Number, a.ID, got.Total, a.Total)
		}
	}
	c.check(missing == 0 && wrong == 0, m.id+" answered documents at the mall", "%d looked up (%d lost with a restore), %d missing, %d with another total %s",
		len(r.Answered)-len(lost), len(lost), missing, wrong, sample)

	zSales, zReturns := money.Zero, money.Zero
	var zn, zrn int64
	for _, z := range r.ZReports {
		zSales, zReturns = zSales.Add(z.Sales.Total), zReturns.Add(z.Returns.Total)
		zn, zrn = zn+z.Sales.Count, zrn+z.Returns.Count
	}
	var t ledger.Totals
	if _, err := fin.Call(ctx, "GET", "/api/v1/malls/"+m.id+"/totals", nil, &t); err != nil {
		c.check(false, m.id+" hub totals", "%v", err)
	} else {
		ok := t.Count == r.Sales && t.GrossSales.Equal(r.SalesTotal) && t.ReturnsCount == r.Returns && t.Returns.Equal(r.ReturnsTotal) &&
			t.Count == zn && t.GrossSales.Equal(zSales) && t.ReturnsCount == zrn && t.Returns.Equal(zReturns)
		c.check(ok, m.id+" hub totals = mall's to the paisa",
			"hub %d sales ₹%s, %d returns ₹%s; mall Z reports %d ₹%s, %d ₹%s; answered %d ₹%s, %d ₹%s",
			t.Count, t.GrossSales, t.ReturnsCount, t.Returns, zn, zSales, zrn, zReturns, r.Sales, r.SalesTotal, r.Returns, r.ReturnsTotal)
	}
	var sc struct {
		OK         bool  `json:"ok"`
		Mismatches []any `json:"mismatches"`
	}
	if _, err := admin.Call(ctx, "GET", "/api/v1/stock/check", nil, &sc); err != nil {
		c.check(false, m.id+" stock = sum of movements", "%v", err)
	} else {
		c.check(sc.OK && len(sc.Mismatches) == 0, m.id+" stock = sum of movements", "%d mismatches %v", len(sc.Mismatches), sc.Mismatches)
	}
}

// checkLedger checks the hub's books and that settlement is
// idempotent: the same cutoff again is the same run, paying nothing new.
func checkLedger(ctx context.Context, c *checker, fin *apiclient.Client) {
	var rep ledger.Report
	_, err := fin.Call(ctx, "GET", "/api/v1/ledger/check", nil, &rep)
	c.check(err == nil && rep.OK, "ledger invariants", "%d entries, %d accounts, debits ₹%s credits ₹%s, problems %v %v",
		rep.Entries, rep.Accounts, rep.Debits, rep.Credits, rep.Problems, errOrNil(err))
	var bal ledger.Balance
	_, err = fin.Call(ctx, "GET", "/api/v1/ledger/balance", nil, &bal)
	c.check(err == nil && bal.Debits.Equal(bal.Credits) && bal.Debits.IsPositive(), "ledger balance", "debits ₹%s = credits ₹%s %v", bal.Debits, bal.Credits, errOrNil(err))

	cutoff := time.Now().UTC().Add(-time.Second).Truncate(time.Second)
	var first, second settle.Run
	s1, err1 := fin.Call(ctx, "POST", "/api/v1/settlements", map[string]any{"cutoff": cutoff}, &first)
	s2, err2 := fin.Call(ctx, "POST", "/api/v1/settlements", map[string]any{"cutoff": cutoff}, &second)
	ok := err1 == nil && err2 == nil && s1 == 201 && s2 == 200 && first.ID == second.ID &&
		second.PayoutTotal.Equal(first.PayoutTotal) && second.ItemCount == first.ItemCount
	c.check(ok, "settlement run is idempotent", "run %d at %s: %d items, %d payouts ₹%s; again (HTTP %d): run %d, %d items, ₹%s %v %v",
		first.No, cutoff.Format(time.RFC3339), first.ItemCount, first.PayoutCount, first.PayoutTotal, s2, second.No, second.ItemCount, second.PayoutTotal,
		errOrNil(err1), errOrNil(err2))
}

func errOrNil(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// checkDatabases reads the stopped processes' SQLite files: the hub
// holds each answered document exactly once and nothing else, and every
// sequence and document series is gapless.
func checkDatabases(ctx context.Context, c *checker, hubPath string, malls []*mallNode, results []loadgen.Result) error {
	hdb, err := sqlitedb.Open(ctx, hubPath, sqlitedb.Options{})
	if err != nil {
		return err
	}
	defer hdb.Close()
	for i, m := range malls {
		mdb, err := sqlitedb.Open(ctx, filepath.Join(m.dir, "mall.db"), sqlitedb.Options{})
		if err != nil {
			return err
		}
		err = checkMallDB(ctx, c, hdb, mdb, m, results[i])
		mdb.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

func checkMallDB(ctx context.Context, c *checker, hdb, mdb *sqlitedb.DB, m *mallNode, r loadgen.Result) error {
	id := m.id
	one := func(db *sqlitedb.DB, q string, args ...any) int64 {
		var n int64
		if err := db.R.QueryRowContext(ctx, q, args...).Scan(&n); err != nil {
			c.check(false, id+" query", "%s: %v", q, err)
		}
		return n
	}
	// Exactly once at the hub: each answered id once, and no other.
	missing := 0
	for _, a := range r.Answered {
		q := `SELECT count(*) FROM hub_sales WHERE mall = ? AND sale_id = ?`
		if a.Return {
			q = `SELECT count(*) FROM hub_returns WHERE mall = ? AND return_id = ?`
		}
		if one(hdb, q, id, a.ID) != 1 {
			missing++
		}
	}
	hubSales := one(hdb, `SELECT count(*) FROM hub_sales WHERE mall = ?`, id)
	hubReturns := one(hdb, `SELECT count(*) FROM hub_returns WHERE mall = ?`, id)
	mallSales := one(mdb, `SELECT count(*) FROM sales`)
	mallReturns := one(mdb, `SELECT count(*) FROM returns`)
	c.check(missing == 0 && hubSales == r.Sales && hubReturns == r.Returns && mallSales == r.Sales-m.lost.Sales && mallReturns == r.Returns-m.lost.Returns,
		id+" every answered document once at hub", "answered %d sales %d returns; hub holds %d and %d (%d answered missing); mall holds %d and %d (%d and %d lost with a restore)",
		r.Sales, r.Returns, hubSales, hubReturns, missing, mallSales, mallReturns, m.lost.Sales, m.lost.Returns)

	// The outbox and the hub's copy: each epoch (a restore starts one,
	// shared/events/epoch.go) gapless from its start, every event of the
	// mall at the hub, all applied.
	mallEp, err := readEpochs(ctx, mdb.R, `SELECT seq FROM outbox`)
	if err != nil {
		return err
	}
	hubEp, err := readEpochs(ctx, hdb.R, `SELECT seq FROM events_received WHERE mall_id = ?`, id)
	if err != nil {
		return err
	}
	outMax := one(mdb, `SELECT COALESCE(MAX(seq), 0) FROM outbox`)
	notApplied := one(hdb, `SELECT count(*) FROM events_received WHERE mall_id = ? AND status <> 'applied'`, id)
	wm := one(hdb, `SELECT COALESCE(MAX(watermark), 0) FROM mall_sync WHERE mall_id = ?`, id)
	ok := wm == outMax && notApplied == 0
	for e, me := range mallEp {
		he := hubEp[e]
		// The hub may hold more of an epoch a restore ended (the lost tail).
		ok = ok && me.gapless() && he.gapless() && he.n >= me.n
		if e == events.EpochOf(outMax) {
			ok = ok && he.n == me.n
		}
	}
	for _, he := range hubEp {
		ok = ok && he.gapless()
	}
	c.check(ok, id+" event sequence gapless, all at hub", "outbox epochs %v, max seq %d; hub epochs %v, watermark %d, not applied %d",
		mallEp, outMax, hubEp, wm, notApplied)
	if err := checkHubSeries(ctx, c, hdb, id); err != nil {
		return err
	}

	// Invoice and credit-note series: each 1..last with no gap.
	for _, tbl := range []string{"sales", "returns"} {
		rows, err := mdb.R.QueryContext(ctx, `SELECT t.series, t.fy, count(*), MIN(t.seq), MAX(t.seq), COALESCE(d.last_seq, 0)
			FROM `+tbl+` t LEFT JOIN doc_series d ON d.series = t.series AND d.fy = t.fy GROUP BY t.series, t.fy ORDER BY t.series`)
		if err != nil {
			return err
		}
		bad, series := []string{}, 0
		for rows.Next() {
			var s string
			var fy, n, lo, hi, last int64
			if err := rows.Scan(&s, &fy, &n, &lo, &hi, &last); err != nil {
				rows.Close()
				return err
			}
			series++
			if lo != 1 || hi != n || last != n {
				bad = append(bad, fmt.Sprintf("%s/%d: %d numbers, %d..%d, series at %d", s, fy, n, lo, hi, last))
			}
		}
		rows.Close()
		c.check(len(bad) == 0, id+" "+tbl+" numbering gapless", "%d series %v", series, bad)
	}
	return nil
}
