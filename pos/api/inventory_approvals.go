package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"ektamall/inventory"
	"ektamall/shared/auth"
	"ektamall/shared/httpx"
)

// A damage write-off and a return to the producer need a mall admin's
// approval (inventory/stockreq.go). A zone manager's request answers 202
// with the pending request; with "approver": {"username", "password"} (a
// mall admin typing on the zone manager's screen, as at the till) or from
// a mall admin it is made at once and answers 201 with the movement.

// credentials are a mall admin's, typed on a colleague's screen.
type credentials struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

// approver checks typed credentials (nil: none were typed).
func (h *invHandlers) approver(c *gin.Context, cr *credentials) (*auth.User, error) {
	if cr == nil || (cr.Username == "" && cr.Password == "") {
		return nil, nil
	}
	u, err := h.auth.VerifyApprover(c.Request.Context(), httpx.User(c), cr.Username, cr.Password, auth.MallAdmin, httpx.RequestID(c))
	if err != nil {
		return nil, err
	}
	return &u, nil
}

// requested answers a request: 201 with the movement once made, 202 with
// the request while it waits, 200 for a replay.
func requested(c *gin.Context, r inventory.StockRequest, err error) {
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	switch {
	case r.Movement != nil && !r.Replay:
		m := *r.Movement
		m.Request = r.ID
		c.JSON(http.StatusCreated, m)
	case r.Replay:
		c.JSON(http.StatusOK, r)
	default:
		c.JSON(http.StatusAccepted, r)
	}
}

// POST /zones/{zone}/producer-returns {"producer_id", "from": "shelf"|"backroom"|"damaged", "reason", "lines", "approver"?}
// → 202 pending, or 201: consignment handed back to its producer.
func (h *invHandlers) producerReturn(c *gin.Context) {
	var in struct {
		inventory.ProducerReturnInput
		Approver *credentials `json:"approver"`
	}
	if err := httpx.Decode(c, &in); err != nil {
		httpx.Fail(c, err)
		return
	}
	ap, err := h.approver(c, in.Approver)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	r, err := h.svc.RequestProducerReturn(c.Request.Context(), actor(c), c.Param("zone"), in.ProducerReturnInput, ap)
	requested(c, r, err)
}

// POST /zones/{zone}/damage {"from": "shelf"|"backroom", "reason", "cause"?, "lines", "approver"?} → 202 pending, or 201.
func (h *invHandlers) damage(c *gin.Context) {
	var in struct {
		inventory.DamageInput
		Approver *credentials `json:"approver"`
	}
	if err := httpx.Decode(c, &in); err != nil {
		httpx.Fail(c, err)
		return
	}
	ap, err := h.approver(c, in.Approver)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	r, err := h.svc.RequestDamage(c.Request.Context(), actor(c), c.Param("zone"), in.DamageInput, ap)
	requested(c, r, err)
}

// GET /stock-requests?status=pending|approved|rejected
func (h *invHandlers) stockRequests(c *gin.Context) {
	rs, err := h.svc.StockRequests(c.Request.Context(), actor(c), c.Query("status"))
	respond(c, http.StatusOK, rs, err)
}

// GET /stock-requests/{id}
func (h *invHandlers) stockRequest(c *gin.Context) {
	r, err := h.svc.StockRequest(c.Request.Context(), actor(c), c.Param("id"))
	respond(c, http.StatusOK, r, err)
}

// POST /stock-requests/{id}/approve {"approver"?}: a mall admin approves
// their own way; a zone manager's screen sends the admin's credentials.
func (h *invHandlers) approveRequest(c *gin.Context) {
	var in struct {
		Approver *credentials `json:"approver"`
	}
	if c.Request.ContentLength != 0 {
		if err := httpx.Decode(c, &in); err != nil {
			httpx.Fail(c, err)
			return
		}
	}
	ap, err := h.approver(c, in.Approver)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	u := httpx.User(c)
	if ap == nil {
		ap = &u // a mall admin approving themselves; anyone else is refused by the service
	}
	r, err := h.svc.ApproveRequest(c.Request.Context(), actor(c), c.Param("id"), *ap)
	respond(c, http.StatusOK, r, err)
}

// POST /stock-requests/{id}/reject {"note"}
func (h *invHandlers) rejectRequest(c *gin.Context) {
	var in struct {
		Note string `json:"note"`
	}
	if err := httpx.Decode(c, &in); err != nil {
		httpx.Fail(c, err)
		return
	}
	r, err := h.svc.RejectRequest(c.Request.Context(), actor(c), c.Param("id"), in.Note)
	respond(c, http.StatusOK, r, err)
}
