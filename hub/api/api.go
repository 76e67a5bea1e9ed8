// Package api is the hub's HTTP API (Gin) for central finance.
package api

import (
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"

	"ektamall/hub"
	"ektamall/hub/channel"
	"ektamall/hub/channel/ondc"
	"ektamall/hub/producer"
	"ektamall/hub/web"
	"ektamall/shared/auth"
	"ektamall/shared/catalogdb"
	"ektamall/shared/httpx"
	"ektamall/shared/webui"
)

// Deps are what the API serves from.
type Deps struct {
	DB   hub.Store
	Auth *auth.Store
	Log  *slog.Logger
	// Edge serves /metrics and /readyz.
	Edge httpx.Edge
	// The services of each area, declared in that area's routes file.
	Sync   SyncDeps
	Ledger LedgerDeps
	// Producer serves producers' own views and their logins (nil: none).
	Producer *producer.Service
	GST      GSTDeps
	// Channel serves online sales channels (nil: none).
	Channel *channel.Service
	// ONDC is the hub as an ONDC seller app at /ondc (nil: none).
	ONDC *ondc.Seller
}

// Server holds the handlers.
type Server struct{ d Deps }

// New builds the hub's Gin engine.
func New(d Deps) *gin.Engine {
	s := &Server{d: d}
	r := httpx.NewEngine(d.Log, d.Edge)
	OpenAPI.Register(r) // GET /api/openapi.json
	httpx.RegisterAuth(r.Group("/api/v1"), d.Auth, "", webui.Languages(""))
	api := r.Group("/api/v1", httpx.RequireAuth(d.Auth), httpx.RequireRole(auth.Finance, auth.HubAdmin))
	api.GET("/me", func(c *gin.Context) { c.JSON(http.StatusOK, httpx.User(c)) })
	httpx.RegisterStaff(api, d.Auth, httpx.Staff{Admin: auth.HubAdmin, Manages: []auth.Role{auth.Finance}, AuditReaders: []auth.Role{auth.HubAdmin, auth.Finance}})
	api.GET("/products", s.products)
	s.registerSync(api)
	s.registerLedger(api)
	s.registerReports(api)
	if s.d.Ledger.Settle != nil {
		s.registerProducer(r, api)
	}
	s.registerGST(api)
	s.registerChannel(r)
	s.registerChannelAdmin(api)
	if d.ONDC != nil {
		d.ONDC.Register(r) // signed per request, no login
	}
	web.Register(r) // the finance screen at /
	return r
}

func (s *Server) products(c *gin.Context) {
	ps, err := catalogdb.ListProducts(c.Request.Context(), s.d.DB.Reader(), catalogdb.Filter{Zone: c.Query("zone"), Query: c.Query("q")})
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, ps)
}
