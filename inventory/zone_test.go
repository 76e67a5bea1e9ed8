package inventory_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"ektamall/inventory"
	"ektamall/shared/errs"
	"ektamall/shared/events"
	"ektamall/shared/sqlitedb"
)

func TestReceiveRestockDamage(t *testing.T) {
	ctx := context.Background()
	s := newMall(t, "LKO1", "UP", sqlitedb.Options{})
	g := receive(t, s, upMgr, "UP", prodMBD, inventory.Line{SKU: skuVase, Qty: 10}, inventory.Line{SKU: skuThali, Qty: 4})
	if g.No != "GRN-LKO1-000001" || g.TotalQty != 14 || g.ProducerName == "" || g.District != "Moradabad" {
		t.Fatalf("grn = %+v", g)
	}
	// MRP 1450 × 10 + 1199 × 4
	if g.TotalValue.String() != "19296.00" {
		t.Fatalf("grn value = %s, want 19296.00", g.TotalValue)
	}
	if b := bal(t, s, skuVase, inventory.Backroom); b != 10 {
		t.Fatalf("backroom = %d, want 10", b)
	}
	got := must[inventory.GRN](t)(s.GetGRN(ctx, upMgr, g.No))
	if len(got.Lines) != 2 || got.TotalValue.String() != "19296.00" {
		t.Fatalf("read back grn = %+v", got)
	}
	if _, err := s.GetGRN(ctx, kaMgr, g.ID); errs.CodeOf(err) != errs.Forbidden {
		t.Fatalf("KA manager read a UP GRN: %v", err)
	}

	m := must[inventory.Movement](t)(s.Restock(ctx, upMgr, "UP", inventory.RestockInput{Lines: []inventory.Line{{SKU: skuVase, Qty: 6}}}))
	if m.Lines[0].Shelf != 6 || m.Lines[0].Backroom != 4 {
		t.Fatalf("after restock: %+v", m.Lines[0])
	}
	before := snapshot(t, s)
	_, err := s.Restock(ctx, upMgr, "UP", inventory.RestockInput{Lines: []inventory.Line{{SKU: skuThali, Qty: 1}, {SKU: skuVase, Qty: 5}}})
	wantCode(t, err, errs.Conflict)
	if after := snapshot(t, s); after != before {
		t.Fatalf("a refused restock changed the database: %s -> %s", before, after)
	}
	d := must[inventory.Movement](t)(s.WriteOffDamage(ctx, upMgr, "UP", inventory.DamageInput{From: inventory.Shelf, Reason: "dented in display", Lines: []inventory.Line{{SKU: skuVase, Qty: 2}}}))
	if d.Lines[0].Shelf != 4 || d.Lines[0].Damaged != 2 {
		t.Fatalf("after damage: %+v", d.Lines[0])
	}
	moves := must[[]inventory.Move](t)(s.Moves(ctx, cashier, skuVase, 0))
	if len(moves) != 3 || moves[0].Kind != inventory.KindDamage || moves[0].Note != "dented in display" || moves[2].Kind != inventory.KindReceipt || moves[2].Ref != g.No {
		t.Fatalf("moves newest first = %+v", moves)
	}
	// Every movement wrote its stock.moved event with it.
	if n := outboxTypes(t, s)[events.StockMoved]; n != 4 {
		t.Fatalf("stock.moved events = %d, want 4 (2 receipts, restock, damage)", n)
	}
	rows := must[[]inventory.StockRow](t)(s.Stock(ctx, upMgr, ""))
	for _, r := range rows {
		if r.SKU == skuVase && (r.Shelf != 4 || r.Backroom != 4 || r.Damaged != 2) {
			t.Fatalf("stock row = %+v", r)
		}
	}
	if mm := must[[]inventory.Mismatch](t)(s.CheckLedger(ctx, admin)); len(mm) != 0 {
		t.Fatalf("check: %+v", mm)
	}
}

// Each bad input of the issue is refused with a 4xx code and changes nothing.
func TestBadInputsChangeNothing(t *testing.T) {
	ctx := context.Background()
	s := newMall(t, "LKO1", "UP", sqlitedb.Options{})
	addPeer(t, s, "BLR1", "KA")
	kaSKU, kaProd := zoneProduct(t, s, "KA")
	receive(t, s, upMgr, "UP", prodMBD, inventory.Line{SKU: skuVase, Qty: 5})
	receive(t, s, admin, "KA", kaProd, inventory.Line{SKU: kaSKU, Qty: 5})
	out := must[inventory.Transfer](t)(s.TransferOut(ctx, upMgr, "UP", inventory.TransferInput{ToMall: "BLR1", Lines: []inventory.Line{{SKU: skuVase, Qty: 1}}}))
	in := events.Transfer{TransferID: "0190a0a0-0000-7000-8000-000000000001", FromMall: "BLR1", ToMall: "LKO1", Zone: "UP",
		Lines: []events.TransferLine{{SKU: skuThali, Qty: 2}}, By: "x", At: time.Now()}
	if err := s.DB.Transact(ctx, func(tx *sql.Tx) error { return inventory.RegisterIncoming(ctx, tx, "LKO1", in) }); err != nil {
		t.Fatal(err)
	}
	must[inventory.Transfer](t)(s.ReceiveTransfer(ctx, upMgr, in.TransferID, []inventory.Line{{SKU: skuThali, Qty: 2}}))
	posted := must[inventory.Count](t)(s.CreateCount(ctx, upMgr, "UP", inventory.CountInput{SKUs: []string{skuVase}}))
	must[inventory.Count](t)(s.SubmitCount(ctx, upMgr, posted.ID, []inventory.CountEntry{{SKU: skuVase, Location: inventory.Shelf, Counted: 0}, {SKU: skuVase, Location: inventory.Backroom, Counted: 4}}))
	must[inventory.Count](t)(s.PostCount(ctx, upMgr, posted.ID))
	open := must[inventory.Count](t)(s.CreateCount(ctx, upMgr, "UP", inventory.CountInput{SKUs: []string{skuThali}}))

	line := func(sku string, q int64) []inventory.Line { return []inventory.Line{{SKU: sku, Qty: q}} }
	cases := []struct {
		name string
		code errs.Code
		do   func() error
	}{
		{"another zone's SKU", errs.Forbidden, func() error {
			_, err := s.Restock(ctx, upMgr, "UP", inventory.RestockInput{Lines: line(kaSKU, 1)})
			return err
		}},
		{"another zone", errs.Forbidden, func() error {
			_, err := s.Receive(ctx, upMgr, "KA", inventory.ReceiptInput{ProducerID: kaProd, Lines: line(kaSKU, 1)})
			return err
		}},
		{"cashier receiving", errs.Forbidden, func() error {
			_, err := s.Receive(ctx, cashier, "UP", inventory.ReceiptInput{ProducerID: prodMBD, Lines: line(skuVase, 1)})
			return err
		}},
		{"zero quantity", errs.Invalid, func() error {
			_, err := s.Receive(ctx, upMgr, "UP", inventory.ReceiptInput{ProducerID: prodMBD, Lines: []inventory.Line{{SKU: skuVase, Qty: 3}, {SKU: skuThali, Qty: 0}}})
			return err
		}},
		{"negative quantity", errs.Invalid, func() error {
			_, err := s.WriteOffDamage(ctx, upMgr, "UP", inventory.DamageInput{From: inventory.Backroom, Reason: "x", Lines: line(skuVase, -1)})
			return err
		}},
		{"producer of another state", errs.Invalid, func() error {
			_, err := s.Receive(ctx, admin, "UP", inventory.ReceiptInput{ProducerID: kaProd, Lines: line(skuVase, 1)})
			return err
		}},
		{"restock more than the backroom holds", errs.Conflict, func() error {
			_, err := s.Restock(ctx, upMgr, "UP", inventory.RestockInput{Lines: line(skuVase, 99)})
			return err
		}},
		{"transfer to an unknown mall", errs.Invalid, func() error {
			_, err := s.TransferOut(ctx, upMgr, "UP", inventory.TransferInput{ToMall: "DEL9", Lines: line(skuVase, 1)})
			return err
		}},
		{"transfer to itself", errs.Invalid, func() error {
			_, err := s.TransferOut(ctx, upMgr, "UP", inventory.TransferInput{ToMall: "LKO1", Lines: line(skuVase, 1)})
			return err
		}},
		{"receiving a transfer twice", errs.Conflict, func() error {
			_, err := s.ReceiveTransfer(ctx, upMgr, in.TransferID, []inventory.Line{{SKU: skuThali, Qty: 2}})
			return err
		}},
		{"receiving our own outgoing transfer", errs.Conflict, func() error {
			_, err := s.ReceiveTransfer(ctx, upMgr, out.ID, []inventory.Line{{SKU: skuVase, Qty: 1}})
			return err
		}},
		{"posting a count twice", errs.Conflict, func() error {
			_, err := s.PostCount(ctx, upMgr, posted.ID)
			return err
		}},
		{"posting an uncounted count", errs.Conflict, func() error {
			_, err := s.PostCount(ctx, upMgr, open.ID)
			return err
		}},
		{"a CSV with a bad row", errs.Invalid, func() error {
			_, err := s.ImportCSV(ctx, upMgr, "UP", inventory.ReceiptInput{ProducerID: prodMBD}, stringsReader("sku,qty\nUP-MBD-001,2\nUP-MBD-002,zero\n"), nil)
			return err
		}},
		{"reorder point below zero", errs.Invalid, func() error {
			_, err := s.SetReorderPoint(ctx, upMgr, "UP", skuVase, -1)
			return err
		}},
		{"damage without a reason", errs.Invalid, func() error {
			_, err := s.WriteOffDamage(ctx, upMgr, "UP", inventory.DamageInput{From: inventory.Shelf, Lines: line(skuVase, 1)})
			return err
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := snapshot(t, s)
			wantCode(t, tc.do(), tc.code)
			if after := snapshot(t, s); after != before {
				t.Fatalf("database changed: %s -> %s", before, after)
			}
		})
	}
}

// A count's adjustments make the stock equal to what was counted; a blind
// count hides the book quantities until it is posted.
func TestCountPostsVariance(t *testing.T) {
	ctx := context.Background()
	s := newMall(t, "LKO1", "UP", sqlitedb.Options{})
	receive(t, s, upMgr, "UP", prodMBD, inventory.Line{SKU: skuVase, Qty: 10}, inventory.Line{SKU: skuThali, Qty: 3})
	must[inventory.Movement](t)(s.Restock(ctx, upMgr, "UP", inventory.RestockInput{Lines: []inventory.Line{{SKU: skuVase, Qty: 7}}}))
	// A sale the shelf could not cover: shelf goes negative, an exception opens.
	if err := s.DB.Transact(ctx, func(tx *sql.Tx) error {
		return inventory.SellOut(ctx, tx, "LKO1", skuThali, "UP", 5, "INV-1", cashier.ID, time.Now())
	}); err != nil {
		t.Fatal(err)
	}
	if b := bal(t, s, skuThali, inventory.Shelf); b != -2 {
		t.Fatalf("thali shelf = %d, want -2", b)
	}
	c := must[inventory.Count](t)(s.CreateCount(ctx, upMgr, "UP", inventory.CountInput{Blind: true}))
	if c.Uncounted != len(c.Lines) || len(c.Lines) < 4 {
		t.Fatalf("new count has %d lines, %d uncounted", len(c.Lines), c.Uncounted)
	}
	for _, l := range c.Lines {
		if l.Expected != nil {
			t.Fatalf("blind count shows expected for %s", l.SKU)
		}
	}
	counted := map[string]int64{skuVase + "/shelf": 6, skuVase + "/backroom": 3, skuThali + "/shelf": 1, skuThali + "/backroom": 0}
	var entries []inventory.CountEntry
	for _, l := range c.Lines {
		entries = append(entries, inventory.CountEntry{SKU: l.SKU, Location: l.Location, Counted: counted[l.SKU+"/"+string(l.Location)]})
	}
	c = must[inventory.Count](t)(s.SubmitCount(ctx, upMgr, c.ID, entries))
	if c.Lines[0].Expected != nil || c.Uncounted != 0 {
		t.Fatalf("after submit: blind=%v uncounted=%d", c.Lines[0].Expected != nil, c.Uncounted)
	}
	if _, err := s.PostCount(ctx, kaMgr, c.ID); errs.CodeOf(err) != errs.Forbidden {
		t.Fatalf("KA manager posting a UP count: %v", err)
	}
	c = must[inventory.Count](t)(s.PostCount(ctx, upMgr, c.ID))
	for key, want := range counted {
		sku, loc := key[:10], inventory.Location(key[11:])
		if got := bal(t, s, sku, loc); got != want {
			t.Errorf("%s after posting = %d, want counted %d", key, got, want)
		}
	}
	r := c.Report
	// vase: shelf 7→6 (-1), backroom 3→3; thali: shelf -2→1 (+3), backroom 0→0 after the sale took 3.
	if r == nil || r.UnitsShort != 1 || r.UnitsOver != 3 || r.ValueShort.String() != "1450.00" || r.ValueOver.String() != "3597.00" || r.NetValue.String() != "2147.00" {
		t.Fatalf("variance report = %+v", r)
	}
	if c.Lines[0].Expected == nil {
		t.Fatal("a posted blind count still hides expected")
	}
	_, err := s.PostCount(ctx, upMgr, c.ID)
	wantCode(t, err, errs.Conflict)
	if mm := must[[]inventory.Mismatch](t)(s.CheckLedger(ctx, admin)); len(mm) != 0 {
		t.Fatalf("check: %+v", mm)
	}
}

// A sale during a count is not variance: the book quantity is taken when a
// line is counted.
func TestCountIgnoresSalesBeforeTheLineIsCounted(t *testing.T) {
	ctx := context.Background()
	s := newMall(t, "LKO1", "UP", sqlitedb.Options{})
	receive(t, s, upMgr, "UP", prodMBD, inventory.Line{SKU: skuVase, Qty: 5})
	c := must[inventory.Count](t)(s.CreateCount(ctx, upMgr, "UP", inventory.CountInput{SKUs: []string{skuVase}}))
	if err := s.DB.Transact(ctx, func(tx *sql.Tx) error {
		return inventory.SellOut(ctx, tx, "LKO1", skuVase, "UP", 2, "INV-2", cashier.ID, time.Now())
	}); err != nil {
		t.Fatal(err)
	}
	must[inventory.Count](t)(s.SubmitCount(ctx, upMgr, c.ID, []inventory.CountEntry{{SKU: skuVase, Location: inventory.Shelf, Counted: 0}, {SKU: skuVase, Location: inventory.Backroom, Counted: 3}}))
	c = must[inventory.Count](t)(s.PostCount(ctx, upMgr, c.ID))
	if c.Report.LinesVariance != 0 || bal(t, s, skuVase, inventory.Backroom) != 3 {
		t.Fatalf("report %+v, backroom %d", c.Report, bal(t, s, skuVase, inventory.Backroom))
	}
}

func TestTransferBetweenMalls(t *testing.T) {
	ctx := context.Background()
	lko := newMall(t, "LKO1", "UP", sqlitedb.Options{})
	blr := newMall(t, "BLR1", "KA", sqlitedb.Options{})
	addPeer(t, lko, "BLR1", "KA")
	receive(t, lko, upMgr, "UP", prodMBD, inventory.Line{SKU: skuVase, Qty: 10}, inventory.Line{SKU: skuThali, Qty: 4})
	tr := must[inventory.Transfer](t)(lko.TransferOut(ctx, upMgr, "UP", inventory.TransferInput{ToMall: "BLR1",
		Lines: []inventory.Line{{SKU: skuVase, Qty: 6}, {SKU: skuThali, Qty: 4}}}))
	if bal(t, lko, skuVase, inventory.Transit) != 6 || bal(t, lko, skuVase, inventory.Backroom) != 4 {
		t.Fatal("transfer out did not move stock to transit")
	}
	// The transfer.sent event is what sync delivers to BLR1.
	var raw []byte
	if err := lko.DB.R.QueryRow(`SELECT payload FROM outbox WHERE type = ?`, events.TransferSent).Scan(&raw); err != nil {
		t.Fatal(err)
	}
	ev := must[events.Envelope](t)(events.Decode(raw))
	var sent events.Transfer
	if err := jsonUnmarshal(ev.Payload, &sent); err != nil {
		t.Fatal(err)
	}
	for range 2 { // delivered twice: recorded once
		if err := blr.DB.Transact(ctx, func(tx *sql.Tx) error { return inventory.RegisterIncoming(ctx, tx, "BLR1", sent) }); err != nil {
			t.Fatal(err)
		}
	}
	if err := blr.DB.Transact(ctx, func(tx *sql.Tx) error { return inventory.RegisterIncoming(ctx, tx, "DEL1", sent) }); errs.CodeOf(err) != errs.Invalid {
		t.Fatalf("registering a transfer for another mall: %v", err)
	}
	blrUP := inventory.Actor{User: upMgr.User}
	list := must[[]inventory.Transfer](t)(blr.Transfers(ctx, blrUP, "UP", "in"))
	if len(list) != 1 || list[0].Status != "sent" {
		t.Fatalf("incoming at BLR1 = %+v", list)
	}
	if _, err := blr.ReceiveTransfer(ctx, kaMgr, tr.ID, []inventory.Line{{SKU: skuVase, Qty: 6}, {SKU: skuThali, Qty: 4}}); errs.CodeOf(err) != errs.Forbidden {
		t.Fatalf("KA manager receiving a UP transfer: %v", err)
	}
	got := must[inventory.Transfer](t)(blr.ReceiveTransfer(ctx, blrUP, tr.ID, []inventory.Line{{SKU: skuVase, Qty: 5}, {SKU: skuThali, Qty: 4}}))
	if got.Status != "received" || got.Shortage != 1 || bal(t, blr, skuVase, inventory.Backroom) != 5 {
		t.Fatalf("received = %+v", got)
	}
	_, err := blr.ReceiveTransfer(ctx, blrUP, tr.ID, []inventory.Line{{SKU: skuVase, Qty: 5}, {SKU: skuThali, Qty: 4}})
	wantCode(t, err, errs.Conflict)

	// The receipt travels back; the sender clears transit and sees the shortage.
	if err := blr.DB.R.QueryRow(`SELECT payload FROM outbox WHERE type = ?`, events.TransferReceived).Scan(&raw); err != nil {
		t.Fatal(err)
	}
	ev = must[events.Envelope](t)(events.Decode(raw))
	var rec events.TransferReceipt
	if err := jsonUnmarshal(ev.Payload, &rec); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := lko.DB.Transact(ctx, func(tx *sql.Tx) error { return inventory.ConfirmDelivered(ctx, tx, "LKO1", rec) }); err != nil {
			t.Fatal(err)
		}
	}
	if n := bal(t, lko, skuVase, inventory.Transit); n != 0 {
		t.Fatalf("transit after delivery = %d", n)
	}
	exc := must[[]inventory.Exception](t)(lko.Exceptions(ctx, upMgr, "UP", false))
	if len(exc) != 1 || exc[0].Shortfall != 1 || exc[0].Ref != tr.ID {
		t.Fatalf("sender's exceptions = %+v", exc)
	}
	for _, s := range []*inventory.Service{lko, blr} {
		if mm := must[[]inventory.Mismatch](t)(s.CheckLedger(ctx, admin)); len(mm) != 0 {
			t.Fatalf("%s check: %+v", s.MallID, mm)
		}
	}
}

func TestLowStockEventAndList(t *testing.T) {
	ctx := context.Background()
	s := newMall(t, "LKO1", "UP", sqlitedb.Options{})
	receive(t, s, upMgr, "UP", prodMBD, inventory.Line{SKU: skuVase, Qty: 30})
	must[inventory.ReorderPoint](t)(s.SetReorderPoint(ctx, upMgr, "UP", skuVase, 5))
	sell := func(n int64, at time.Time) {
		t.Helper()
		if err := s.DB.Transact(ctx, func(tx *sql.Tx) error {
			return inventory.SellOut(ctx, tx, "LKO1", skuVase, "UP", n, "INV", cashier.ID, at)
		}); err != nil {
			t.Fatal(err)
		}
	}
	sell(10, time.Now().Add(-20*24*time.Hour)) // outside the 14-day window
	sell(8, time.Now().Add(-3*24*time.Hour))
	sell(6, time.Now())
	if n := outboxTypes(t, s)[events.StockLow]; n != 0 {
		t.Fatalf("stock.low at 6 units over a reorder point of 5: %d events", n)
	}
	if low := must[[]inventory.LowItem](t)(s.LowStock(ctx, upMgr, "UP")); len(low) != 0 {
		t.Fatalf("low list above the reorder point: %+v", low)
	}
	sell(1, time.Now()) // 5 left: crosses
	sell(1, time.Now()) // 4 left: already low, no second event
	if n := outboxTypes(t, s)[events.StockLow]; n != 1 {
		t.Fatalf("stock.low events = %d, want exactly 1", n)
	}
	low := must[[]inventory.LowItem](t)(s.LowStock(ctx, upMgr, "UP"))
	// 16 sold in 14 days: order back to the reorder point plus two weeks' sales.
	if len(low) != 1 || low[0].Available != 4 || low[0].Sold14d != 16 || low[0].SuggestedQty != 5-4+16 {
		t.Fatalf("low list = %+v", low)
	}
	rows := must[[]inventory.StockRow](t)(s.Stock(ctx, upMgr, "UP"))
	for _, r := range rows {
		if r.SKU == skuVase && (!r.Low || r.ReorderPoint != 5) {
			t.Fatalf("stock row = %+v", r)
		}
		if r.SKU == skuThali && r.Low {
			t.Fatalf("a SKU without a reorder point is low: %+v", r)
		}
	}
	// Raising the reorder point over the stock is a crossing too.
	must[inventory.ReorderPoint](t)(s.SetReorderPoint(ctx, upMgr, "UP", skuThali, 2))
	if n := outboxTypes(t, s)[events.StockLow]; n != 2 {
		t.Fatalf("stock.low events after setting a reorder point above stock = %d, want 2", n)
	}
	if _, err := s.LowStock(ctx, kaMgr, "UP"); errs.CodeOf(err) != errs.Forbidden {
		t.Fatalf("KA manager reading UP low stock: %v", err)
	}
}

func TestExceptionsResolve(t *testing.T) {
	ctx := context.Background()
	s := newMall(t, "LKO1", "UP", sqlitedb.Options{})
	if err := s.DB.Transact(ctx, func(tx *sql.Tx) error {
		return inventory.SellOut(ctx, tx, "LKO1", skuVase, "UP", 2, "INV-9", cashier.ID, time.Now())
	}); err != nil {
		t.Fatal(err)
	}
	exc := must[[]inventory.Exception](t)(s.Exceptions(ctx, upMgr, "UP", false))
	if len(exc) != 1 || exc[0].Shortfall != 2 {
		t.Fatalf("exceptions = %+v", exc)
	}
	_, err := s.ResolveException(ctx, kaMgr, exc[0].ID, "not mine")
	wantCode(t, err, errs.Forbidden)
	e := must[inventory.Exception](t)(s.ResolveException(ctx, upMgr, exc[0].ID, "found 2 in an unopened carton; GRN to follow"))
	if e.ResolvedAt == nil || e.Resolution == "" {
		t.Fatalf("resolved = %+v", e)
	}
	_, err = s.ResolveException(ctx, upMgr, exc[0].ID, "again")
	wantCode(t, err, errs.Conflict)
	if open := must[[]inventory.Exception](t)(s.Exceptions(ctx, upMgr, "UP", false)); len(open) != 0 {
		t.Fatalf("open after resolving: %+v", open)
	}
}

// A retried request with the same Idempotency-Key returns the first
// document and moves nothing twice; the key reused for something else is
// refused.
func TestIdempotentRetries(t *testing.T) {
	ctx := context.Background()
	s := newMall(t, "LKO1", "UP", sqlitedb.Options{})
	addPeer(t, s, "BLR1", "KA")
	a := upMgr
	a.Key = "0190a0a0-0000-7000-8000-00000000k001"
	in := inventory.ReceiptInput{ProducerID: prodMBD, Lines: []inventory.Line{{SKU: skuVase, Qty: 9}}}
	g1 := must[inventory.GRN](t)(s.Receive(ctx, a, "UP", in))
	g2 := must[inventory.GRN](t)(s.Receive(ctx, a, "UP", in))
	if g1.Replay || !g2.Replay || g2.ID != g1.ID || g2.TotalQty != 9 || bal(t, s, skuVase, inventory.Backroom) != 9 {
		t.Fatalf("first %+v\nretry %+v\nbackroom %d", g1, g2, bal(t, s, skuVase, inventory.Backroom))
	}
	before := snapshot(t, s)
	_, err := s.Receive(ctx, a, "UP", inventory.ReceiptInput{ProducerID: prodMBD, Lines: []inventory.Line{{SKU: skuVase, Qty: 8}}})
	wantCode(t, err, errs.Conflict)
	other := admin
	other.Key = a.Key
	_, err = s.Receive(ctx, other, "UP", in)
	wantCode(t, err, errs.Conflict)
	if after := snapshot(t, s); after != before {
		t.Fatalf("a refused retry changed the database: %s -> %s", before, after)
	}

	for _, key := range []string{"restock-key-1", "restock-key-1"} {
		a.Key = key
		must[inventory.Movement](t)(s.Restock(ctx, a, "UP", inventory.RestockInput{Lines: []inventory.Line{{SKU: skuVase, Qty: 4}}}))
	}
	a.Key = "transfer-key-1"
	for range 2 {
		must[inventory.Transfer](t)(s.TransferOut(ctx, a, "UP", inventory.TransferInput{ToMall: "BLR1", Lines: []inventory.Line{{SKU: skuVase, Qty: 2}}}))
	}
	a.Key = "csv-key-1"
	for range 2 {
		must[inventory.GRN](t)(s.ImportCSV(ctx, a, "UP", inventory.ReceiptInput{ProducerID: prodMBD}, stringsReader("sku,qty\nUP-MBD-002,3\n"), nil))
	}
	if sh, br, tr, th := bal(t, s, skuVase, inventory.Shelf), bal(t, s, skuVase, inventory.Backroom), bal(t, s, skuVase, inventory.Transit), bal(t, s, skuThali, inventory.Backroom); sh != 4 || br != 3 || tr != 2 || th != 3 {
		t.Fatalf("after retried restock, transfer and import: shelf %d backroom %d transit %d thali %d", sh, br, tr, th)
	}
	if n := outboxTypes(t, s)[events.TransferSent]; n != 1 {
		t.Fatalf("transfer.sent events = %d, want 1", n)
	}
}
