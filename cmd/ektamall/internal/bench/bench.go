package bench

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"time"
)

// Options are the flags of 'ektamall bench'.
type Options struct {
	dir, out    string
	counters    int
	counterRate float64
	duration    time.Duration
	events      int
	settleLines int
	products    int
	keep        bool
}

func Flags(fs *flag.FlagSet) *Options {
	o := &Options{}
	fs.StringVar(&o.dir, "dir", "", "scratch directory for the databases (default: a new temporary directory, removed afterwards)")
	fs.StringVar(&o.out, "out", "bin/bench.json", "write the figures as JSON to this file")
	fs.IntVar(&o.counters, "counters", 32, "concurrent counters for the checkout run")
	fs.DurationVar(&o.duration, "duration", 15*time.Second, "how long each checkout run sells")
	fs.Float64Var(&o.counterRate, "counter-rate", 2, "sales a second per counter in the paced run that measures checkout latency (a busy cashier rings one a minute)")
	fs.IntVar(&o.events, "events", 100_000, "events in the backlog drained into the hub's ledger")
	fs.IntVar(&o.settleLines, "settle-lines", 10_000_000, "sale lines in the settlement run")
	fs.IntVar(&o.products, "products", 10_000, "catalog size for the cold start")
	fs.BoolVar(&o.keep, "keep", false, "keep the scratch directory")
	pgFlags(fs)
	fs.StringVar(&profileDir, "profile", "", "write a pprof CPU profile of every mall and hub process the bench starts into this directory")
	return o
}

// figure is one line of the table: a measurement next to the raw limit of
// the same building block, measured in the same run.
type figure struct {
	Name     string  `json:"-"`
	What     string  `json:"what"`
	Value    float64 `json:"value"`
	Unit     string  `json:"unit"`
	Baseline float64 `json:"baseline"`
	BaseWhat string  `json:"baseline_is"`
	Ratio    float64 `json:"ratio"`
	Target   string  `json:"target"`
	Met      bool    `json:"met"`
}

func newFigure(name, what string, value float64, unit string, base float64, baseWhat, target string, met func(v, b, r float64) bool) figure {
	r := 0.0
	if base != 0 {
		r = value / base
	}
	return figure{Name: name, What: what, Value: value, Unit: unit, Baseline: base, BaseWhat: baseWhat, Ratio: r, Target: target, Met: met(value, base, r)}
}

// Run is 'ektamall bench': it measures every path next to its raw limit
// and writes the table and the JSON file. o comes from Flags. Each step is
// a function in this package's other files.
func Run(ctx context.Context, o *Options, stdout io.Writer) error {
	if profileDir != "" {
		if err := os.MkdirAll(profileDir, 0o750); err != nil {
			return err
		}
	}
	if o.dir == "" {
		d, err := os.MkdirTemp("", "ektamall-bench-")
		if err != nil {
			return err
		}
		o.dir = d
		if !o.keep {
			defer os.RemoveAll(d)
		}
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	host, _ := os.Hostname()
	fmt.Fprintf(stdout, "bench: %s/%s, %d CPUs, %s, scratch %s\n", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), host, o.dir)
	start := time.Now()
	step := func(name string) func() {
		t := time.Now()
		fmt.Fprintf(stdout, "  %-44s", name+" ...")
		return func() { fmt.Fprintf(stdout, " %s\n", time.Since(t).Round(100*time.Millisecond)) }
	}
	var figs []figure

	done := step("(a) raw SQLite checkout-shaped transactions")
	raw, err := measureRawCheckout(ctx, filepath.Join(o.dir, "raw"), 3*time.Second)
	if err != nil {
		return fmt.Errorf("raw checkout: %w", err)
	}
	done()

	done = step("(b,f,g) mall: checkouts, memory, cold start")
	mall, err := measureMall(ctx, o, filepath.Join(o.dir, "mall"), log)
	if err != nil {
		return fmt.Errorf("mall: %w", err)
	}
	done()
	figs = append(figs,
		newFigure("checkout_http", fmt.Sprintf("checkouts over HTTP, %d counters", o.counters), mall.salesPerSec, "sales/s",
			raw.perSec, "raw SQL checkout-shaped tx/s", "≥ 0.5× raw", func(_, _, r float64) bool { return r >= 0.5 }),
		newFigure("checkout_p99", fmt.Sprintf("checkout p99, %d counters at %g sales/s each", o.counters, o.counterRate), ms(mall.pacedP99), "ms",
			ms(raw.p99), "raw tx p99, one writer", "< 10 ms", func(v, _, _ float64) bool { return v < 10 }),
		newFigure("checkout_p99_saturated", fmt.Sprintf("checkout p99, %d counters flat out", o.counters), ms(mall.p99), "ms",
			ms(raw.p99), "raw tx p99, one writer", "report", func(float64, float64, float64) bool { return true }))

	done = step("(c) raw JetStream mirror across a leaf link")
	mirror, err := measureRawMirror(ctx, filepath.Join(o.dir, "nats"), o.events, log)
	if err != nil {
		return fmt.Errorf("raw mirror: %w", err)
	}
	done()

	done = step(fmt.Sprintf("(d,f) drain %d events into the hub ledger", o.events))
	drain, err := measureDrain(ctx, o, filepath.Join(o.dir, "drain"), log)
	if err != nil {
		return fmt.Errorf("drain: %w", err)
	}
	done()
	figs = append(figs,
		newFigure("backlog_drain", fmt.Sprintf("backlog of %d events into the hub ledger", o.events), drain.perSec, "events/s",
			mirror, "raw JetStream mirror events/s", "≥ 0.25× raw, ≥ 20,000/s", func(v, _, r float64) bool { return r >= 0.25 && v >= 20000 }))

	done = step(fmt.Sprintf("(h) catch-up of %d events after outages", o.events))
	cu, err := measureCatchUp(ctx, o, filepath.Join(o.dir, "catchup"), log)
	if err != nil {
		return fmt.Errorf("catch-up: %w", err)
	}
	done()
	figs = append(figs, catchUpFigures(o, cu)...)

	done = step(fmt.Sprintf("(e) settlement of %d lines", o.settleLines))
	st, err := measureSettle(ctx, filepath.Join(o.dir, "settle"), o.settleLines, log)
	if err != nil {
		return fmt.Errorf("settlement: %w", err)
	}
	done()
	figs = append(figs,
		newFigure("settlement", fmt.Sprintf("settlement run over %d sale lines", o.settleLines), st.run.Seconds(), "s",
			st.raw.Seconds(), "raw SQL aggregate over the lines, s", "≤ 1.5× raw", func(_, _, r float64) bool { return r <= 1.5 }),
		newFigure("mall_rss", "mall peak RSS under checkout load", mb(mall.peakRSS), "MB",
			mb(mall.idleRSS), "the same mall idle after start, MB", "< 150 MB", func(v, _, _ float64) bool { return v < 150 }),
		newFigure("hub_rss", "hub peak RSS while draining the backlog", mb(drain.peakRSS), "MB",
			mb(drain.idleRSS), "the same hub idle after start, MB", "< 300 MB", func(v, _, _ float64) bool { return v < 300 }),
		newFigure("cold_start", fmt.Sprintf("mall cold start to /readyz, %d products", o.products), mall.coldBig.Seconds(), "s",
			mall.coldSeed.Seconds(), "the same mall with the seed catalog, s", "< 2 s", func(v, _, _ float64) bool { return v < 2 }))

	pg, err := measurePG(ctx, o, stdout, step, mirror, log)
	if err != nil {
		return err
	}
	figs = append(figs, pg...)

	printTable(stdout, figs)
	printTargets(stdout, figs)
	fmt.Fprintf(stdout, "raw ceilings: %.0f checkout tx/s (p99 %.2f ms), %.0f mirrored events/s; total bench time %s\n",
		raw.perSec, ms(raw.p99), mirror, time.Since(start).Round(time.Second))
	fmt.Fprintf(stdout, "hub database with %d sale lines: %.1f GB (%.0f bytes a line, indexes included)\n",
		o.settleLines, float64(st.dbBytes)/1e9, float64(st.dbBytes)/float64(max(o.settleLines, 1)))
	for _, m := range mall.mismatches {
		fmt.Fprintf(stdout, "Z-report mismatch: %s\n", m)
	}
	if mall.errors > 0 || len(mall.mismatches) > 0 {
		return fmt.Errorf("checkout run: %d errors, %d Z-report mismatches", mall.errors, len(mall.mismatches))
	}
	out := map[string]figure{}
	for _, f := range figs {
		out[f.Name] = f
	}
	b, _ := json.MarshalIndent(out, "", "  ")
	if err := os.MkdirAll(filepath.Dir(o.out), 0o750); err != nil {
		return err
	}
	return os.WriteFile(o.out, append(b, '\n'), 0o644)
}

func printTable(w io.Writer, figs []figure) {
	fmt.Fprintf(w, "\n| %-48s | %10s | %-8s | %10s | %-38s | %7s | %-10s |\n", "measure", "value", "unit", "baseline", "baseline is", "ratio", "target")
	fmt.Fprintf(w, "|%s|%s|%s|%s|%s|%s|%s|\n", dashes(50), dashes(12), dashes(10), dashes(12), dashes(40), dashes(9), dashes(12))
	for _, f := range figs {
		mark := "met"
		switch {
		case f.Target == "report":
			mark = "" // for reading beside a target, not one itself
		case !f.Met:
			mark = "MISSED"
		}
		fmt.Fprintf(w, "| %-48s | %10.2f | %-8s | %10.2f | %-38s | %7.2f | %-10s | %s\n", f.What, f.Value, f.Unit, f.Baseline, f.BaseWhat, f.Ratio, f.Target, mark)
	}
	fmt.Fprintln(w)
}

func dashes(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = '-'
	}
	return string(b)
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
func mb(kb int64) float64        { return float64(kb) / 1024 }
