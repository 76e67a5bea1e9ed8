package api

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"ektamall/hub/channel"
	"ektamall/shared/errs"
	"ektamall/shared/httpx"
)

// registerChannel adds the online channels' API under /api/v1/channel,
// authenticated with a channel's key (Authorization: Bearer <key>), not a
// user's login: a channel reads the catalog and places its own orders.
func (s *Server) registerChannel(r *gin.Engine) {
	if s.d.Channel == nil {
		return
	}
	g := r.Group("/api/v1/channel", s.channelAuth)
	g.GET("/catalog", s.channelCatalog)
	g.POST("/orders", s.placeOrder)
	g.GET("/orders/:id", s.channelOrder)
	g.POST("/orders/:id/cancel", s.cancelOrder)
}

const keyChannel = "channel.id"

func (s *Server) channelAuth(c *gin.Context) {
	key, ok := strings.CutPrefix(c.GetHeader("Authorization"), "Bearer ")
	if !ok {
		httpx.Fail(c, errs.E(errs.Unauthorized, "send the channel's key as Authorization: Bearer <key>"))
		return
	}
	id, err := s.d.Channel.Authenticate(c.Request.Context(), strings.TrimSpace(key))
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	c.Set(keyChannel, id)
	c.Next()
}

// channelCatalog answers the feed; its ETag names the feed version (and
// the cursor asked from), so an unchanged feed answers 304.
func (s *Server) channelCatalog(c *gin.Context) {
	f, err := s.d.Channel.Catalog(c.Request.Context(), c.Query("since"))
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	etag := `"feed-` + f.Cursor + `-` + f.Since + `"`
	c.Header("ETag", etag)
	c.Header("Cache-Control", "no-cache")
	if match := c.GetHeader("If-None-Match"); match != "" && strings.Contains(match, etag) {
		c.Status(http.StatusNotModified)
		return
	}
	c.JSON(http.StatusOK, f)
}

func (s *Server) placeOrder(c *gin.Context) {
	var req channelOrderReq
	if err := httpx.Decode(c, &req); err != nil {
		httpx.Fail(c, err)
		return
	}
	o, created, err := s.d.Channel.Place(c.Request.Context(), c.GetString(keyChannel), req)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	c.JSON(status, o)
}

func (s *Server) channelOrder(c *gin.Context) {
	o, err := s.d.Channel.Get(c.Request.Context(), c.GetString(keyChannel), c.Param("id"))
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, o)
}

type channelOrderReq = channel.OrderRequest
