package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"ektamall/inventory"
	"ektamall/shared/httpx"
)

func (h *invHandlers) counts(c *gin.Context) {
	cs, err := h.svc.Counts(c.Request.Context(), actor(c), c.Param("zone"))
	respond(c, http.StatusOK, cs, err)
}

// POST /zones/{zone}/counts {"skus"?: [...], "blind"?: true} → 201 count.
func (h *invHandlers) createCount(c *gin.Context) {
	var in inventory.CountInput
	if err := httpx.Decode(c, &in); err != nil {
		httpx.Fail(c, err)
		return
	}
	ct, err := h.svc.CreateCount(c.Request.Context(), actor(c), c.Param("zone"), in)
	created(c, ct, ct.Replay, err)
}

func (h *invHandlers) count(c *gin.Context) {
	ct, err := h.svc.GetCount(c.Request.Context(), actor(c), c.Param("id"))
	respond(c, http.StatusOK, ct, err)
}

// POST /counts/{id}/submit {"lines": [{"sku", "location", "counted"}]}
func (h *invHandlers) submitCount(c *gin.Context) {
	var in struct {
		Lines []inventory.CountEntry `json:"lines"`
	}
	if err := httpx.Decode(c, &in); err != nil {
		httpx.Fail(c, err)
		return
	}
	ct, err := h.svc.SubmitCount(c.Request.Context(), actor(c), c.Param("id"), in.Lines)
	respond(c, http.StatusOK, ct, err)
}

// POST /counts/{id}/post → the variance report; posting twice is refused.
func (h *invHandlers) postCount(c *gin.Context) {
	ct, err := h.svc.PostCount(c.Request.Context(), actor(c), c.Param("id"))
	respond(c, http.StatusOK, ct, err)
}
