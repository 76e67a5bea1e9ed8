package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"ektamall/shared/errs"
	"ektamall/shared/httpx"
	"ektamall/shared/idem"
	"ektamall/shared/money"
)

// POST /api/v1/shifts {"counter": "C01", "opening_float": "2000.00"} → 201 shift.
func (s *Server) openShift(c *gin.Context) {
	var in struct {
		Counter      string        `json:"counter"`
		OpeningFloat *money.Amount `json:"opening_float"`
	}
	if err := httpx.Decode(c, &in); err != nil {
		httpx.Fail(c, err)
		return
	}
	if in.OpeningFloat == nil {
		httpx.Fail(c, errs.Field("opening_float", "opening_float is required: the cash in the drawer at the start, e.g. \"2000.00\""))
		return
	}
	sh, err := s.d.POS.Service.OpenShift(c.Request.Context(), posActor(c), in.Counter, *in.OpeningFloat)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, sh)
}

// GET /api/v1/shifts/current → the caller's open shift.
func (s *Server) currentShift(c *gin.Context) {
	sh, err := s.d.POS.Service.CurrentShift(c.Request.Context(), posActor(c))
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, sh)
}

func (s *Server) getShift(c *gin.Context) {
	sh, err := s.d.POS.Service.GetShift(c.Request.Context(), posActor(c), c.Param("id"))
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, sh)
}

// POST /api/v1/shifts/{id}/close {"counted_cash": "...", "denominations"?: {"500": 3, …}} → 200 Z report.
func (s *Server) closeShift(c *gin.Context) {
	var in struct {
		CountedCash   *money.Amount    `json:"counted_cash"`
		Denominations map[string]int64 `json:"denominations,omitempty"`
	}
	if err := httpx.Decode(c, &in); err != nil {
		httpx.Fail(c, err)
		return
	}
	if in.CountedCash == nil {
		httpx.Fail(c, errs.Field("counted_cash", "counted_cash is required: the cash counted in the drawer, e.g. \"5230.00\""))
		return
	}
	rep, err := s.d.POS.Service.CloseShift(c.Request.Context(), posActor(c), c.Param("id"), *in.CountedCash, in.Denominations)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, rep)
}

// GET /api/v1/shifts/{id}/x-report: the running totals, read only.
func (s *Server) xReport(c *gin.Context) {
	rep, err := s.d.POS.Service.XReport(c.Request.Context(), posActor(c), c.Param("id"))
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, rep)
}

// GET /api/v1/shifts/{id}/z-report: the report printed at close.
func (s *Server) zReport(c *gin.Context) {
	rep, err := s.d.POS.Service.ZReport(c.Request.Context(), posActor(c), c.Param("id"))
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, rep)
}

// POST /api/v1/shifts/{id}/cash (Idempotency-Key required) {"kind":
// "in"|"out", "amount", "reason"} → 201; the same key and body again → 200
// with the same move, no cash moved twice.
func (s *Server) cashMove(c *gin.Context) {
	var in struct {
		Kind   string        `json:"kind"`
		Amount *money.Amount `json:"amount"`
		Reason string        `json:"reason"`
	}
	if err := httpx.Decode(c, &in); err != nil {
		httpx.Fail(c, err)
		return
	}
	if in.Amount == nil {
		httpx.Fail(c, errs.Field("amount", "amount is required"))
		return
	}
	m, replay, err := s.d.POS.Service.CashMove(c.Request.Context(), posActor(c), c.GetHeader(idem.Header), c.Param("id"), in.Kind, *in.Amount, in.Reason)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	if replay {
		c.JSON(http.StatusOK, m)
		return
	}
	c.JSON(http.StatusCreated, m)
}

// GET /api/v1/shifts/{id}/sales: the shift's invoices, newest first.
func (s *Server) shiftSales(c *gin.Context) {
	list, err := s.d.POS.Service.ListSales(c.Request.Context(), posActor(c), c.Param("id"))
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, list)
}

// GET /api/v1/shifts?status=open|closed → the mall's shifts (mall admin).
func (s *Server) listShifts(c *gin.Context) {
	list, err := s.d.POS.Service.ListShifts(c.Request.Context(), posActor(c), c.Query("status"))
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, list)
}
