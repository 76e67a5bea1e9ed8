package ingest_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"ektamall/hub"
	"ektamall/hub/ingest"
	"ektamall/hub/ledger"
	"ektamall/hub/ledger/ledgertest"
	"ektamall/shared/events"
	"ektamall/shared/sqldb"
)

// BenchmarkIngestBacklog is the hub's side of a backlog drain without
// NATS: batches of 2,000 one-line sales (the bench's backlog shape)
// ingested and booked. It reports the CPU per event (ns/event, which
// stays meaningful on a loaded machine, unlike a rate) and the rows and
// index entries each event leaves in the database (SQLite only):
//
//	go test -run '^$' -bench IngestBacklog -benchtime 5x -cpuprofile cpu.out ./hub/ingest
func BenchmarkIngestBacklog(b *testing.B) {
	const batch = 2000
	ctx := context.Background()
	db := ledgertest.Open(b)
	if _, err := db.Writer().ExecContext(ctx, `INSERT INTO mall_sync (mall_id) VALUES ('LKO1')`); err != nil {
		b.Fatal(err)
	}
	now := time.Date(2026, 5, 4, 12, 0, 0, 0, time.UTC)
	a := ledger.NewApplier(func() time.Time { return now })
	ing := &ingest.Ingester{DB: db, Books: a.Open, Now: func() time.Time { return now },
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	ps := ledgertest.Products(b, 200)
	m := ledgertest.NewMall("LKO1")
	next := func() []ingest.Message {
		msgs := make([]ingest.Message, batch)
		for i := range msgs {
			p := ps[int(m.Seq)%len(ps)]
			qty := 1 + m.Seq%3
			s := m.Sale("SH1", now, []ledgertest.Item{{Product: p, Qty: qty}},
				[]events.Tender{{Method: "cash", Amount: p.MRP.MulInt(qty)}})
			d, err := json.Marshal(m.Envelope(events.SaleCompleted, now, s))
			if err != nil {
				b.Fatal(err)
			}
			msgs[i] = ingest.Raw(uint64(m.Seq), d)
		}
		return msgs
	}
	before := rowCounts(b, db)
	cpu0 := cpuTime()
	b.ResetTimer()
	var genCPU time.Duration
	for range b.N {
		b.StopTimer()
		g := cpuTime()
		msgs := next()
		genCPU += cpuTime() - g
		b.StartTimer()
		parked, err := ing.Ingest(ctx, "LKO1", msgs)
		if err != nil || len(parked) > 0 {
			b.Fatalf("%v; %d parked, the first: %v", err, len(parked), parked)
		}
	}
	b.StopTimer()
	n := float64(b.N * batch)
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/n, "ns/event")
	// The process's CPU (every thread: the decoder runs beside the
	// writer), less the test's own making of the messages, is close enough:
	// that is measured apart below.
	b.ReportMetric(float64(cpuTime()-cpu0-genCPU)/n, "cpu-ns/event")
	if db.Dialect() == sqldb.SQLite {
		after := rowCounts(b, db)
		b.ReportMetric(float64(after.rows-before.rows)/n, "rows/event")
		b.ReportMetric(float64(after.entries-before.entries)/n, "index-entries/event")
	}
}

// cpuTime is the CPU the process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

type counts struct{ rows, entries int64 }

var partialWhere = regexp.MustCompile(`(?is)\)\s*WHERE\s+(.*)$`)

// rowCounts counts the rows of every table and the entries of every index
// (a table's rowid b-tree not included; a WITHOUT ROWID table's primary
// key is its rows) in a SQLite hub database.
func rowCounts(tb testing.TB, db hub.Store) counts {
	tb.Helper()
	if db.Dialect() != sqldb.SQLite {
		return counts{}
	}
	ctx := context.Background()
	rows, err := db.Reader().QueryContext(ctx, `SELECT type, name, tbl_name, COALESCE(sql, '') FROM sqlite_master
		WHERE type IN ('table', 'index') AND name NOT LIKE 'sqlite_stat%' AND name <> 'goose_db_version'`)
	if err != nil {
		tb.Fatal(err)
	}
	type obj struct{ typ, name, tbl, sql string }
	var objs []obj
	for rows.Next() {
		var o obj
		if err := rows.Scan(&o.typ, &o.name, &o.tbl, &o.sql); err != nil {
			tb.Fatal(err)
		}
		objs = append(objs, o)
	}
	rows.Close()
	var c counts
	for _, o := range objs {
		q := `SELECT count(*) FROM "` + o.tbl + `"`
		if o.typ == "index" {
			if m := partialWhere.FindStringSubmatch(o.sql); m != nil {
				q += " WHERE " + m[1]
			}
		}
		var n int64
		if err := db.Reader().QueryRowContext(ctx, q).Scan(&n); err != nil {
			tb.Fatal(o.name, err)
		}
		if o.typ == "table" {
			c.rows += n
			if strings.Contains(strings.ToUpper(o.sql), "WITHOUT ROWID") {
				c.entries += n
			}
		} else {
			c.entries += n
		}
	}
	return c
}
