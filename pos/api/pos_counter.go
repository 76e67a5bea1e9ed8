package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"ektamall/pos"
	"ektamall/shared/httpx"
	"ektamall/shared/idem"
	"ektamall/shared/money"
)

// POST /api/v1/approvals {"username", "password", "sku"?, "discount": "25%",
// "max_amount": "500.00"} → 201 {"approval_token", "approver", "for", "sku",
// "discount", "max_amount", "expires_at"}: a mall admin authorises, at the
// cashier's screen, one sale with discounts over the cashier's limit, up
// to the discount and ceiling shown to them, on one product or any line. A
// mall admin may leave username and password empty for themselves.
func (s *Server) approve(c *gin.Context) {
	var in pos.ApprovalRequest
	if err := httpx.Decode(c, &in); err != nil {
		httpx.Fail(c, err)
		return
	}
	ap, err := s.d.POS.Service.Approve(c.Request.Context(), posActor(c), in)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, ap)
}

// GET /api/v1/upi-qr?amount=1449.00 → {"tr", "uri": "upi://pay?…", …}.
func (s *Server) upiQR(c *gin.Context) {
	amt, err := money.Parse(c.Query("amount"))
	if err != nil {
		httpx.Fail(c, httpx.BadQuery("amount", "amount must be rupees with at most 2 decimals, e.g. 1449.00"))
		return
	}
	req, err := s.d.POS.Service.UPIQR(c.Request.Context(), posActor(c), amt)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, req)
}

// POST /api/v1/parked (Idempotency-Key required) {"shift_id", "lines",
// "note"?} → 201 parked cart; the same key and body again → 200 with it.
func (s *Server) park(c *gin.Context) {
	var in struct {
		ShiftID string            `json:"shift_id"`
		Lines   []pos.LineRequest `json:"lines"`
		Note    string            `json:"note,omitempty"`
	}
	if err := httpx.Decode(c, &in); err != nil {
		httpx.Fail(c, err)
		return
	}
	cart, replay, err := s.d.POS.Service.Park(c.Request.Context(), posActor(c), c.GetHeader(idem.Header), in.ShiftID, in.Lines, in.Note)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	if replay {
		c.JSON(http.StatusOK, cart)
		return
	}
	c.JSON(http.StatusCreated, cart)
}

// GET /api/v1/parked?counter=C01 → the carts parked there.
func (s *Server) listParked(c *gin.Context) {
	list, err := s.d.POS.Service.ListParked(c.Request.Context(), posActor(c), c.Query("counter"))
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, list)
}

// POST /api/v1/parked/{id}/recall {"shift_id"} → 200 the cart, now gone
// from the parked list.
func (s *Server) recall(c *gin.Context) {
	var in struct {
		ShiftID string `json:"shift_id"`
	}
	if err := httpx.Decode(c, &in); err != nil {
		httpx.Fail(c, err)
		return
	}
	cart, err := s.d.POS.Service.Recall(c.Request.Context(), posActor(c), c.Param("id"), in.ShiftID)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, cart)
}

// GET /api/v1/till → the mall as printed on invoices and the rules the
// till rings by: {"mall": {...}, "round_off": "rupee", "cash_limit",
// "pan_above", "named_buyer_from"}, so a counter screen shows the payable
// amount and asks for the buyer's details before the server must refuse.
func (s *Server) tillRules(c *gin.Context) {
	c.JSON(http.StatusOK, s.d.POS.Service.Rules(httpx.User(c).Role))
}
