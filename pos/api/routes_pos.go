package api

import (
	"github.com/gin-gonic/gin"

	"ektamall/pos"
	"ektamall/shared/auth"
	"ektamall/shared/httpx"
)

// POSDeps are the point-of-sale services: shifts, sales, returns, receipts.
type POSDeps struct {
	// Service is the mall's point of sale; nil leaves the counter
	// endpoints out (a tool or test that serves only other areas).
	Service *pos.Service
}

// registerPOS adds the counter endpoints. Cashiers and mall admins work
// counters; only a mall admin cancels an invoice; zone managers and others
// get 403. Sales, returns, cash moves and parking need an Idempotency-Key
// (keyed): a retry must not charge, refund, move cash or park twice.
func (s *Server) registerPOS(api *gin.RouterGroup) {
	if s.d.POS.Service == nil {
		return
	}
	ring := httpx.RequireRole(auth.Cashier, auth.MallAdmin)
	admin := httpx.RequireRole(auth.MallAdmin)

	api.POST("/shifts", ring, s.openShift)
	api.GET("/shifts", admin, s.listShifts)
	api.GET("/shifts/current", ring, s.currentShift)
	api.GET("/shifts/:id", ring, s.getShift)
	api.POST("/shifts/:id/close", ring, s.closeShift)
	api.GET("/shifts/:id/x-report", ring, s.xReport)
	api.GET("/shifts/:id/z-report", ring, s.zReport)
	api.POST("/shifts/:id/cash", ring, keyed, s.cashMove)
	api.GET("/shifts/:id/sales", ring, s.shiftSales)

	api.POST("/sales", ring, keyed, s.checkout)
	api.GET("/sales", ring, s.findSale)
	api.GET("/sales/:id", ring, s.getSale)
	api.GET("/sales/:id/receipt", ring, s.saleReceipt)
	api.POST("/sales/:id/void", admin, s.voidSale)

	api.POST("/returns", ring, keyed, s.createReturn)
	api.GET("/returns/:id", ring, s.getReturn)
	api.GET("/returns/:id/receipt", ring, s.returnReceipt)

	api.POST("/approvals", ring, s.approve)
	api.GET("/upi-qr", ring, s.upiQR)
	api.GET("/till", ring, s.tillRules)
	api.POST("/parked", ring, keyed, s.park)
	api.GET("/parked", ring, s.listParked)
	api.POST("/parked/:id/recall", ring, s.recall)
}

func posActor(c *gin.Context) pos.Actor {
	return pos.Actor{User: httpx.User(c), RequestID: httpx.RequestID(c)}
}
