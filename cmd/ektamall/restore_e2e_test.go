package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ektamall/shared/events"
	"ektamall/shared/sqlitedb"
)

// TestRestoredMallResyncsWithoutReusingSequences: a mall is backed up,
// sells more, and is restored from the older backup. The hub keeps every
// sale exactly once; the restored mall learns from the hub that it is
// behind and refuses to sell rather than reuse a sequence number the hub
// already holds for another sale. A backup taken when the mall is level
// with the hub restores and keeps selling and syncing.
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
	level := filepath.Join(dir, "level.db")
	if err := sqlitedb.Backup(ctx, dbPath, level, nil); err != nil {
		t.Fatal(err)
	}
	m.sell(t, 25, 5, func(int) string { return sku })
	waitWatermark(t, h, m, 65, 30*time.Second)
	latest := filepath.Join(dir, "latest.db")
	if err := sqlitedb.Backup(ctx, dbPath, latest, nil); err != nil {
		t.Fatal(err)
	}
	sold := m.sold
	m.stop()

	// Restore the stale backup: the hub holds seqs 41..65 this copy lacks.
	if err := sqlitedb.Restore(ctx, level, dbPath); err != nil {
		t.Fatal(err)
	}
	m = startMall(t, "RST1", "UP", mdir, remote, creds, nil)
	m.sold = sold
	waitFor(t, 30*time.Second, "restored mall hearing the hub", func() error {
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
	if c, _ := hubTotals(t, h.DB, "RST1"); c != 65 {
		t.Fatalf("hub holds %d sales, want all 65 exactly once", c)
	}
	m.stop()

	// Restoring the latest backup (level with the hub) lets it sell again.
	if err := os.Remove(dbPath + ".before-restore"); err != nil {
		t.Fatal(err)
	}
	if err := sqlitedb.Restore(ctx, latest, dbPath); err != nil {
		t.Fatal(err)
	}
	m = startMall(t, "RST1", "UP", mdir, remote, creds, nil)
	m.sold = sold
	waitFor(t, 30*time.Second, "hub report", func() error {
		if st := m.status(t); st.HubWatermark != 65 || st.Error != "" {
			return fmt.Errorf("status %+v", st)
		}
		return nil
	})
	m.sell(t, 10, 5, func(int) string { return sku })
	waitWatermark(t, h, m, 75, 30*time.Second)
	hc, hp := hubTotals(t, h.DB, "RST1")
	mc, mp := mallTotals(t, m.DB)
	if hc != 75 || mc != 75 || hp != mp {
		t.Fatalf("hub %d sales (%d paise), mall %d (%d paise)", hc, hp, mc, mp)
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
