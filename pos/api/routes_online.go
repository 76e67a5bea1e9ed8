package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"ektamall/pos/online"
	"ektamall/shared/auth"
	"ektamall/shared/httpx"
)

// OnlineDeps are the online orders allocated to this mall (issue 22).
type OnlineDeps struct {
	Orders *online.Service
}

// registerOnline adds the zone manager's online-order endpoints: the
// zone's orders to fulfil, and each step (pick, pack, hand over with the
// courier's AWB, which issues the invoice). A step asked again is a no-op,
// so the steps need no Idempotency-Key.
func (s *Server) registerOnline(api *gin.RouterGroup) {
	if s.d.Online.Orders == nil {
		return
	}
	h := onlineHandlers{svc: s.d.Online.Orders}
	z := api.Group("/zones/:zone/online-orders", httpx.RequireRole(auth.MallAdmin, auth.ZoneManager), zoneScope)
	z.GET("", h.list)
	z.POST("/pick", h.step("pick"))
	z.POST("/pack", h.step("pack"))
	z.POST("/ship", h.step("ship"))
	z.POST("/return", h.takeBack)
}

func (h onlineHandlers) takeBack(c *gin.Context) {
	var in online.ReturnRequest
	if err := httpx.Decode(c, &in); err != nil {
		httpx.Fail(c, err)
		return
	}
	o, err := h.svc.Return(c.Request.Context(), actor(c), c.Param("zone"), in)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, o)
}

type onlineHandlers struct{ svc *online.Service }

func (h onlineHandlers) list(c *gin.Context) {
	os, err := h.svc.List(c.Request.Context(), actor(c), c.Param("zone"), c.Query("open") != "")
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, os)
}

// stepRequest names an order and, for ship, the courier's AWB.
type stepRequest struct {
	Channel string `json:"channel"`
	OrderID string `json:"order_id"`
	AWB     string `json:"awb,omitempty"`
}

func (h onlineHandlers) step(which string) gin.HandlerFunc {
	return func(c *gin.Context) {
		var in stepRequest
		if err := httpx.Decode(c, &in); err != nil {
			httpx.Fail(c, err)
			return
		}
		ctx, a, zone := c.Request.Context(), actor(c), c.Param("zone")
		var o online.Order
		var err error
		switch which {
		case "pick":
			o, err = h.svc.Pick(ctx, a, zone, in.Channel, in.OrderID)
		case "pack":
			o, err = h.svc.Pack(ctx, a, zone, in.Channel, in.OrderID)
		default:
			o, err = h.svc.Ship(ctx, a, zone, in.Channel, in.OrderID, in.AWB)
		}
		if err != nil {
			httpx.Fail(c, err)
			return
		}
		c.JSON(http.StatusOK, o)
	}
}
