package api_test

import (
	"io"
	"log/slog"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"ektamall/hub/api"
	"ektamall/hub/channel"
	"ektamall/hub/gstr"
	"ektamall/hub/ingest"
	"ektamall/hub/settle"
	"ektamall/shared/httpx"
	"ektamall/shared/httpx/openapitest"
)

// TestOpenAPIMatchesRoutes serves the document from the real engine with
// every area registered and checks it against the routes (openapitest).
func TestOpenAPIMatchesRoutes(t *testing.T) {
	r := api.New(api.Deps{Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Edge:   httpx.Edge{Registry: prometheus.NewRegistry()},
		Sync:   api.SyncDeps{Service: &ingest.Service{}},
		Ledger: api.LedgerDeps{Settle: &settle.Service{}}, GST: api.GSTDeps{Service: &gstr.Service{}},
		Channel: &channel.Service{}})
	openapitest.MatchesRoutes(t, r)
}
