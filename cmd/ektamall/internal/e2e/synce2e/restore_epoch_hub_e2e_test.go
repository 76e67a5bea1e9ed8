package synce2e

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"ektamall/cmd/ektamall/internal/e2e"
	"ektamall/shared/events"
	"ektamall/shared/ids"
	"ektamall/shared/syncwire"
)

// TestHubBooksBothHistoriesInAnyOrder: the hub moves to a restored mall's
// new epoch at its marker, whatever order the two histories' events come
// in. A marker that arrives before the backup's events waits for them; an
// event of the replaced history after a gap that will never fill is booked
// when the marker shows that history ended; a straggler of it that comes
// after the marker is booked too. Every sale once, nothing parked.
func TestHubBooksBothHistoriesInAnyOrder(t *testing.T) {
	dir := t.TempDir()
	h := startHub(t, filepath.Join(dir, "hub"), "", nil)
	sku := firstSKU(t)
	k := events.EpochStart(1)
	for _, c := range []struct {
		name  string
		order []int64 // the event numbers, in the order the hub gets them
		prev  int64   // where the backup ended
		wm    int64   // the hub's watermark at the end
	}{
		// 2 was lost with the database; 4 is a straggler of the old history.
		{"RSA", []int64{1, 3, k, k + 1, 4}, 1, k + 1},
		// The marker comes before the backup's events 2 and 3.
		{"RSB", []int64{1, k, k + 1, 2, 3}, 3, k + 1},
	} {
		mdir := filepath.Join(dir, c.name)
		m := startMall(t, c.name, "UP", mdir, "nats-leaf://"+h.leaf, h.provision(c.name, "UP", mdir), nil)
		nc, err := m.NATS.Connect()
		if err != nil {
			t.Fatal(err)
		}
		js, _ := jetstream.New(nc)
		sales := 0
		for _, seq := range c.order {
			ev := events.Envelope{ID: ids.New(), Mall: c.name, Seq: seq, Type: events.SaleCompleted, At: time.Now().UTC(), Version: events.Version}
			var payload any = sampleSale(c.name, sales, sku)
			if seq == k {
				ev.Type = events.MallRestored
				payload = events.Restore{Epoch: 1, PrevSeq: c.prev, RestoredAt: ev.At, Series: "A"}
			} else {
				sales++
			}
			ev.Payload, _ = json.Marshal(payload)
			raw, _ := json.Marshal(ev)
			if _, err := js.Publish(context.Background(), syncwire.EventSubject(c.name, ev.Type), raw); err != nil {
				t.Fatal(err)
			}
		}
		nc.Close()
		e2e.WaitFor(t, 30*time.Second, c.name+" at the hub", func() error {
			wm, hi := watermark(h.DB, c.name)
			if n, _ := hubTotals(t, h.DB, c.name); wm != c.wm || hi != c.wm || n != sales {
				return fmt.Errorf("watermark %d, highest %d, %d of %d sales applied", wm, hi, n, sales)
			}
			return nil
		})
		var parked int
		h.DB.Reader().QueryRowContext(context.Background(), `SELECT count(*) FROM parked_events WHERE mall_id = ?`, c.name).Scan(&parked)
		if parked != 0 {
			t.Fatalf("%s: %d events parked", c.name, parked)
		}
	}
}
