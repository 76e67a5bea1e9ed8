package webe2e

import (
	"testing"

	"github.com/chromedp/chromedp"

	"ektamall/shared/webui"
)

// TestLoginWordsFollowLanguage: a login refused after a change of language
// is refused in the new language on every login screen. The zone and mall
// admin screens used to copy the login words once, when the page loaded,
// so the refusal stayed in the language the page opened in.
func TestLoginWordsFollowLanguage(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are not short")
	}
	ctx := browser(t)
	e := startEnv(t)
	hi, err := webui.Dict("hi")
	if err != nil {
		t.Fatal(err)
	}
	en, err := webui.Dict("en")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []struct{ base, path string }{{e.mall.URL, "/zone"}, {e.mall.URL, "/manage"}, {e.hub.URL, "/producer"}} {
		pick, key := setValue("#lang-sel", "hi"), "needUser"
		if s.path == "/producer" { // a phone screen: one button, and words of its own
			pick, key = chromedp.Click("#lang-btn", chromedp.ByQuery), "prod.needUser"
		}
		browse(t, ctx, "open "+s.path+" in English", chromedp.Navigate(s.base+s.path), chromedp.WaitReady("body", chromedp.ByQuery),
			chromedp.Evaluate(`sessionStorage.clear(); localStorage.clear(); true`, nil),
			chromedp.Navigate(s.base+s.path), chromedp.WaitVisible("#login-user", chromedp.ByQuery))
		// Refused once in English, so the screen has drawn its words before the switch.
		browse(t, ctx, s.path+": log in with no name", chromedp.Click("#login-form button[type=submit]", chromedp.ByQuery))
		waitText(t, ctx, "#login-user-err", en[key])
		browse(t, ctx, s.path+": Hindi", pick, chromedp.Poll(`document.documentElement.lang === 'hi'`, nil))
		browse(t, ctx, s.path+": log in with no name, in Hindi", chromedp.Click("#login-form button[type=submit]", chromedp.ByQuery))
		waitText(t, ctx, "#login-user-err", hi[key])
		shot(t, ctx, "lang-login-hi-"+s.path[1:])
	}
}
