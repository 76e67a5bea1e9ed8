// Package ledgertest builds a real hub database and mall events for the
// tests of the ledger, settlement, reconciliation and the finance API.
package ledgertest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"
	"time"

	"ektamall/hub"
	"ektamall/hub/hubdb"
	"ektamall/hub/ingest"
	"ektamall/hub/ledger"
	"ektamall/shared/catalog"
	"ektamall/shared/catalogdb"
	"ektamall/shared/events"
	"ektamall/shared/gst"
	"ektamall/shared/ids"
	"ektamall/shared/money"
	"ektamall/shared/sqldb"
	"ektamall/shared/sqldb/pgtest"
)

// Malls registered by Open: two states and a Union Territory that levies
// UTGST.
var Malls = map[string]string{"LKO1": "UP", "BLR1": "KA", "CHD1": "CH"}

// Open creates a migrated, seeded hub database with Malls registered: a
// SQLite file in a temp dir, or, when EKTAMALL_TEST_PG is set (see
// shared/sqldb/pgtest), a database of its own on that PostgreSQL server.
// It is closed when the test ends.
func Open(t testing.TB) hub.Store {
	t.Helper()
	url := ""
	if pgtest.Enabled() {
		url = pgtest.NewDatabase(t)
	}
	return OpenAt(t, url, t.TempDir())
}

// OpenAt is Open on the database url names, or with url "" the SQLite
// file hub.db in dir.
func OpenAt(t testing.TB, url, dir string) hub.Store {
	t.Helper()
	ctx := context.Background()
	db, _, err := hubdb.Open(ctx, url, dir, "NORMAL", slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	seed, err := catalog.LoadSeed()
	if err != nil {
		t.Fatal(err)
	}
	err = db.Transact(ctx, func(tx sqldb.Tx) error {
		if err := catalogdb.InsertSeed(ctx, tx, seed, false, time.Now()); err != nil {
			return err
		}
		for id, st := range Malls {
			if _, err := tx.ExecContext(ctx, `INSERT INTO malls (id, state, name, gstin, created_at) VALUES (?, ?, ?, '', ?)`,
				id, st, id+" Ekta Mall", ledger.TS(time.Now())); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// Products returns n seed products spread over states and categories
// (deterministic).
func Products(t testing.TB, n int) []catalog.Product {
	t.Helper()
	seed, err := catalog.LoadSeed()
	if err != nil {
		t.Fatal(err)
	}
	ps := seed.Products
	sort.Slice(ps, func(i, j int) bool { return ps[i].SKU < ps[j].SKU })
	step := max(1, len(ps)/n)
	var out []catalog.Product
	for i := 0; i < len(ps) && len(out) < n; i += step {
		out = append(out, ps[i])
	}
	return out
}

// Mall numbers one mall's events.
type Mall struct {
	ID    string
	State string
	Seq   int64
	n     int
}

// NewMall starts a mall's event stream at sequence 1.
func NewMall(id string) *Mall { return &Mall{ID: id, State: Malls[id]} }

// Envelope wraps a payload as the mall's next event.
func (m *Mall) Envelope(typ string, at time.Time, payload any) events.Envelope {
	body, err := json.Marshal(payload)
	if err != nil {
		panic(err)
	}
	m.Seq++
	return events.Envelope{ID: ids.New(), Mall: m.ID, Seq: m.Seq, Type: typ, At: at.UTC(), Version: events.Version, Payload: body}
}

// Item is a product sold on one line.
type Item struct {
	Product  catalog.Product
	Qty      int64
	Discount money.Amount
}

// Sale builds a sale as the POS would: tax back-calculated per line,
// paid by the given tenders (nil: all UPI with a reference).
func (m *Mall) Sale(shift string, at time.Time, items []Item, tenders []events.Tender) events.Sale {
	m.n++
	ut := m.State == "CH"
	s := events.Sale{SaleID: ids.New(), InvoiceNo: fmt.Sprintf("%s/C01/%06d", m.ID, m.n), ShiftID: shift, Counter: "C01", At: at.UTC()}
	total := money.Zero
	for i, it := range items {
		amt := it.Product.MRP.MulInt(it.Qty).Sub(it.Discount)
		sp := gst.Inclusive(amt, it.Product.GSTRate, ut)
		s.Lines = append(s.Lines, events.SaleLine{LineNo: i + 1, SKU: it.Product.SKU, ProducerID: it.Product.ProducerID,
			DistrictID: it.Product.DistrictID, State: it.Product.State, HSN: it.Product.HSN, Qty: it.Qty, UnitPrice: it.Product.MRP,
			Discount: it.Discount, Amount: amt, Taxable: sp.Taxable, GSTRate: it.Product.GSTRate, CGST: sp.CGST, SGST: sp.SGST, UTGST: ut})
		total = total.Add(amt)
	}
	s.Total = total
	if tenders == nil {
		tenders = []events.Tender{{Method: "upi", Amount: total, Ref: "UPI" + s.SaleID[len(s.SaleID)-12:]}}
	}
	s.Tenders = tenders
	paid := money.Zero
	for _, t := range tenders {
		paid = paid.Add(t.Amount)
	}
	s.Change = paid.Sub(total)
	return s
}

// RandomTenders splits total over cash, UPI and card, sometimes with cash
// change.
func RandomTenders(r *rand.Rand, total money.Amount, refPrefix string) []events.Tender {
	switch r.IntN(4) {
	case 0: // cash, rounded up to the next ₹100 note
		p := total.Paise()
		paid := (p/10000 + 1) * 10000
		return []events.Tender{{Method: "cash", Amount: money.FromPaise(paid)}}
	case 1:
		return []events.Tender{{Method: "card", Amount: total, Ref: refPrefix + "C"}}
	case 2:
		cash := money.FromPaise(total.Paise() / 3)
		return []events.Tender{{Method: "cash", Amount: cash}, {Method: "upi", Amount: total.Sub(cash), Ref: refPrefix + "U"}}
	}
	return []events.Tender{{Method: "upi", Amount: total, Ref: refPrefix + "U"}}
}

// ReturnState remembers what was returned of each line of a sale, so
// partial returns compute exactly as a mall must: cumulatively, the last
// unit taking what is left.
type ReturnState map[int]int64

func cumShare(total, part, whole int64) int64 {
	return (2*total*part + whole) / (2 * whole)
}

// Return builds a credit note for qty[lineNo] units of sale lines, refunded
// by method, given what was returned before (updated).
func (m *Mall) Return(sale events.Sale, prev ReturnState, qty map[int]int64, method string, at time.Time) events.Return {
	m.n++
	r := events.Return{ReturnID: ids.New(), CreditNoteNo: fmt.Sprintf("%s/CN/%06d", m.ID, m.n), SaleID: sale.SaleID, InvoiceNo: sale.InvoiceNo,
		ShiftID: sale.ShiftID, At: at.UTC()}
	total := money.Zero
	lines := make([]int, 0, len(qty))
	for ln := range qty {
		lines = append(lines, ln)
	}
	sort.Ints(lines)
	for _, ln := range lines {
		q := qty[ln]
		l := sale.Lines[ln-1]
		before, after := prev[ln], prev[ln]+q
		part := func(a money.Amount) money.Amount {
			return money.FromPaise(cumShare(a.Paise(), after, l.Qty) - cumShare(a.Paise(), before, l.Qty))
		}
		tx, cg, sg := part(l.Taxable), part(l.CGST), part(l.SGST)
		amt := tx.Add(cg).Add(sg)
		r.Lines = append(r.Lines, events.ReturnLine{SaleLineNo: ln, SKU: l.SKU, ProducerID: l.ProducerID, DistrictID: l.DistrictID, State: l.State,
			Qty: q, Amount: amt, Taxable: tx, GSTRate: l.GSTRate, CGST: cg, SGST: sg, UTGST: l.UTGST})
		total = total.Add(amt)
		prev[ln] = after
	}
	r.Total = total
	r.Refunds = []events.Tender{{Method: method, Amount: total}}
	return r
}

// Apply ingests one event in its own transaction through the hub's
// ingester (hub/ingest), which books it with a: in its mall's order, once
// (a redelivery is a no-op), parking it if it cannot apply. It returns
// the reason it was parked, or nil.
func Apply(ctx context.Context, db hub.Store, a *ledger.Applier, ev events.Envelope) error {
	raw, err := json.Marshal(ev)
	if err != nil {
		return err
	}
	if _, err := db.Writer().ExecContext(ctx, `INSERT INTO mall_sync (mall_id) VALUES (?) ON CONFLICT DO NOTHING`, ev.Mall); err != nil {
		return err
	}
	ing := &ingest.Ingester{DB: db, Books: a.Open, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	parked, err := ing.Ingest(ctx, ev.Mall, []ingest.Message{ingest.Raw(uint64(ev.Seq), raw)})
	if err != nil {
		return err
	}
	if len(parked) > 0 {
		return parked[0].Reason
	}
	return nil
}

// BankAccounts gives every producer without one a fictional bank account
// (bank code EKTA, which no real bank uses), so settlement pays them:
// a producer without an account is held, not paid.
func BankAccounts(t testing.TB, db hub.Store) {
	t.Helper()
	ctx := context.Background()
	rows, err := db.Reader().QueryContext(ctx, `SELECT id, name FROM producers
		WHERE id NOT IN (SELECT producer_id FROM producer_bank_accounts) ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	type producer struct{ id, name string }
	var ps []producer
	for rows.Next() {
		var p producer
		if err := rows.Scan(&p.id, &p.name); err != nil {
			t.Fatal(err)
		}
		ps = append(ps, p)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	rows.Close()
	err = db.Transact(ctx, func(tx sqldb.Tx) error {
		for i, p := range ps {
			name := strings.NewReplacer(",", " ", `"`, " ").Replace(p.name)
			if len(name) > 40 {
				name = name[:40]
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO producer_bank_accounts (producer_id, beneficiary, account_no, ifsc, updated_at)
				VALUES (?, ?, ?, ?, ?)`, p.id, name, fmt.Sprintf("9100%010d", i+1), fmt.Sprintf("EKTA0%06d", 1+(i+1)%999), ledger.TS(time.Now())); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
