package chane2e

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"ektamall/cmd/ektamall/internal/e2e"
	"ektamall/hub/channel"
	"ektamall/pos/online"
)

type invoiceLine struct {
	SKU  string `json:"sku"`
	Qty  int64  `json:"qty"`
	IGST string `json:"igst"`
	CGST string `json:"cgst"`
	SGST string `json:"sgst"`
}

type invoice struct {
	InvoiceNo     string        `json:"invoice_no"`
	Total         string        `json:"total"`
	PlaceOfSupply string        `json:"place_of_supply"`
	Lines         []invoiceLine `json:"lines"`
	Tenders       []struct {
		Method string `json:"method"`
		Amount string `json:"amount"`
		Ref    string `json:"ref"`
	} `json:"tenders"`
}

// TestZoneManagerFulfilsAnOnlineOrder: an order from Karnataka for goods
// held at LKO1 (Uttar Pradesh) is reserved there; the UP zone manager
// picks, packs and hands it to the courier, and the channel sees each
// step. Handover issues the invoice in the mall's online series with IGST
// (place of supply Karnataka), paid by the "channel" tender under the
// order id, which the hub books to LKO1's channel clearing account.
func TestZoneManagerFulfilsAnOnlineOrder(t *testing.T) {
	w := start(t)
	ctx := context.Background()
	if err := w.hub.Channel.SetBuffer(ctx, "UP", 0); err != nil {
		t.Fatal(err)
	}
	p := w.products("LKO1", "UP")[0]
	w.receive("LKO1", "UP", p.SKU, p.ProducerID, 3)
	w.waitAvailable(p.SKU, 3)
	o := w.order("SHIP-1", "KA", map[string]any{"sku": p.SKU, "qty": 2})
	if len(o.Lines) != 1 || o.Lines[0].Mall != "LKO1" {
		t.Fatalf("allocated: %+v", o.Lines)
	}
	w.waitOrder("SHIP-1", "reserved at LKO1", func(o channel.Order) bool { return o.Status == channel.LineReserved })

	zm := w.login("LKO1", "zm.up")
	base := w.mallURL("LKO1") + "/api/v1/zones/UP/online-orders"
	var list []online.Order
	e2e.Expect(t, "GET", base+"?open=1", zm, nil, 200, &list)
	if len(list) != 1 || list[0].OrderID != "SHIP-1" || list[0].Status != "reserved" || list[0].DeliverTo.State != "KA" {
		t.Fatalf("zone's orders to pick: %+v", list)
	}
	// Another zone's manager sees none of it.
	e2e.Expect(t, "GET", w.mallURL("LKO1")+"/api/v1/zones/UP/online-orders", w.login("LKO1", "zm.ka"), nil, 403, nil)
	ref := map[string]any{"channel": "test-buyer", "order_id": "SHIP-1"}
	// Steps go in order: packing what is not picked is refused.
	e2e.Expect(t, "POST", base+"/pack", zm, ref, 409, nil)
	for _, step := range []struct{ path, hub string }{{"/pick", "picked"}, {"/pack", "packed"}} {
		var got online.Order
		e2e.Expect(t, "POST", base+step.path, zm, ref, 200, &got)
		e2e.Expect(t, "POST", base+step.path, zm, ref, 200, &got) // a retried tap changes nothing
		if got.Status != step.hub {
			t.Fatalf("after %s: %s", step.path, got.Status)
		}
		w.waitOrder("SHIP-1", step.hub+" at the hub", func(o channel.Order) bool { return o.Status == step.hub })
	}
	e2e.Expect(t, "POST", base+"/ship", zm, ref, 400, nil) // no AWB
	var shipped online.Order
	e2e.Expect(t, "POST", base+"/ship", zm, map[string]any{"channel": "test-buyer", "order_id": "SHIP-1", "awb": "DLV-7788991"}, 200, &shipped)
	if shipped.Status != "shipped" || shipped.Lines[0].InvoiceNo == "" || shipped.Lines[0].SaleID == "" {
		t.Fatalf("shipped: %+v", shipped)
	}
	o = w.waitOrder("SHIP-1", "shipped at the hub", func(o channel.Order) bool { return o.Status == channel.LineShipped })
	if o.Lines[0].AWB != "DLV-7788991" || o.Lines[0].InvoiceNo != shipped.Lines[0].InvoiceNo {
		t.Fatalf("hub's line: %+v", o.Lines[0])
	}

	var inv invoice
	e2e.Expect(t, "GET", w.mallURL("LKO1")+"/api/v1/sales/"+shipped.Lines[0].SaleID, w.login("LKO1", "cashier"), nil, 200, &inv)
	if !strings.HasPrefix(inv.InvoiceNo, "W99") || !strings.Contains(inv.PlaceOfSupply, "29") {
		t.Fatalf("invoice %s, place of supply %q: want the online series W99 and Karnataka (29)", inv.InvoiceNo, inv.PlaceOfSupply)
	}
	if len(inv.Lines) != 1 || inv.Lines[0].Qty != 2 || inv.Lines[0].IGST == "" || inv.Lines[0].IGST == "0.00" ||
		(inv.Lines[0].CGST != "" && inv.Lines[0].CGST != "0.00") {
		t.Fatalf("invoice lines %+v: want IGST only", inv.Lines)
	}
	if len(inv.Tenders) != 1 || inv.Tenders[0].Method != "channel" || inv.Tenders[0].Ref != "SHIP-1" || inv.Tenders[0].Amount != inv.Total {
		t.Fatalf("tenders %+v, total %s", inv.Tenders, inv.Total)
	}
	// The stock left the mall and holds nothing more for the order.
	if s := w.stock("LKO1", "UP", p.SKU); s.Shelf+s.Backroom != 1 || s.Reserved != 0 {
		t.Fatalf("LKO1 stock after shipping 2 of 3: %+v", s)
	}
	// The hub booked the invoice to LKO1's channel clearing account.
	e2e.WaitFor(t, 30e9, "the invoice in the hub's books", func() error {
		var accts []struct {
			ID      string `json:"id"`
			Balance string `json:"balance"`
		}
		e2e.Expect(t, "GET", w.hub.URL+"/api/v1/ledger/accounts", w.fin, nil, 200, &accts)
		for _, a := range accts {
			if a.ID == "clearing:LKO1:channel" && a.Balance == inv.Total {
				return nil
			}
		}
		return errNotYet
	})
	// A line handed over cannot be cancelled.
	if _, err := w.hub.Channel.Cancel(ctx, "test-buyer", "SHIP-1", []int{1}, ""); err == nil {
		t.Fatal("cancelled a shipped line")
	}

	// The customer sends it back; inspected, it goes to damaged. The credit
	// note is in the online series and refunds through the channel.
	back := map[string]any{"channel": "test-buyer", "order_id": "SHIP-1", "kind": "customer", "restock_to": "damaged", "reason": "cracked in transit"}
	e2e.Expect(t, "POST", base+"/return", zm, map[string]any{"channel": "test-buyer", "order_id": "SHIP-1", "kind": "lost", "restock_to": "damaged"}, 400, nil)
	var ret online.Order
	e2e.Expect(t, "POST", base+"/return", zm, back, 200, &ret)
	e2e.Expect(t, "POST", base+"/return", zm, back, 200, &ret) // again: nothing more
	if ret.Status != "returned" || !strings.Contains(ret.Lines[0].Reason, "CNW99") {
		t.Fatalf("returned: %+v", ret)
	}
	if s := w.stock("LKO1", "UP", p.SKU); s.Shelf+s.Backroom != 1 {
		t.Fatalf("LKO1 stock after a damaged return: %+v", s)
	}
	var dmg []struct {
		SKU     string `json:"sku"`
		Damaged int64  `json:"damaged"`
	}
	e2e.Expect(t, "GET", w.mallURL("LKO1")+"/api/v1/stock?zone=UP", zm, nil, 200, &dmg)
	damaged := int64(-1) // -1: the SKU has no stock row at all
	for _, r := range dmg {
		if r.SKU == p.SKU {
			damaged = r.Damaged
		}
	}
	if damaged != 2 {
		t.Fatalf("damaged %d, want the 2 returned", damaged)
	}
	o = w.waitOrder("SHIP-1", "returned at the hub", func(o channel.Order) bool { return o.Status == channel.LineReturned })
	if !strings.Contains(o.Lines[0].Reason, "cracked in transit") {
		t.Fatalf("hub's line: %+v", o.Lines[0])
	}
	e2e.WaitFor(t, 30e9, "the credit note in the hub's books", func() error {
		var accts []struct {
			ID      string `json:"id"`
			Balance string `json:"balance"`
		}
		e2e.Expect(t, "GET", w.hub.URL+"/api/v1/ledger/accounts", w.fin, nil, 200, &accts)
		for _, a := range accts {
			if a.ID == "clearing:LKO1:channel" && a.Balance == "0.00" {
				return nil
			}
			if a.ID == "clearing:LKO1:channel" {
				var why string
				w.hub.DB.R.QueryRow(`SELECT type || ': ' || reason FROM parked_events`).Scan(&why)
				return fmt.Errorf("clearing:LKO1:channel is %s (parked: %s)", a.Balance, why)
			}
		}
		return errNotYet
	})
}
