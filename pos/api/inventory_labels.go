package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"ektamall/inventory/labels"
	"ektamall/shared/httpx"
)

// GET /receipts/{id}/labels?layout=a4|roll&per=unit|line → the printable
// label sheet (HTML) of what a goods received note brought in: one label
// per unit received (per=line: one per line), on an A4 sheet of 3 × 8 or
// a roll one label wide.
func (h *invHandlers) labels(c *gin.Context) {
	layout, err := labels.ParseLayout(c.Query("layout"))
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	per := c.DefaultQuery("per", "unit")
	if per != "unit" && per != "line" {
		httpx.Fail(c, httpx.BadQuery("per", "per must be unit (a label for every unit) or line (one label a line)"))
		return
	}
	g, err := h.svc.GetGRN(c.Request.Context(), actor(c), c.Param("id"))
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	lines := make([]labels.Line, len(g.Lines))
	for i, l := range g.Lines {
		lines[i] = labels.Line{SKU: l.SKU, Qty: l.Qty}
		if per == "line" {
			lines[i].Qty = 1
		}
	}
	ls, err := labels.For(c.Request.Context(), h.svc.DB.R, lines)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	lang, err := labels.Lang(c.Request.Context(), h.svc.DB.R)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	page, err := labels.SheetIn(g.No, layout, ls, lang)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	c.Data(http.StatusOK, "text/html; charset=utf-8", page)
}
