package settle_test

import (
	"bytes"
	"context"
	"ektamall/hub"
	"encoding/csv"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
	"time"

	"ektamall/hub/ledger"
	"ektamall/hub/ledger/ledgertest"
	"ektamall/hub/settle"
	"ektamall/shared/catalog"
	"ektamall/shared/errs"
	"ektamall/shared/events"
	"ektamall/shared/money"
	"ektamall/shared/sqldb"
)

// The reference model: plain maps, computed without SQL, that the real
// books and settlement must agree with to the paisa.
type mLine struct {
	mall, sale   string
	line         int
	producer     string
	qty          int64
	amount, tax  int64
	taxable, net int64
	comm, commG  int64
	at, ingested time.Time
	settled      bool
	voided       bool
	voidIngested time.Time
	voidSettled  bool
	retQty       int64
	retTaxable   int64
	retComm      int64
	retCommG     int64
}

type mReturn struct {
	line      *mLine
	net       int64
	amount    int64
	tax       int64
	comm      int64
	commG     int64
	ingested  time.Time
	settled   bool
	returnKey string
}

type model struct {
	lines    []*mLine
	byKey    map[string]*mLine
	returns  []*mReturn
	window   time.Duration
	minPay   int64
	bf       map[string]int64 // producer balance carried between runs
	paidEver int64
	rules    []ledger.Rule
	cats     map[string]string // sku → category
}

func (m *model) rule(p catalog.Product, at time.Time) ledger.Rule {
	best, bestRank := ledger.Rule{RateBP: 1000}, 99
	var bestFrom time.Time
	rank := map[string]int{ledger.ScopeProducer: 0, ledger.ScopeCategory: 1, ledger.ScopeState: 2, ledger.ScopeDefault: 3}
	for _, r := range m.rules {
		match := r.Scope == ledger.ScopeDefault || (r.Scope == ledger.ScopeProducer && r.Key == p.ProducerID) ||
			(r.Scope == ledger.ScopeCategory && r.Key == p.Category) || (r.Scope == ledger.ScopeState && r.Key == p.State)
		if !match || r.EffectiveFrom.After(at) {
			continue
		}
		if rank[r.Scope] < bestRank || (rank[r.Scope] == bestRank && r.EffectiveFrom.After(bestFrom)) {
			best, bestRank, bestFrom = r, rank[r.Scope], r.EffectiveFrom
		}
	}
	return best
}

func half(v, bp int64) int64 { return (v*bp + 5000) / 10000 }

// settle is the model's settlement at cutoff: payouts per producer.
func (m *model) settle(cut time.Time) map[string]int64 {
	due := func(l *mLine) bool { return !l.ingested.After(cut) && !l.at.After(cut.Add(-m.window)) }
	sum := map[string]int64{}
	touched := map[string]bool{}
	for p, v := range m.bf {
		sum[p] += v
		touched[p] = true
	}
	var dueNow []*mLine
	for _, l := range m.lines {
		if !l.settled && due(l) {
			dueNow = append(dueNow, l)
		}
	}
	isDue := map[*mLine]bool{}
	for _, l := range dueNow {
		isDue[l] = true
	}
	for _, r := range m.returns {
		if !r.settled && !r.ingested.After(cut) && (r.line.settled || isDue[r.line]) {
			r.settled = true
			sum[r.line.producer] -= r.net
			touched[r.line.producer] = true
		}
	}
	for _, l := range m.lines {
		if l.voided && !l.voidSettled && !l.voidIngested.After(cut) && (l.settled || isDue[l]) {
			l.voidSettled = true
			sum[l.producer] -= l.net
			touched[l.producer] = true
		}
	}
	for _, l := range dueNow {
		l.settled = true
		sum[l.producer] += l.net
		touched[l.producer] = true
	}
	pay := map[string]int64{}
	m.bf = map[string]int64{}
	for p := range touched {
		if sum[p] >= m.minPay {
			pay[p] = sum[p]
			m.paidEver += sum[p]
		} else if sum[p] != 0 {
			m.bf[p] = sum[p]
		}
	}
	return pay
}

func payoutsOf(t *testing.T, s *settle.Service, run settle.Run) map[string]int64 {
	t.Helper()
	ps, err := s.Payouts(context.Background(), run.ID)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int64{}
	for _, p := range ps {
		out[p.ProducerID] = p.Amount.Paise()
	}
	return out
}

func csvTotal(t *testing.T, s *settle.Service, run settle.Run) (int64, int) {
	t.Helper()
	ps, err := s.Payouts(context.Background(), run.ID)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := settle.WriteCSV(&buf, ps); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var sum int64
	for _, r := range recs[1:] {
		a, err := money.Parse(r[4])
		if err != nil {
			t.Fatal(err)
		}
		sum += a.Paise()
	}
	return sum, len(recs) - 1
}

func seed() uint64 {
	if v := os.Getenv("SIM_SEED"); v != "" {
		n, _ := strconv.ParseUint(v, 10, 64)
		return n
	}
	return uint64(time.Now().UnixNano())
}

// TestSimulation drives thousands of random sales, partial and full
// returns, voids, replays, late arrivals and settlement runs across malls
// and producers, and checks the books and every payout against the model.
// A failure prints the seed; SIM_SEED=<n> replays it.
func TestSimulation(t *testing.T) {
	sd := seed()
	t.Logf("seed %d (replay with SIM_SEED=%d)", sd, sd)
	r := rand.New(rand.NewPCG(sd, 7))
	ctx := context.Background()
	db := ledgertest.Open(t)
	ledgertest.BankAccounts(t, db)
	start := time.Date(2026, 2, 2, 4, 0, 0, 0, time.UTC)
	now := start
	clock := func() time.Time { return now }
	applier := ledger.NewApplier(clock)
	svc := settle.New(db, settle.Config{}, clock, slog.New(slog.NewTextHandler(io.Discard, nil)))
	products := ledgertest.Products(t, 60)
	m := &model{byKey: map[string]*mLine{}, window: settle.DefaultWindow, minPay: 100, bf: map[string]int64{}}

	// Commission rules, including changes that take effect mid-run.
	rules := []ledger.Rule{
		{Scope: ledger.ScopeDefault, RateBP: 1000, GSTBP: 1800, EffectiveFrom: start.Add(-time.Hour)},
		{Scope: ledger.ScopeState, Key: products[0].State, RateBP: 800, EffectiveFrom: start.Add(-time.Hour)},
		{Scope: ledger.ScopeCategory, Key: "textile", RateBP: 1250, GSTBP: 1800, EffectiveFrom: start.Add(72 * time.Hour)},
		{Scope: ledger.ScopeProducer, Key: products[5].ProducerID, RateBP: 300, EffectiveFrom: start.Add(5 * 24 * time.Hour)},
		{Scope: ledger.ScopeDefault, RateBP: 1100, GSTBP: 1800, EffectiveFrom: start.Add(9 * 24 * time.Hour)},
	}
	err := db.Transact(ctx, func(tx sqldb.Tx) error {
		for _, ru := range rules {
			if _, err := ledger.CreateRule(ctx, tx, ru, start.Add(-2*time.Hour)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	m.rules = append([]ledger.Rule{{Scope: ledger.ScopeDefault, RateBP: 1000, EffectiveFrom: time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)}}, rules...)

	malls := []*ledgertest.Mall{ledgertest.NewMall("LKO1"), ledgertest.NewMall("BLR1"), ledgertest.NewMall("CHD1")}
	type sold struct {
		mall *ledgertest.Mall
		sale events.Sale
		prev ledgertest.ReturnState
		dead bool // voided or fully returned
	}
	var sales []*sold
	var sent []events.Envelope
	var gross, returned int64
	apply := func(ev events.Envelope) {
		t.Helper()
		if err := ledgertest.Apply(ctx, db, applier, ev); err != nil {
			t.Fatalf("seed %d: %s %s: %v", sd, ev.Type, ev.ID, err)
		}
		sent = append(sent, ev)
	}
	var lastRun settle.Run
	paidIn := map[string]string{} // sale line → the run whose payout listed it
	runs := 0
	steps := 2500
	if testing.Short() {
		steps = 600
	}
	for step := 0; step < steps; step++ {
		now = now.Add(time.Duration(r.IntN(180)) * time.Minute)
		op := r.IntN(100)
		switch {
		case op < 55 || len(sales) == 0: // a sale, sometimes arriving late
			mall := malls[r.IntN(len(malls))]
			at := now
			if r.IntN(10) == 0 {
				at = now.Add(-time.Duration(r.IntN(96)) * time.Hour) // offline mall catching up
			}
			var items []ledgertest.Item
			for range 1 + r.IntN(3) {
				p := products[r.IntN(len(products))]
				it := ledgertest.Item{Product: p, Qty: 1 + int64(r.IntN(4))}
				if r.IntN(4) == 0 {
					it.Discount = money.FromPaise(int64(r.IntN(int(p.MRP.Paise() / 10))))
				}
				items = append(items, it)
			}
			s := mall.Sale("SH-"+mall.ID, at, items, nil)
			s.Tenders = ledgertest.RandomTenders(r, s.Total, fmt.Sprintf("R%d", step))
			paid := money.Zero
			for _, tn := range s.Tenders {
				paid = paid.Add(tn.Amount)
			}
			s.Change = paid.Sub(s.Total)
			apply(mall.Envelope(events.SaleCompleted, at, s))
			for i, l := range s.Lines {
				p := items[i].Product
				ru := m.rule(p, at)
				ml := &mLine{mall: mall.ID, sale: s.SaleID, line: l.LineNo, producer: l.ProducerID, qty: l.Qty, amount: l.Amount.Paise(),
					tax: l.CGST.Paise() + l.SGST.Paise(), taxable: l.Taxable.Paise(), at: at, ingested: now}
				ml.comm = half(ml.taxable, ru.RateBP)
				ml.commG = half(ml.comm, ru.GSTBP)
				ml.net = ml.taxable - ml.comm - ml.commG
				m.lines = append(m.lines, ml)
				m.byKey[fmt.Sprintf("%s/%s/%d", mall.ID, s.SaleID, l.LineNo)] = ml
				gross += ml.amount
			}
			sales = append(sales, &sold{mall: mall, sale: s, prev: ledgertest.ReturnState{}})
		case op < 75: // a return of some units of some lines
			sd0 := sales[r.IntN(len(sales))]
			if sd0.dead {
				continue
			}
			q := map[int]int64{}
			for _, l := range sd0.sale.Lines {
				if left := l.Qty - sd0.prev[l.LineNo]; left > 0 && r.IntN(2) == 0 {
					q[l.LineNo] = 1 + int64(r.IntN(int(left)))
				}
			}
			if len(q) == 0 {
				continue
			}
			ret := sd0.mall.Return(sd0.sale, sd0.prev, q, []string{"cash", "upi", "card"}[r.IntN(3)], now)
			apply(sd0.mall.Envelope(events.ReturnCompleted, now, ret))
			all := true
			for _, rl := range ret.Lines {
				ml := m.byKey[fmt.Sprintf("%s/%s/%d", sd0.mall.ID, sd0.sale.SaleID, rl.SaleLineNo)]
				ml.retQty += rl.Qty
				mr := &mReturn{line: ml, amount: rl.Amount.Paise(), tax: rl.CGST.Paise() + rl.SGST.Paise(), ingested: now}
				tx := rl.Taxable.Paise()
				if ml.retQty == ml.qty {
					mr.comm, mr.commG = ml.comm-ml.retComm, ml.commG-ml.retCommG
				} else {
					mr.comm = (2*ml.comm*(ml.retTaxable+tx)+ml.taxable)/(2*ml.taxable) - ml.retComm
					mr.commG = (2*ml.commG*(ml.retTaxable+tx)+ml.taxable)/(2*ml.taxable) - ml.retCommG
				}
				ml.retTaxable += tx
				ml.retComm += mr.comm
				ml.retCommG += mr.commG
				mr.net = tx - mr.comm - mr.commG
				m.returns = append(m.returns, mr)
				returned += mr.amount
			}
			for _, l := range sd0.sale.Lines {
				if sd0.prev[l.LineNo] < l.Qty {
					all = false
				}
			}
			sd0.dead = all
		case op < 80: // a void of a sale with no returns
			sd0 := sales[r.IntN(len(sales))]
			if sd0.dead || len(sd0.prev) > 0 {
				continue
			}
			apply(sd0.mall.Envelope(events.SaleVoided, now, events.Void{SaleID: sd0.sale.SaleID, InvoiceNo: sd0.sale.InvoiceNo, At: now}))
			sd0.dead = true
			for _, l := range sd0.sale.Lines {
				ml := m.byKey[fmt.Sprintf("%s/%s/%d", sd0.mall.ID, sd0.sale.SaleID, l.LineNo)]
				ml.voided, ml.voidIngested = true, now
				returned += ml.amount
			}
		case op < 90: // redelivery of an old event: a no-op
			ev := sent[r.IntN(len(sent))]
			if err := ledgertest.Apply(ctx, db, applier, ev); err != nil {
				t.Fatalf("seed %d: replay of %s: %v", sd, ev.ID, err)
			}
		case op < 97 && runs < 40: // a settlement run, sometimes repeated
			// The simulated clock may not have moved since the last run:
			// then this cutoff is that run's, and must return it unchanged.
			cut := now
			repeat := lastRun.ID != "" && !now.After(lastRun.Cutoff)
			run, created, err := svc.Create(ctx, cut, "sim", nil)
			if err != nil {
				t.Fatalf("seed %d: run at %s: %v", sd, cut, err)
			}
			if repeat {
				if created || run.ID != lastRun.ID {
					t.Fatalf("seed %d: the last run's cutoff again made run %s (created=%v), want %s", sd, run.ID, created, lastRun.ID)
				}
				continue
			}
			if !created {
				t.Fatalf("seed %d: a new cutoff did not create a run", sd)
			}
			runs++
			want := m.settle(cut)
			got := payoutsOf(t, svc, run)
			comparePayouts(t, sd, want, got)
			checkPaidLines(t, sd, svc, run, paidIn)
			again, created, err := svc.Create(ctx, cut, "sim", nil)
			if err != nil || created || again.ID != run.ID {
				t.Fatalf("seed %d: same cutoff again: created=%v id %s vs %s err %v", sd, created, again.ID, run.ID, err)
			}
			if sum, n := csvTotal(t, svc, run); sum != run.PayoutTotal.Paise() || int64(n) != run.PayoutCount {
				t.Fatalf("seed %d: CSV has %d rows summing %d, run says %d rows, %s", sd, n, sum, run.PayoutCount, run.PayoutTotal)
			}
			lastRun = run
		}
		bal, err := ledger.TrialBalance(ctx, db.Reader())
		if err != nil {
			t.Fatal(err)
		}
		if !bal.Debits.Equal(bal.Credits) {
			t.Fatalf("seed %d step %d: debits %s != credits %s", sd, step, bal.Debits, bal.Credits)
		}
		if step%250 == 0 {
			checkBooks(t, sd, db)
		}
	}
	// Far past every window: everything is settled, and what is left on
	// each producer's account is exactly what was carried forward.
	now = now.Add(30 * 24 * time.Hour)
	run, _, err := svc.Create(ctx, time.Time{}, "sim", nil)
	if err != nil {
		t.Fatal(err)
	}
	comparePayouts(t, sd, m.settle(now), payoutsOf(t, svc, run))
	checkBooks(t, sd, db)
	conservation(t, sd, db, m, gross, returned)
	t.Logf("%d events, %d sale lines, %d returns, %d runs, paid %s", len(sent), len(m.lines), len(m.returns), runs+1, money.FromPaise(m.paidEver))
}

// checkPaidLines: the lines each payout lists add up to its sales and
// returns, and no sale line is listed by two runs.
func checkPaidLines(t *testing.T, sd uint64, svc *settle.Service, run settle.Run, paidIn map[string]string) {
	t.Helper()
	ps, err := svc.Payouts(context.Background(), run.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		d, err := svc.GetPayout(context.Background(), p.Reference)
		if err != nil {
			t.Fatal(err)
		}
		var sales, adjust, nSales, nAdjust int64
		for _, l := range d.Lines {
			if l.Kind != "sale" {
				adjust -= l.Net.Paise()
				nAdjust++
				continue
			}
			sales += l.Net.Paise()
			nSales++
			key := l.Mall + "/" + l.SaleID + "/" + strconv.Itoa(int(l.LineNo))
			if other, ok := paidIn[key]; ok {
				t.Fatalf("seed %d: sale line %s listed by run %s and again by run %s", sd, key, other, run.ID)
			}
			paidIn[key] = run.ID
		}
		if sales != p.Credits.Paise() || adjust != p.Debits.Paise() || nSales != p.SaleLines || nAdjust != p.ReturnLines {
			t.Fatalf("seed %d: payout %s lists %d sale lines for %d and %d returns for %d; it says %d for %s and %d for %s",
				sd, p.Reference, nSales, sales, nAdjust, adjust, p.SaleLines, p.Credits, p.ReturnLines, p.Debits)
		}
	}
}

func comparePayouts(t *testing.T, sd uint64, want, got map[string]int64) {
	t.Helper()
	for p, v := range want {
		if got[p] != v {
			t.Errorf("seed %d: producer %s paid %d, model says %d", sd, p, got[p], v)
		}
	}
	for p, v := range got {
		if _, ok := want[p]; !ok {
			t.Errorf("seed %d: producer %s paid %d, model says nothing", sd, p, v)
		}
		if v <= 0 {
			t.Errorf("seed %d: non-positive payout %d to %s", sd, v, p)
		}
	}
	if t.Failed() {
		t.FailNow()
	}
}

func checkBooks(t *testing.T, sd uint64, db hub.Store) {
	t.Helper()
	rep, err := ledger.Check(context.Background(), db.Reader())
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK {
		t.Fatalf("seed %d: %v", sd, rep.Problems)
	}
}

// conservation: gross sales less returns and voids equal GST + commission
// + its GST + producers' share, and the producers' share equals what was
// paid plus what the ledger still owes them, which is what the last run
// carried forward.
func conservation(t *testing.T, sd uint64, db hub.Store, m *model, gross, returned int64) {
	t.Helper()
	ctx := context.Background()
	var tax, comm, commG, net int64
	for _, l := range m.lines {
		if l.voided {
			continue
		}
		tax += l.tax
		comm += l.comm
		commG += l.commG
		net += l.net
	}
	for _, r := range m.returns {
		tax -= r.tax
		comm -= r.comm
		commG -= r.commG
		net -= r.net
	}
	if gross-returned != tax+comm+commG+net {
		t.Fatalf("seed %d: model: sales net of returns %d != tax %d + commission %d + GST %d + producers %d", sd, gross-returned, tax, comm, commG, net)
	}
	accts, err := ledger.Accounts(ctx, db.Reader())
	if err != nil {
		t.Fatal(err)
	}
	byType := map[string]int64{}
	for _, a := range accts {
		byType[a.Type] += a.Balance.Paise()
	}
	if byType["clearing"] != gross-returned || byType["gst"] != tax || byType["commission"] != comm || byType["gst_commission"] != commG {
		t.Fatalf("seed %d: ledger %v; want clearing %d gst %d commission %d commission GST %d", sd, byType, gross-returned, tax, comm, commG)
	}
	if byType["payouts"] != m.paidEver || byType["producer"]+m.paidEver != net {
		t.Fatalf("seed %d: payouts in flight %d (paid %d); producers owed %d + paid %d != share %d", sd, byType["payouts"], m.paidEver, byType["producer"], m.paidEver, net)
	}
	var carried int64
	for _, v := range m.bf {
		carried += v
	}
	if byType["producer"] != carried {
		t.Fatalf("seed %d: producers owed %d, but %d was carried forward", sd, byType["producer"], carried)
	}
	_ = errs.Invalid
}
