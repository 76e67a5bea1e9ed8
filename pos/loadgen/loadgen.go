// Package loadgen drives a mall's HTTP API like a busy day of counters:
// carts of 1–8 lines, cash, UPI, card and split tenders, and about 3%
// returns. It records every sale the mall answered, so a caller (the load
// test, the chaos test) can check afterwards that the mall and the hub hold
// exactly those sales.
package loadgen

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"slices"
	"sync"
	"time"

	"ektamall/pos"
	"ektamall/shared/catalogdb"
	"ektamall/shared/money"
)

// Config says what load to apply to which mall.
type Config struct {
	MallURL       string
	AdminUser     string // a mall_admin, who creates the load's cashiers
	AdminPassword string
	Counters      int
	Duration      time.Duration
	Seed          uint64
	ReturnPercent int // share of sales followed by a return, default 3
	// Rate paces each counter at this many sales (and returns) a second,
	// on a fixed schedule; 0 rings the next sale as soon as the last is
	// answered. A sale's latency is counted from when it was due, so a
	// slow answer that delays the ones behind it shows in their latency
	// too (no coordinated omission).
	Rate float64
	// Patient retries a sale with the same Idempotency-Key while the mall
	// is unreachable or restarting (chaos runs); otherwise such a sale
	// counts as an error.
	Patient bool
	// Progress is called about five times a second with the figures so far.
	Progress func(Progress)
	Client   *http.Client
}

// Progress is a snapshot during the run.
type Progress struct {
	Elapsed       time.Duration
	Sales, Errors int64
}

// Answered is a sale or credit note the mall confirmed.
type Answered struct {
	ID        string       `json:"id"`
	Number    string       `json:"number"`
	Total     money.Amount `json:"total"`
	Counter   string       `json:"counter"`
	Return    bool         `json:"return,omitempty"`
	Retries   int          `json:"retries,omitempty"`
	LatencyNS int64        `json:"-"`
}

// Result is the outcome of a run.
type Result struct {
	Elapsed      time.Duration
	Sales        int64
	Returns      int64
	Errors       int64
	ErrorSamples []string
	SalesTotal   money.Amount
	ReturnsTotal money.Amount
	P50, P95     time.Duration
	P99, Max     time.Duration
	Answered     []Answered
	// ZReports are the closing reports of the load's shifts, and
	// ZMismatches every way they disagree with what the mall answered.
	ZReports    []pos.Report
	ZMismatches []string
}

// SalesPerSecond is the completed sale rate.
func (r Result) SalesPerSecond() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Sales) / r.Elapsed.Seconds()
}

// Run applies the load until the duration passes or ctx ends, closes the
// load's shifts and checks their Z reports against the answered sales.
func Run(ctx context.Context, cfg Config) (Result, error) {
	if cfg.Counters < 1 || cfg.Counters > 99 {
		return Result{}, fmt.Errorf("loadgen: counters must be 1-99, got %d", cfg.Counters)
	}
	if cfg.Duration <= 0 {
		return Result{}, errors.New("loadgen: duration must be positive")
	}
	if cfg.ReturnPercent == 0 {
		cfg.ReturnPercent = 3
	}
	if cfg.Client == nil {
		cfg.Client = &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: cfg.Counters + 4}}
	}
	admin := newClient(cfg)
	if err := admin.Login(ctx, cfg.AdminUser, cfg.AdminPassword); err != nil {
		return Result{}, fmt.Errorf("loadgen: admin login: %w", err)
	}
	var products []catalogdb.Product
	if err := admin.do(ctx, "GET", "/api/v1/products?limit=1000", nil, "", &products); err != nil {
		return Result{}, fmt.Errorf("loadgen: products: %w", err)
	}
	if len(products) == 0 {
		return Result{}, errors.New("loadgen: the mall has no products")
	}
	workers := make([]*worker, cfg.Counters)
	for i := range workers {
		w, err := newWorker(ctx, cfg, admin, i+1, products)
		if err != nil {
			return Result{}, err
		}
		workers[i] = w
	}
	start := time.Now()
	runCtx, cancel := context.WithDeadline(ctx, start.Add(cfg.Duration))
	defer cancel()
	var wg sync.WaitGroup
	for _, w := range workers {
		wg.Add(1)
		go func() { defer wg.Done(); w.run(runCtx) }()
	}
	stopProgress := reportProgress(cfg.Progress, start, workers)
	wg.Wait()
	stopProgress()
	res := collect(workers, time.Since(start))
	// Close with the cash each drawer should hold, so over/short must be 0.
	closeCtx, cancelClose := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Minute)
	defer cancelClose()
	for _, w := range workers {
		z, err := w.closeShift(closeCtx)
		if err != nil {
			return res, fmt.Errorf("loadgen: close shift at %s: %w", w.counter, err)
		}
		res.ZReports = append(res.ZReports, z)
		res.ZMismatches = append(res.ZMismatches, w.checkZ(z)...)
	}
	return res, nil
}

func reportProgress(fn func(Progress), start time.Time, ws []*worker) (stop func()) {
	if fn == nil {
		return func() {}
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(200 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				var p Progress
				p.Elapsed = time.Since(start)
				for _, w := range ws {
					s, e := w.counts()
					p.Sales += s
					p.Errors += e
				}
				fn(p)
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}

func collect(ws []*worker, elapsed time.Duration) Result {
	res := Result{Elapsed: elapsed, SalesTotal: money.Zero, ReturnsTotal: money.Zero}
	var lat []time.Duration
	for _, w := range ws {
		w.mu.Lock()
		for _, a := range w.answered {
			res.Answered = append(res.Answered, a)
			if a.Return {
				res.Returns++
				res.ReturnsTotal = res.ReturnsTotal.Add(a.Total)
			} else {
				res.Sales++
				res.SalesTotal = res.SalesTotal.Add(a.Total)
				lat = append(lat, time.Duration(a.LatencyNS))
			}
		}
		res.Errors += w.errors
		for _, e := range w.errSamples {
			if len(res.ErrorSamples) < 10 {
				res.ErrorSamples = append(res.ErrorSamples, e)
			}
		}
		w.mu.Unlock()
	}
	slices.Sort(lat)
	pct := func(p float64) time.Duration {
		if len(lat) == 0 {
			return 0
		}
		return lat[min(len(lat)-1, int(p*float64(len(lat))))]
	}
	res.P50, res.P95, res.P99 = pct(0.50), pct(0.95), pct(0.99)
	if len(lat) > 0 {
		res.Max = lat[len(lat)-1]
	}
	return res
}

// Summary writes the human summary of a run.
func (r Result) Summary(w io.Writer) {
	fmt.Fprintf(w, "sales      %d in %s: %.1f sales/s\n", r.Sales, r.Elapsed.Round(time.Millisecond), r.SalesPerSecond())
	fmt.Fprintf(w, "latency    p50 %s  p95 %s  p99 %s  max %s\n", r.P50.Round(10*time.Microsecond), r.P95.Round(10*time.Microsecond), r.P99.Round(10*time.Microsecond), r.Max.Round(10*time.Microsecond))
	fmt.Fprintf(w, "returns    %d\n", r.Returns)
	fmt.Fprintf(w, "amounts    sales ₹%s, returns ₹%s, net ₹%s\n", r.SalesTotal, r.ReturnsTotal, r.SalesTotal.Sub(r.ReturnsTotal))
	fmt.Fprintf(w, "errors     %d\n", r.Errors)
	for _, e := range r.ErrorSamples {
		fmt.Fprintf(w, "  e.g. %s\n", e)
	}
	if len(r.ZMismatches) == 0 {
		fmt.Fprintf(w, "z reports  %d shifts closed; totals equal the answered sales to the paisa\n", len(r.ZReports))
	} else {
		fmt.Fprintf(w, "z reports  %d MISMATCHES:\n", len(r.ZMismatches))
		for _, m := range r.ZMismatches {
			fmt.Fprintf(w, "  %s\n", m)
		}
	}
}

// rng makes a worker's deterministic random source.
func rng(seed uint64, counter int) *rand.Rand {
	return rand.New(rand.NewPCG(seed, uint64(counter)))
}
