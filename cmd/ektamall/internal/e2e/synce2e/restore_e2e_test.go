package synce2e

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ektamall/cmd/ektamall/internal/e2e"
	"ektamall/shared/events"
	"ektamall/shared/sqlitedb"
)

// TestRestoredMallResyncsWithoutReusingSequences: a mall is backed up,
// sells more, and its database is replaced by that older backup by hand
// (not with 'ektamall restore'). With its NATS store left in place the
// mall finds at start that its own stream holds events the database lacks,
// starts a new epoch and sells on: the hub keeps every sale exactly once.
// With the NATS store lost too there is no such evidence: the mall learns
// from the hub that it is behind and refuses to sell rather than reuse an
// event number the hub already holds.
func TestRestoredMallResyncsWithoutReusingSequences(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	h := startHub(t, filepath.Join(dir, "hub"), "", nil)
	mdir := filepath.Join(dir, "mall")
	creds := h.provision("RST1", "UP", mdir)
	remote := "nats-leaf://" + h.leaf
	m := startMall(t, "RST1", "UP", mdir, remote, creds, nil)
	sku := firstSKU(t)
	dbPath := filepath.Join(mdir, "mall.db")

	m.sell(t, 40, 10, func(int) string { return sku })
	waitWatermark(t, h, m, 40, 30*time.Second)
	stale := filepath.Join(dir, "stale.db")
	if err := sqlitedb.Backup(ctx, dbPath, stale, nil); err != nil {
		t.Fatal(err)
	}
	m.sell(t, 25, 5, func(int) string { return sku })
	waitWatermark(t, h, m, 65, 30*time.Second)
	sold := m.sold
	m.stop()

	// By hand, NATS store kept: the hub holds seqs 41..65 this copy lacks.
	if err := sqlitedb.Restore(ctx, stale, dbPath); err != nil {
		t.Fatal(err)
	}
	m = startMall(t, "RST1", "UP", mdir, remote, creds, nil)
	m.sold = sold
	if st := m.status(t); st.LastSeq != events.EpochStart(1) {
		t.Fatalf("a mall behind its own stream did not start epoch 1: %+v", st)
	}
	m.sell(t, 10, 5, func(int) string { return sku })
	waitWatermark(t, h, m, events.EpochStart(1)+10, 30*time.Second)
	hc, hp := hubTotals(t, h.DB, "RST1")
	mc, mp := mallTotals(t, m.DB)
	if hc != 75 || mc != 50 {
		t.Fatalf("hub holds %d sales, want all 75 once; mall %d, want 40 + 10", hc, mc)
	}
	e2e.WaitFor(t, 10*time.Second, "the mall hearing the hub has it all", func() error {
		if st := m.status(t); st.Error != "" || st.Pending != 0 {
			return fmt.Errorf("status %+v", st)
		}
		return nil
	})
	t.Logf("hub %d paise, restored mall %d paise", hp, mp)
	sold = m.sold
	m.stop()

	// By hand again, and the NATS store is lost too (a new machine).
	if err := os.Remove(dbPath + ".before-restore"); err != nil {
		t.Fatal(err)
	}
	if err := sqlitedb.Restore(ctx, stale, dbPath); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(filepath.Join(mdir, "nats")); err != nil {
		t.Fatal(err)
	}
	m = startMall(t, "RST1", "UP", mdir, remote, creds, nil)
	m.sold = sold
	e2e.WaitFor(t, 30*time.Second, "restored mall hearing the hub", func() error {
		if st := m.status(t); !strings.Contains(st.Error, "restored behind the hub") {
			return fmt.Errorf("status %+v", st)
		}
		return nil
	})
	if err := trySell(t, m, sku); err == nil || !strings.Contains(err.Error(), "restored behind the hub") {
		t.Fatalf("a restored mall behind the hub sold: %v", err)
	}
	if last := m.status(t).LastSeq; last != 40 {
		t.Fatalf("restored outbox ends at %d, want 40 (nothing reused)", last)
	}
	if c, _ := hubTotals(t, h.DB, "RST1"); c != 75 {
		t.Fatalf("hub holds %d sales, want all 75 exactly once", c)
	}
}

// trySell writes one sale the way the POS does (outbox append in the
// sale's transaction) and returns the error instead of failing.
func trySell(t testing.TB, m *mallNode, sku string) error {
	t.Helper()
	ctx := context.Background()
	s := sampleSale(m.ID, m.sold, sku)
	return m.DB.Transact(ctx, func(tx *sql.Tx) error {
		_, err := events.Append(ctx, tx, m.ID, events.SaleCompleted, s.At, s)
		return err
	})
}
