package chane2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	cdpruntime "github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"ektamall/hub/channel"
)

// browser starts headless Chromium (skipping the test without one) and
// returns a tab; a page that throws fails the test.
func browser(t *testing.T) context.Context {
	t.Helper()
	path := ""
	for _, n := range []string{os.Getenv("CHROMIUM"), "chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(n); n != "" && err == nil {
			path = p
			break
		}
	}
	if path == "" {
		t.Skip("browser tests need Chromium (apt-get install -y chromium, or CHROMIUM=path)")
	}
	profile := t.TempDir()
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), chromedp.ExecPath(path), chromedp.Flag("headless", true),
		chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-dev-shm-usage", true), chromedp.UserDataDir(profile), chromedp.WindowSize(1366, 768))
	ctx, cancelTab := chromedp.NewContext(actx)
	var mu sync.Mutex
	var thrown []string
	chromedp.ListenTarget(ctx, func(ev any) {
		if e, ok := ev.(*cdpruntime.EventExceptionThrown); ok {
			mu.Lock()
			thrown = append(thrown, e.ExceptionDetails.Error())
			mu.Unlock()
		}
	})
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc()
		mu.Lock()
		defer mu.Unlock()
		for _, e := range thrown {
			t.Errorf("page threw: %s", e)
		}
	})
	// The first Run starts the browser: on ctx itself, so that a step's
	// deadline cannot stop it.
	if err := chromedp.Run(ctx, chromedp.EmulateViewport(1366, 768)); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

func run(t *testing.T, ctx context.Context, what string, actions ...chromedp.Action) {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Run(c, actions...); err != nil {
		var body string
		bc, cancel2 := context.WithTimeout(ctx, 3*time.Second)
		defer cancel2()
		_ = chromedp.Run(bc, chromedp.Text("body", &body, chromedp.ByQuery))
		t.Fatalf("%s: %v\npage text:\n%.2000s", what, err, body)
	}
}

// waitIn waits until the element's text contains want.
func waitIn(sel, want string) chromedp.Action {
	return chromedp.Poll(fmt.Sprintf(`(() => { const e = document.querySelector(%q); return !!e && e.textContent.includes(%q); })()`, sel, want),
		nil, chromedp.WithPollingInterval(50*time.Millisecond))
}

// TestZoneScreenFulfilsAnOnlineOrder: the UP zone manager opens the Online
// orders tab, sees the order to pick, and takes it through picked and
// packed to the courier with an AWB number; the channel sees it shipped
// with the invoice the handover issued.
func TestZoneScreenFulfilsAnOnlineOrder(t *testing.T) {
	w := start(t)
	ctx := browser(t)
	p := w.products("LKO1", "UP")[0]
	w.receive("LKO1", "UP", p.SKU, p.ProducerID, 3)
	w.waitAvailable(p.SKU, 2) // less the zone's default buffer of 1
	w.order("WEB-1", "MH", map[string]any{"sku": p.SKU, "qty": 1})
	w.waitOrder("WEB-1", "reserved", func(o channel.Order) bool { return o.Status == channel.LineReserved })

	row := `#on-table tr[data-order="WEB-1"]`
	run(t, ctx, "log in and open Online orders", chromedp.Navigate(w.mallURL("LKO1")+"/zone"), chromedp.WaitVisible("#login-user", chromedp.ByQuery),
		chromedp.SendKeys("#login-user", "zm.up", chromedp.ByQuery), chromedp.SendKeys("#login-pass", password+kb.Enter, chromedp.ByQuery),
		chromedp.WaitVisible("#app-view", chromedp.ByQuery), chromedp.Click("#tab-online", chromedp.ByQuery),
		chromedp.WaitVisible(row, chromedp.ByQuery), waitIn(row, "A Buyer"), waitIn(row+" .on-status", "reserved"))
	run(t, ctx, "pick", chromedp.Click(row+" .on-pick", chromedp.ByQuery), waitIn(row+" .on-status", "picked"))
	run(t, ctx, "pack", chromedp.Click(row+" .on-pack", chromedp.ByQuery), waitIn(row+" .on-status", "packed"))
	run(t, ctx, "hand over without an AWB", chromedp.Click(row+" .on-ship", chromedp.ByQuery), waitIn("body", "AWB number (6-30"))
	run(t, ctx, "hand over", chromedp.SendKeys(row+" .on-awb", "BD-55501234", chromedp.ByQuery), chromedp.Click(row+" .on-ship", chromedp.ByQuery),
		waitIn("#on-done", "WEB-1: handed over"))
	o := w.waitOrder("WEB-1", "shipped at the hub", func(o channel.Order) bool { return o.Status == channel.LineShipped })
	if o.Lines[0].AWB != "BD-55501234" || !strings.HasPrefix(o.Lines[0].InvoiceNo, "W99") {
		t.Fatalf("the channel's view: %+v", o.Lines[0])
	}
	// Shown with the handed-over orders, with its invoice.
	run(t, ctx, "show all", chromedp.Click("#on-all", chromedp.ByQuery), waitIn(row, o.Lines[0].InvoiceNo), waitIn(row, "BD-55501234"))
}
