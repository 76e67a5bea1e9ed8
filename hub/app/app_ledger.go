package app

import (
	"context"
	"fmt"
	"time"

	"ektamall/hub/api"
	"ektamall/hub/ledger"
	"ektamall/hub/settle"
	"ektamall/shared/money"
)

// ledgerDeps builds the ledger and settlement services, and the books
// that ingest hands every event to (h.Books).
func (h *Hub) ledgerDeps(ctx context.Context) (api.LedgerDeps, error) {
	books := ledger.NewApplier(h.cfg.Now)
	damage, err := ledger.ParseDamagePolicy(h.cfg.DamageBorneBy)
	if err != nil {
		return api.LedgerDeps{}, fmt.Errorf("--damage-borne-by: %w", err)
	}
	books.SetDamagePolicy(damage)
	h.Books = books.Open
	min, err := money.Parse(h.cfg.MinPayout)
	if err != nil {
		return api.LedgerDeps{}, fmt.Errorf("--min-payout: %w", err)
	}
	svc := settle.New(h.Store, settle.Config{Window: h.cfg.ReturnWindow, MinPayout: min}, time.Now, h.log.With("component", "settle"))
	return api.LedgerDeps{Settle: svc, Now: time.Now}, nil
}
