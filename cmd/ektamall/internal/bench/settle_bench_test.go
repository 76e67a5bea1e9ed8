package bench

import (
	"context"
	"io"
	"log/slog"
	"os"
	"strconv"
	"testing"
)

// BenchmarkSettlement runs one settlement over generated sale lines (10
// million, or SETTLE_LINES) beside a raw SQL aggregate over the same rows
// in the same run, and reports both times and the process's peak memory:
//
//	go test -run '^$' -bench Settlement -benchtime 1x -timeout 30m ./cmd/ektamall/internal/bench/
//
// 'make bench' reports the same figures for the whole system.
func BenchmarkSettlement(b *testing.B) {
	n := 10_000_000
	if s := os.Getenv("SETTLE_LINES"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v <= 0 {
			b.Fatalf("SETTLE_LINES=%q", s)
		}
		n = v
	}
	for i := 0; i < b.N; i++ {
		r, err := measureSettle(context.Background(), b.TempDir(), n, slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(r.run.Seconds(), "run-s")
		b.ReportMetric(r.raw.Seconds(), "raw-aggregate-s")
		b.ReportMetric(r.run.Seconds()/r.raw.Seconds(), "ratio")
		b.ReportMetric(float64(r.dbBytes)/float64(n), "db-bytes/line")
	}
	b.ReportMetric(float64(statusKB("/proc/self/status", "VmHWM"))/1024, "peak-RSS-MB")
}
