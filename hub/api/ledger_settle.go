package api

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"ektamall/hub/settle"
	"ektamall/shared/httpx"
	"ektamall/shared/sqldb"
)

// wantsCSV reports whether the client asked for CSV (Accept: text/csv or
// ?format=csv for a browser link).
func wantsCSV(c *gin.Context) bool {
	return strings.Contains(c.GetHeader("Accept"), "text/csv") || c.Query("format") == "csv"
}

func (s *Server) createSettlement(c *gin.Context) {
	var in struct {
		Cutoff *time.Time `json:"cutoff"`
	}
	if c.Request.ContentLength != 0 {
		if err := httpx.Decode(c, &in); err != nil {
			httpx.Fail(c, err)
			return
		}
	}
	var cutoff time.Time
	if in.Cutoff != nil {
		cutoff = *in.Cutoff
	}
	u := httpx.User(c)
	run, created, err := s.d.Ledger.Settle.Create(c.Request.Context(), cutoff, u.Username, nil)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	if !created {
		c.JSON(http.StatusOK, run) // the same cutoff again: the same run
		return
	}
	if s.d.Producer != nil { // the run's commission documents; any left are issued when next listed
		if err := s.d.Producer.IssueCommissionDocs(c.Request.Context(), s.d.Ledger.Settle); err != nil {
			httpx.Log(c).Error("issue commission documents", "run", run.ID, "err", err)
		}
	}
	if err := s.d.DB.Transact(c.Request.Context(), func(tx sqldb.Tx) error {
		return audit(c.Request.Context(), tx, s.now(), u, "settlement.run", map[string]any{"run": run.ID, "cutoff": run.Cutoff,
			"payouts": run.PayoutCount, "total": run.PayoutTotal}, httpx.RequestID(c))
	}); err != nil {
		httpx.Log(c).Error("audit settlement run", "run", run.ID, "err", err)
	}
	c.Header("Location", "/api/v1/settlements/"+run.ID)
	c.JSON(http.StatusCreated, run)
}

func (s *Server) listSettlements(c *gin.Context) {
	rs, err := s.d.Ledger.Settle.List(c.Request.Context())
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, rs)
}

func (s *Server) getSettlement(c *gin.Context) {
	r, err := s.d.Ledger.Settle.Get(c.Request.Context(), c.Param("id"))
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, r)
}

func (s *Server) settlementPayouts(c *gin.Context) {
	run, err := s.d.Ledger.Settle.Get(c.Request.Context(), c.Param("id"))
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	ps, err := s.d.Ledger.Settle.Payouts(c.Request.Context(), run.ID)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	if !wantsCSV(c) {
		c.JSON(http.StatusOK, ps)
		return
	}
	if err := settle.FileReady(ps); err != nil {
		httpx.Fail(c, err)
		return
	}
	// Control totals travel in headers so the file itself stays a plain
	// table a bank portal accepts.
	c.Header("Content-Type", "text/csv; charset=utf-8")
	c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="payouts-R%04d.csv"`, run.No))
	c.Header("X-Payout-Count", fmt.Sprint(run.PayoutCount))
	c.Header("X-Payout-Total", run.PayoutTotal.String())
	c.Status(http.StatusOK)
	if err := settle.WriteCSV(c.Writer, ps); err != nil {
		httpx.Log(c).Error("write payout csv", "err", err)
	}
}

func (s *Server) getPayout(c *gin.Context) {
	d, err := s.d.Ledger.Settle.GetPayout(c.Request.Context(), c.Param("id"))
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, d)
}
