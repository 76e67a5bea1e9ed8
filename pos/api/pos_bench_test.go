package api_test

import (
	"fmt"
	"runtime"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"ektamall/pos"
	"ektamall/shared/sqlitedb"
)

// BenchmarkCheckoutHTTP measures whole checkouts over HTTP on loopback
// against a SQLite file at synchronous=FULL (as production runs): a
// three-line cart (GST at 18%, 5% with a discount and 0%) paid by UPI and
// cash with change, each with a fresh Idempotency-Key and card reference
// (as loadgen sends: a reference repeated on every sale would make the
// same-day reference check, not the checkout, the measure). "serial" is one
// counter; "counters-8" is eight counters ringing at once, each on its own
// shift, which is what group commit will later speed up.
func BenchmarkCheckoutHTTP(b *testing.B) {
	for _, counters := range []int{1, 8} {
		name := "serial"
		if counters > 1 {
			name = fmt.Sprintf("counters-%d", counters)
		}
		b.Run(name, func(b *testing.B) {
			users := make([]string, counters)
			for i := range users {
				users[i] = fmt.Sprintf("bench%02d", i)
			}
			p := newPOSServer(b, sqlitedb.Options{Synchronous: benchSync}, users...)
			bodies := make([]string, counters)
			for i, u := range users {
				var sh pos.Shift
				p.json(u, "POST", "/api/v1/shifts", map[string]any{"counter": fmt.Sprintf("B%02d", i), "opening_float": "0.00"}, nil, 201, &sh)
				bodies[i] = fmt.Sprintf(`{"shift_id": %q, "lines": [{"sku": "UP-ALG-001", "qty": 1}, {"sku": "UP-AMT-001", "qty": 2, "discount": "5%%%%"},
					{"sku": "UP-AMR-001", "qty": 1}], "tenders": [{"method": "card", "amount": "2000.00", "ref": "CARD%%08d"}, {"method": "cash", "amount": "2100.00"}]}`, sh.ID)
			}
			var next, sold atomic.Int64
			b.SetParallelism(max(1, counters/runtime.GOMAXPROCS(0)))
			cpu0, ck0 := cpuTime(b), p.m.DB.Checkpoints()
			b.ResetTimer()
			if counters == 1 {
				for b.Loop() {
					if st, raw := p.do(users[0], "POST", "/api/v1/sales", fmt.Sprintf(bodies[0], next.Add(1)), key()); st != 201 {
						b.Fatalf("checkout: %d %s", st, raw)
					}
					sold.Add(1)
				}
			} else {
				b.RunParallel(func(pb *testing.PB) {
					i := int(next.Add(1)-1) % counters
					for pb.Next() {
						if st, raw := p.do(users[i], "POST", "/api/v1/sales", fmt.Sprintf(bodies[i], next.Add(1)), key()); st != 201 {
							b.Errorf("checkout: %d %s", st, raw)
							return
						}
						sold.Add(1)
					}
				})
			}
			b.ReportMetric(float64(sold.Load())/b.Elapsed().Seconds(), "sales/s")
			// CPU time is the figure to compare on a loaded machine; it
			// includes the HTTP client, which runs in this process.
			n := float64(max(1, sold.Load()))
			b.ReportMetric(float64((cpuTime(b)-cpu0).Microseconds())/n, "cpu-µs/sale")
			// Checkpoint time per sale: moving the WAL into the database
			// file, off the writer since issue 24 (a commit paid it before).
			ck := p.m.DB.Checkpoints()
			b.ReportMetric(float64((ck.Total-ck0.Total).Microseconds())/n, "ckpt-µs/sale")
		})
	}
}

// cpuTime is the CPU (user and system) this process has used so far.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// benchSync is FULL, as production runs; set it to NORMAL locally to see
// how much of a checkout is the fsync.
var benchSync = "FULL"
