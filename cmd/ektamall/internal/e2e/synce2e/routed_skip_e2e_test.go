package synce2e

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"ektamall/cmd/ektamall/internal/e2e"
	"ektamall/inventory"
	"ektamall/pos/mallsync"
	"ektamall/shared/auth"
	"ektamall/shared/catalog"
	"ektamall/shared/events"
	"ektamall/shared/ids"
	"ektamall/shared/syncwire"
)

// TestRoutedTransferThatCannotApplyLeavesNoHalfRows: a transfer whose
// second line names a product the receiving mall does not know yet is
// stored with none of its rows and shown to the zone manager with the
// reason; once the product arrives through the catalog the transfer is
// registered whole, and registering it again changes nothing.
func TestRoutedTransferThatCannotApplyLeavesNoHalfRows(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	h := startHub(t, filepath.Join(dir, "hub"), "", nil)
	credsA := h.provision("LKO1", "UP", filepath.Join(dir, "LKO1"))
	credsB := h.provision("BLR1", "KA", filepath.Join(dir, "BLR1"))
	real := func(c *mallsync.Config) { c.Transfers = inventoryTransfers{} }
	a := startMall(t, "LKO1", "UP", filepath.Join(dir, "LKO1"), "nats-leaf://"+h.leaf, credsA, real)
	b := startMall(t, "BLR1", "KA", filepath.Join(dir, "BLR1"), "nats-leaf://"+h.leaf, credsB, real)

	var up []catalog.Product
	for _, p := range loadSeed(t).Products {
		if p.State == "UP" {
			up = append(up, p)
		}
	}
	known, unknown := up[0], up[1]
	// BLR1's catalog does not have the second product yet.
	if _, err := b.DB.W.Exec(`DELETE FROM products WHERE sku = ?`, unknown.SKU); err != nil {
		t.Fatal(err)
	}
	tr := events.Transfer{TransferID: ids.New(), FromMall: "LKO1", ToMall: "BLR1", Zone: "UP",
		Lines: []events.TransferLine{{SKU: known.SKU, Qty: 2}, {SKU: unknown.SKU, Qty: 3}}, By: "zm", At: time.Now()}
	if err := a.DB.Transact(ctx, func(tx *sql.Tx) error {
		_, err := events.Append(ctx, tx, "LKO1", events.TransferSent, tr.At, tr)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	e2e.WaitFor(t, 20*time.Second, "the transfer passed over at BLR1", func() error {
		if st := b.status(t); st.RoutedSeq != 1 {
			return fmt.Errorf("routed_seq %d", st.RoutedSeq)
		}
		return nil
	})
	if n := transferRows(t, b, tr.TransferID); n != 0 {
		t.Fatalf("a transfer that could not apply left %d rows", n)
	}
	zm := inventory.Actor{User: auth.User{ID: "zm-up", Username: "zm.up", Role: auth.ZoneManager, Zone: "UP"}}
	inv := &inventory.Service{DB: b.DB, MallID: "BLR1"}
	skipped, err := inv.SkippedTransfers(ctx, zm, "UP")
	if err != nil {
		t.Fatal(err)
	}
	if len(skipped) != 1 || skipped[0].TransferID != tr.TransferID || skipped[0].FromMall != "LKO1" || skipped[0].AppliedAt != nil ||
		skipped[0].Reason == "" {
		t.Fatalf("the zone manager sees %+v", skipped)
	}
	t.Logf("shown to the zone manager: %s", skipped[0].Reason)

	// The product reaches BLR1 through the catalog: the transfer applies whole.
	if _, err := h.Svc.ChangeCatalog(ctx, syncwire.CatalogChange{Kind: syncwire.KindProduct, Product: &unknown}, "admin", ""); err != nil {
		t.Fatal(err)
	}
	e2e.WaitFor(t, 20*time.Second, "the transfer registered whole at BLR1", func() error {
		if n := transferRows(t, b, tr.TransferID); n != 3 {
			return fmt.Errorf("%d rows of the transfer", n)
		}
		return nil
	})
	lines := map[string]int64{}
	rows, err := b.DB.R.Query(`SELECT sku, qty_sent FROM transfer_lines WHERE transfer_id = ?`, tr.TransferID)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var sku string
		var q int64
		rows.Scan(&sku, &q)
		lines[sku] = q
	}
	rows.Close()
	if len(lines) != 2 || lines[known.SKU] != 2 || lines[unknown.SKU] != 3 {
		t.Fatalf("lines %v", lines)
	}
	if skipped, _ = inv.SkippedTransfers(ctx, zm, "UP"); len(skipped) != 1 || skipped[0].AppliedAt == nil {
		t.Fatalf("after the catalog caught up the zone manager sees %+v", skipped)
	}

	// Delivered again (a re-sent routed message): nothing changes.
	if err := b.DB.Transact(ctx, func(tx *sql.Tx) error { return inventory.RegisterIncoming(ctx, tx, "BLR1", tr) }); err != nil {
		t.Fatal(err)
	}
	if n := transferRows(t, b, tr.TransferID); n != 3 {
		t.Fatalf("re-delivery left %d rows, want 3", n)
	}
}

// transferRows counts a transfer's rows at a mall: the transfer and its lines.
func transferRows(t *testing.T, m *mallNode, id string) int {
	t.Helper()
	var n int
	if err := m.DB.R.QueryRow(`SELECT (SELECT count(*) FROM transfers WHERE id = ?1) + (SELECT count(*) FROM transfer_lines WHERE transfer_id = ?1)`,
		id).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// inventoryTransfers hands routed transfers to the inventory package, as
// the mall process does.
type inventoryTransfers struct{}

func (inventoryTransfers) RegisterIncoming(ctx context.Context, tx *sql.Tx, mall string, t events.Transfer) error {
	return inventory.RegisterIncoming(ctx, tx, mall, t)
}

func (inventoryTransfers) ConfirmDelivered(ctx context.Context, tx *sql.Tx, mall string, r events.TransferReceipt) error {
	return inventory.ConfirmDelivered(ctx, tx, mall, r)
}
