package api

import (
	"github.com/gin-gonic/gin"

	"ektamall/hub/ingest"
	"ektamall/shared/auth"
	"ektamall/shared/httpx"
)

// SyncDeps are the ingest and catalog services: malls, watermarks, parked
// events, catalog changes.
type SyncDeps struct {
	Service *ingest.Service // nil: the endpoints answer 503
}

// registerSync adds the sync and catalog endpoints.
func (s *Server) registerSync(api *gin.RouterGroup) {
	api.GET("/malls", s.syncMalls)
	api.GET("/parked", s.syncParked)
	api.GET("/catalog/changes", s.catalogChanges)
	// The catalog and its prices belong to the catalog role (hub admin),
	// not to finance, who pays producers from the sales they make.
	cat := httpx.RequireRole(auth.HubAdmin)
	api.POST("/catalog/products", cat, s.catalogProduct)
	api.POST("/catalog/prices", cat, s.catalogPrice)
	api.POST("/catalog/prices/bulk", cat, s.catalogBulkPrice)
	api.POST("/catalog/producers", cat, s.catalogProducer)
	api.POST("/catalog/districts", cat, s.catalogDistrict)
	api.POST("/catalog/tax-rates", cat, s.catalogTaxRate)
	api.POST("/catalog/tax-bands", cat, s.catalogTaxBands)
}
