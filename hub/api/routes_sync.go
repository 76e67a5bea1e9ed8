package api

import (
	"github.com/gin-gonic/gin"

	"ektamall/hub/ingest"
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
	api.POST("/catalog/products", s.catalogProduct)
	api.POST("/catalog/prices", s.catalogPrice)
	api.POST("/catalog/producers", s.catalogProducer)
	api.POST("/catalog/districts", s.catalogDistrict)
	api.POST("/catalog/tax-rates", s.catalogTaxRate)
}
