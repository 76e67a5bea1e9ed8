package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"ektamall/inventory"
	"ektamall/shared/httpx"
)

// GET /stock?zone=UP (zone defaults to a zone manager's own; mall admins
// and cashiers may leave it out to see every zone).
func (h *invHandlers) stock(c *gin.Context) {
	zone := c.Query("zone")
	if zone != "" && !validZone(zone) {
		httpx.Fail(c, httpx.BadQuery("zone", "zone must be a State/UT code such as UP"))
		return
	}
	rows, err := h.svc.Stock(c.Request.Context(), actor(c), zone)
	respond(c, http.StatusOK, rows, err)
}

// GET /stock/{sku}/moves?limit=200, newest first.
func (h *invHandlers) moves(c *gin.Context) {
	limit, err := limitParam(c, inventory.MaxMovesPage)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	ms, err := h.svc.Moves(c.Request.Context(), actor(c), c.Param("sku"), limit)
	respond(c, http.StatusOK, ms, err)
}

// GET /stock/check: proves every balance equals the sum of its moves.
func (h *invHandlers) check(c *gin.Context) {
	ms, err := h.svc.CheckLedger(c.Request.Context(), actor(c))
	respond(c, http.StatusOK, gin.H{"ok": len(ms) == 0, "mismatches": ms}, err)
}

func (h *invHandlers) reorderPoints(c *gin.Context) {
	rps, err := h.svc.ReorderPoints(c.Request.Context(), actor(c), c.Param("zone"))
	respond(c, http.StatusOK, rps, err)
}

// PUT /zones/{zone}/reorder-points/{sku} {"reorder_point": 5}
func (h *invHandlers) setReorderPoint(c *gin.Context) {
	var in struct {
		ReorderPoint *int64 `json:"reorder_point"`
	}
	if err := httpx.Decode(c, &in); err != nil {
		httpx.Fail(c, err)
		return
	}
	if in.ReorderPoint == nil {
		httpx.Fail(c, httpx.BadQuery("reorder_point", "reorder_point is required"))
		return
	}
	rp, err := h.svc.SetReorderPoint(c.Request.Context(), actor(c), c.Param("zone"), c.Param("sku"), *in.ReorderPoint)
	respond(c, http.StatusOK, rp, err)
}

func (h *invHandlers) lowStock(c *gin.Context) {
	items, err := h.svc.LowStock(c.Request.Context(), actor(c), c.Param("zone"))
	respond(c, http.StatusOK, items, err)
}

// GET /zones/{zone}/exceptions?all=true (open ones by default).
func (h *invHandlers) exceptions(c *gin.Context) {
	all := c.Query("all")
	if all != "" && all != "true" && all != "false" {
		httpx.Fail(c, httpx.BadQuery("all", "all is true or false"))
		return
	}
	es, err := h.svc.Exceptions(c.Request.Context(), actor(c), c.Param("zone"), all == "true")
	respond(c, http.StatusOK, es, err)
}

// POST /exceptions/{id}/resolve {"resolution": "..."}
func (h *invHandlers) resolveException(c *gin.Context) {
	var in struct {
		Resolution string `json:"resolution"`
	}
	if err := httpx.Decode(c, &in); err != nil {
		httpx.Fail(c, err)
		return
	}
	e, err := h.svc.ResolveException(c.Request.Context(), actor(c), c.Param("id"), in.Resolution)
	respond(c, http.StatusOK, e, err)
}

func (h *invHandlers) peerMalls(c *gin.Context) {
	ps, err := h.svc.PeerMalls(c.Request.Context())
	respond(c, http.StatusOK, ps, err)
}

// POST /peer-malls {"id", "state", "name"} (mall admin).
func (h *invHandlers) addPeerMall(c *gin.Context) {
	var in inventory.PeerMall
	if err := httpx.Decode(c, &in); err != nil {
		httpx.Fail(c, err)
		return
	}
	p, err := h.svc.AddPeerMall(c.Request.Context(), actor(c), in)
	respond(c, http.StatusCreated, p, err)
}
