package api

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"ektamall/hub/ledger"
	"ektamall/shared/auth"
	"ektamall/shared/httpx"
	"ektamall/shared/sqldb"
)

func (s *Server) ledgerBalance(c *gin.Context) {
	b, err := ledger.TrialBalance(c.Request.Context(), s.d.DB.Reader())
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, b)
}

// ledgerCheck runs the invariant check; a broken book answers 500 so that
// monitoring notices.
func (s *Server) ledgerCheck(c *gin.Context) {
	r, err := ledger.Check(c.Request.Context(), s.d.DB.Reader())
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	status := http.StatusOK
	if !r.OK {
		httpx.Log(c).Error("ledger invariants broken", "problems", r.Problems)
		status = http.StatusInternalServerError
	}
	c.JSON(status, r)
}

func (s *Server) ledgerAccounts(c *gin.Context) {
	as, err := ledger.Accounts(c.Request.Context(), s.d.DB.Reader())
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, as)
}

func (s *Server) mallTotals(c *gin.Context) {
	from, err := httpx.TimeBound(c, "from", false)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	to, err := httpx.TimeBound(c, "to", true)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	t, err := ledger.MallTotals(c.Request.Context(), s.d.DB.Reader(), c.Param("id"), from, to)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, t)
}

func (s *Server) listRules(c *gin.Context) {
	rs, err := ledger.ListRules(c.Request.Context(), s.d.DB.Reader())
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, rs)
}

func (s *Server) createRule(c *gin.Context) {
	var in struct {
		Scope         string     `json:"scope"`
		Key           string     `json:"key"`
		RateBP        *int64     `json:"rate_bp"`
		GSTBP         int64      `json:"gst_bp"`
		EffectiveFrom *time.Time `json:"effective_from"`
		Note          string     `json:"note"`
	}
	if err := httpx.Decode(c, &in); err != nil {
		httpx.Fail(c, err)
		return
	}
	if in.RateBP == nil {
		httpx.Fail(c, httpx.BadQuery("rate_bp", "rate_bp is required (basis points: 1000 = 10%)"))
		return
	}
	u := httpx.User(c)
	now := s.now()
	r := ledger.Rule{Scope: in.Scope, Key: in.Key, RateBP: *in.RateBP, GSTBP: in.GSTBP, CreatedBy: u.Username, Note: in.Note}
	if in.EffectiveFrom != nil {
		r.EffectiveFrom = *in.EffectiveFrom
	}
	var out ledger.Rule
	err := s.d.DB.Transact(c.Request.Context(), func(tx sqldb.Tx) error {
		var err error
		if out, err = ledger.CreateRule(c.Request.Context(), tx, r, now); err != nil {
			return err
		}
		return audit(c.Request.Context(), tx, now, u, "commission.rule", out, httpx.RequestID(c))
	})
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, out)
}

func audit(ctx context.Context, tx sqldb.Tx, at time.Time, u auth.User, action string, detail any, requestID string) error {
	b, err := json.Marshal(detail)
	if err != nil {
		return err
	}
	return auth.Audit(ctx, tx, at, u.ID, action, string(b), requestID)
}
