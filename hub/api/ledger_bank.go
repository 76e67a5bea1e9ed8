package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"ektamall/hub/settle"
	"ektamall/shared/httpx"
	"ektamall/shared/sqldb"
)

// PUT /producers/{id}/bank {"beneficiary", "account_no", "ifsc"} (finance)
// → 202 a pending change. Payouts keep going to the current account until a
// second person approves it.
func (s *Server) requestBank(c *gin.Context) {
	var in settle.BankAccount
	if err := httpx.Decode(c, &in); err != nil {
		httpx.Fail(c, err)
		return
	}
	in.ProducerID = c.Param("id")
	u := httpx.User(c)
	now := s.now()
	var ch settle.BankChange
	err := s.d.DB.Transact(c.Request.Context(), func(tx sqldb.Tx) error {
		var err error
		if ch, err = settle.RequestBankChange(c.Request.Context(), tx, in, u.Username, now); err != nil {
			return err
		}
		return audit(c.Request.Context(), tx, now, u, "producer.bank_requested",
			map[string]string{"change": ch.ID, "producer": in.ProducerID, "ifsc": in.IFSC, "account_last4": last4(in.AccountNo)}, httpx.RequestID(c))
	})
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	c.JSON(http.StatusAccepted, ch)
}

// GET /bank-changes?status=pending → changes, newest first (finance and
// hub admins see who asked and who decided).
func (s *Server) bankChanges(c *gin.Context) {
	list, err := settle.BankChanges(c.Request.Context(), s.d.DB.Reader(), c.Query("status"), 500)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, list)
}

// POST /bank-changes/{id}/approve → 200 the approved change; its account
// is the one the next settlement pays into.
func (s *Server) approveBank(c *gin.Context) { s.decideBank(c, true, "") }

// POST /bank-changes/{id}/reject {"reason"} → 200 the rejected change.
func (s *Server) rejectBank(c *gin.Context) {
	var in struct {
		Reason string `json:"reason"`
	}
	if err := httpx.Decode(c, &in); err != nil {
		httpx.Fail(c, err)
		return
	}
	s.decideBank(c, false, in.Reason)
}

func (s *Server) decideBank(c *gin.Context, approve bool, reason string) {
	u := httpx.User(c)
	now := s.now()
	var ch settle.BankChange
	err := s.d.DB.Transact(c.Request.Context(), func(tx sqldb.Tx) error {
		var err error
		if ch, err = settle.DecideBankChange(c.Request.Context(), tx, c.Param("id"), u.Username, approve, reason, now); err != nil {
			return err
		}
		return audit(c.Request.Context(), tx, now, u, "producer.bank_"+ch.Status,
			map[string]string{"change": ch.ID, "producer": ch.Account.ProducerID, "requested_by": ch.RequestedBy, "ifsc": ch.Account.IFSC,
				"account_last4": last4(ch.Account.AccountNo), "reason": ch.Reason}, httpx.RequestID(c))
	})
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, ch)
}

// last4 is what the audit log keeps of an account number.
func last4(acct string) string {
	if len(acct) <= 4 {
		return acct
	}
	return acct[len(acct)-4:]
}
