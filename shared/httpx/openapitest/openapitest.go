// Package openapitest checks an API's served OpenAPI document against the
// routes its engine registers; the mall's and the hub's API tests both
// call it.
package openapitest

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/gin-gonic/gin"
)

var ginParam = regexp.MustCompile(`[:*]([A-Za-z_]+)`)

// MatchesRoutes serves r on 127.0.0.1, fetches /api/openapi.json,
// validates it, and checks that every route is documented and every
// documented operation is routed. Only the web screens (pages and assets
// outside /api and the ops endpoints) are left out: they are not an API.
func MatchesRoutes(t *testing.T, r *gin.Engine) {
	t.Helper()
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
	doc := load(t, body)
	routed := routedOps(r.Routes())
	documented := map[string]bool{}
	for p, item := range doc.Paths.Map() {
		for m, op := range item.Operations() {
			documented[m+" "+p] = true
			if op.Responses.Default() == nil && !strings.HasPrefix(p, "/api/openapi") && !isOps(p) {
				t.Errorf("%s %s documents no error response", m, p)
			}
		}
	}
	if missing := absent(routed, documented); len(missing) > 0 {
		t.Errorf("routes not documented:\n  %s", strings.Join(missing, "\n  "))
	}
	if extra := absent(documented, routed); len(extra) > 0 {
		t.Errorf("documented but not routed:\n  %s", strings.Join(extra, "\n  "))
	}
	if len(routed) < 10 {
		t.Fatalf("only %d API routes registered; the areas did not register", len(routed))
	}
}

// load parses and validates the served document.
func load(t *testing.T, body []byte) *openapi3.T {
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
	return doc
}

func isOps(p string) bool { return p == "/healthz" || p == "/readyz" || p == "/metrics" }

// routedOps are the API's "METHOD /path/{param}" operations.
func routedOps(routes gin.RoutesInfo) map[string]bool {
	routed := map[string]bool{}
	for _, rt := range routes {
		p := ginParam.ReplaceAllString(rt.Path, "{$1}")
		if !strings.HasPrefix(p, "/api/") && !strings.HasPrefix(p, "/ondc/") && !isOps(p) {
			continue // the web screens
		}
		routed[rt.Method+" "+p] = true
	}
	return routed
}

// absent lists, sorted, the keys of a that b lacks.
func absent(a, b map[string]bool) []string {
	var out []string
	for k := range a {
		if !b[k] {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}
