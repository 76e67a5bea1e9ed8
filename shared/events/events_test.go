package events_test

import (
	"context"
	"database/sql"
	"io"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"ektamall/migrations"
	"ektamall/shared/events"
	"ektamall/shared/money"
	"ektamall/shared/sqlitedb"
)

func TestAppendIsGaplessUnderConcurrency(t *testing.T) {
	ctx := context.Background()
	db, err := sqlitedb.Open(ctx, filepath.Join(t.TempDir(), "m.db"), sqlitedb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := migrations.Apply(ctx, db.W, migrations.Mall, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 25; i++ {
				err := db.Transact(ctx, func(tx *sql.Tx) error {
					_, err := events.Append(ctx, tx, "LKO1", events.SaleCompleted, time.Now(), events.Sale{SaleID: "s", Total: money.MustParse("10.00")})
					return err
				})
				if err != nil {
					t.Error(err)
				}
			}
		}(g)
	}
	// A rolled-back transaction must not burn a sequence number.
	_ = db.Transact(ctx, func(tx *sql.Tx) error {
		events.Append(ctx, tx, "LKO1", events.SaleCompleted, time.Now(), events.Sale{})
		return sql.ErrTxDone
	})
	wg.Wait()
	var n, maxSeq int64
	db.R.QueryRow(`SELECT count(*), max(seq) FROM outbox`).Scan(&n, &maxSeq)
	if n != 200 || maxSeq != 200 {
		t.Fatalf("outbox rows %d, max seq %d; want 200 and 200 (no gaps)", n, maxSeq)
	}
	var raw []byte
	db.R.QueryRow(`SELECT payload FROM outbox WHERE seq = 17`).Scan(&raw)
	ev, err := events.Decode(raw)
	if err != nil || ev.Seq != 17 || ev.Mall != "LKO1" || ev.Type != events.SaleCompleted {
		t.Fatalf("decoded %+v, %v", ev, err)
	}
}

func TestDecodeRejectsBadEnvelopes(t *testing.T) {
	bad := []string{
		``, `{}`, `[]`,
		`{"id":"x","mall":"LKO1","seq":0,"type":"sale.completed","at":"2026-01-01T00:00:00Z","v":1}`,
		`{"id":"x","mall":"LKO1","seq":1,"type":"sale.exploded","at":"2026-01-01T00:00:00Z","v":1}`,
		`{"id":"x","mall":"LKO1","seq":1,"type":"sale.completed","at":"2026-01-01T00:00:00Z","v":99}`,
		`{"id":"x","mall":"","seq":1,"type":"sale.completed","at":"2026-01-01T00:00:00Z","v":1}`,
		`{"id":"x","mall":"LKO1","seq":1,"type":"sale.completed","v":1}`,
	}
	for _, b := range bad {
		if _, err := events.Decode([]byte(b)); err == nil {
			t.Errorf("accepted %s", b)
		}
	}
}
