package synce2e

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"ektamall/cmd/ektamall/internal/e2e"
	"ektamall/hub/ingest"
	"ektamall/hub/ledger"
	"ektamall/shared/events"
)

const benchEvents = 100_000

// BenchmarkBacklogDrain measures, in one run over the same kind of leaf
// link (a loopback TCP proxy), how fast a mall's backlog of 100,000 sales
// reaches the hub:
//   - raw-mirror: the hub's JetStream mirror of the mall's stream alone;
//   - to-ledger: the whole path, into the hub's SQLite and ledger, until
//     the watermark covers every event.
//
// Run: go test -run '^$' -bench BacklogDrain -benchtime 1x ./cmd/ektamall/internal/e2e/synce2e
func BenchmarkBacklogDrain(b *testing.B) {
	base := b.TempDir()
	prepared := prepareBacklog(b, filepath.Join(base, "prepared"))
	for _, mode := range []string{"raw-mirror", "to-ledger"} {
		b.Run(mode, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				dir := filepath.Join(base, fmt.Sprintf("%s-%d", mode, i))
				copyDir(b, prepared, filepath.Join(dir, "LKO1"))
				h := startHub(b, filepath.Join(dir, "hub"), "", func(c *ingest.Config) {
					c.Books = ledger.NewApplier(nil).Open
				})
				p := newProxy(b, h.leaf)
				creds := h.provision("LKO1", "UP", filepath.Join(dir, "LKO1"))
				if mode == "raw-mirror" {
					h.Svc.Close() // the mirror stays; nothing ingests
					h.Svc = nil
				}
				b.StartTimer()
				start := time.Now()
				m := startMall(b, "LKO1", "UP", filepath.Join(dir, "LKO1"), p.url(), creds, nil)
				if mode == "raw-mirror" {
					e2e.WaitFor(b, 5*time.Minute, "mirror complete", func() error { return mirrorHas(h, "LKO1", benchEvents) })
				} else {
					waitWatermark(b, h, m, benchEvents, 5*time.Minute)
				}
				el := time.Since(start)
				b.StopTimer()
				b.ReportMetric(float64(benchEvents)/el.Seconds(), "events/s")
				m.stop()
				h.stop()
			}
		})
	}
}

// prepareBacklog builds a mall whose outbox holds benchEvents sales, all
// relayed into its local stream while it never reached a hub.
func prepareBacklog(b *testing.B, dir string) string {
	b.Helper()
	m := startMall(b, "LKO1", "UP", dir, "nats-leaf://127.0.0.1:1", "", nil)
	prods := loadSeed(b).Products
	ctx := context.Background()
	for i := 0; i < benchEvents; i += 1000 {
		err := m.DB.Transact(ctx, func(tx *sql.Tx) error {
			for j := i; j < i+1000; j++ {
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
	}
	e2e.WaitFor(b, 10*time.Minute, "backlog relayed", func() error {
		if st := m.status(b); st.RelayedSeq != benchEvents {
			return fmt.Errorf("relayed %d", st.RelayedSeq)
		}
		return nil
	})
	m.stop()
	return dir
}

func copyDir(b *testing.B, from, to string) {
	b.Helper()
	err := filepath.Walk(from, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		dst := filepath.Join(to, rel)
		if info.IsDir() {
			return os.MkdirAll(dst, 0o750)
		}
		if info.Name() == "LOCK" {
			return nil
		}
		in, err := os.Open(p)
		if err != nil {
			return err
		}
		defer in.Close()
		out, err := os.Create(dst)
		if err != nil {
			return err
		}
		if _, err := io.Copy(out, in); err != nil {
			out.Close()
			return err
		}
		return out.Close()
	})
	if err != nil {
		b.Fatal(err)
	}
}
