package producer_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"ektamall/hub/ledger"
	"ektamall/hub/ledger/ledgertest"
	"ektamall/hub/producer"
	"ektamall/shared/events"
)

// TestDistrictOfficer: the hub admin gives a district officer a login for
// one district; the officer creates logins for that district's producers
// and reads their sales, stock, payouts and statement, but cannot touch a
// producer of another district, change anything of a producer's, or use
// finance's endpoints.
func TestDistrictOfficer(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 4, 20, 6, 0, 0, 0, time.UTC)
	h := newHub(t, now)
	ps := ledgertest.Products(t, 12)
	mine, theirs := ps[0], ps[1]
	if mine.DistrictID == theirs.DistrictID {
		t.Fatalf("fixture: %s and %s share a district", mine.SKU, theirs.SKU)
	}
	a := ledger.NewApplier(func() time.Time { return now })
	m := ledgertest.NewMall("LKO1")
	at := now.Add(-48 * time.Hour)
	s := m.Sale("SH1", at, []ledgertest.Item{{Product: mine, Qty: 2}, {Product: theirs, Qty: 1}}, nil)
	if err := ledgertest.Apply(ctx, h.db, a, m.Envelope(events.SaleCompleted, at, s)); err != nil {
		t.Fatal(err)
	}

	admin, fin := h.login("admin", "admin-pass1"), h.login("fin", "finance-pass")
	officer := map[string]string{"username": "do.one", "district_id": mine.DistrictID}
	fin.json("POST", "/api/v1/district-officers", officer, http.StatusForbidden, nil)
	admin.json("POST", "/api/v1/district-officers", map[string]string{"username": "do.two", "district_id": "NO-SUCH"}, http.StatusBadRequest, nil)
	var o producer.Officer
	admin.json("POST", "/api/v1/district-officers", officer, http.StatusCreated, &o)
	if o.Password == "" || o.DistrictID != mine.DistrictID {
		t.Fatalf("officer %+v", o)
	}
	do := h.login("do.one", o.Password)

	// Their district and its producers; nobody else's.
	var d struct {
		District  producer.District
		Producers []producer.DistrictProducer
	}
	do.json("GET", "/api/v1/district", nil, http.StatusOK, &d)
	if d.District.ID != mine.DistrictID || len(d.Producers) == 0 {
		t.Fatalf("district %+v", d)
	}
	for _, p := range d.Producers {
		if p.ProducerID == theirs.ProducerID {
			t.Fatalf("district lists another district's producer %+v", p)
		}
	}

	// A login for their own producer, with a code that works; refused for another district's.
	var setup struct{ Username, Code string }
	do.json("POST", "/api/v1/producers/"+mine.ProducerID+"/login", nil, http.StatusCreated, &setup)
	do.json("POST", "/api/v1/producers/"+theirs.ProducerID+"/login", nil, http.StatusForbidden, nil)
	do.json("POST", "/api/v1/producers/NO-SUCH/login", nil, http.StatusNotFound, nil)
	h.anon.json("POST", "/api/v1/auth/setup", map[string]string{"code": setup.Code, "password": "weaver's own pass"}, http.StatusOK, nil)
	me := h.login(setup.Username, "weaver's own pass")
	var n int
	if err := h.db.Reader().QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log a JOIN users u ON u.id = a.user_id
		WHERE a.action = 'producer_login_issued' AND u.username = 'do.one'`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("audit rows of the officer's login issue: %d %v", n, err)
	}

	// The producer's views, read-only, the same figures the producer sees.
	base := "/api/v1/district/producers/" + mine.ProducerID
	var seen, own []producer.SaleLine
	do.json("GET", base+"/sales?from=2026-04-01", nil, http.StatusOK, &seen)
	me.json("GET", "/api/v1/producer/sales?from=2026-04-01", nil, http.StatusOK, &own)
	if len(seen) != 1 || len(own) != 1 || seen[0].SKU != mine.SKU || !seen[0].Share.Equal(own[0].Share) {
		t.Fatalf("officer sees %+v, producer %+v", seen, own)
	}
	var st producer.Statement
	do.json("GET", base+"/statement?from=2026-04-01", nil, http.StatusOK, &st)
	if !st.Closing.Equal(own[0].Share) {
		t.Fatalf("statement closes on %s, share %s", st.Closing, own[0].Share)
	}
	for _, p := range []string{"", "/stock", "/moves", "/payouts", "/invoices"} {
		do.json("GET", base+p, nil, http.StatusOK, nil)
	}
	do.json("GET", "/api/v1/district/producers/"+theirs.ProducerID+"/sales", nil, http.StatusForbidden, nil)
	do.json("GET", "/api/v1/district/producers/"+theirs.ProducerID+"/statement", nil, http.StatusForbidden, nil)
	do.json("PUT", base+"/consent", map[string]bool{"show_name": true}, http.StatusNotFound, nil)
	do.json("PUT", "/api/v1/producer/consent", map[string]bool{"show_name": true}, http.StatusForbidden, nil)
	do.json("POST", "/api/v1/settlements", map[string]any{"cutoff": now}, http.StatusForbidden, nil)
	do.json("GET", "/api/v1/ledger/balance", nil, http.StatusForbidden, nil)
	me.json("GET", "/api/v1/district", nil, http.StatusForbidden, nil)
	fin.json("GET", base+"/sales", nil, http.StatusForbidden, nil)
}
