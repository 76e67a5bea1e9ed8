package synce2e

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"ektamall/cmd/ektamall/internal/e2e"
	"ektamall/shared/events"
)

// BenchmarkRelay measures the mall's relay alone: a backlog of outbox rows
// published into the mall's own JetStream (sync_always), no hub. It reports
// the CPU (this process: relay, NATS server, SQLite) per event, the figure
// to compare on a loaded machine.
//
// Run: go test -run '^$' -bench Relay -benchtime 5000x ./cmd/ektamall/internal/e2e/synce2e
func BenchmarkRelay(b *testing.B) {
	m := startMall(b, "LKO1", "UP", filepath.Join(b.TempDir(), "LKO1"), "nats-leaf://127.0.0.1:1", "", nil)
	defer m.stop()
	prods := loadSeed(b).Products
	ctx := context.Background()
	err := m.DB.Transact(ctx, func(tx *sql.Tx) error {
		for j := range b.N {
			s := sampleSaleOf(m.ID, j, prods[j%len(prods)].SKU, prods[j%len(prods)].ProducerID)
			if _, err := events.Append(ctx, tx, m.ID, events.SaleCompleted, s.At, s); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	cpu0 := processCPU(b)
	b.ResetTimer()
	m.Svc.Notify()
	e2e.WaitFor(b, 10*time.Minute, "backlog relayed", func() error {
		if st := m.status(b); st.RelayedSeq != int64(b.N) {
			return fmt.Errorf("relayed %d", st.RelayedSeq)
		}
		return nil
	})
	b.StopTimer()
	b.ReportMetric(float64((processCPU(b)-cpu0).Microseconds())/float64(b.N), "cpu-µs/event")
}

func processCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
