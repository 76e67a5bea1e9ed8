package loadgen

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/google/uuid"

	"ektamall/pos"
	"ektamall/shared/apiclient"
	"ektamall/shared/catalogdb"
	"ektamall/shared/errs"
	"ektamall/shared/gst"
	"ektamall/shared/money"
)

// worker is one counter: one cashier, one shift.
type worker struct {
	cfg      Config
	c        *client
	counter  string
	shiftID  string
	float    money.Amount
	products []catalogdb.Product
	rnd      *rand.Rand

	// cash is what the drawer should hold beyond the float: cash taken
	// minus change minus cash refunds.
	cash money.Amount
	// sales answered by the mall with their lines, for later returns.
	sales []pos.Sale
	// due is when the current sale was scheduled (paced runs); latency
	// counts from it.
	due time.Time

	mu         sync.Mutex
	answered   []Answered
	errors     int64
	errSamples []string
}

func newWorker(ctx context.Context, cfg Config, admin *client, n int, products []catalogdb.Product) (*worker, error) {
	w := &worker{cfg: cfg, counter: fmt.Sprintf("L%02d", n), products: products, rnd: rng(cfg.Seed, n),
		float: money.MustParse("5000.00"), cash: money.Zero}
	user := fmt.Sprintf("loadgen.%s", w.counter)
	user = toLower(user)
	pass := uuid.NewString()
	err := admin.do(ctx, "POST", "/api/v1/users", map[string]string{"username": user, "password": pass, "role": "cashier", "display_name": "Load " + w.counter}, "", nil)
	// The cashier exists from an earlier run (409 conflict; 400 from older
	// malls): set a new password instead.
	if c := errs.CodeOf(err); apiclient.Status(err) != 0 && (c == errs.Conflict || c == errs.Invalid) {
		err = admin.do(ctx, "PUT", "/api/v1/users/"+user+"/password", map[string]string{"password": pass}, "", nil)
	}
	if err != nil {
		return nil, fmt.Errorf("loadgen: cashier %s: %w", user, err)
	}
	w.c = newClient(cfg)
	if err := w.c.Login(ctx, user, pass); err != nil {
		return nil, fmt.Errorf("loadgen: login %s: %w", user, err)
	}
	// A shift left open by an earlier, interrupted run is closed first.
	var cur pos.Shift
	if err := w.c.do(ctx, "GET", "/api/v1/shifts/current", nil, "", &cur); err == nil && cur.ID != "" {
		var x pos.Report
		if err := w.c.do(ctx, "GET", "/api/v1/shifts/"+cur.ID+"/x-report", nil, "", &x); err != nil {
			return nil, fmt.Errorf("loadgen: x report of stale shift %s: %w", cur.ID, err)
		}
		if err := w.c.do(ctx, "POST", "/api/v1/shifts/"+cur.ID+"/close", map[string]string{"counted_cash": x.ExpectedCash.String()}, "", nil); err != nil {
			return nil, fmt.Errorf("loadgen: close stale shift %s: %w", cur.ID, err)
		}
	}
	var sh pos.Shift
	if err := w.c.do(ctx, "POST", "/api/v1/shifts", map[string]string{"counter": w.counter, "opening_float": w.float.String()}, "", &sh); err != nil {
		return nil, fmt.Errorf("loadgen: open shift at %s: %w", w.counter, err)
	}
	w.shiftID = sh.ID
	return w, nil
}

func toLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 32
		}
	}
	return string(b)
}

func (w *worker) counts() (sales, errs int64) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return int64(len(w.answered)), w.errors
}

func (w *worker) fail(err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.errors++
	if len(w.errSamples) < 3 {
		w.errSamples = append(w.errSamples, fmt.Sprintf("%s: %v", w.counter, err))
	}
}

// run rings sales until ctx ends. A request already sent is let finish
// with a context the deadline does not cancel: cutting it off would leave
// a sale the mall committed but the load never counted, and the Z report
// would disagree with the answered sales.
func (w *worker) run(ctx context.Context) {
	var every time.Duration
	if w.cfg.Rate > 0 {
		every = time.Duration(float64(time.Second) / w.cfg.Rate)
		// Counters start spread over one interval, not all at once.
		w.due = time.Now().Add(time.Duration(w.rnd.Int64N(int64(every))))
	}
	for ctx.Err() == nil {
		if every > 0 {
			if !sleepUntil(ctx, w.due) {
				return
			}
		}
		req := context.WithoutCancel(ctx)
		if len(w.sales) > 0 && w.rnd.IntN(100) < w.cfg.ReturnPercent {
			w.ringReturn(req)
		} else {
			w.ringSale(req)
		}
		if every > 0 {
			w.due = w.due.Add(every)
		}
	}
}

// sleepUntil waits for t, and reports false if ctx ended first.
func sleepUntil(ctx context.Context, t time.Time) bool {
	d := time.Until(t)
	if d <= 0 {
		return ctx.Err() == nil
	}
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-tm.C:
		return true
	}
}

// started is when a request's latency counts from: when it was due, in
// a paced run that has fallen behind its schedule.
func (w *worker) started() time.Time {
	now := time.Now()
	if !w.due.IsZero() && w.due.Before(now) {
		return w.due
	}
	return now
}

// cart builds 1–8 lines of distinct products, 1–3 units each.
func (w *worker) cart() ([]pos.LineRequest, money.Amount) {
	n := 1 + w.rnd.IntN(8)
	seen := map[string]bool{}
	var lines []pos.LineRequest
	total := money.Zero
	for len(lines) < n && len(seen) < len(w.products) {
		p := w.products[w.rnd.IntN(len(w.products))]
		if seen[p.SKU] {
			continue
		}
		seen[p.SKU] = true
		qty := int64(1 + w.rnd.IntN(3))
		lines = append(lines, pos.LineRequest{SKU: p.SKU, Qty: qty})
		total = total.Add(p.MRP.MulInt(qty))
	}
	return lines, total
}

// tenders pays total by cash (rounded up to ₹100, with change), UPI, card
// or a split of cash and UPI. total is what is payable: the mall rounds
// it to the rupee (its default), and large sales never go in cash (the
// law refuses ₹2,00,000 in cash).
func (w *worker) tenders(total money.Amount) []pos.Tender {
	total, _ = gst.DefaultRoundOff.Apply(total)
	r := w.rnd.IntN(10)
	if total.Paise() >= 1_00_000_00 {
		r = 5
	}
	switch {
	case r < 4:
		paise := (total.Paise() + 9999) / 10000 * 10000
		return []pos.Tender{{Method: pos.Cash, Amount: money.FromPaise(paise)}}
	case r < 7:
		return []pos.Tender{{Method: pos.UPI, Amount: total, Ref: "UPI" + uuid.NewString()[:12]}}
	case r < 9:
		return []pos.Tender{{Method: pos.Card, Amount: total, Ref: "CARD" + uuid.NewString()[:8]}}
	default:
		cash := money.FromPaise(total.Paise() / 2)
		return []pos.Tender{{Method: pos.Cash, Amount: cash}, {Method: pos.UPI, Amount: total.Sub(cash), Ref: "UPI" + uuid.NewString()[:12]}}
	}
}

func (w *worker) ringSale(ctx context.Context) {
	lines, total := w.cart()
	req := pos.SaleRequest{ShiftID: w.shiftID, Lines: lines, Tenders: w.tenders(total),
		// Named, with a PAN: a large cart then meets Rule 46(e) and Rule 114B.
		Buyer: &pos.Buyer{Name: "Load test customer", Address: "1 Test Marg, Lucknow", State: "UP", PAN: "ABCDE1234F"}}
	key := uuid.NewString()
	start := w.started()
	var sale pos.Sale
	retries, err := w.c.doPatient(ctx, "POST", "/api/v1/sales", req, key, &sale)
	if err != nil {
		if ctx.Err() == nil {
			w.fail(fmt.Errorf("sale: %w", err))
		}
		return
	}
	for _, t := range sale.Tenders {
		if t.Method == pos.Cash {
			w.cash = w.cash.Add(t.Amount)
		}
	}
	w.cash = w.cash.Sub(sale.Change)
	w.sales = append(w.sales, sale)
	w.mu.Lock()
	w.answered = append(w.answered, Answered{ID: sale.ID, Number: sale.InvoiceNo, Total: sale.Total, Counter: w.counter,
		Retries: retries, LatencyNS: int64(time.Since(start))})
	w.mu.Unlock()
}

// ringReturn returns one unit of one line of an earlier sale, in cash.
func (w *worker) ringReturn(ctx context.Context) {
	i := w.rnd.IntN(len(w.sales))
	s := &w.sales[i]
	for li := range s.Lines {
		l := &s.Lines[li]
		if l.Returned >= l.Qty {
			continue
		}
		req := pos.ReturnRequest{SaleID: s.ID, ShiftID: w.shiftID, Lines: []pos.ReturnLineRequest{{SKU: l.SKU, LineNo: l.LineNo, Qty: 1}},
			RefundMethod: pos.Cash, Reason: "load test"}
		var ret pos.Return
		if _, err := w.c.doPatient(ctx, "POST", "/api/v1/returns", req, uuid.NewString(), &ret); err != nil {
			if ctx.Err() == nil {
				w.fail(fmt.Errorf("return: %w", err))
			}
			return
		}
		l.Returned++
		w.cash = w.cash.Sub(ret.Refund)
		w.mu.Lock()
		w.answered = append(w.answered, Answered{ID: ret.ID, Number: ret.CreditNoteNo, Total: ret.Total, Counter: w.counter, Return: true})
		w.mu.Unlock()
		return
	}
	w.sales = append(w.sales[:i], w.sales[i+1:]...) // fully returned
}

func (w *worker) closeShift(ctx context.Context) (pos.Report, error) {
	var z pos.Report
	counted := w.float.Add(w.cash)
	_, err := w.c.doPatient(ctx, "POST", "/api/v1/shifts/"+w.shiftID+"/close", map[string]string{"counted_cash": counted.String()}, "", &z)
	return z, err
}

// checkZ compares a Z report with what this counter was answered.
func (w *worker) checkZ(z pos.Report) []string {
	var bad []string
	sales, returns := money.Zero, money.Zero
	var nSales, nReturns int64
	w.mu.Lock()
	for _, a := range w.answered {
		if a.Return {
			returns, nReturns = returns.Add(a.Total), nReturns+1
		} else {
			sales, nSales = sales.Add(a.Total), nSales+1
		}
	}
	w.mu.Unlock()
	check := func(what string, got, want money.Amount) {
		if !got.Equal(want) {
			bad = append(bad, fmt.Sprintf("%s %s: Z report %s, answered %s", w.counter, what, got, want))
		}
	}
	check("sales total", z.Sales.Total, sales)
	check("returns total", z.Returns.Total, returns)
	if z.Sales.Count != nSales || z.Returns.Count != nReturns {
		bad = append(bad, fmt.Sprintf("%s counts: Z report %d sales %d returns, answered %d and %d", w.counter, z.Sales.Count, z.Returns.Count, nSales, nReturns))
	}
	if z.OverShort == nil || !z.OverShort.IsZero() {
		bad = append(bad, fmt.Sprintf("%s cash over/short is %v, want 0.00", w.counter, z.OverShort))
	}
	return bad
}
