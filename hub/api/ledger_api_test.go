package api_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"ektamall/hub/api"
	"ektamall/hub/ledger"
	"ektamall/hub/ledger/ledgertest"
	"ektamall/hub/settle"
	"ektamall/shared/auth"
	"ektamall/shared/events"
	"ektamall/shared/money"
	"ektamall/shared/sqldb"
)

type client struct {
	t     *testing.T
	base  string
	token string
}

func (c client) do(method, path, accept string, body io.Reader) (*http.Response, []byte) {
	c.t.Helper()
	req, err := http.NewRequest(method, c.base+path, body)
	if err != nil {
		c.t.Fatal(err)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, b
}

func (c client) json(method, path string, in any, want int, out any) []byte {
	c.t.Helper()
	var body io.Reader
	if s, ok := in.(string); ok {
		body = strings.NewReader(s)
	} else if in != nil {
		b, _ := json.Marshal(in)
		body = bytes.NewReader(b)
	}
	res, b := c.do(method, path, "", body)
	if res.StatusCode != want {
		c.t.Fatalf("%s %s: status %d, want %d: %s", method, path, res.StatusCode, want, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			c.t.Fatalf("%s %s: %v: %s", method, path, err, b)
		}
	}
	return b
}

func TestFinanceAPI(t *testing.T) {
	ctx := context.Background()
	db := ledgertest.Open(t)
	ledgertest.BankAccounts(t, db)
	now := time.Date(2026, 4, 20, 6, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	store := auth.NewStoreOn(db, auth.Policy{BcryptCost: bcrypt.MinCost})
	err := db.Transact(ctx, func(tx sqldb.Tx) error {
		if _, err := store.CreateUser(ctx, tx, "fin", "finance-pass", "Finance", auth.Finance, ""); err != nil {
			return err
		}
		_, err := store.CreateUser(ctx, tx, "admin", "admin-pass1", "Admin", auth.HubAdmin, "")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc := settle.New(db, settle.Config{}, clock, log)
	srv := httptest.NewServer(api.New(api.Deps{DB: db, Auth: store, Log: log, Ledger: api.LedgerDeps{Settle: svc, Now: clock}}))
	t.Cleanup(srv.Close)

	// Ten days of sales at LKO1, all by UPI, one of them voided.
	a := ledger.NewApplier(clock)
	m := ledgertest.NewMall("LKO1")
	ps := ledgertest.Products(t, 12)
	var sales []events.Sale
	gross := money.Zero
	for i := range 10 {
		at := now.Add(-time.Duration(10-i) * 24 * time.Hour)
		s := m.Sale("SH1", at, []ledgertest.Item{{Product: ps[i], Qty: 1}, {Product: ps[i+1], Qty: 2}}, nil)
		if err := ledgertest.Apply(ctx, db, a, m.Envelope(events.SaleCompleted, at, s)); err != nil {
			t.Fatal(err)
		}
		sales = append(sales, s)
		if i != 4 {
			gross = gross.Add(s.Total)
		}
	}
	if err := ledgertest.Apply(ctx, db, a, m.Envelope(events.SaleVoided, now, events.Void{SaleID: sales[4].SaleID})); err != nil {
		t.Fatal(err)
	}

	anon := client{t: t, base: srv.URL}
	anon.json("GET", "/api/v1/ledger/balance", nil, http.StatusUnauthorized, nil)
	login := func(u, p string) client {
		var out struct{ Token string }
		anon.json("POST", "/api/v1/auth/login", map[string]string{"username": u, "password": p}, http.StatusOK, &out)
		return client{t: t, base: srv.URL, token: out.Token}
	}
	fin, admin := login("fin", "finance-pass"), login("admin", "admin-pass1")

	var bal map[string]string
	fin.json("GET", "/api/v1/ledger/balance", nil, http.StatusOK, &bal)
	if bal["debits"] != bal["credits"] || bal["debits"] == "0.00" {
		t.Fatalf("balance %v", bal)
	}
	var check ledger.Report
	admin.json("GET", "/api/v1/ledger/check", nil, http.StatusOK, &check)
	if !check.OK {
		t.Fatalf("check: %v", check.Problems)
	}

	var tot ledger.Totals
	fin.json("GET", "/api/v1/malls/LKO1/totals", nil, http.StatusOK, &tot)
	if tot.Count != 9 || !tot.GrossSales.Equal(gross) || !tot.Tenders["upi"].Equal(gross) || tot.VoidsCount != 1 {
		t.Fatalf("totals %+v, want 9 sales of %s", tot, gross)
	}
	from := now.Add(-3 * 24 * time.Hour).Format(time.RFC3339)
	fin.json("GET", "/api/v1/malls/LKO1/totals?from="+from, nil, http.StatusOK, &tot)
	if tot.Count != 3 {
		t.Fatalf("last three days: %d sales", tot.Count)
	}
	fin.json("GET", "/api/v1/malls/LKO1/totals?from=yesterday", nil, http.StatusBadRequest, nil)
	fin.json("GET", "/api/v1/malls/NOPE/totals", nil, http.StatusNotFound, nil)

	// Settlement: finance only; the window keeps the last 7 days unpaid.
	admin.json("POST", "/api/v1/settlements", nil, http.StatusForbidden, nil)
	fin.json("POST", "/api/v1/settlements", map[string]any{"cutoff": now.Add(time.Hour)}, http.StatusBadRequest, nil)
	fin.json("POST", "/api/v1/settlements", `{"cutoff": "soon"}`, http.StatusBadRequest, nil)
	var run settle.Run
	fin.json("POST", "/api/v1/settlements", map[string]any{"cutoff": now}, http.StatusCreated, &run)
	var again settle.Run
	fin.json("POST", "/api/v1/settlements", map[string]any{"cutoff": now}, http.StatusOK, &again)
	if again.ID != run.ID || run.PayoutCount == 0 {
		t.Fatalf("same cutoff gave run %s then %s (%d payouts)", run.ID, again.ID, run.PayoutCount)
	}
	var got settle.Run
	admin.json("GET", "/api/v1/settlements/"+run.ID, nil, http.StatusOK, &got)
	if len(got.Districts) == 0 || !got.PayoutTotal.Equal(run.PayoutTotal) {
		t.Fatalf("run detail %+v", got)
	}
	var payouts []settle.Payout
	fin.json("GET", "/api/v1/settlements/"+run.ID+"/payouts", nil, http.StatusOK, &payouts)
	sum := money.Zero
	for _, p := range payouts {
		sum = sum.Add(p.Amount)
	}
	if !sum.Equal(run.PayoutTotal) || int64(len(payouts)) != run.PayoutCount {
		t.Fatalf("payouts sum %s over %d lines, run says %s over %d", sum, len(payouts), run.PayoutTotal, run.PayoutCount)
	}
	res, body := fin.do("GET", "/api/v1/settlements/"+run.ID+"/payouts", "text/csv", nil)
	recs, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	if err != nil || res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("csv: %d %v %s", res.StatusCode, err, body)
	}
	csvSum := money.Zero
	for _, r := range recs[1:] {
		csvSum = csvSum.Add(money.MustParse(r[4]))
	}
	if !csvSum.Equal(run.PayoutTotal) || len(recs)-1 != len(payouts) || res.Header.Get("X-Payout-Total") != run.PayoutTotal.String() {
		t.Fatalf("csv sums %s over %d rows; run %s", csvSum, len(recs)-1, run.PayoutTotal)
	}
	var detail settle.PayoutDetail
	fin.json("GET", "/api/v1/payouts/"+payouts[0].Reference, nil, http.StatusOK, &detail)
	net := money.Zero
	for _, l := range detail.Lines {
		net = net.Add(l.Net)
		if l.InvoiceNo == "" || l.Mall != "LKO1" {
			t.Fatalf("drill-down line %+v", l)
		}
	}
	if !net.Add(detail.BroughtForward).Equal(detail.Amount) {
		t.Fatalf("payout %s is not the sum of its lines %s", detail.Amount, net)
	}
	fin.json("GET", "/api/v1/payouts/EKTA-NOPE", nil, http.StatusNotFound, nil)
	fin.json("GET", "/api/v1/settlements/nope", nil, http.StatusNotFound, nil)

	// Commission rules: finance and hub admin; bad input changes nothing.
	var rule ledger.Rule
	admin.json("POST", "/api/v1/commission/rules", map[string]any{"scope": "state", "key": "UP", "rate_bp": 750, "effective_from": now.Add(24 * time.Hour)}, http.StatusCreated, &rule)
	fin.json("POST", "/api/v1/commission/rules", map[string]any{"scope": "state", "key": "ZZ", "rate_bp": 750}, http.StatusBadRequest, nil)
	fin.json("POST", "/api/v1/commission/rules", map[string]any{"scope": "default", "rate_bp": 9000}, http.StatusBadRequest, nil)
	var rules []ledger.Rule
	fin.json("GET", "/api/v1/commission/rules", nil, http.StatusOK, &rules)
	if len(rules) != 2 {
		t.Fatalf("rules: %+v", rules)
	}

	// A payment statement with every UPI payment of the last two days
	// but one amount planted wrong: exactly one break.
	var stmt strings.Builder
	stmt.WriteString("reference,amount,time\n")
	planted := ""
	for _, s := range sales[8:] {
		amt := s.Tenders[0].Amount
		if planted == "" {
			amt, planted = amt.Sub(money.MustParse("1.00")), s.Tenders[0].Ref
		}
		fmt.Fprintf(&stmt, "%s,%s,%s\n", s.Tenders[0].Ref, amt, s.At.Format(time.RFC3339))
	}
	var imp struct {
		Report struct {
			Matched int
			Breaks  []struct{ Category, Ref string }
		}
	}
	fin.json("POST", "/api/v1/recon/statements", stmt.String(), http.StatusCreated, &imp)
	if imp.Report.Matched != 1 || len(imp.Report.Breaks) != 1 || imp.Report.Breaks[0].Category != "amount_mismatch" || imp.Report.Breaks[0].Ref != planted {
		t.Fatalf("breaks: %+v", imp.Report)
	}
	fin.json("POST", "/api/v1/recon/statements", stmt.String(), http.StatusConflict, nil)
	b := fin.json("POST", "/api/v1/recon/statements", "reference,amount,time\nR1,10.00,2026-04-19T10:00:00Z\nR2,ten,2026-04-19T10:00:00Z\n", http.StatusBadRequest, nil)
	if !strings.Contains(string(b), "line 3") {
		t.Fatalf("bad row not named: %s", b)
	}
	var comp []struct {
		Mall     string
		Complete bool
		Highest  int64 `json:"highest_seq"`
	}
	fin.json("GET", "/api/v1/recon/completeness", nil, http.StatusOK, &comp)
	for _, c := range comp {
		if c.Mall == "LKO1" && (!c.Complete || c.Highest != 11) {
			t.Fatalf("completeness %+v", c)
		}
	}
}
