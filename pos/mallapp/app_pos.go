package mallapp

import (
	"context"

	"ektamall/pos"
	"ektamall/pos/api"
	"ektamall/shared/auth"
)

// posDeps builds the point-of-sale services. It runs after the mall's
// identity is recorded, which the service reads for its invoices.
func (m *Mall) posDeps() (api.POSDeps, error) {
	ro, lim := m.cfg.posLimits()
	svc, err := pos.New(context.Background(), m.DB, m.Auth, pos.Config{
		UPIVPA: m.cfg.UPIVPA, UPIMCC: m.cfg.UPIMCC, UPIName: m.cfg.Name,
		DiscountLimitBP: map[auth.Role]int64{auth.Cashier: m.cfg.CashierDiscountPct * 100, auth.MallAdmin: 100_00},
		RoundOff:        ro, Limits: pos.Limits{CashFrom: lim.Cash, PANAbove: lim.PAN, NamedFrom: lim.Named},
		MaxChange: lim.Change, TraceBase: m.cfg.HubURL,
	})
	if err != nil {
		return api.POSDeps{}, err
	}
	return api.POSDeps{Service: svc}, nil
}
