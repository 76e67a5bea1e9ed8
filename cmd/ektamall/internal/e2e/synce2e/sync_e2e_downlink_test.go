package synce2e

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"ektamall/cmd/ektamall/internal/e2e"
	"ektamall/pos/mallsync"
	"ektamall/shared/events"
	"ektamall/shared/money"
	"ektamall/shared/syncwire"
)

func mrpAt(t testing.TB, m *mallNode, sku string) int64 {
	var p int64
	if err := m.DB.R.QueryRow(`SELECT mrp_paise FROM products WHERE sku = ?`, sku).Scan(&p); err != nil {
		t.Fatal(err)
	}
	return p
}

// Price changes made while a mall is cut off reach it when it comes back;
// until then it sells at the last prices it knew. A change with a future
// effective time waits for it.
func TestPriceChangeReachesOfflineMall(t *testing.T) {
	dir := t.TempDir()
	h := startHub(t, filepath.Join(dir, "hub"), "", nil)
	p := newProxy(t, h.leaf)
	creds := h.provision("LKO1", "UP", filepath.Join(dir, "LKO1"))
	m := startMall(t, "LKO1", "UP", filepath.Join(dir, "LKO1"), p.url(), creds, nil)
	ctx := context.Background()
	prods := loadSeed(t).Products
	now, later := prods[0], prods[1]
	e2e.WaitFor(t, 10*time.Second, "mall connected", func() error {
		if !m.status(t).Connected {
			return errNotYet
		}
		return nil
	})
	p.stop()
	e2e.WaitFor(t, 10*time.Second, "mall notices the cut", func() error {
		if m.NATS.LeafConnected() {
			return errNotYet
		}
		return nil
	})

	newMRP := now.MRP.Add(money.MustParse("11.50"))
	if _, err := h.Svc.ChangeCatalog(ctx, syncwire.CatalogChange{Kind: syncwire.KindPrice,
		Price: &syncwire.PriceChange{SKU: now.SKU, MRP: newMRP}}, "finance", ""); err != nil {
		t.Fatal(err)
	}
	eff := time.Now().Add(4 * time.Second)
	laterMRP := later.MRP.Add(money.MustParse("1.00"))
	if _, err := h.Svc.ChangeCatalog(ctx, syncwire.CatalogChange{Kind: syncwire.KindPrice, EffectiveAt: &eff,
		Price: &syncwire.PriceChange{SKU: later.SKU, MRP: laterMRP}}, "finance", ""); err != nil {
		t.Fatal(err)
	}
	time.Sleep(500 * time.Millisecond) // time for a change to leak through, were the cut not real
	if got := mrpAt(t, m, now.SKU); got != now.MRP.Paise() {
		t.Fatalf("offline mall's price changed to %d", got)
	}

	p.start()
	e2e.WaitFor(t, 20*time.Second, "price change applied at the mall", func() error {
		if got := mrpAt(t, m, now.SKU); got != newMRP.Paise() {
			return fmt.Errorf("mrp %d", got)
		}
		if st := m.status(t); st.CatalogSeq != 2 {
			return fmt.Errorf("catalog_seq %d", st.CatalogSeq)
		}
		return nil
	})
	if time.Now().Before(eff) {
		if got := mrpAt(t, m, later.SKU); got != later.MRP.Paise() {
			t.Fatalf("scheduled price applied early: %d", got)
		}
	}
	e2e.WaitFor(t, 15*time.Second, "scheduled price applied on time", func() error {
		if got := mrpAt(t, m, later.SKU); got != laterMRP.Paise() {
			return fmt.Errorf("mrp %d", got)
		}
		return nil
	})
}

// A transfer sent by one mall reaches the receiving mall through the hub
// and is registered there once.
func TestTransferRoutedToReceivingMall(t *testing.T) {
	dir := t.TempDir()
	h := startHub(t, filepath.Join(dir, "hub"), "", nil)
	credsA := h.provision("LKO1", "UP", filepath.Join(dir, "LKO1"))
	credsB := h.provision("BLR1", "KA", filepath.Join(dir, "BLR1"))
	a := startMall(t, "LKO1", "UP", filepath.Join(dir, "LKO1"), "nats-leaf://"+h.leaf, credsA, func(c *mallsync.Config) {
		c.Transfers = testTransfers{}
	})
	b := startMall(t, "BLR1", "KA", filepath.Join(dir, "BLR1"), "nats-leaf://"+h.leaf, credsB, func(c *mallsync.Config) {
		c.Transfers = testTransfers{}
	})
	for _, m := range []*mallNode{a, b} {
		if _, err := m.DB.W.Exec(`CREATE TABLE test_incoming (id TEXT PRIMARY KEY, from_mall TEXT, to_mall TEXT)`); err != nil {
			t.Fatal(err)
		}
	}
	ctx := context.Background()
	sku := firstSKU(t)
	err := a.DB.Transact(ctx, func(tx *sql.Tx) error {
		tr := events.Transfer{TransferID: "TR-1", FromMall: "LKO1", ToMall: "BLR1", Zone: "UP",
			Lines: []events.TransferLine{{SKU: sku, Qty: 4}}, By: "zm", At: time.Now()}
		_, err := events.Append(ctx, tx, "LKO1", events.TransferSent, tr.At, tr)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	e2e.WaitFor(t, 20*time.Second, "transfer registered at BLR1", func() error {
		var from, to string
		if err := b.DB.R.QueryRow(`SELECT from_mall, to_mall FROM test_incoming WHERE id = 'TR-1'`).Scan(&from, &to); err != nil {
			return err
		}
		if from != "LKO1" || to != "BLR1" {
			return fmt.Errorf("registered %s → %s", from, to)
		}
		if st := b.status(t); st.RoutedSeq != 1 {
			return fmt.Errorf("routed_seq %d", st.RoutedSeq)
		}
		return nil
	})
	// The receiving mall's count goes back to the sender.
	err = b.DB.Transact(ctx, func(tx *sql.Tx) error {
		r := events.TransferReceipt{TransferID: "TR-1", FromMall: "LKO1", ToMall: "BLR1", Zone: "UP",
			Lines: []events.TransferReceiptLine{{SKU: sku, Sent: 4, Received: 3}}, By: "zm", At: time.Now()}
		_, err := events.Append(ctx, tx, "BLR1", events.TransferReceived, r.At, r)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	e2e.WaitFor(t, 20*time.Second, "receipt back at LKO1", func() error {
		var n int
		a.DB.R.QueryRow(`SELECT count(*) FROM test_incoming WHERE id = 'receipt-TR-1'`).Scan(&n)
		if n != 1 {
			return errNotYet
		}
		return nil
	})
}

// testTransfers records routed transfers in a table of the test's own.
type testTransfers struct{}

func (testTransfers) RegisterIncoming(ctx context.Context, tx *sql.Tx, mall string, tr events.Transfer) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO test_incoming (id, from_mall, to_mall) VALUES (?, ?, ?)`, tr.TransferID, tr.FromMall, mall)
	return err
}

func (testTransfers) ConfirmDelivered(ctx context.Context, tx *sql.Tx, mall string, r events.TransferReceipt) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO test_incoming (id, from_mall, to_mall) VALUES (?, ?, ?)`, "receipt-"+r.TransferID, r.FromMall, r.ToMall)
	return err
}
