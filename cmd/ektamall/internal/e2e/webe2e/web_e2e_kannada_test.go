package webe2e

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"ektamall/cmd/ektamall/internal/e2e"
	"ektamall/pos/mallapp"
	"ektamall/shared/auth"
)

// startBLR1 opens Bengaluru's mall (Karnataka) stand-alone, with a cashier.
func startBLR1(t *testing.T) *mallapp.Mall {
	t.Helper()
	ctx := context.Background()
	m, err := mallapp.Open(ctx, mallapp.Config{Dir: filepath.Join(t.TempDir(), "BLR1"), ID: "BLR1", State: "KA", Name: "PM Ekta Mall, Bengaluru",
		Address: "Chitrakala Parishath, Bengaluru", HTTP: "127.0.0.1:0", Synchronous: "NORMAL", ShutdownFor: 5 * time.Second}, e2e.Quiet())
	if err != nil {
		t.Fatalf("open BLR1: %v", err)
	}
	if err := m.DB.Transact(ctx, func(tx *sql.Tx) error {
		_, err := m.Auth.CreateUser(ctx, tx, "cashier", password, "Cashier", auth.Cashier, "")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- m.Run(runCtx) }()
	t.Cleanup(func() {
		stop()
		if err := <-done; err != nil {
			t.Errorf("BLR1 shutdown: %v", err)
		}
	})
	e2e.WaitOK(t, m.URL+"/healthz", 10*time.Second)
	return m
}

// TestTillKannada: a Karnataka mall offers Kannada; a cashier who chooses it
// rings a sale in Kannada, and finds it again at the next login.
func TestTillKannada(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are not short")
	}
	ctx := browser(t)
	m := startBLR1(t)
	p := productBySKU(t, "KA-MYS-001")
	tillAs(t, ctx, m.URL, "cashier")
	var offered []string
	browse(t, ctx, "languages offered", chromedp.Evaluate(`[...document.querySelectorAll('#lang-sel option')].map((o) => o.value)`, &offered))
	if len(offered) != 3 || offered[2] != "kn" {
		t.Fatalf("BLR1 offers %v, want en, hi, kn", offered)
	}
	browse(t, ctx, "choose Kannada", setValue("#lang-sel", "kn"))
	waitText(t, ctx, "#pay-btn", "ಪಾವತಿ")
	scanItem(t, ctx, p)
	waitText(t, ctx, `#cart tbody tr[data-sku="`+p.SKU+`"] .name`, p.Names["kn"]) // the catalog's Kannada name
	scanItem(t, ctx, productBySKU(t, "KA-CKM-001"))
	shot(t, ctx, "till-kn-01-cart")
	browse(t, ctx, "pay", chromedp.KeyEvent(kb.F9), chromedp.WaitVisible("#pay-cash", chromedp.ByQuery))
	waitText(t, ctx, "#pay-h", "ಪಾವತಿ ಪಡೆಯಿರಿ")
	shot(t, ctx, "till-kn-02-pay")
	browse(t, ctx, "complete", chromedp.SendKeys("#pay-cash", kb.Enter, chromedp.ByQuery))
	dialogOpen(t, ctx, "doc-dlg")
	waitText(t, ctx, "#doc-body", "ತೆರಿಗೆ ಇನ್‌ವಾಯ್ಸ್")
	shot(t, ctx, "till-kn-03-receipt")
	browse(t, ctx, "close receipt", chromedp.KeyEvent(kb.Escape))
	dialogClosed(t, ctx, "doc-dlg")
	// Remembered for the user, not the browser.
	tillAs(t, ctx, m.URL, "cashier")
	waitText(t, ctx, "#pay-btn", "ಪಾವತಿ")
	waitText(t, ctx, "footer.keys", "ಸೇರಿಸಿ")
	shot(t, ctx, "till-kn-04-remembered")
}

// TestZoneScreenHindi: the zone manager's screen switches to Hindi,
// product names included, and back.
func TestZoneScreenHindi(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are not short")
	}
	ctx := browser(t)
	e := startEnv(t)
	p, _ := upProducts(t)
	row := `#stock-table tbody tr[data-sku="` + p.SKU + `"]`
	browse(t, ctx, "zone screen", chromedp.Navigate(e.mall.URL+"/zone"), chromedp.WaitVisible("#login-user", chromedp.ByQuery),
		setValue("#login-user", "zm.up"), setValue("#login-pass", password), chromedp.SendKeys("#login-pass", kb.Enter, chromedp.ByQuery),
		chromedp.WaitVisible(row, chromedp.ByQuery))
	browse(t, ctx, "Hindi", alt("l"))
	waitText(t, ctx, "#tab-stock", "स्टॉक")
	waitText(t, ctx, "#tab-receive", "माल प्राप्त करें")
	waitText(t, ctx, row, p.Names["hi"])
	shot(t, ctx, "zone-hi-01-stock")
	browse(t, ctx, "English", alt("l"))
	waitText(t, ctx, "#tab-stock", "Stock")
	waitText(t, ctx, row, p.Name)
}

// TestProducerScreenLanguages: a producer reads their page in Hindi or
// Kannada (the hub offers every language), and their choice follows them.
func TestProducerScreenLanguages(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are not short")
	}
	ctx := browser(t)
	e := startEnv(t)
	p, _ := upProducts(t)
	var issued struct{ Code, Username string }
	if code := webCall(t, "POST", e.hub.URL+"/api/v1/producers/"+p.ProducerID+"/login", webLogin(t, e.hub.URL, "finance"), map[string]string{}, &issued); code != 201 {
		t.Fatalf("issue a producer login: %d", code)
	}
	if code := webCall(t, "POST", e.hub.URL+"/api/v1/auth/setup", "", map[string]string{"code": issued.Code, "password": password}, nil); code != 200 {
		t.Fatalf("set the producer's password: %d", code)
	}
	login := func() {
		browse(t, ctx, "producer page", chromedp.Navigate(e.hub.URL+"/producer"), chromedp.WaitReady("body", chromedp.ByQuery),
			chromedp.Evaluate(`sessionStorage.clear(); localStorage.clear(); true`, nil),
			chromedp.Navigate(e.hub.URL+"/producer"), chromedp.WaitVisible("#login-user", chromedp.ByQuery),
			setValue("#login-user", issued.Username), setValue("#login-pass", password), chromedp.SendKeys("#login-pass", kb.Enter, chromedp.ByQuery),
			chromedp.WaitVisible("#tab-sales", chromedp.ByQuery))
	}
	login()
	waitText(t, ctx, "#tab-sales", "Sales")
	waitText(t, ctx, "#me", "Uttar Pradesh")
	browse(t, ctx, "Hindi", chromedp.Click("#lang-btn", chromedp.ByQuery))
	waitText(t, ctx, "#tab-sales", "बिक्री")
	waitText(t, ctx, "#me", "उत्तर प्रदेश") // the producer's district and State follow the language
	shot(t, ctx, "producer-hi-01")
	browse(t, ctx, "Kannada", chromedp.Click("#lang-btn", chromedp.ByQuery))
	waitText(t, ctx, "#tab-sales", "ಮಾರಾಟ")
	waitText(t, ctx, "#tab-stock", "ಸ್ಟಾಕ್")
	waitText(t, ctx, "#me", "ಉತ್ತರ ಪ್ರದೇಶ")
	shot(t, ctx, "producer-kn-01")
	login()
	waitText(t, ctx, "#tab-sales", "ಮಾರಾಟ")
}

// TestAdminScreenHindi: the staff and audit screen follows the language.
func TestAdminScreenHindi(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are not short")
	}
	ctx := browser(t)
	e := startEnv(t)
	addMallUsers(t, e, map[string]auth.Role{"admin": auth.MallAdmin})
	browse(t, ctx, "admin screen", chromedp.Navigate(e.mall.URL+"/admin"), chromedp.WaitVisible("#login-user", chromedp.ByQuery),
		setValue("#login-user", "admin"), setValue("#login-pass", password), chromedp.SendKeys("#login-pass", kb.Enter, chromedp.ByQuery),
		chromedp.WaitVisible(`#users tr[data-user="cashier"]`, chromedp.ByQuery))
	browse(t, ctx, "Hindi", alt("l"))
	waitText(t, ctx, "#tab-users", "यूज़र")
	waitText(t, ctx, `#users tr[data-user="cashier"]`, "कैशियर")
	waitText(t, ctx, "#where", "स्टाफ़ और ऑडिट")
	shot(t, ctx, "admin-hi-01-users")
	browse(t, ctx, "English", alt("l"))
	waitText(t, ctx, "#tab-users", "Users")
}

// TestFinanceScreenHindi: finance at the hub reads its screen in Hindi.
func TestFinanceScreenHindi(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are not short")
	}
	ctx := browser(t)
	e := startEnv(t)
	browse(t, ctx, "finance screen", chromedp.Navigate(e.hub.URL+"/"), chromedp.WaitVisible("#login-user", chromedp.ByQuery),
		setValue("#login-user", "finance"), setValue("#login-pass", password), chromedp.SendKeys("#login-pass", kb.Enter, chromedp.ByQuery),
		chromedp.WaitVisible(`#malls tr[data-mall="LKO1"]`, chromedp.ByQuery))
	browse(t, ctx, "Hindi", alt("l"))
	waitText(t, ctx, "#tab-settle", "निपटान")
	waitText(t, ctx, "#kpis", "खाता संतुलित")
	shot(t, ctx, "finance-hi-01")
	browse(t, ctx, "Kannada", alt("l")) // the hub offers every language: en, hi, kn
	waitText(t, ctx, "#kpis", "ಲೆಕ್ಕ ಸಮತೋಲನ")
	browse(t, ctx, "English", setValue("#lang-sel", "en"))
	waitText(t, ctx, "#kpis", "Ledger balanced")
}
