package web_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"ektamall/hub/web"
	"ektamall/shared/httpx"
)

func TestFinanceScreenServed(t *testing.T) {
	r := httpx.NewEngine(slog.New(slog.NewTextHandler(io.Discard, nil)))
	web.Register(r)
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	for _, tc := range []struct {
		path string
		code int
		has  string
	}{
		{"/", 200, `src="/assets/finance.js"`},
		{"/admin", 200, `src="/assets/admin.js"`},
		{"/assets/finance.js", 200, "settlements"},
		// Shared with the mall's screens, served from shared/webui.
		{"/assets/common.js", 200, "export"},
		{"/assets/style.css", 200, "{"},
		{"/assets/finance.html", 404, `"not_found"`},
		{"/api/v1/nothing", 404, `"not_found"`},
	} {
		resp, err := http.Get(srv.URL + tc.path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.code || !strings.Contains(string(b), tc.has) {
			t.Errorf("GET %s: %d %.100s", tc.path, resp.StatusCode, b)
		}
	}
}
