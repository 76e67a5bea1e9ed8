package ingest_test

import (
	"context"
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"ektamall/hub"
	"ektamall/hub/ingest"
	"ektamall/hub/ledger"
	"ektamall/hub/ledger/ledgertest"
	"ektamall/shared/errs"
	"ektamall/shared/events"
	"ektamall/shared/sqldb"
)

// countingBooks is the ledger's books, counting what each transaction
// booked.
type countingBooks struct {
	hub.Books
	booked map[string]int // event id → Book calls
}

func (c *countingBooks) Book(ctx context.Context, ev events.Event) error {
	c.booked[ev.ID]++
	return c.Books.Book(ctx, ev)
}

// TestEachEventDecodedOnce: the hub decodes each message it receives
// once, however many parts read the event after (the reference check, the
// router, the books), when an out-of-order event is held and then applied
// in the same batch, and when a refused event makes the batch run again
// with savepoints. Only an event held by an earlier transaction is decoded
// again, when it is read back from the database.
func TestEachEventDecodedOnce(t *testing.T) {
	ctx := context.Background()
	db := ledgertest.Open(t)
	if _, err := db.Writer().ExecContext(ctx, `INSERT INTO mall_sync (mall_id) VALUES ('LKO1')`); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 5, 4, 12, 0, 0, 0, time.UTC)
	a := ledger.NewApplier(func() time.Time { return now })
	var runs []*countingBooks
	ing := &ingest.Ingester{DB: db, Now: func() time.Time { return now }, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Books: func(tx sqldb.Tx) hub.Books {
			c := &countingBooks{Books: a.Open(tx), booked: map[string]int{}}
			runs = append(runs, c)
			return c
		}}
	ps := ledgertest.Products(t, 5)
	m := ledgertest.NewMall("LKO1")
	sale := func(sku string) events.Envelope {
		s := m.Sale("SH1", now, []ledgertest.Item{{Product: ps[0], Qty: 1}}, nil)
		s.Lines[0].SKU = sku
		return m.Envelope(events.SaleCompleted, now, s)
	}
	e1, e2, e3 := sale(ps[0].SKU), sale(ps[0].SKU), sale(ps[0].SKU)
	e4 := sale("ZZ-ZZZ-999") // refused: unknown product
	e5 := m.Envelope(events.TransferSent, now, events.Transfer{TransferID: "T1", FromMall: "LKO1", ToMall: "BLR1", Zone: "UP",
		Lines: []events.TransferLine{{SKU: ps[0].SKU, Qty: 2}}, At: now})
	var msgs []ingest.Message
	for i, d := range [][]byte{raw(t, e1), raw(t, e3), raw(t, e2), raw(t, e4), raw(t, e5), raw(t, e5), []byte("not json")} {
		msgs = append(msgs, ingest.Raw(uint64(i+1), d))
	}
	parked, err := ing.Ingest(ctx, "LKO1", msgs)
	if err != nil {
		t.Fatal(err)
	}
	if got := ing.Decoded(); got != int64(len(msgs)) {
		t.Fatalf("%d messages decoded %d times", len(msgs), got)
	}
	if len(runs) != 2 {
		t.Fatalf("the refused event should have made the batch run again with savepoints: %d runs", len(runs))
	}
	last := runs[len(runs)-1].booked
	for _, ev := range []events.Envelope{e1, e2, e3, e5} {
		if last[ev.ID] != 1 {
			t.Errorf("event %d booked %d times in the committed run, want once", ev.Seq, last[ev.ID])
		}
	}
	if last[e4.ID] != 0 {
		t.Errorf("the event with an unknown product reached the books")
	}
	codes := map[int64]errs.Code{}
	for _, p := range parked {
		codes[p.Seq] = errs.CodeOf(p.Reason)
	}
	if len(parked) != 2 || codes[e4.Seq] != errs.NotFound || codes[0] != errs.Invalid {
		t.Fatalf("parked %+v, want the unknown product (not_found) and the unreadable message (invalid)", parked)
	}
	var sales, routed int
	db.Reader().QueryRowContext(ctx, `SELECT count(*) FROM hub_sales WHERE mall = 'LKO1'`).Scan(&sales)
	db.Reader().QueryRowContext(ctx, `SELECT count(*) FROM routed_events WHERE to_mall = 'BLR1'`).Scan(&routed)
	if sales != 3 || routed != 1 {
		t.Fatalf("%d sales booked (want 3), %d transfers routed (want 1)", sales, routed)
	}

	// An event held across transactions is read back and decoded once more.
	e6, e7 := sale(ps[0].SKU), sale(ps[0].SKU)
	before := ing.Decoded()
	for _, ev := range []events.Envelope{e7, e6} {
		if _, err := ing.Ingest(ctx, "LKO1", []ingest.Message{ingest.Raw(uint64(ev.Seq), raw(t, ev))}); err != nil {
			t.Fatal(err)
		}
	}
	if got := ing.Decoded() - before; got != 3 {
		t.Fatalf("two messages, one held by an earlier transaction: decoded %d times, want 3", got)
	}
	db.Reader().QueryRowContext(ctx, `SELECT count(*) FROM hub_sales WHERE mall = 'LKO1'`).Scan(&sales)
	if sales != 5 {
		t.Fatalf("%d sales booked, want 5", sales)
	}
}

func raw(t *testing.T, ev events.Envelope) []byte {
	t.Helper()
	b, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestOneDecodeSite: outside its tests, the hub decodes events in one
// place, the ingester's decode; nothing else in hub/ calls the events
// decoders or unmarshals an event's payload itself.
func TestOneDecodeSite(t *testing.T) {
	var sites []string
	err := filepath.WalkDir("..", func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			pkg, _ := sel.X.(*ast.Ident)
			switch {
			case pkg != nil && pkg.Name == "events" && (sel.Sel.Name == "Decode" || sel.Sel.Name == "DecodePayload"):
				sites = append(sites, filepath.ToSlash(path)+": events."+sel.Sel.Name)
			case pkg != nil && pkg.Name == "json" && (sel.Sel.Name == "Unmarshal" || sel.Sel.Name == "NewDecoder") && readsPayload(call.Args):
				sites = append(sites, filepath.ToSlash(path)+": json."+sel.Sel.Name+" of a payload")
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"../ingest/decode.go: events.Decode", "../ingest/decode.go: events.DecodePayload"}
	slices.Sort(sites)
	if !slices.Equal(sites, want) {
		t.Fatalf("the hub decodes events at %q, want only %q", sites, want)
	}
}

// readsPayload: an argument names an event's Payload field.
func readsPayload(args []ast.Expr) bool {
	found := false
	for _, a := range args {
		ast.Inspect(a, func(n ast.Node) bool {
			if s, ok := n.(*ast.SelectorExpr); ok && s.Sel.Name == "Payload" {
				found = true
			}
			return !found
		})
	}
	return found
}
