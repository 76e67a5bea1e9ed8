package api

import (
	"time"

	"github.com/gin-gonic/gin"

	"ektamall/hub/settle"
	"ektamall/shared/auth"
	"ektamall/shared/httpx"
)

// LedgerDeps are the ledger, settlement and reconciliation services.
type LedgerDeps struct {
	Settle *settle.Service
	// Now is the hub's clock (nil: time.Now), for statement ages and
	// audit times.
	Now func() time.Time
}

// registerLedger adds the finance endpoints. Reads are open to finance and
// hub admins; moving money (settlement runs, statement imports, asking for
// a bank account change) is finance only; a bank change is approved by a
// second person, finance or hub admin; commission rules are finance or hub
// admin.
func (s *Server) registerLedger(api *gin.RouterGroup) {
	if s.d.Ledger.Settle == nil {
		return
	}
	fin := httpx.RequireRole(auth.Finance)
	api.GET("/ledger/balance", s.ledgerBalance)
	api.GET("/ledger/check", s.ledgerCheck)
	api.GET("/ledger/accounts", s.ledgerAccounts)
	api.GET("/malls/:id/totals", s.mallTotals)

	api.GET("/commission/rules", s.listRules)
	api.POST("/commission/rules", s.createRule)

	api.POST("/settlements", fin, s.createSettlement)
	api.GET("/settlements", s.listSettlements)
	api.GET("/settlements/:id", s.getSettlement)
	api.GET("/settlements/:id/payouts", s.settlementPayouts)
	api.GET("/payouts/:id", s.getPayout)
	csv := httpx.Upload(maxStatement, "text/csv", "text/plain", "application/csv")
	api.POST("/payouts/results", fin, csv, s.importPayoutResults)
	api.PUT("/producers/:id/bank", fin, s.requestBank)
	api.GET("/bank-changes", s.bankChanges)
	api.POST("/bank-changes/:id/approve", s.approveBank)
	api.POST("/bank-changes/:id/reject", s.rejectBank)

	api.GET("/recon/completeness", s.completeness)
	api.GET("/recon/shifts", s.shiftRecon)
	api.POST("/recon/statements", fin, csv, s.importStatement)
	api.GET("/recon/statements/:id/breaks", s.statementBreaks)
	s.registerChannelSettlements(api, fin, csv)
}

func (s *Server) now() time.Time {
	if s.d.Ledger.Now != nil {
		return s.d.Ledger.Now()
	}
	return time.Now()
}
