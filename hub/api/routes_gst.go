package api

import (
	"bytes"
	"io"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"ektamall/hub/gstr"
	"ektamall/shared/auth"
	"ektamall/shared/errs"
	"ektamall/shared/httpx"
	"ektamall/shared/sqldb"
)

// GSTDeps are the GST returns and documents of the malls' registrations.
type GSTDeps struct {
	Service *gstr.Service
}

// registerGST adds finance's GST endpoints: reading returns is open to
// finance and hub admins; marking a period filed is finance only.
func (s *Server) registerGST(api *gin.RouterGroup) {
	if s.d.GST.Service == nil {
		return
	}
	fin := httpx.RequireRole(auth.Finance)
	api.GET("/gst/gstr1", s.gstr1)
	api.GET("/gst/gstr1/check", s.gstr1Check)
	api.GET("/gst/periods", s.gstPeriods)
	api.POST("/gst/gstr1/filings", fin, s.gstr1File)
	api.GET("/gst/einvoices", s.einvoices)
	api.GET("/gst/transfers", s.gstTransfers)
	api.POST("/gst/einvoices/responses", fin, httpx.Limit(maxEInvResponses), s.einvoiceResponses)
}

// mallPeriod reads ?mall= and ?period=.
func mallPeriod(c *gin.Context) (string, gstr.Period, error) {
	mall := c.Query("mall")
	if mall == "" {
		return "", gstr.Period{}, httpx.BadQuery("mall", "say which mall's registration, e.g. ?mall=LKO1")
	}
	p, err := gstr.ParsePeriod(c.Query("period"))
	return mall, p, err
}

func (s *Server) gstr1(c *gin.Context) {
	mall, p, err := mallPeriod(c)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	r, info, err := s.d.GST.Service.GSTR1(c.Request.Context(), mall, p)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	if info.FiledAt != nil {
		c.Header("X-GSTR1-Filed-At", info.FiledAt.Format("2006-01-02T15:04:05Z07:00"))
	}
	name := r.GSTIN + "_" + r.FP + "_GSTR1"
	switch f := c.Query("format"); f {
	case "", "json":
		c.Header("Content-Disposition", `inline; filename="`+name+`.json"`)
		c.JSON(http.StatusOK, r)
	case "csv":
		var buf bytes.Buffer
		if err := gstr.WriteZip(&buf, name+"_", gstr.Tables(r)); err != nil {
			httpx.Fail(c, err)
			return
		}
		c.Header("Content-Disposition", `attachment; filename="`+name+`_csv.zip"`)
		c.Data(http.StatusOK, "application/zip", buf.Bytes())
	default:
		httpx.Fail(c, httpx.BadQuery("format", "format is json (default) or csv, not "+strings.TrimSpace(f)))
	}
}

func (s *Server) gstr1Check(c *gin.Context) {
	mall, p, err := mallPeriod(c)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	r, err := s.d.GST.Service.Check(c.Request.Context(), mall, p)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, r)
}

func (s *Server) gstPeriods(c *gin.Context) {
	mall := c.Query("mall")
	if mall == "" {
		httpx.Fail(c, httpx.BadQuery("mall", "say which mall's registration, e.g. ?mall=LKO1"))
		return
	}
	rows, err := s.d.GST.Service.Periods(c.Request.Context(), mall)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, rows)
}

func (s *Server) gstr1File(c *gin.Context) {
	var in struct {
		Mall   string `json:"mall"`
		Period string `json:"period"`
		ARN    string `json:"arn"`
	}
	if err := httpx.Decode(c, &in); err != nil {
		httpx.Fail(c, err)
		return
	}
	if in.Mall == "" {
		httpx.Fail(c, errs.Field("mall", "say which mall's registration was filed"))
		return
	}
	p, err := gstr.ParsePeriod(in.Period)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	u := httpx.User(c)
	f, err := s.d.GST.Service.File(c.Request.Context(), in.Mall, p, u.Username, in.ARN)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	if err := s.d.DB.Transact(c.Request.Context(), func(tx sqldb.Tx) error {
		return audit(c.Request.Context(), tx, s.now(), u, "gst.gstr1_filed", map[string]any{"mall": f.Mall, "period": f.Period, "arn": f.ARN}, httpx.RequestID(c))
	}); err != nil {
		httpx.Log(c).Error("audit gstr1 filing", "mall", f.Mall, "err", err)
	}
	c.JSON(http.StatusCreated, f)
}

// GET /gst/transfers?mall= → the transfer documents the mall issued
// (tax invoices and delivery challans) with their e-way bills.
func (s *Server) gstTransfers(c *gin.Context) {
	mall := c.Query("mall")
	if mall == "" {
		httpx.Fail(c, httpx.BadQuery("mall", "say which mall's registration, e.g. ?mall=LKO1"))
		return
	}
	list, err := s.d.GST.Service.TransferDocs(c.Request.Context(), mall)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, list)
}

// maxEInvResponses bounds an imported response file (signed invoices are
// a few kilobytes each).
const maxEInvResponses = 64 << 20

// GET /gst/einvoices?mall=&status=pending → [{"invoice_no", "doc", ...}];
// &download=bulk: the documents as one JSON file to upload; &download=zip:
// one JSON file per document.
func (s *Server) einvoices(c *gin.Context) {
	mall := c.Query("mall")
	if mall == "" {
		httpx.Fail(c, httpx.BadQuery("mall", "say which mall's registration, e.g. ?mall=LKO1"))
		return
	}
	list, err := s.d.GST.Service.EInvoices(c.Request.Context(), mall, c.Query("status"))
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	name := mall + "_einvoices_" + c.DefaultQuery("status", "all")
	switch dl := c.Query("download"); dl {
	case "":
		c.JSON(http.StatusOK, list)
	case "bulk":
		docs := make([]gstr.EInvoice, len(list))
		for i, e := range list {
			docs[i] = e.Doc
		}
		c.Header("Content-Disposition", `attachment; filename="`+name+`.json"`)
		c.JSON(http.StatusOK, docs)
	case "zip":
		var buf bytes.Buffer
		if err := gstr.WriteEInvoiceZip(&buf, list); err != nil {
			httpx.Fail(c, err)
			return
		}
		c.Header("Content-Disposition", `attachment; filename="`+name+`.zip"`)
		c.Data(http.StatusOK, "application/zip", buf.Bytes())
	default:
		httpx.Fail(c, httpx.BadQuery("download", "download is bulk (one JSON file) or zip (one file per document), not "+dl))
	}
}

// POST /gst/einvoices/responses: the portal's responses (a JSON array, or
// {"responses": [...]}) → what was imported.
func (s *Server) einvoiceResponses(c *gin.Context) {
	body, err := io.ReadAll(c.Request.Body)
	if err != nil {
		httpx.Fail(c, errs.E(errs.Invalid, "read the responses: %v", err))
		return
	}
	var rs []gstr.Response
	if t := bytes.TrimSpace(body); len(t) > 0 && t[0] == '{' {
		var in struct {
			Responses []gstr.Response `json:"responses"`
		}
		err = httpx.DecodeBytes(body, &in)
		rs = in.Responses
	} else {
		err = httpx.DecodeBytes(body, &rs)
	}
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	u := httpx.User(c)
	res, err := s.d.GST.Service.ImportResponses(c.Request.Context(), u.Username, rs)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	if err := s.d.DB.Transact(c.Request.Context(), func(tx sqldb.Tx) error {
		return audit(c.Request.Context(), tx, s.now(), u, "gst.einvoice_responses", map[string]any{"generated": res.Generated,
			"cancelled": res.Cancelled, "unchanged": res.Unchanged}, httpx.RequestID(c))
	}); err != nil {
		httpx.Log(c).Error("audit e-invoice import", "err", err)
	}
	c.JSON(http.StatusOK, res)
}
