package webe2e

import (
	"context"
	"database/sql"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"ektamall/cmd/ektamall/internal/e2e"
	"ektamall/shared/auth"
)

var shownPassword = regexp.MustCompile(`password is (\S+) `)

// TestAdminScreen walks /admin as its users would: the mall admin creates
// a cashier and reads the audit log, the new cashier changes the password
// they were given, and finance at the hub reads the hub's audit log but
// has no users to manage.
func TestAdminScreen(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are not short")
	}
	ctx := browser(t)
	e := startEnv(t)
	bg := context.Background()
	if err := e.mall.DB.Transact(bg, func(tx *sql.Tx) error {
		_, err := e.mall.Auth.CreateUser(bg, tx, "lko1.admin", password, "Asha Verma", auth.MallAdmin, "")
		return err
	}); err != nil {
		t.Fatal(err)
	}

	browse(t, ctx, "open the admin screen", chromedp.Navigate(e.mall.URL+"/admin"), chromedp.WaitVisible("#login-user", chromedp.ByQuery),
		chromedp.SendKeys("#login-user", "lko1.admin", chromedp.ByQuery), chromedp.SendKeys("#login-pass", password+kb.Enter, chromedp.ByQuery))
	waitText(t, ctx, "#users", "zm.up") // the users made by startEnv are listed
	shot(t, ctx, "40-admin-users")

	// The main path: a cashier with a generated password, shown once.
	browse(t, ctx, "create a cashier", chromedp.SendKeys("#nu-username", "lko1.cashier7", chromedp.ByQuery),
		chromedp.SendKeys("#nu-name", "Ravi Kumar", chromedp.ByQuery), setValue("#nu-role", "cashier"),
		chromedp.Click("#new-user button[type=submit]", chromedp.ByQuery))
	waitText(t, ctx, "#users-note", "not shown again")
	waitText(t, ctx, "#users", "lko1.cashier7")
	shot(t, ctx, "41-admin-cashier-created")
	m := shownPassword.FindStringSubmatch(textOf(t, ctx, "#users-note"))
	if m == nil {
		t.Fatalf("no password in %q", textOf(t, ctx, "#users-note"))
	}
	given := m[1]
	e2e.Login(t, e.mall.URL, "lko1.cashier7", given)

	// A zone manager needs a zone: the screen says so before asking.
	browse(t, ctx, "zone manager without a zone", setValue("#nu-role", "zone_manager"), chromedp.WaitVisible("#nu-zone", chromedp.ByQuery),
		chromedp.SendKeys("#nu-username", "zm.nozone", chromedp.ByQuery), chromedp.Click("#new-user button[type=submit]", chromedp.ByQuery))
	waitText(t, ctx, "#nu-zone-err", "needs a zone")

	// The audit log shows who created whom; filters narrow it.
	browse(t, ctx, "open the audit log", chromedp.Click("#tab-audit", chromedp.ByQuery))
	waitText(t, ctx, "#audit", "user_created")
	browse(t, ctx, "filter the audit log", chromedp.SendKeys("#au-actor", "lko1.admin", chromedp.ByQuery),
		chromedp.SendKeys("#au-action", "user_created", chromedp.ByQuery), chromedp.Click("#audit-form button[type=submit]", chromedp.ByQuery))
	waitText(t, ctx, "#audit-count", "1 entry shown")
	if row := textOf(t, ctx, "#audit"); !strings.Contains(row, "lko1.cashier7") || !strings.Contains(row, "lko1.admin") {
		t.Fatalf("filtered audit row: %q", row)
	}
	shot(t, ctx, "42-admin-audit")

	// The cashier changes the password they were given; the screen shows
	// them nothing but that.
	browse(t, ctx, "log out the admin", chromedp.Click("#logout-btn", chromedp.ByQuery), chromedp.WaitVisible("#login-user", chromedp.ByQuery),
		chromedp.SendKeys("#login-user", "lko1.cashier7", chromedp.ByQuery), chromedp.SendKeys("#login-pass", given+kb.Enter, chromedp.ByQuery),
		chromedp.WaitVisible("#me-old", chromedp.ByQuery))
	var hidden bool
	browse(t, ctx, "cashier's tabs", chromedp.Evaluate(`document.querySelector('#tab-users').hidden && document.querySelector('#tab-audit').hidden`, &hidden))
	if !hidden {
		t.Fatal("a cashier sees the users or audit tab")
	}
	browse(t, ctx, "change own password", chromedp.SendKeys("#me-old", given, chromedp.ByQuery),
		chromedp.SendKeys("#me-new", "ravi-own-pass", chromedp.ByQuery), chromedp.SendKeys("#me-again", "ravi-own-pass", chromedp.ByQuery),
		chromedp.Click("#me-form button[type=submit]", chromedp.ByQuery))
	waitText(t, ctx, "#me-note", "Password changed")
	e2e.Login(t, e.mall.URL, "lko1.cashier7", "ravi-own-pass")

	// Finance at the hub reads the audit log and manages nobody.
	browse(t, ctx, "finance opens the hub's admin screen", chromedp.Navigate(e.hub.URL+"/admin"), chromedp.WaitVisible("#login-user", chromedp.ByQuery),
		chromedp.SendKeys("#login-user", "finance", chromedp.ByQuery), chromedp.SendKeys("#login-pass", password+kb.Enter, chromedp.ByQuery))
	waitText(t, ctx, "#audit", "login")
	browse(t, ctx, "finance's tabs", chromedp.Evaluate(`document.querySelector('#tab-users').hidden`, &hidden))
	if !hidden {
		t.Fatal("finance sees the users tab")
	}
	shot(t, ctx, "43-hub-audit")
}
