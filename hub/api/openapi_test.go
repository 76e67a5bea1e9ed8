package api_test

import (
	"context"
	"crypto/ed25519"
	"io"
	"log/slog"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"ektamall/hub/api"
	"ektamall/hub/channel"
	"ektamall/hub/channel/ondc"
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
		Channel: &channel.Service{}, ONDC: seller(t)})
	openapitest.MatchesRoutes(t, r)
}

// seller is an ONDC seller app with no buyer apps: enough to route.
func seller(t *testing.T) *ondc.Seller {
	_, key, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	s, err := ondc.New(context.Background(), ondc.Config{SubscriberID: "hub", UniqueKeyID: "k1", Key: key}, &channel.Service{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}
