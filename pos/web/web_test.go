package web_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"ektamall/pos/web"
	"ektamall/shared/httpx"
)

func server(t *testing.T) *httptest.Server {
	t.Helper()
	r := httpx.NewEngine(slog.New(slog.NewTextHandler(io.Discard, nil)))
	web.Register(r, "https://hub.example")
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	return srv
}

func get(t *testing.T, u string) (*http.Response, string) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func TestScreensAreServed(t *testing.T) {
	srv := server(t)
	for _, tc := range []struct{ path, ctype, has string }{
		{"/", "text/html", `src="/assets/cashier.js"`},
		{"/zone", "text/html", `src="/assets/zone.js"`},
		{"/admin", "text/html", `src="/assets/admin.js"`},
		{"/assets/admin.js", "text/javascript", "/api/v1/audit"},
		{"/assets/cashier.js", "text/javascript", "export const till"},
		{"/assets/style.css", "text/css", ".sell"},
	} {
		resp, body := get(t, srv.URL+tc.path)
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), tc.ctype) || !strings.Contains(body, tc.has) {
			t.Errorf("GET %s: %d %s, body has %q: %v", tc.path, resp.StatusCode, resp.Header.Get("Content-Type"), tc.has, strings.Contains(body, tc.has))
		}
		if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
			t.Errorf("GET %s: CSP %q", tc.path, csp)
		}
	}
}

func TestUnknownPathsStayJSON(t *testing.T) {
	srv := server(t)
	for _, p := range []string{"/api/v1/nothing-here", "/assets/../web.go", "/assets/nope.js", "/assets/cashier.html"} {
		resp, body := get(t, srv.URL+p)
		if resp.StatusCode != 404 || !strings.Contains(body, `"code":"not_found"`) {
			t.Errorf("GET %s: %d %s", p, resp.StatusCode, body)
		}
	}
}

func TestQRCode(t *testing.T) {
	srv := server(t)
	payload := "upi://pay?pa=ektamall.lko1@sbi&pn=PM%20Ekta%20Mall&am=1449.00&cu=INR&tr=TR123"
	resp, body := get(t, srv.URL+"/qr.svg?text="+url.QueryEscape(payload))
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/svg+xml" || !strings.HasPrefix(body, "<svg") || !strings.Contains(body, "h1v1h-1z") {
		t.Fatalf("qr: %d %s %.80s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	// A receipt's trace link is drawn; any other address, or a trace link
	// with more path after the token, is refused.
	resp, body = get(t, srv.URL+"/qr.svg?text="+url.QueryEscape("https://hub.example/trace/AbCdEfGhIjKlMnOpQrStUvWx"))
	if resp.StatusCode != 200 || !strings.HasPrefix(body, "<svg") {
		t.Fatalf("trace qr: %d %.80s", resp.StatusCode, body)
	}
	for _, bad := range []string{"", "https://example.com", "upi://" + strings.Repeat("x", 600), "https://hub.example/other",
		"https://hub.example/trace/x/../../admin", "https://evil.example/trace/x", "https://hub.example/trace/x?next=evil"} {
		resp, body := get(t, srv.URL+"/qr.svg?text="+url.QueryEscape(bad))
		if resp.StatusCode != 400 || !strings.Contains(body, `"field":"text"`) {
			t.Errorf("qr of %.20q: %d %s", bad, resp.StatusCode, body)
		}
	}
}

// The QR is a real QR: same text, same picture; different text, different picture.
func TestQRSVGDeterministic(t *testing.T) {
	a1, err := web.QRSVG("upi://pay?am=1.00")
	if err != nil {
		t.Fatal(err)
	}
	a2, _ := web.QRSVG("upi://pay?am=1.00")
	b, _ := web.QRSVG("upi://pay?am=2.00")
	if a1 != a2 || a1 == b {
		t.Fatal("QR encoding is not a function of its text")
	}
}
