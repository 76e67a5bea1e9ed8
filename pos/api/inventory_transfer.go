package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"ektamall/inventory"
	"ektamall/shared/events"
	"ektamall/shared/httpx"
)

// GET /zones/{zone}/transfers?direction=in|out
func (h *invHandlers) transfers(c *gin.Context) {
	ts, err := h.svc.Transfers(c.Request.Context(), actor(c), c.Param("zone"), c.Query("direction"))
	respond(c, http.StatusOK, ts, err)
}

// GET /zones/{zone}/transfers/skipped: routed transfers that could not
// be registered yet, with the reason; retried when the catalog changes.
func (h *invHandlers) skippedTransfers(c *gin.Context) {
	ts, err := h.svc.SkippedTransfers(c.Request.Context(), actor(c), c.Param("zone"))
	respond(c, http.StatusOK, ts, err)
}

func (h *invHandlers) transfer(c *gin.Context) {
	t, err := h.svc.GetTransfer(c.Request.Context(), actor(c), c.Param("id"))
	respond(c, http.StatusOK, t, err)
}

// POST /zones/{zone}/transfers {"to_mall", "from"?, "note"?, "lines"} → 201;
// the stock goes to transit and transfer.sent goes to the outbox.
func (h *invHandlers) transferOut(c *gin.Context) {
	var in inventory.TransferInput
	if err := httpx.Decode(c, &in); err != nil {
		httpx.Fail(c, err)
		return
	}
	t, err := h.svc.TransferOut(c.Request.Context(), actor(c), c.Param("zone"), in)
	created(c, t, t.Replay, err)
}

// POST /transfers/{id}/receive {"lines": [{"sku", "qty"}]}: what arrived,
// every line of the transfer (0 when nothing came); shortages reported.
func (h *invHandlers) receiveTransfer(c *gin.Context) {
	var in struct {
		Lines []inventory.Line `json:"lines"`
	}
	if err := httpx.Decode(c, &in); err != nil {
		httpx.Fail(c, err)
		return
	}
	t, err := h.svc.ReceiveTransfer(c.Request.Context(), actor(c), c.Param("id"), in.Lines)
	respond(c, http.StatusOK, t, err)
}

// POST /transfers/incoming (mall admin): a transfer.sent payload entered
// by hand, for when the hub link is down and the goods are at the door.
func (h *invHandlers) registerIncoming(c *gin.Context) {
	var in events.Transfer
	if err := httpx.Decode(c, &in); err != nil {
		httpx.Fail(c, err)
		return
	}
	t, err := h.svc.RegisterIncoming(c.Request.Context(), actor(c), in)
	respond(c, http.StatusCreated, t, err)
}

// PUT /transfers/{id}/eway-bill {"vehicle_no"|"transporter_id", "distance_km",
// "number"?, "valid_until"?}: Part B, then the portal's number and
// validity, which dispatch a transfer held for its e-way bill.
func (h *invHandlers) setEWayBill(c *gin.Context) {
	var in inventory.EWayInput
	if err := httpx.Decode(c, &in); err != nil {
		httpx.Fail(c, err)
		return
	}
	t, err := h.svc.SetEWayBill(c.Request.Context(), actor(c), c.Param("id"), in)
	respond(c, http.StatusOK, t, err)
}
