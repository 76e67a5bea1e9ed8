package producer_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"ektamall/hub/ledger"
	"ektamall/hub/ledger/ledgertest"
	"ektamall/hub/producer"
	"ektamall/hub/settle"
	"ektamall/shared/events"
	"ektamall/shared/ids"
	"ektamall/shared/money"
)

// Issue 20 item 5, settled by whose loss it is: goods the mall broke
// (in_store, the mall's loss by default) make the mall owe the producer
// their share of the goods' value: a ledger entry from the mall's damage
// receivable to the producer's account, shown in the producer's sales and
// statement, paid by the next settlement run and never again; goods that
// arrived damaged (the producer's loss by default) move no money but show
// in the producer's view. The ledger balances throughout, and the policy
// is configurable.
func TestDamageSettledByWhoseLoss(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 4, 20, 6, 0, 0, 0, time.UTC)
	h := newHub(t, now)
	p := ledgertest.Products(t, 12)[0]
	a := ledger.NewApplier(func() time.Time { return now })
	m := ledgertest.NewMall("LKO1")
	damage := func(a *ledger.Applier, qty int64, cause string, at time.Time) string {
		t.Helper()
		id := ids.New()
		ev := m.Envelope(events.StockMoved, at, events.StockMove{MoveID: id, Kind: "damage", SKU: p.SKU, Zone: p.State, Qty: qty, From: "backroom",
			To: "damaged", Ref: "WO-" + id[:8], At: at, Note: "crushed", Cause: cause})
		if err := ledgertest.Apply(ctx, h.db, a, ev); err != nil {
			t.Fatal(err)
		}
		return id
	}
	inStore := damage(a, 2, "in_store", now.Add(-3*24*time.Hour))
	damage(a, 1, "on_arrival", now.Add(-2*24*time.Hour))

	// The mall's loss: its value at the MRP, less the commission a sale would carry.
	var value, commission, net int64
	var borne string
	if err := h.db.Reader().QueryRowContext(ctx, `SELECT value, commission, producer_net, borne_by FROM hub_damage WHERE move_id = ?`, inStore).
		Scan(&value, &commission, &net, &borne); err != nil {
		t.Fatal(err)
	}
	rate := p.GSTRate.BasisPoints()
	want := (p.MRP.Paise()*2*10000 + (10000+rate)/2) / (10000 + rate)
	if borne != "mall" || value != want || commission <= 0 || net != value-commission {
		t.Fatalf("in-store damage: borne by %s, value %d (want %d), commission %d, owed %d", borne, value, want, commission, net)
	}
	check := func(when string) {
		t.Helper()
		r, err := ledger.Check(ctx, h.db.Reader())
		if err != nil || len(r.Problems) > 0 || r.Debits.IsZero() {
			t.Fatalf("ledger check %s: %+v %v", when, r, err)
		}
	}
	check("after the damage")
	owed, err := ledger.AccountBalance(ctx, h.db.Reader(), ledger.MallDamageAccount("LKO1"))
	if err != nil || owed != net {
		t.Fatalf("the mall owes %d, want %d (%v)", owed, net, err)
	}

	// The producer sees both; the statement is the ledger account.
	fin := h.login("fin", "finance-pass")
	var setup struct{ Username, Code string }
	fin.json("POST", "/api/v1/producers/"+p.ProducerID+"/login", nil, http.StatusCreated, &setup)
	h.anon.json("POST", "/api/v1/auth/setup", map[string]string{"code": setup.Code, "password": "producer-pass"}, http.StatusOK, nil)
	me := h.login(setup.Username, "producer-pass")
	var lines []producer.SaleLine
	me.json("GET", "/api/v1/producer/sales?from=2026-04-01", nil, http.StatusOK, &lines)
	got := map[string]producer.SaleLine{}
	for _, l := range lines {
		if l.Kind == "damage" {
			got[l.BorneBy] = l
		}
	}
	if l := got["mall"]; l.Qty != 2 || l.Share.Paise() != net || l.Amount.Paise() != value {
		t.Fatalf("mall-borne damage line %+v", l)
	}
	if l := got["producer"]; l.Qty != 1 || !l.Share.IsZero() || !l.Amount.IsPositive() {
		t.Fatalf("producer-borne damage line %+v", l)
	}
	statement := func() producer.Statement {
		var st producer.Statement
		me.json("GET", "/api/v1/producer/statement?from=2026-01-01&to=2026-05-01", nil, http.StatusOK, &st)
		bal, err := ledger.AccountBalance(ctx, h.db.Reader(), ledger.ProducerAccount(p.ProducerID))
		if err != nil || st.Closing.Paise() != -bal {
			t.Fatalf("statement closes on %s, the ledger account on %s (%v)", st.Closing, money.FromPaise(-bal), err)
		}
		return st
	}
	if st := statement(); st.Kinds["damage"].Count != 1 || st.Kinds["damage"].Credits.Paise() != net || st.Closing.Paise() != net {
		t.Fatalf("statement %+v", st.Kinds)
	}

	// The next run pays it; the one after does not pay it again.
	var run settle.Run
	fin.json("POST", "/api/v1/settlements", map[string]any{"cutoff": now}, http.StatusCreated, &run)
	var pp []settle.ProducerPayout
	me.json("GET", "/api/v1/producer/payouts", nil, http.StatusOK, &pp)
	if len(pp) != 1 || pp[0].Amount.Paise() != net || pp[0].Damage.Paise() != net {
		t.Fatalf("payouts %+v, want one of %s for the damage", pp, money.FromPaise(net))
	}
	var detail struct {
		Payout settle.ProducerPayout
		Lines  []settle.PaidLine
	}
	me.json("GET", "/api/v1/producer/payouts/"+pp[0].Reference, nil, http.StatusOK, &detail)
	if len(detail.Lines) != 1 || detail.Lines[0].Kind != "damage" || detail.Lines[0].Net.Paise() != net || detail.Lines[0].ReturnID != inStore {
		t.Fatalf("the payout's lines %+v, want the damage", detail.Lines)
	}
	check("after the payout")
	if st := statement(); !st.Closing.IsZero() || st.Kinds["payout"].Debits.Paise() != net {
		t.Fatalf("after the payout the statement closes on %s: %+v", st.Closing, st.Kinds)
	}
	h.advance(time.Second)
	fin.json("POST", "/api/v1/settlements", map[string]any{"cutoff": now.Add(time.Second)}, http.StatusCreated, &run)
	me.json("GET", "/api/v1/producer/payouts", nil, http.StatusOK, &pp)
	if len(pp) != 1 {
		t.Fatalf("the damage was paid twice: %+v", pp)
	}

	// Configurable: with in-store damage the producer's loss, no money moves.
	pol, err := ledger.ParseDamagePolicy("in_store=producer")
	if err != nil || pol.OnArrival != ledger.BorneByProducer {
		t.Fatalf("policy %+v %v", pol, err)
	}
	for _, bad := range []string{"in_store=nobody", "lost=mall"} {
		if _, err := ledger.ParseDamagePolicy(bad); err == nil {
			t.Errorf("policy %q accepted", bad)
		}
	}
	b := ledger.NewApplier(func() time.Time { return now })
	b.SetDamagePolicy(pol)
	third := damage(b, 1, "in_store", now.Add(time.Second))
	var n int
	if err := h.db.Reader().QueryRowContext(ctx, `SELECT COUNT(*) FROM ledger_entries WHERE id = ?`, ledger.DamageEntryID("LKO1", third)).Scan(&n); err != nil || n != 0 {
		t.Fatalf("producer-borne damage booked %d entries (%v)", n, err)
	}
	check("at the end")
}
