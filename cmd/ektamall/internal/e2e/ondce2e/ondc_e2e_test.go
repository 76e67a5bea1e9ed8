package ondce2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"ektamall/cmd/ektamall/internal/e2e"

	"ektamall/hub/channel/ondc"
	"ektamall/hub/channel/ondc/ondctest"
	"ektamall/shared/money"
)

func tag(tags []ondc.Tag, group, code string) string {
	for _, g := range tags {
		if g.Code == group {
			for _, kv := range g.List {
				if kv.Code == code {
					return kv.Value
				}
			}
		}
	}
	return ""
}

// itemStatus is the hub status of an order's item (its "line" tag).
func itemStatus(o ondc.Order, sku string) string {
	for _, it := range o.Items {
		if it.ID == sku {
			return tag(it.Tags, "line", "status")
		}
	}
	return ""
}

// fulfillment finds an order's fulfillment by id (the mall's id).
func fulfillment(o ondc.Order, id string) (ondc.Fulfillment, bool) {
	for _, f := range o.Fulfillments {
		if f.ID == id {
			return f, true
		}
	}
	return ondc.Fulfillment{}, false
}

// TestONDCOrderAcrossTwoMalls: the buyer app searches, selects, inits and
// confirms an order for products that only LKO1 and only BLR1 hold,
// delivered to Maharashtra; each mall ships its part as a fulfillment of
// its own; the same confirm sent twice makes one order.
func TestONDCOrderAcrossTwoMalls(t *testing.T) {
	w := start(t)
	ctx := context.Background()
	a := w.products("LKO1", "UP")[0]
	kas := w.products("BLR1", "KA")
	b, c := kas[0], kas[1]
	w.receive("LKO1", a, 3)
	w.receive("BLR1", b, 3)
	w.receive("BLR1", c, 3)
	for _, p := range []product{a, b, c} {
		w.waitAvailable(p.SKU, 2) // 3 less the zone's buffer of 1
	}

	buyer := w.buyer
	const txn = "e2e-txn-1"
	cat := ondctest.Catalog(t, buyer.Call(t, "search", txn, ondc.SearchMsg{}))
	offered := map[string]ondc.Item{}
	for _, it := range cat.Providers[0].Items {
		offered[it.ID] = it
	}
	for _, p := range []product{a, b, c} {
		it, ok := offered[p.SKU]
		if !ok || it.Quantity.Available.Count != "2" {
			t.Fatalf("on_search offers %s: %+v, want 2 available", p.SKU, it.Quantity)
		}
		if tag(it.Tags, "origin", "state") != p.State || tag(it.Tags, "origin", "district") == "" || tag(it.Tags, "producer", "id") != p.ProducerID {
			t.Errorf("%s provenance %+v, want origin state %s, a district and producer %s", p.SKU, it.Tags, p.State, p.ProducerID)
		}
	}

	items := ondctest.Items(a.SKU, 1, b.SKU, 1, c.SKU, 1)
	order := ondctest.OrderTo("ORD-E2E-1", items, "Rohan Mehta", "Maharashtra", "400020")
	sel := buyer.Call(t, "select", txn, ondc.OrderMsg{Order: ondc.Order{Provider: order.Provider, Items: items, Fulfillments: order.Fulfillments}})
	if sel.Error != nil {
		t.Fatalf("on_select: %+v", sel.Error)
	}
	quote := ondctest.Order(t, sel).Quote.Price.Value
	if ini := buyer.Call(t, "init", txn, ondc.OrderMsg{Order: order}); ini.Error != nil || ondctest.Order(t, ini).Quote.Price.Value != quote {
		t.Fatalf("on_init: %+v, quote %s", ini.Error, quote)
	}
	conf := buyer.Call(t, "confirm", txn, ondc.OrderMsg{Order: order})
	if conf.Error != nil {
		t.Fatalf("on_confirm: %+v", conf.Error)
	}
	o := ondctest.Order(t, conf)
	if o.State != "Accepted" || o.Quote.Price.Value != quote {
		t.Fatalf("on_confirm: %s at %s, want Accepted at %s", o.State, o.Quote.Price.Value, quote)
	}
	for _, mall := range []string{"LKO1", "BLR1"} {
		if _, ok := fulfillment(o, mall); !ok {
			t.Fatalf("on_confirm has no fulfillment from %s: %+v", mall, o.Fulfillments)
		}
	}
	again := ondctest.Order(t, buyer.Call(t, "confirm", txn, ondc.OrderMsg{Order: order}))
	if again.ID != o.ID || again.Quote.Price.Value != quote {
		t.Errorf("the same confirm again answered %s at %s", again.ID, again.Quote.Price.Value)
	}
	var n int
	if err := w.hub.Store.Reader().QueryRowContext(ctx, `SELECT COUNT(*) FROM channel_orders WHERE channel = ?`, channelID).Scan(&n); err != nil || n != 1 {
		t.Fatalf("%d orders after the same confirm twice (err %v), want 1", n, err)
	}
	for _, p := range []product{a, b, c} {
		w.waitAvailable(p.SKU, 1) // one of the two now held for the order
	}
	st := ondctest.Order(t, buyer.Call(t, "status", txn, ondc.StatusMsg{OrderID: "ORD-E2E-1"}))
	if st.ID != "ORD-E2E-1" || len(st.Fulfillments) != 2 {
		t.Fatalf("on_status: %+v", st)
	}

	// Each mall reserves its part; the buyer app hears it unasked.
	buyer.AwaitMatch(t, txn, "on_status", "every line reserved", func(cb ondc.Callback) bool {
		o := ondctest.Order(t, cb)
		return itemStatus(o, a.SKU) == "reserved" && itemStatus(o, b.SKU) == "reserved" && itemStatus(o, c.SKU) == "reserved"
	})
	if s := w.stock("BLR1", c); s.Reserved != 1 {
		t.Fatalf("BLR1 holds %d of %s for the order, want 1", s.Reserved, c.SKU)
	}

	// The buyer drops line 3: BLR1 releases its reservation, the rest stands.
	if _, err := w.hub.Channel.Cancel(ctx, channelID, "ORD-E2E-1", []int{3}, "the buyer dropped this item"); err != nil {
		t.Fatal(err)
	}
	buyer.AwaitMatch(t, txn, "on_status", "line 3 cancelled", func(cb ondc.Callback) bool {
		o := ondctest.Order(t, cb)
		return itemStatus(o, c.SKU) == "cancelled" && itemStatus(o, b.SKU) == "reserved"
	})
	e2e.WaitFor(t, 30*time.Second, "BLR1 releases line 3", func() error {
		if s := w.stock("BLR1", c); s.Reserved != 0 {
			return fmt.Errorf("BLR1 still holds %d of %s", s.Reserved, c.SKU)
		}
		return nil
	})
	if s := w.stock("BLR1", b); s.Reserved != 1 {
		t.Fatalf("BLR1 holds %d of %s (line 2), want 1", s.Reserved, b.SKU)
	}
	w.waitAvailable(c.SKU, 2)

	// Both malls pick, pack and hand over; the buyer app hears each step.
	sales := map[string]string{} // mall → sale id of its invoice
	for _, part := range []struct {
		mall string
		p    product
		awb  string
	}{{"LKO1", a, "DLV-LKO-1001"}, {"BLR1", b, "DLV-BLR-2002"}} {
		zm := w.login(part.mall, "zm."+strings.ToLower(part.p.State))
		base := w.mallURL(part.mall) + "/api/v1/zones/" + part.p.State + "/online-orders"
		ref := map[string]any{"channel": channelID, "order_id": "ORD-E2E-1"}
		for _, step := range []struct{ path, status, ondcState string }{
			{"/pick", "picked", "Pending"}, {"/pack", "packed", "Packed"}, {"/ship", "shipped", "Order-picked-up"},
		} {
			var got struct {
				Lines []struct {
					SaleID string `json:"sale_id"`
				} `json:"lines"`
			}
			if step.path == "/ship" {
				ref["awb"] = part.awb
			}
			e2e.Expect(t, "POST", base+step.path, zm, ref, 200, &got)
			if step.path == "/ship" && len(got.Lines) > 0 {
				sales[part.mall] = got.Lines[0].SaleID
			}
			buyer.AwaitMatch(t, txn, "on_status", part.mall+" "+step.status, func(cb ondc.Callback) bool {
				o := ondctest.Order(t, cb)
				f, ok := fulfillment(o, part.mall)
				return ok && itemStatus(o, part.p.SKU) == step.status && f.State != nil && f.State.Descriptor.Code == step.ondcState &&
					(step.path != "/ship" || f.AWB == part.awb)
			})
		}
	}

	// Every part is handed over or cancelled: the hub stops watching the order.
	e2e.WaitFor(t, 30*time.Second, "the order to leave the status sweep", func() error {
		var open int
		err := w.hub.Store.Reader().QueryRowContext(ctx, `SELECT open FROM ondc_orders WHERE order_id = 'ORD-E2E-1'`).Scan(&open)
		if err != nil || open != 0 {
			return fmt.Errorf("open %d (err %v)", open, err)
		}
		return nil
	})

	// Each mall's invoice is in its online series with IGST: the goods go
	// from Uttar Pradesh and Karnataka to Maharashtra.
	var gross money.Amount
	for mall, sale := range sales {
		var inv struct {
			InvoiceNo string `json:"invoice_no"`
			Total     string `json:"total"`
			Lines     []struct {
				IGST string `json:"igst"`
				CGST string `json:"cgst"`
			} `json:"lines"`
		}
		e2e.Expect(t, "GET", w.mallURL(mall)+"/api/v1/sales/"+sale, w.login(mall, "cashier"), nil, 200, &inv)
		if len(inv.Lines) != 1 || inv.Lines[0].IGST == "" || inv.Lines[0].IGST == "0.00" || (inv.Lines[0].CGST != "" && inv.Lines[0].CGST != "0.00") {
			t.Fatalf("%s invoice %s lines %+v: want IGST only", mall, inv.InvoiceNo, inv.Lines)
		}
		gross = gross.Add(money.MustParse(inv.Total))
	}
	if len(sales) != 2 {
		t.Fatalf("invoices from %v, want LKO1 and BLR1", sales)
	}
	e2e.WaitFor(t, 30*time.Second, "both invoices in the hub's books", func() error {
		var n int
		err := w.hub.Store.Reader().QueryRowContext(ctx, `SELECT COUNT(*) FROM hub_sale_tenders WHERE method = 'channel' AND ref = 'ORD-E2E-1'`).Scan(&n)
		if err != nil || n != 2 {
			return fmt.Errorf("%d channel tenders booked (err %v)", n, err)
		}
		return nil
	})

	// The channel's settlement file pays the order less its fee.
	fee, feeTax := money.MustParse("25.00"), money.MustParse("4.50")
	csv := fmt.Sprintf("order_id,gross,fee,fee_tax,net,utr\nORD-E2E-1,%s,%s,%s,%s,UTRE2E0001\n", gross, fee, feeTax, gross.Sub(fee).Sub(feeTax))
	var rep struct {
		Counts map[string]int `json:"counts"`
	}
	w.postCSV("/api/v1/recon/channel-settlements?channel="+channelID+"&filename=e2e.csv", csv, &rep)
	if rep.Counts["matched"] != 1 || rep.Counts["missing"] != 0 {
		t.Fatalf("settlement reconciliation %v, want the order matched", rep.Counts)
	}

	// After the return window a settlement run pays both producers.
	shipped := time.Now()
	e2e.WaitFor(t, 30*time.Second, "the return window to pass", func() error {
		if time.Since(shipped) < (returnSecs+1)*time.Second {
			return fmt.Errorf("inside the return window")
		}
		return nil
	})
	var run struct {
		ID string `json:"id"`
	}
	e2e.Expect(t, "POST", w.hub.URL+"/api/v1/settlements", w.fin, map[string]any{}, 201, &run)
	var payouts []struct {
		ProducerID string `json:"producer_id"`
		Amount     string `json:"amount"`
	}
	e2e.Expect(t, "GET", w.hub.URL+"/api/v1/settlements/"+run.ID+"/payouts", w.fin, nil, 200, &payouts)
	paid := map[string]bool{}
	for _, p := range payouts {
		paid[p.ProducerID] = money.MustParse(p.Amount).IsPositive()
	}
	if !paid[a.ProducerID] || !paid[b.ProducerID] {
		t.Fatalf("payouts %+v, want %s and %s paid", payouts, a.ProducerID, b.ProducerID)
	}
	var check struct {
		OK       bool     `json:"ok"`
		Problems []string `json:"problems"`
	}
	e2e.Expect(t, "GET", w.hub.URL+"/api/v1/ledger/check", w.fin, nil, 200, &check)
	if !check.OK {
		t.Fatalf("ledger check: %v", check.Problems)
	}

	if buyer.Refused() != 0 {
		t.Errorf("the buyer app refused %d callbacks as not signed by the hub", buyer.Refused())
	}
}
