package main

import (
	"context"
	"testing"
	"time"

	"ektamall/cmd/ektamall/internal/e2e"
	"ektamall/hub/ledger"
	"ektamall/hub/producer"
	"ektamall/hub/settle"
)

// checkProducerView (issue 20, done when): the demo prints a producer's
// login and a district officer's; the producer sees the history's sales,
// stock by mall and payouts with the bank's UTR; their
// statement over the year closes on their ledger account's balance; the
// district officer sees the same sales.
func checkProducerView(t *testing.T, d *demo) {
	t.Helper()
	base := d.hub.URL
	tok := e2e.Login(t, base, "producer.lucknow", userPass(t, d, "producer.lucknow"))
	from, to := time.Now().AddDate(0, 0, -60).Format("2006-01-02"), time.Now().Add(time.Minute).UTC().Format(time.RFC3339)
	var sales []producer.SaleLine
	if code := e2e.Call(t, "GET", base+"/api/v1/producer/sales?from="+from+"&to="+to, tok, nil, &sales); code != 200 {
		t.Fatalf("producer sales: %d", code)
	}
	malls := map[string]int{}
	for _, l := range sales {
		malls[l.Mall]++
	}
	if len(sales) == 0 || malls["LKO1"] == 0 {
		t.Errorf("the demo producer's sales by mall: %v, want the history's", malls)
	}
	var stock []producer.Product
	e2e.Call(t, "GET", base+"/api/v1/producer/stock", tok, nil, &stock)
	held := 0
	for _, p := range stock {
		held += len(p.Malls)
	}
	if held == 0 {
		t.Errorf("the demo producer's stock holds no mall: %+v", stock)
	}
	var pays []settle.ProducerPayout
	e2e.Call(t, "GET", base+"/api/v1/producer/payouts", tok, nil, &pays)
	paid := 0
	for _, p := range pays {
		if p.Status == "paid" && p.UTR != "" && p.PaidAt != nil {
			paid++
		}
	}
	if paid == 0 {
		t.Errorf("no payout of the demo producer paid with a UTR: %+v", pays)
	}
	var st producer.Statement
	if code := e2e.Call(t, "GET", base+"/api/v1/producer/statement?from="+time.Now().AddDate(0, 0, -360).Format("2006-01-02")+"&to="+to, tok, nil, &st); code != 200 {
		t.Fatalf("statement: %d", code)
	}
	bal, err := ledger.AccountBalance(context.Background(), d.hub.Store.Reader(), ledger.ProducerAccount(st.Producer.ProducerID))
	if err != nil || st.Closing.Paise() != -bal || len(st.Lines) == 0 {
		t.Errorf("statement closes on %s over %d lines; the ledger account's balance is %d paise (%v)", st.Closing, len(st.Lines), -bal, err)
	}
	off := e2e.Login(t, base, "district.lucknow", userPass(t, d, "district.lucknow"))
	var seen []producer.SaleLine
	if code := e2e.Call(t, "GET", base+"/api/v1/district/producers/"+st.Producer.ProducerID+"/sales?from="+from+"&to="+to, off, nil, &seen); code != 200 ||
		len(seen) != len(sales) {
		t.Errorf("the district officer sees %d lines (%d), the producer %d", len(seen), code, len(sales))
	}
}
