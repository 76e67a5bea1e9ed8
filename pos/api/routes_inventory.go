package api

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"ektamall/inventory"
	"ektamall/shared/auth"
	"ektamall/shared/errs"
	"ektamall/shared/httpx"
	"ektamall/shared/idem"
)

// InventoryDeps are the zone stock services.
type InventoryDeps struct {
	Stock *inventory.Service
}

// registerInventory adds the zone managers' endpoints. Scope: cashiers may
// read stock and its moves; everything else is for the zone's manager or a
// mall admin, and everything under /zones/{zone} is refused (403) before
// the body is read when the zone is not the caller's. Writes that a retry
// would double need an Idempotency-Key (keyed); receipts and restock keep
// it optional, as the outside contract has them. The other writes are
// state changes a retry cannot repeat (a received transfer, a posted count).
func (s *Server) registerInventory(api *gin.RouterGroup) {
	if s.d.Inventory.Stock == nil {
		return
	}
	h := &invHandlers{svc: s.d.Inventory.Stock, auth: s.d.Auth}
	readers := httpx.RequireRole(auth.MallAdmin, auth.ZoneManager, auth.Cashier)
	managers := httpx.RequireRole(auth.MallAdmin, auth.ZoneManager)
	admin := httpx.RequireRole(auth.MallAdmin)

	api.GET("/stock", readers, h.stock)
	api.GET("/stock/check", admin, h.check)
	api.GET("/stock/:sku/moves", readers, h.moves)

	z := api.Group("/zones/:zone", managers, zoneScope)
	z.GET("/receipts", h.grns)
	z.POST("/receipts", keyOptional, h.receive)
	z.POST("/receipts/import", keyed, httpx.Upload(MaxImportBody, importTypes...), h.importCSV)
	z.POST("/restock", keyOptional, h.restock)
	z.POST("/damage", keyed, h.damage)
	z.POST("/producer-returns", keyed, h.producerReturn)
	z.GET("/transfers", h.transfers)
	z.POST("/transfers", keyed, h.transferOut)
	z.GET("/transfers/skipped", h.skippedTransfers)
	z.GET("/counts", h.counts)
	z.POST("/counts", keyed, h.createCount)
	z.GET("/reorder-points", h.reorderPoints)
	z.PUT("/reorder-points/:sku", h.setReorderPoint)
	z.GET("/low-stock", h.lowStock)
	z.GET("/exceptions", h.exceptions)

	api.GET("/stock-requests", managers, h.stockRequests)
	api.GET("/stock-requests/:id", managers, h.stockRequest)
	api.GET("/stock-requests/:id/note", managers, h.returnNote)
	api.POST("/stock-requests/:id/approve", managers, h.approveRequest)
	api.POST("/stock-requests/:id/reject", admin, h.rejectRequest)

	api.GET("/receipts/:id", managers, h.grn)
	api.GET("/receipts/:id/labels", managers, h.labels)
	api.GET("/transfers/:id", managers, h.transfer)
	api.POST("/transfers/:id/receive", managers, h.receiveTransfer)
	api.PUT("/transfers/:id/eway-bill", managers, h.setEWayBill)
	api.POST("/transfers/incoming", admin, h.registerIncoming)
	api.GET("/counts/:id", managers, h.count)
	api.POST("/counts/:id/submit", managers, h.submitCount)
	api.POST("/counts/:id/post", managers, h.postCount)
	api.GET("/exceptions", admin, h.exceptions) // every zone's
	api.POST("/exceptions/:id/resolve", managers, h.resolveException)
	api.GET("/peer-malls", managers, h.peerMalls)
	api.POST("/peer-malls", admin, h.addPeerMall)
}

type invHandlers struct {
	svc  *inventory.Service
	auth *auth.Store // checks a mall admin's credentials typed on a zone manager's screen
}

func actor(c *gin.Context) inventory.Actor {
	return inventory.Actor{User: httpx.User(c), RequestID: httpx.RequestID(c), Key: c.GetHeader(idem.Header)}
}

// zoneScope checks the {zone} path parameter and the caller's right to it
// before any handler reads the body.
func zoneScope(c *gin.Context) {
	zone := c.Param("zone")
	if !validZone(zone) {
		httpx.Fail(c, errs.Field("zone", "zone must be a State/UT code such as UP"))
		return
	}
	if err := actor(c).CanManage(zone); err != nil {
		httpx.Fail(c, err)
		return
	}
	c.Next()
}

// created renders a new document with 201, or with 200 when an earlier
// request with the same Idempotency-Key already made it.
func created(c *gin.Context, v any, replay bool, err error) {
	status := http.StatusCreated
	if replay {
		status = http.StatusOK
	}
	respond(c, status, v, err)
}

// limitParam reads ?limit=, 0 when absent.
func limitParam(c *gin.Context, maxN int) (int, error) {
	v := c.Query("limit")
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > maxN {
		return 0, httpx.BadQuery("limit", "limit must be a whole number from 1 to "+strconv.Itoa(maxN))
	}
	return n, nil
}

// respond renders v with status, or the error.
func respond(c *gin.Context, status int, v any, err error) {
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	c.JSON(status, v)
}
