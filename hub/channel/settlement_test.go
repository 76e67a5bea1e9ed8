package channel_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"ektamall/hub"
	"ektamall/hub/channel"
	"ektamall/hub/ledger"
	"ektamall/hub/ledger/ledgertest"
	"ektamall/hub/producer"
	"ektamall/hub/settle"
	"ektamall/shared/auth"
	"ektamall/shared/catalog"
	"ektamall/shared/errs"
	"ektamall/shared/events"
	"ektamall/shared/ids"
	"ektamall/shared/money"
	"ektamall/shared/sqldb/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// money books a hub with two malls' stock, a channel and its orders.
type books struct {
	t      *testing.T
	ctx    context.Context
	db     hub.Store
	ch     *channel.Service
	a      *ledger.Applier
	malls  map[string]*ledgertest.Mall
	clock  time.Time
	p1, p2 catalog.Product
}

func newBooks(t *testing.T) *books {
	b := &books{t: t, ctx: context.Background(), db: ledgertest.Open(t), clock: time.Date(2026, 11, 2, 6, 0, 0, 0, time.UTC)}
	now := func() time.Time { return b.clock }
	store := auth.NewStoreOn(b.db, auth.Policy{BcryptCost: bcrypt.MinCost})
	b.ch = channel.New(b.db, now, producer.New(b.db, store, now).CatchUpStock)
	b.a = ledger.NewApplier(now)
	b.malls = map[string]*ledgertest.Mall{"LKO1": ledgertest.NewMall("LKO1"), "BLR1": ledgertest.NewMall("BLR1")}
	ps := ledgertest.Products(t, 2)
	b.p1, b.p2 = ps[0], ps[1]
	if _, err := b.ch.Create(b.ctx, "ondc-buyer"); err != nil {
		t.Fatal(err)
	}
	return b
}

func (b *books) apply(mall, typ string, payload any) {
	b.t.Helper()
	b.clock = b.clock.Add(time.Second)
	if err := ledgertest.Apply(b.ctx, b.db, b.a, b.malls[mall].Envelope(typ, b.clock, payload)); err != nil {
		b.t.Fatal(err)
	}
}

// onlineSale is a mall's invoice of its part of an online order: paid by
// the channel, referenced by the order id.
func (b *books) onlineSale(mall, order string, p catalog.Product, qty int64) events.Sale {
	b.t.Helper()
	amt := p.MRP.MulInt(qty)
	s := b.malls[mall].Sale("online", b.clock, []ledgertest.Item{{Product: p, Qty: qty}},
		[]events.Tender{{Method: "channel", Amount: amt, Ref: order}})
	b.apply(mall, events.SaleCompleted, s)
	return s
}

func (b *books) balance(account string) int64 {
	b.t.Helper()
	n, err := ledger.AccountBalance(b.ctx, b.db.Reader(), account)
	if err != nil {
		b.t.Fatal(err)
	}
	return n
}

func (b *books) check() {
	b.t.Helper()
	rep, err := ledger.Check(b.ctx, b.db.Reader())
	if err != nil || !rep.OK {
		b.t.Fatalf("ledger check: %v %v", err, rep.Problems)
	}
}

func row(order string, gross, fee, tax money.Amount, utr string) string {
	return fmt.Sprintf("%s,%s,%s,%s,%s,%s\n", order, gross, fee, tax, gross.Sub(fee).Sub(tax), utr)
}

const header = "order_id,gross,fee,fee_tax,net,utr\n"

// A settlement file is reconciled to the orders sold online: matched,
// short, unknown and missing; matched and short rows are booked to the
// bank, the channel's fee and the malls' channel clearing; the ledger
// balances; the same file twice is refused and the same order twice is
// not booked twice.
func TestSettlementReconcilesAndBooks(t *testing.T) {
	b := newBooks(t)
	for _, m := range []struct {
		mall string
		p    catalog.Product
	}{{"LKO1", b.p1}, {"BLR1", b.p2}} {
		b.apply(m.mall, events.StockMoved, events.StockMove{MoveID: ids.New(), Kind: "receipt", SKU: m.p.SKU, Zone: m.p.State, Qty: 10, To: "backroom", At: b.clock})
	}
	dest := channel.Destination{Name: "Asha Rao", Address: "12 Temple Road, Bengaluru", State: "KA", Pincode: "560003"}
	for _, id := range []string{"ORD-1", "ORD-2", "ORD-3"} {
		if _, _, err := b.ch.Place(b.ctx, "ondc-buyer", channel.OrderRequest{OrderID: id, DeliverTo: dest,
			Lines: []channel.LineReq{{SKU: b.p1.SKU, Qty: 1}, {SKU: b.p2.SKU, Qty: 1}}}); err != nil {
			t.Fatal(err)
		}
	}
	// ORD-1 ships from both malls; ORD-2 and ORD-3 from BLR1 only.
	b.onlineSale("LKO1", "ORD-1", b.p1, 1)
	b.onlineSale("BLR1", "ORD-1", b.p2, 1)
	b.onlineSale("BLR1", "ORD-2", b.p2, 1)
	b.onlineSale("BLR1", "ORD-3", b.p2, 1)
	ord1 := b.p1.MRP.Add(b.p2.MRP)
	fee, tax := money.MustParse("20.00"), money.MustParse("3.60")
	short := b.p2.MRP.Sub(money.MustParse("5.00"))
	lkoBefore, blrBefore := b.balance("clearing:LKO1:channel"), b.balance("clearing:BLR1:channel")
	if lkoBefore != b.p1.MRP.Paise() || blrBefore != b.p2.MRP.MulInt(3).Paise() {
		t.Fatalf("channel clearing before settlement LKO1 %d BLR1 %d", lkoBefore, blrBefore)
	}

	file := header + row("ORD-1", ord1, fee, tax, "UTR001") + row("ORD-2", short, fee, tax, "UTR001") +
		row("ORD-9", money.MustParse("100.00"), fee, tax, "UTR001")
	im, err := b.ch.ImportSettlement(b.ctx, "ondc-buyer", "settle-1.csv", []byte(file), "finance")
	if err != nil {
		t.Fatal(err)
	}
	rep, err := b.ch.Settlement(b.ctx, im.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{channel.Matched: 1, channel.Short: 1, channel.Unknown: 1, channel.Missing: 1, channel.Over: 0, channel.Duplicate: 0}
	for k, n := range want {
		if rep.Counts[k] != n {
			t.Errorf("%s: %d rows, want %d (report %+v)", k, rep.Counts[k], n, rep.Lines)
		}
	}
	for _, l := range rep.Lines {
		if l.OrderID == "ORD-2" && !l.Diff.Equal(money.MustParse("-5.00")) {
			t.Errorf("ORD-2 short by %s, want -5.00", l.Diff)
		}
		if l.Category == channel.Missing && l.OrderID != "ORD-3" {
			t.Errorf("missing %s, want ORD-3", l.OrderID)
		}
	}
	if got := b.balance("clearing:LKO1:channel"); got != 0 {
		t.Errorf("LKO1 channel clearing after ORD-1 settled: %d, want 0", got)
	}
	// BLR1 keeps ORD-3 (not yet settled) and the 5.00 ORD-2 was short.
	if got, want := b.balance("clearing:BLR1:channel"), b.p2.MRP.Paise()+500; got != want {
		t.Errorf("BLR1 channel clearing %d, want %d", got, want)
	}
	paid := ord1.Add(short).Sub(fee.MulInt(2)).Sub(tax.MulInt(2))
	if got := b.balance(ledger.BankAccount); got != paid.Paise() {
		t.Errorf("bank:hub %d, want %d (net of the two booked rows)", got, paid.Paise())
	}
	if got := b.balance(ledger.ChannelFeeAccount("ondc-buyer")); got != fee.MulInt(2).Paise() {
		t.Errorf("channel fee %d, want %d", got, fee.MulInt(2).Paise())
	}
	if got := b.balance(ledger.ChannelFeeGSTAccount("ondc-buyer")); got != tax.MulInt(2).Paise() {
		t.Errorf("GST on the channel fee %d, want %d", got, tax.MulInt(2).Paise())
	}
	b.check()

	if _, err := b.ch.ImportSettlement(b.ctx, "ondc-buyer", "again.csv", []byte(file), "finance"); errs.CodeOf(err) != errs.Conflict {
		t.Errorf("the same file again: %v, want a conflict", err)
	}
	im2, err := b.ch.ImportSettlement(b.ctx, "ondc-buyer", "settle-2.csv", []byte(header+row("ORD-1", ord1, fee, tax, "UTR002")+row("ORD-3", b.p2.MRP, fee, tax, "UTR002")), "finance")
	if err != nil {
		t.Fatal(err)
	}
	rep2, _ := b.ch.Settlement(b.ctx, im2.ID)
	if rep2.Counts[channel.Duplicate] != 1 || rep2.Counts[channel.Matched] != 1 || rep2.Counts[channel.Missing] != 0 {
		t.Errorf("second file: %v, want ORD-1 duplicate and ORD-3 matched, none missing", rep2.Counts)
	}
	if got := b.balance("clearing:LKO1:channel"); got != 0 {
		t.Errorf("LKO1 channel clearing after a duplicate row: %d, want 0", got)
	}
	b.check()

	for _, bad := range []string{
		header + "ORD-1,100.00,10.00,1.80,80.00,UTR9\n", // does not add up
		header + "ORD-1,100.00,10.00,1.80,88.20,\n",     // no UTR
		"order,gross\nORD-1,1\n",                        // wrong header
	} {
		if _, err := b.ch.ImportSettlement(b.ctx, "ondc-buyer", "bad.csv", []byte(bad), "finance"); errs.CodeOf(err) != errs.Invalid {
			t.Errorf("bad file %q: %v, want invalid", bad, err)
		}
	}
}

// An online sale's line is paid to its producer by the first settlement
// run after the return window, exactly as a counter sale of the same day.
func TestOnlineSaleSettlesAfterReturnWindow(t *testing.T) {
	b := newBooks(t)
	ledgertest.BankAccounts(t, b.db)
	if _, _, err := b.ch.Place(b.ctx, "ondc-buyer", channel.OrderRequest{OrderID: "ORD-1",
		DeliverTo: channel.Destination{Name: "A", Address: "B", State: "KA", Pincode: "560003"}, Lines: []channel.LineReq{{SKU: b.p1.SKU, Qty: 1}}}); err != nil {
		t.Fatal(err)
	}
	online := b.onlineSale("LKO1", "ORD-1", b.p1, 1)
	counter := b.malls["LKO1"].Sale("S1", b.clock, []ledgertest.Item{{Product: b.p1, Qty: 1}}, nil)
	b.apply("LKO1", events.SaleCompleted, counter)
	svc := settle.New(b.db, settle.Config{Window: 7 * 24 * time.Hour}, func() time.Time { return b.clock }, slog.New(slog.NewTextHandler(io.Discard, nil)))

	b.clock = b.clock.Add(3 * 24 * time.Hour)
	if _, _, err := svc.Create(b.ctx, time.Time{}, "finance", nil); err != nil {
		t.Fatal(err)
	}
	for _, s := range []events.Sale{online, counter} {
		if ls, err := svc.SaleLineSettlement(b.ctx, "LKO1", s.SaleID, 1); err != nil || ls != nil {
			t.Fatalf("sale %s paid inside the return window: %+v %v", s.InvoiceNo, ls, err)
		}
	}
	b.clock = b.clock.Add(5 * 24 * time.Hour)
	if _, _, err := svc.Create(b.ctx, time.Time{}, "finance", nil); err != nil {
		t.Fatal(err)
	}
	var runs []int64
	for _, s := range []events.Sale{online, counter} {
		ls, err := svc.SaleLineSettlement(b.ctx, "LKO1", s.SaleID, 1)
		if err != nil || ls == nil {
			t.Fatalf("sale %s not paid after the return window: %v", s.InvoiceNo, err)
		}
		runs = append(runs, ls.RunNo)
	}
	if runs[0] != runs[1] || runs[0] != 2 {
		t.Errorf("online line paid in run %d, counter line in run %d; want both in run 2", runs[0], runs[1])
	}
	b.check()
}
