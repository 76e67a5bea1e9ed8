package mallapp

import (
	"ektamall/inventory"
	"ektamall/pos/api"
)

// inventoryDeps builds the zone stock services.
func (m *Mall) inventoryDeps() (api.InventoryDeps, error) {
	return api.InventoryDeps{Stock: inventory.New(m.DB, m.cfg.ID)}, nil
}
