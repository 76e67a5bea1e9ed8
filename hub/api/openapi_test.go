package api_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"

	"ektamall/hub/api"
	"ektamall/hub/ingest"
	"ektamall/hub/settle"
	"ektamall/shared/httpx"
)

// TestOpenAPIMatchesRoutes serves the document from the real engine with
// every area registered, validates it, and checks that every route is
// documented and every documented operation is routed. Only the web
// screens (pages and assets outside /api and the ops endpoints) are left
// out: they are not an API.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	r := api.New(api.Deps{Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Edge:   httpx.Edge{Registry: prometheus.NewRegistry()},
		Sync:   api.SyncDeps{Service: &ingest.Service{}},
		Ledger: api.LedgerDeps{Settle: &settle.Service{}}})
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	resp, err := http.Get(srv.URL + "/api/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("GET /api/openapi.json: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	checkDocument(t, body, r.Routes())
}

var ginParam = regexp.MustCompile(`[:*]([A-Za-z_]+)`)

func checkDocument(t *testing.T, body []byte, routes gin.RoutesInfo) {
	t.Helper()
	var raw map[string]any
	if err := json.Unmarshal(body, &raw); err != nil {
		t.Fatalf("served document is not JSON: %v", err)
	}
	doc, err := openapi3.NewLoader().LoadFromData(body)
	if err != nil {
		t.Fatalf("load served document: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("document does not validate: %v", err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Fatalf("openapi = %q", doc.OpenAPI)
	}
	if doc.Components.SecuritySchemes["bearer"] == nil || doc.Components.Schemas["Error"] == nil {
		t.Fatal("document lacks the bearer scheme or the Error schema")
	}
	routed := map[string]bool{}
	for _, rt := range routes {
		p := ginParam.ReplaceAllString(rt.Path, "{$1}")
		if !strings.HasPrefix(p, "/api/") && p != "/healthz" && p != "/readyz" && p != "/metrics" {
			continue // the web screens
		}
		routed[rt.Method+" "+p] = true
	}
	documented := map[string]bool{}
	for p, item := range doc.Paths.Map() {
		for m, op := range item.Operations() {
			documented[m+" "+p] = true
			if op.Responses.Default() == nil && !strings.HasPrefix(p, "/api/openapi") && p != "/healthz" && p != "/readyz" && p != "/metrics" {
				t.Errorf("%s %s documents no error response", m, p)
			}
		}
	}
	var missing, extra []string
	for k := range routed {
		if !documented[k] {
			missing = append(missing, k)
		}
	}
	for k := range documented {
		if !routed[k] {
			extra = append(extra, k)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	if len(missing) > 0 {
		t.Errorf("routes not documented:\n  %s", strings.Join(missing, "\n  "))
	}
	if len(extra) > 0 {
		t.Errorf("documented but not routed:\n  %s", strings.Join(extra, "\n  "))
	}
	if len(routed) < 10 {
		t.Fatalf("only %d API routes registered; the areas did not register", len(routed))
	}
}
