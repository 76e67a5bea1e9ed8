package webe2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"ektamall/cmd/ektamall/internal/e2e"
	"ektamall/hub/ledger"
	"ektamall/hub/ledger/ledgertest"
	"ektamall/shared/auth"
	"ektamall/shared/events"
	"ektamall/shared/money"
	"ektamall/shared/sqldb"
)

// TestFinanceOps drives finance's files and settings (issue 21 item 13):
// a payment statement with a break, the bank's response failing a payout,
// a commission rule, a producer's new bank account asked for, cash
// over/short of a closed shift, and, as the hub admin, a festival price
// that reaches the mall and reverts there by itself.
func TestFinanceOps(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are not short")
	}
	ctx := browser(t)
	e := startEnv(t)
	p1, p2 := upProducts(t)
	bg := context.Background()
	// A sale ten days old at another mall, booked straight into the hub's
	// ledger, so that a settlement run has a payout for the bank to fail.
	old := time.Now().Add(-10 * 24 * time.Hour)
	if _, err := e.hub.Store.Writer().ExecContext(bg, `INSERT INTO malls (id, state, name, gstin, created_at) VALUES ('BLR1', 'KA', 'Bengaluru', '', ?)`,
		ledger.TS(old)); err != nil {
		t.Fatal(err)
	}
	blr := ledgertest.NewMall("BLR1")
	sale := blr.Sale("SH-OLD", old, []ledgertest.Item{{Product: p2, Qty: 2}}, nil)
	if err := ledgertest.Apply(bg, e.hub.Store, ledger.NewApplier(nil), blr.Envelope(events.SaleCompleted, old, sale)); err != nil {
		t.Fatal(err)
	}
	ledgertest.BankAccounts(t, e.hub.Store)
	fin := webLogin(t, e.hub.URL, "finance")
	var run struct{ ID string }
	if code := webCall(t, "POST", e.hub.URL+"/api/v1/settlements", fin, map[string]any{}, &run); code != 201 {
		t.Fatalf("settlement run: %d", code)
	}
	var payouts []struct{ Reference string }
	webCall(t, "GET", e.hub.URL+"/api/v1/settlements/"+run.ID+"/payouts", fin, nil, &payouts)
	if len(payouts) != 1 {
		t.Fatalf("payouts: %+v", payouts)
	}
	// A shift closed at the mall, ₹50 short.
	cashier := webLogin(t, e.mall.URL, "cashier")
	_, _, total := apiSale(t, e, "C08", p1.SKU, 1)
	var sh struct{ ID string }
	webCall(t, "GET", e.mall.URL+"/api/v1/shifts/current", cashier, nil, &sh)
	counted := total.Sub(money.MustParse("50.00"))
	if code := webCall(t, "POST", e.mall.URL+"/api/v1/shifts/"+sh.ID+"/close", cashier, map[string]string{"counted_cash": counted.String()}, nil); code != 200 {
		t.Fatalf("close shift: %d", code)
	}

	dir := t.TempDir()
	stmt := filepath.Join(dir, "upi-statement.csv")
	writeFile(t, stmt, "reference,amount,time\nUPI-NOT-OURS-1,499.00,"+time.Now().UTC().Format(time.RFC3339)+"\n")
	bank := filepath.Join(dir, "bank-response.csv")
	writeFile(t, bank, "reference,status,utr,reason\n"+payouts[0].Reference+",failed,,account closed\n")

	loginScreen(t, ctx, e.hub.URL, "/", "finance")
	browse(t, ctx, "statement", chromedp.Click("#tab-files", chromedp.ByQuery), chromedp.WaitVisible("#stmt-file", chromedp.ByQuery),
		chromedp.SetUploadFiles("#stmt-file", []string{stmt}, chromedp.ByQuery), chromedp.Click("#stmt-form button", chromedp.ByQuery))
	waitText(t, ctx, "#stmt-done", "1 break")
	waitText(t, ctx, `#breaks tr[data-ref="UPI-NOT-OURS-1"]`, "On the statement, not at the hub")
	browse(t, ctx, "bank response", chromedp.SetUploadFiles("#bank-file", []string{bank}, chromedp.ByQuery), chromedp.Click("#bank-form button", chromedp.ByQuery))
	waitText(t, ctx, "#bankr-done", "0 paid, 1 failed")
	waitText(t, ctx, `#bankr-fail tr[data-ref="`+payouts[0].Reference+`"]`, "account closed")
	shot(t, ctx, "90-finance-files")

	browse(t, ctx, "commission rule", chromedp.Click("#tab-payees", chromedp.ByQuery), setValue("#rule-scope", "producer"),
		chromedp.SendKeys("#rule-key", p1.ProducerID, chromedp.ByQuery), chromedp.SendKeys("#rule-rate", "7.5", chromedp.ByQuery),
		chromedp.Click("#rule-form button", chromedp.ByQuery))
	waitText(t, ctx, "#rule-done", "7.5% for "+p1.ProducerID)
	waitText(t, ctx, `#rules tr[data-key="`+p1.ProducerID+`"]`, "7.50%")
	browse(t, ctx, "bank account", chromedp.SendKeys("#acct-producer", p1.ProducerID, chromedp.ByQuery), chromedp.SendKeys("#acct-name", "Agra Leather Guild", chromedp.ByQuery),
		chromedp.SendKeys("#acct-no", "123456789012", chromedp.ByQuery), chromedp.SendKeys("#acct-ifsc", "sbin0001234", chromedp.ByQuery),
		chromedp.Click("#acct-form button", chromedp.ByQuery))
	waitText(t, ctx, "#acct-done", "once someone else approves it")
	var changes []struct{ Status string }
	webCall(t, "GET", e.hub.URL+"/api/v1/bank-changes", fin, nil, &changes)
	if len(changes) != 1 || changes[0].Status != "pending" {
		t.Fatalf("bank changes: %+v", changes)
	}
	shot(t, ctx, "91-finance-payees")

	e2e.WaitFor(t, 20*time.Second, "the shift close at the hub", func() error {
		var rows []any
		webCall(t, "GET", e.hub.URL+"/api/v1/reports/cash", fin, nil, &rows)
		if len(rows) == 1 {
			return nil
		}
		return fmt.Errorf("%d shifts", len(rows))
	})
	browse(t, ctx, "cash over/short", chromedp.Click("#tab-cash", chromedp.ByQuery))
	waitText(t, ctx, "#cash tbody", "C08")
	waitText(t, ctx, "#cash-net", "−₹50.00")
	shot(t, ctx, "92-finance-cash")

	// The hub admin gives 20% off the producer's goods for a short festival.
	if err := e.hub.Store.Transact(bg, func(tx sqldb.Tx) error {
		_, err := e.hub.Auth.CreateUser(bg, tx, "catalog", password, "Catalog", auth.HubAdmin, "")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	browse(t, ctx, "log in as the hub admin", chromedp.Click("#logout-btn", chromedp.ByQuery), chromedp.WaitVisible("#login-user", chromedp.ByQuery))
	loginScreen(t, ctx, e.hub.URL, "/", "catalog")
	until := time.Now().In(istZone).Add(8 * time.Second)
	browse(t, ctx, "festival price", chromedp.Click("#tab-prices", chromedp.ByQuery), chromedp.WaitVisible("#bulk-key", chromedp.ByQuery),
		setValue("#bulk-scope", "producer"), chromedp.SendKeys("#bulk-key", p1.ProducerID, chromedp.ByQuery),
		chromedp.SendKeys("#bulk-pct", "-20", chromedp.ByQuery), setValue("#bulk-until", until.Format("2006-01-02T15:04:05")),
		chromedp.Click("#bulk-form button", chromedp.ByQuery))
	waitText(t, ctx, "#bulk-done", "changed by -20.00%")
	waitText(t, ctx, "#bulk-done", "they go back by themselves on "+until.Format("2 January 2006"))
	festive := money.FromPaise((p1.MRP.Paise()*8/10 + 50) / 100 * 100)
	waitText(t, ctx, `#bulk-lines tr[data-sku="`+p1.SKU+`"]`, inr(festive))
	shot(t, ctx, "93-finance-festival-price")
	mallPrice := func(want money.Amount) func() error {
		return func() error {
			var p struct{ MRP string }
			webCall(t, "GET", e.mall.URL+"/api/v1/products/"+p1.SKU, cashier, nil, &p)
			if p.MRP == want.String() {
				return nil
			}
			return fmt.Errorf("mall sells %s at %s, want %s", p1.SKU, p.MRP, want)
		}
	}
	e2e.WaitFor(t, 15*time.Second, "the festival price at the mall", mallPrice(festive))
	e2e.WaitFor(t, 30*time.Second, "the price back by itself after the festival", mallPrice(p1.MRP))
	if strings.Contains(textOf(t, ctx, "#bulk-err"), "error") {
		t.Fatal(textOf(t, ctx, "#bulk-err"))
	}
}

func writeFile(t *testing.T, p, s string) {
	t.Helper()
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}
