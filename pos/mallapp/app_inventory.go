package mallapp

import (
	"ektamall/inventory"
	"ektamall/pos/api"
)

// inventoryDeps builds the zone stock services.
func (m *Mall) inventoryDeps() (api.InventoryDeps, error) {
	s := inventory.New(m.DB, m.cfg.ID)
	s.EWayLimits, s.TransferValue = m.cfg.ewayLimits(), m.cfg.TransferValue
	return api.InventoryDeps{Stock: s}, nil
}
