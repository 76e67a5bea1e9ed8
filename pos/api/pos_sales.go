package api

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"ektamall/pos"
	"ektamall/pos/receipt"
	"ektamall/shared/errs"
	"ektamall/shared/httpx"
	"ektamall/shared/idem"
	"ektamall/shared/webui"
)

// POST /api/v1/sales (Idempotency-Key required) → 201 invoice; the same
// key and body again → 200 with the same invoice.
func (s *Server) checkout(c *gin.Context) {
	key := c.GetHeader(idem.Header)
	var req pos.SaleRequest
	if err := httpx.Decode(c, &req); err != nil {
		httpx.Fail(c, err)
		return
	}
	sale, replay, err := s.d.POS.Service.Checkout(c.Request.Context(), posActor(c), key, req)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	status := http.StatusCreated
	if replay {
		status = http.StatusOK
	}
	c.JSON(status, sale)
}

func (s *Server) getSale(c *gin.Context) {
	sale, err := s.d.POS.Service.GetSale(c.Request.Context(), posActor(c), c.Param("id"))
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, sale)
}

// GET /api/v1/sales?invoice_no=C01/2526/0000001 → [invoice] (empty when
// no such number), for a return started from a printed receipt.
func (s *Server) findSale(c *gin.Context) {
	no := c.Query("invoice_no")
	if no == "" {
		httpx.Fail(c, httpx.BadQuery("invoice_no", "invoice_no is required, e.g. C01/2526/0000001"))
		return
	}
	sale, err := s.d.POS.Service.FindSale(c.Request.Context(), posActor(c), no)
	if errs.CodeOf(err) == errs.NotFound {
		c.JSON(http.StatusOK, []pos.Sale{})
		return
	}
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, []pos.Sale{sale})
}

// POST /api/v1/sales/{id}/void {"reason"} → 200 the cancelled invoice.
func (s *Server) voidSale(c *gin.Context) {
	var in struct {
		Reason string `json:"reason"`
	}
	if err := httpx.Decode(c, &in); err != nil {
		httpx.Fail(c, err)
		return
	}
	sale, err := s.d.POS.Service.Void(c.Request.Context(), posActor(c), c.Param("id"), in.Reason)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, sale)
}

// receiptFormat is "text" or "html": ?format= wins, else a browser asking
// for HTML gets HTML.
func receiptFormat(c *gin.Context) (string, error) {
	switch f := c.Query("format"); f {
	case "text", "html":
		return f, nil
	case "":
		if strings.Contains(c.GetHeader("Accept"), "text/html") {
			return "html", nil
		}
		return "text", nil
	}
	return "", httpx.BadQuery("format", "format must be text or html")
}

// receiptLang is the language of a printable receipt: ?lang= (one the
// mall offers), else the user's chosen language, else English. The
// 42-column text is always English (see receipt.InvoiceText).
func (s *Server) receiptLang(c *gin.Context) (string, error) {
	offered := webui.Languages(s.d.State)
	if l := c.Query("lang"); l != "" {
		if !webui.ValidLang(l, offered) {
			return "", httpx.BadQuery("lang", "lang must be one of "+strings.Join(offered, ", "))
		}
		return l, nil
	}
	if l := httpx.User(c).Lang; webui.ValidLang(l, offered) {
		return l, nil
	}
	return "en", nil
}

// GET /api/v1/sales/{id}/receipt?format=text|html&lang= → the tax invoice.
func (s *Server) saleReceipt(c *gin.Context) {
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
	sale, err := svc.GetSale(c.Request.Context(), posActor(c), c.Param("id"))
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	if f == "text" {
		c.Data(http.StatusOK, "text/plain; charset=utf-8", []byte(receipt.InvoiceText(svc.Mall(), sale)))
		return
	}
	b, err := receipt.InvoiceHTML(svc.Mall(), sale, lang)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	c.Header("Content-Security-Policy", receipt.CSP)
	c.Data(http.StatusOK, "text/html; charset=utf-8", b)
}
