package api_test

import (
	"io"
	"log/slog"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"ektamall/inventory"
	"ektamall/pos"
	"ektamall/pos/api"
	"ektamall/pos/online"
	"ektamall/shared/httpx"
	"ektamall/shared/httpx/openapitest"
)

// TestOpenAPIMatchesRoutes serves the document from the real engine with
// every area registered and checks it against the routes (openapitest).
func TestOpenAPIMatchesRoutes(t *testing.T) {
	r := api.New(api.Deps{MallID: "LKO1", Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Edge:      httpx.Edge{Registry: prometheus.NewRegistry()},
		POS:       api.POSDeps{Service: &pos.Service{}},
		Inventory: api.InventoryDeps{Stock: &inventory.Service{}},
		Online:    api.OnlineDeps{Orders: &online.Service{}}})
	openapitest.MatchesRoutes(t, r)
}
