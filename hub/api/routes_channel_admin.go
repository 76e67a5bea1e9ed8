package api

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"ektamall/hub/channel"
	"ektamall/shared/auth"
	"ektamall/shared/errs"
	"ektamall/shared/httpx"
	"ektamall/shared/sqldb"
)

// registerChannelAdmin adds finance's settings of the online channels:
// the safety buffer per zone (GET every zone's, PUT one).
func (s *Server) registerChannelAdmin(api *gin.RouterGroup) {
	if s.d.Channel == nil {
		return
	}
	api.GET("/channels/buffers", s.channelBuffers)
	api.PUT("/channels/buffers/:zone", httpx.RequireRole(auth.Finance), s.setChannelBuffer)
}

func (s *Server) channelBuffers(c *gin.Context) {
	bs, err := s.d.Channel.Buffers(c.Request.Context())
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, bs)
}

func (s *Server) setChannelBuffer(c *gin.Context) {
	var in struct {
		Qty *int64 `json:"qty"`
	}
	if err := httpx.Decode(c, &in); err != nil {
		httpx.Fail(c, err)
		return
	}
	if in.Qty == nil {
		httpx.Fail(c, errs.Field("qty", "qty is required (units per SKU kept back from the channels)"))
		return
	}
	zone := strings.ToUpper(c.Param("zone"))
	ctx, u := c.Request.Context(), httpx.User(c)
	err := s.d.DB.Transact(ctx, func(tx sqldb.Tx) error {
		if err := channel.SetZoneBuffer(ctx, tx, zone, *in.Qty); err != nil {
			return err
		}
		return audit(ctx, tx, s.now(), u, "channel.buffer_set", map[string]any{"zone": zone, "qty": *in.Qty}, httpx.RequestID(c))
	})
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, channel.Buffer{Zone: zone, Qty: *in.Qty})
}

// cancelOrder cancels a channel's order, whole or by line, before handover.
func (s *Server) cancelOrder(c *gin.Context) {
	var in struct {
		Lines  []int  `json:"lines"`
		Reason string `json:"reason"`
	}
	if c.Request.ContentLength != 0 {
		if err := httpx.Decode(c, &in); err != nil {
			httpx.Fail(c, err)
			return
		}
	}
	o, err := s.d.Channel.Cancel(c.Request.Context(), c.GetString(keyChannel), c.Param("id"), in.Lines, strings.TrimSpace(in.Reason))
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, o)
}
