package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"ektamall/hub/ingest"
	"ektamall/shared/httpx"
)

// POST /api/v1/catalog/prices/bulk {"scope", "key", "percent", "from"?,
// "until"?} → 201 what changed: a percentage on every product of a State,
// category, producer or SKU, optionally only until a time (a festival
// price that reverts by itself).
func (s *Server) catalogBulkPrice(c *gin.Context) {
	var in ingest.BulkPrice
	if err := httpx.Decode(c, &in); err != nil {
		httpx.Fail(c, err)
		return
	}
	svc := s.syncService(c)
	if svc == nil {
		return
	}
	out, err := svc.ChangePrices(c.Request.Context(), in, httpx.User(c).ID, httpx.RequestID(c))
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, out)
}
