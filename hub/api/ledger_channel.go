package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"ektamall/shared/httpx"
)

// registerChannelSettlements adds the import of a channel's settlement
// file (finance) and its reconciliation report.
func (s *Server) registerChannelSettlements(api gin.IRouter, fin, csv gin.HandlerFunc) {
	if s.d.Channel == nil {
		return
	}
	api.POST("/recon/channel-settlements", fin, csv, s.importChannelSettlement)
	api.GET("/recon/channel-settlements/:id", s.channelSettlement)
}

// importChannelSettlement takes the CSV as the body (text/csv: order_id,
// gross, fee, fee_tax, net, utr); ?channel= names the channel that paid,
// ?filename= the file.
func (s *Server) importChannelSettlement(c *gin.Context) {
	body, ok := readCSV(c, "settlement")
	if !ok {
		return
	}
	ctx := c.Request.Context()
	im, err := s.d.Channel.ImportSettlement(ctx, c.Query("channel"), c.Query("filename"), body, httpx.User(c).Username)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	rep, err := s.d.Channel.Settlement(ctx, im.ID)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, rep)
}

func (s *Server) channelSettlement(c *gin.Context) {
	rep, err := s.d.Channel.Settlement(c.Request.Context(), c.Param("id"))
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, rep)
}
