package api

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"ektamall/hub/report"
	"ektamall/shared/httpx"
)

// registerReports adds finance's sales reports (read-only; finance and hub
// admins, like every hub read).
func (s *Server) registerReports(api *gin.RouterGroup) {
	api.GET("/reports/sales", s.salesReport)
	api.GET("/reports/tenders", s.tenderMix)
	api.GET("/reports/cash", s.cashOverShort)
}

// GET /reports/cash?mall=&from=&to= → cash over/short per closed shift.
func (s *Server) cashOverShort(c *gin.Context) {
	rng, err := reportRange(c)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	rows, err := report.CashOverShort(c.Request.Context(), s.d.DB.Reader(), c.Query("mall"), rng)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, rows)
}

// reportRange reads from= and to= (dates in IST, to inclusive, or RFC 3339).
func reportRange(c *gin.Context) (report.Range, error) {
	from, err := httpx.TimeBound(c, "from", false)
	if err != nil {
		return report.Range{}, err
	}
	to, err := httpx.TimeBound(c, "to", true)
	return report.Range{From: from, To: to}, err
}

// salesReport answers GET /reports/sales?by=&from=&to=&limit= as JSON
// rows, as CSV (Accept: text/csv or ?format=csv) or as an SVG bar chart
// (Accept: image/svg+xml or ?format=svg).
func (s *Server) salesReport(c *gin.Context) {
	by, err := report.ParseBy(c.DefaultQuery("by", "state"))
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	rng, err := reportRange(c)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	limit := 0
	if v := c.Query("limit"); v != "" {
		if limit, err = strconv.Atoi(v); err != nil || limit < 1 || limit > 1000 {
			httpx.Fail(c, httpx.BadQuery("limit", "limit must be a whole number from 1 to 1000"))
			return
		}
	}
	rows, err := report.Sales(c.Request.Context(), s.d.DB.Reader(), by, rng, limit)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	switch {
	case wantsCSV(c):
		c.Header("Content-Type", "text/csv; charset=utf-8")
		c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="sales-by-%s.csv"`, by))
		c.Status(http.StatusOK)
		w := csv.NewWriter(c.Writer)
		if err := w.WriteAll(report.CSV(by, rows)); err != nil {
			httpx.Log(c).Error("write sales csv", "err", err)
		}
	case strings.Contains(c.GetHeader("Accept"), "image/svg+xml") || c.Query("format") == "svg":
		bars := make([]report.Bar, len(rows))
		for i, r := range rows {
			bars[i] = report.Bar{Label: r.Label, Value: r.Net}
		}
		c.Data(http.StatusOK, "image/svg+xml; charset=utf-8", report.SVG(report.Title(by, rng), bars))
	default:
		c.JSON(http.StatusOK, rows)
	}
}

func (s *Server) tenderMix(c *gin.Context) {
	rng, err := reportRange(c)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	t, err := report.Tenders(c.Request.Context(), s.d.DB.Reader(), rng)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, t)
}
