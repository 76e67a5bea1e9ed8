package synce2e

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	"ektamall/cmd/ektamall/internal/e2e"
	"ektamall/shared/auth"
	"ektamall/shared/sqldb"
)

// Issue 20: a consignment received, restocked and sold at a mall shows in
// its producer's view at the hub within seconds: the sale with their
// share, and the stock left at the mall by location.
func TestProducerSeesMallSaleWithinSeconds(t *testing.T) {
	a := startApps(t)
	ctx := context.Background()
	const pid, sku = "PR-UP-LUCKNOW-01", "UP-LKO-001"
	if err := a.hub.Store.Transact(ctx, func(tx sqldb.Tx) error {
		return a.hub.Producer.CreateLogin(ctx, tx, pid, "lucknow", "pass-word-123")
	}); err != nil {
		t.Fatal(err)
	}
	if err := a.mall.DB.Transact(ctx, func(tx *sql.Tx) error {
		_, err := a.mall.Auth.CreateUser(ctx, tx, "zm.up", "pass-word-123", "zm", auth.ZoneManager, "UP")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	zm, me := syncLogin(t, a.mallURL, "zm.up"), syncLogin(t, a.hubURL, "lucknow")
	e2e.Expect(t, "POST", a.mallURL+"/api/v1/zones/UP/receipts", zm, map[string]any{"producer_id": pid, "lines": []any{map[string]any{"sku": sku, "qty": 5}}}, 201, nil)
	e2e.Expect(t, "POST", a.mallURL+"/api/v1/zones/UP/restock", zm, map[string]any{"lines": []any{map[string]any{"sku": sku, "qty": 2}}}, 201, nil)
	var sh struct{ ID string }
	keyedCall(t, a.mallURL+"/api/v1/shifts", a.mallTok, map[string]any{"counter": "C01", "opening_float": "1000.00"}, 201, &sh)
	var sale struct {
		InvoiceNo string `json:"invoice_no"`
	}
	keyedCall(t, a.mallURL+"/api/v1/sales", a.mallTok, map[string]any{"shift_id": sh.ID, "lines": []any{map[string]any{"sku": sku, "qty": 1}},
		"tenders": []any{map[string]any{"method": "cash", "amount": "2000.00"}}}, 201, &sale)
	sold := time.Now()

	e2e.WaitFor(t, 10*time.Second, "the sale in the producer's view", func() error {
		var lines []struct {
			Document string
			Qty      int64
			Share    string
		}
		e2e.Expect(t, "GET", a.hubURL+"/api/v1/producer/sales", me, nil, 200, &lines)
		if len(lines) != 1 || lines[0].Document != sale.InvoiceNo || lines[0].Qty != 1 || lines[0].Share == "0.00" {
			return fmt.Errorf("lines %+v", lines)
		}
		return nil
	})
	t.Logf("sale in the producer's view %s after it was made", time.Since(sold))
	e2e.WaitFor(t, 10*time.Second, "stock at LKO1 in the producer's view", func() error {
		var ps []struct {
			SKU   string
			Malls []struct {
				Mall            string
				Shelf, Backroom int64
			}
		}
		e2e.Expect(t, "GET", a.hubURL+"/api/v1/producer/stock", me, nil, 200, &ps)
		for _, p := range ps {
			if p.SKU == sku {
				if len(p.Malls) != 1 || p.Malls[0].Mall != "LKO1" || p.Malls[0].Shelf != 1 || p.Malls[0].Backroom != 3 {
					return fmt.Errorf("stock %+v, want 1 on the shelf and 3 in the backroom", p.Malls)
				}
				return nil
			}
		}
		return fmt.Errorf("no %s among %d products", sku, len(ps))
	})

	// A unit written off as damaged, and handed back to the producer: both
	// in the mall's stock ledger, at the hub and in the producer's view.
	// Each waits for a mall admin: approved on /manage, or typed in on the zone screen.
	var dmg struct{ ID, Status string }
	keyedCall(t, a.mallURL+"/api/v1/zones/UP/damage", zm, map[string]any{"from": "backroom", "reason": "torn in the backroom",
		"lines": []any{map[string]any{"sku": sku, "qty": 1}}}, 202, &dmg)
	if dmg.Status != "pending" {
		t.Fatalf("write-off %+v", dmg)
	}
	e2e.Expect(t, "POST", a.mallURL+"/api/v1/stock-requests/"+dmg.ID+"/approve", a.mallTok, nil, 200, nil)
	admin := map[string]string{"username": "adm", "password": "pass-word-123"}
	keyedCall(t, a.mallURL+"/api/v1/zones/UP/producer-returns", zm, map[string]any{"producer_id": "PR-UP-AGRA-01", "from": "damaged",
		"reason": "x", "lines": []any{map[string]any{"sku": sku, "qty": 1}}, "approver": admin}, 400, nil)
	keyedCall(t, a.mallURL+"/api/v1/zones/UP/producer-returns", zm, map[string]any{"producer_id": pid, "from": "damaged",
		"reason": "damaged goods back to the cooperative", "lines": []any{map[string]any{"sku": sku, "qty": 1}}, "approver": admin}, 201, nil)
	var mallMoves []struct{ Kind string }
	e2e.Expect(t, "GET", a.mallURL+"/api/v1/stock/"+sku+"/moves", zm, nil, 200, &mallMoves)
	if len(mallMoves) == 0 || mallMoves[0].Kind != "producer_return" {
		t.Fatalf("the mall's stock ledger %+v", mallMoves)
	}
	e2e.WaitFor(t, 10*time.Second, "the damage and the return in the producer's view", func() error {
		var ms []struct{ Kind, Note, From, To string }
		e2e.Expect(t, "GET", a.hubURL+"/api/v1/producer/moves", me, nil, 200, &ms)
		kinds := map[string]string{}
		for _, m := range ms {
			kinds[m.Kind] = m.Note
		}
		if kinds["damage"] != "torn in the backroom" || !strings.Contains(kinds["producer_return"], "damaged goods back") || kinds["receipt"] == "" && len(kinds) < 3 {
			return fmt.Errorf("moves %+v", ms)
		}
		var ps []struct {
			SKU   string
			Malls []struct {
				Mall                     string
				Shelf, Backroom, Damaged int64
			}
		}
		// The write-off was the mall's loss (in store): the mall owes the producer their share.
		var lines []struct {
			Kind    string
			BorneBy string `json:"borne_by"`
			Share   string
		}
		e2e.Expect(t, "GET", a.hubURL+"/api/v1/producer/sales", me, nil, 200, &lines)
		var owed bool
		for _, l := range lines {
			owed = owed || l.Kind == "damage" && l.BorneBy == "mall" && l.Share != "0.00"
		}
		if !owed {
			return fmt.Errorf("no mall-borne damage among the producer's lines %+v", lines)
		}
		e2e.Expect(t, "GET", a.hubURL+"/api/v1/producer/stock", me, nil, 200, &ps)
		for _, p := range ps {
			if p.SKU == sku && (len(p.Malls) != 1 || p.Malls[0].Shelf != 1 || p.Malls[0].Backroom != 2 || p.Malls[0].Damaged != 0) {
				return fmt.Errorf("stock %+v, want 1 on the shelf, 2 in the backroom, none damaged", p.Malls)
			}
		}
		return nil
	})
}
