package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"ektamall/pos"
	"ektamall/pos/receipt"
	"ektamall/shared/httpx"
	"ektamall/shared/idem"
)

// POST /api/v1/returns (Idempotency-Key required) {"sale_id", "lines":
// [{"sku", "qty"}], "refund_method"} → 201 credit note; the same key and
// body again → 200 with the same credit note, nothing refunded twice.
func (s *Server) createReturn(c *gin.Context) {
	key := c.GetHeader(idem.Header)
	var req pos.ReturnRequest
	if err := httpx.Decode(c, &req); err != nil {
		httpx.Fail(c, err)
		return
	}
	r, replay, err := s.d.POS.Service.Return(c.Request.Context(), posActor(c), key, req)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	status := http.StatusCreated
	if replay {
		status = http.StatusOK
	}
	c.JSON(status, r)
}

func (s *Server) getReturn(c *gin.Context) {
	r, err := s.d.POS.Service.GetReturn(c.Request.Context(), posActor(c), c.Param("id"))
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, r)
}

// GET /api/v1/returns/{id}/receipt?format=text|html&lang= → the credit note.
func (s *Server) returnReceipt(c *gin.Context) {
	f, err := receiptFormat(c)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	lang, err := s.receiptLang(c)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	svc := s.d.POS.Service
	r, err := svc.GetReturn(c.Request.Context(), posActor(c), c.Param("id"))
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	if f == "text" {
		c.Data(http.StatusOK, "text/plain; charset=utf-8", []byte(receipt.CreditNoteText(svc.Mall(), r)))
		return
	}
	b, err := receipt.CreditNoteHTML(svc.Mall(), r, lang)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	c.Header("Content-Security-Policy", receipt.CSP)
	c.Data(http.StatusOK, "text/html; charset=utf-8", b)
}
