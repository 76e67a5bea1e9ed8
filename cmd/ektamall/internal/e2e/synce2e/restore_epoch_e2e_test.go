package synce2e

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"ektamall/cmd/ektamall/internal/backup"
	"ektamall/cmd/ektamall/internal/e2e"
	hubapp "ektamall/hub/app"
	"ektamall/hub/ingest"
	"ektamall/pos/mallapp"
	"ektamall/shared/apiclient"
	"ektamall/shared/auth"
	"ektamall/shared/invoice"
	"ektamall/shared/money"
	"ektamall/shared/sqldb"
)

// TestRestoreBehindHubNeverReissuesInvoices: the hub holds a mall's first
// three sales (a fourth made offline waits in the mall's stream), the mall
// is restored (with 'ektamall restore') from a backup taken after the first
// while its hub link is down, sells three times offline and reconnects. Every sale is booked at the hub exactly once, no
// invoice number is issued twice, and the hub's totals equal the answered
// sales to the paisa.
func TestRestoreBehindHubNeverReissuesInvoices(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	h, err := hubapp.Open(ctx, hubapp.Config{Dir: filepath.Join(dir, "hub"), DB: testHubDB(t), HTTP: "127.0.0.1:0", Leaf: "127.0.0.1:0",
		Synchronous: "FULL", ShutdownFor: 5 * time.Second}, e2e.Quiet())
	if err != nil {
		t.Fatal(err)
	}
	hubDone := make(chan struct{})
	go func() { h.Run(ctx); close(hubDone) }()
	t.Cleanup(func() { cancel(); <-hubDone })
	creds, err := h.ProvisionMall(ctx, ingest.MallInfo{ID: "RST2", State: "UP"}, false)
	if err != nil {
		t.Fatal(err)
	}
	credsPath := filepath.Join(dir, "RST2.creds")
	if err := os.WriteFile(credsPath, creds, 0o600); err != nil {
		t.Fatal(err)
	}
	addAppUser(t, h.Auth, h.Store.Transact, "fin", auth.Finance)
	link := newProxy(t, strings.TrimPrefix(h.LeafURL, "nats-leaf://"))
	mdir := filepath.Join(dir, "mall")
	m := startMallApp(t, mdir, link.url(), credsPath)
	addAppUser(t, m.app.Auth, sqldb.FromSQLite(m.app.DB).Transact, "adm", auth.MallAdmin)
	m.login(t)
	sku, mrp := m.product(t)

	var answered []soldInvoice
	shift := m.openShift(t)
	answered = append(answered, m.sellHTTP(t, shift, sku, mrp))
	backup := filepath.Join(dir, "after-first.db")
	if out, code := runCmd(t, "backup", mdir, backup); code != 0 {
		t.Fatalf("backup: %s", out)
	}
	answered = append(answered, m.sellHTTP(t, shift, sku, mrp), m.sellHTTP(t, shift, sku, mrp))
	e2e.WaitFor(t, 30*time.Second, "the first three sales at the hub", func() error {
		if n := hubSaleCount(t, h.Store.Reader(), "RST2"); n != 3 {
			return fmt.Errorf("hub holds %d sales", n)
		}
		return nil
	})

	// The link goes down; a fourth sale reaches only the mall's own
	// stream. Then the mall's database is lost and restored from the
	// backup that has only the first sale.
	link.stop()
	answered = append(answered, m.sellHTTP(t, shift, sku, mrp))
	e2e.WaitFor(t, 10*time.Second, "the fourth sale in the mall's stream", func() error {
		var relayed int64
		m.app.DB.R.QueryRow(`SELECT relayed_seq FROM sync_state`).Scan(&relayed)
		if relayed != 4 {
			return fmt.Errorf("relayed %d", relayed)
		}
		return nil
	})
	m.stop()
	out, code := runCmd(t, "restore", mdir, backup)
	if code != 0 {
		t.Fatalf("restore: %s", out)
	}
	t.Logf("restore said:\n%s", out)
	if !strings.Contains(out, "started epoch 1") {
		t.Fatalf("restore does not say it started a new epoch:\n%s", out)
	}
	m = startMallApp(t, mdir, link.url(), credsPath)
	m.login(t)
	shift = m.openShift(t) // the restore closed the shift the backup had open
	for range 3 {
		answered = append(answered, m.sellHTTP(t, shift, sku, mrp))
	}
	link.start()

	e2e.WaitFor(t, 60*time.Second, "every sale at the hub", func() error {
		st := m.syncStatus(t)
		if st.Pending != 0 || hubSaleCount(t, h.Store.Reader(), "RST2") != len(answered) {
			return fmt.Errorf("mall %+v, hub holds %d of %d sales", st, hubSaleCount(t, h.Store.Reader(), "RST2"), len(answered))
		}
		return nil
	})
	numbers := map[string]string{}
	var want int64
	for _, a := range answered {
		if other, dup := numbers[a.number]; dup {
			t.Fatalf("invoice %s issued to sales %s and %s", a.number, other, a.id)
		}
		numbers[a.number] = a.id
		want += a.total.Paise()
		var n int
		if err := h.Store.Reader().QueryRowContext(context.Background(), `SELECT count(*) FROM hub_sales WHERE mall = 'RST2' AND sale_id = ? AND invoice_no = ?`, a.id, a.number).Scan(&n); err != nil || n != 1 {
			t.Fatalf("sale %s (%s) at the hub %d times: %v", a.id, a.number, n, err)
		}
	}
	var hubN, distinct int
	var hubPaise int64
	if err := h.Store.Reader().QueryRowContext(context.Background(), `SELECT count(*), count(DISTINCT invoice_no), COALESCE(SUM(total), 0) FROM hub_sales WHERE mall = 'RST2'`).
		Scan(&hubN, &distinct, &hubPaise); err != nil {
		t.Fatal(err)
	}
	if hubN != len(answered) || distinct != hubN || hubPaise != want {
		t.Fatalf("hub: %d sales, %d invoice numbers, %d paise; answered %d sales, %d paise", hubN, distinct, hubPaise, len(answered), want)
	}
	var parked int
	h.Store.Reader().QueryRowContext(context.Background(), `SELECT count(*) FROM parked_events WHERE mall_id = 'RST2'`).Scan(&parked)
	if parked != 0 {
		t.Fatalf("%d events parked at the hub", parked)
	}
	// Each series the hub holds is consecutive from 1: the old one up to
	// the last sale the lost history made, the new epoch's from 1.
	checkSeriesGapless(t, h.Store.Reader(), "RST2")
}

type soldInvoice struct {
	id, number string
	total      money.Amount
}

type mallAppNode struct {
	app   *mallapp.Mall
	token string
	done  chan struct{}
	stop  func()
}

func startMallApp(t *testing.T, dir, hub, creds string) *mallAppNode {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	a, err := mallapp.Open(ctx, mallapp.Config{Dir: dir, ID: "RST2", State: "UP", HTTP: "127.0.0.1:0", Hub: hub, Creds: creds,
		Synchronous: "FULL", ShutdownFor: 5 * time.Second}, e2e.Quiet())
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	n := &mallAppNode{app: a, done: make(chan struct{})}
	go func() { a.Run(ctx); close(n.done) }()
	stopped := false
	n.stop = func() {
		if !stopped {
			stopped = true
			cancel()
			<-n.done
		}
	}
	t.Cleanup(n.stop)
	return n
}

func (n *mallAppNode) login(t *testing.T) { n.token = syncLogin(t, n.app.URL, "adm") }

func (n *mallAppNode) product(t *testing.T) (string, string) {
	var ps []struct {
		SKU string `json:"sku"`
		MRP string `json:"mrp"`
	}
	e2e.Expect(t, "GET", n.app.URL+"/api/v1/products?limit=1", n.token, nil, 200, &ps)
	if len(ps) == 0 {
		t.Fatal("no products")
	}
	return ps[0].SKU, ps[0].MRP
}

func (n *mallAppNode) openShift(t *testing.T) string {
	var sh struct {
		ID string `json:"id"`
	}
	e2e.Expect(t, "POST", n.app.URL+"/api/v1/shifts", n.token, map[string]string{"counter": "C01", "opening_float": "0.00"}, 201, &sh)
	return sh.ID
}

func (n *mallAppNode) sellHTTP(t *testing.T, shift, sku, mrp string) soldInvoice {
	t.Helper()
	var s struct {
		ID        string       `json:"id"`
		InvoiceNo string       `json:"invoice_no"`
		Total     money.Amount `json:"total"`
	}
	code := e2e.Call(t, "POST", n.app.URL+"/api/v1/sales", n.token,
		map[string]any{"shift_id": shift, "lines": []map[string]any{{"sku": sku, "qty": 1}},
			"tenders": []map[string]string{{"method": "cash", "amount": mrp}}}, &s, apiclient.Key(uuid.NewString()))
	if code != 201 {
		t.Fatalf("sale: HTTP %d", code)
	}
	return soldInvoice{id: s.ID, number: s.InvoiceNo, total: s.Total}
}

func (n *mallAppNode) syncStatus(t *testing.T) (st struct {
	LastSeq      int64 `json:"last_seq"`
	HubWatermark int64 `json:"hub_watermark"`
	Pending      int64 `json:"pending"`
}) {
	e2e.Expect(t, "GET", n.app.URL+"/api/v1/sync", n.token, nil, 200, &st)
	return st
}

func addAppUser(t *testing.T, a *auth.Store, transact func(context.Context, func(sqldb.Tx) error) error, name string, role auth.Role) {
	t.Helper()
	if err := transact(context.Background(), func(tx sqldb.Tx) error {
		_, err := a.CreateUser(context.Background(), tx, name, "pass-word-123", name, role, "")
		return err
	}); err != nil {
		t.Fatal(err)
	}
}

// runCmd is 'ektamall backup --dir dir --out file' or 'restore --dir dir --from file',
// run in this process through internal/backup; the output and an exit code.
func runCmd(t *testing.T, cmd, dir, file string) (string, int) {
	t.Helper()
	var out bytes.Buffer
	var err error
	switch cmd {
	case "backup":
		_, err = backup.Backup(context.Background(), dir, file, nil)
	case "restore":
		err = backup.Restore(context.Background(), dir, file, &out)
	default:
		t.Fatalf("runCmd %s", cmd)
	}
	if err != nil {
		return out.String() + err.Error(), 1
	}
	return out.String(), 0
}

func hubSaleCount(t *testing.T, db sqldb.Querier, mall string) int {
	var n int
	if err := db.QueryRowContext(context.Background(), `SELECT count(*) FROM hub_sales WHERE mall = ?`, mall).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// checkSeriesGapless checks that every invoice series the hub holds for a
// mall runs 1..n with each number once.
func checkSeriesGapless(t *testing.T, db sqldb.Querier, mall string) {
	t.Helper()
	rows, err := db.QueryContext(context.Background(), `SELECT invoice_no FROM hub_sales WHERE mall = ?`, mall)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	seqs := map[string]map[int64]bool{}
	for rows.Next() {
		var no string
		if err := rows.Scan(&no); err != nil {
			t.Fatal(err)
		}
		series, fy, seq, err := invoice.Parse(no)
		if err != nil {
			t.Fatal(err)
		}
		key := fmt.Sprintf("%s/%s", series, fy.Code())
		if seqs[key] == nil {
			seqs[key] = map[int64]bool{}
		}
		if seqs[key][seq] {
			t.Fatalf("%s twice at the hub", no)
		}
		seqs[key][seq] = true
	}
	for key, s := range seqs {
		for i := int64(1); i <= int64(len(s)); i++ {
			if !s[i] {
				t.Fatalf("series %s at the hub: %d numbers but %d missing", key, len(s), i)
			}
		}
	}
	t.Logf("series at the hub: %v", func() map[string]int {
		out := map[string]int{}
		for k, s := range seqs {
			out[k] = len(s)
		}
		return out
	}())
}

// TestRestoreOfCompleteBackupKeepsSeries: a backup that holds every event
// of the database it replaces starts no epoch: the mall sells on in its
// own series.
func TestRestoreOfCompleteBackupKeepsSeries(t *testing.T) {
	dir := t.TempDir()
	mdir := filepath.Join(dir, "mall")
	m := startMallApp(t, mdir, "", "")
	addAppUser(t, m.app.Auth, sqldb.FromSQLite(m.app.DB).Transact, "adm", auth.MallAdmin)
	m.login(t)
	sku, mrp := m.product(t)
	shift := m.openShift(t)
	first := m.sellHTTP(t, shift, sku, mrp)
	backup := filepath.Join(dir, "level.db")
	if out, code := runCmd(t, "backup", mdir, backup); code != 0 {
		t.Fatalf("backup: %s", out)
	}
	m.stop()
	out, code := runCmd(t, "restore", mdir, backup)
	if code != 0 || !strings.Contains(out, "nothing was lost") || strings.Contains(out, "epoch") {
		t.Fatalf("restore of a complete backup (exit %d):\n%s", code, out)
	}
	m = startMallApp(t, mdir, "", "")
	m.login(t)
	second := m.sellHTTP(t, shift, sku, mrp) // the shift stays open
	s1, fy1, n1, err1 := invoice.Parse(first.number)
	s2, fy2, n2, err2 := invoice.Parse(second.number)
	if err1 != nil || err2 != nil || s1 != "C01" || s2 != s1 || fy2 != fy1 || n2 != n1+1 {
		t.Fatalf("invoices %s then %s, want the next number of the same series", first.number, second.number)
	}
}
