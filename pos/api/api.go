// Package api is the mall's whole HTTP API (Gin): the counters' endpoints
// (package pos), the zone managers' stock endpoints (package inventory),
// users, audit and sync status, as CONTRACT.md lists them, plus the
// screens of pos/web. The process that serves it is pos/mallapp.
// Handlers decode and validate at the edge, call the domain services with
// the request's context, and render errors through httpx.Fail.
package api

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"ektamall/pos/web"
	"ektamall/shared/auth"
	"ektamall/shared/catalogdb"
	"ektamall/shared/httpx"
	"ektamall/shared/sqlitedb"
	"ektamall/shared/webui"
)

// SyncStatus reports the mall's link to the hub.
type SyncStatus struct {
	LastSeq      int64  `json:"last_seq"`
	HubWatermark int64  `json:"hub_watermark"`
	Pending      int64  `json:"pending"`
	Connected    bool   `json:"connected"`
	Reason       string `json:"reason,omitempty"`
}

// Deps are what the API serves from.
type Deps struct {
	MallID string
	State  string // the mall's State/UT code (which languages it offers)
	DB     *sqlitedb.DB
	Auth   *auth.Store
	Log    *slog.Logger
	// Edge serves /metrics and /readyz.
	Edge httpx.Edge
	// Sync reports the hub link; nil means the mall runs without a hub.
	Sync func(ctx context.Context) (SyncStatus, error)
	// The services of each area, declared in that area's routes file.
	POS       POSDeps
	Inventory InventoryDeps
	Online    OnlineDeps
}

// Server holds the handlers.
type Server struct{ d Deps }

// New builds the mall's Gin engine.
func New(d Deps) *gin.Engine {
	s := &Server{d: d}
	r := httpx.NewEngine(d.Log, d.Edge)
	OpenAPI.Register(r) // GET /api/openapi.json
	pub := r.Group("/api/v1")
	httpx.RegisterAuth(pub, d.Auth, d.MallID, webui.Languages(d.State))
	api := r.Group("/api/v1", httpx.RequireAuth(d.Auth))
	api.GET("/me", s.me)
	httpx.RegisterStaff(api, d.Auth, httpx.Staff{Admin: auth.MallAdmin, Manages: []auth.Role{auth.Cashier, auth.ZoneManager}, AuditReaders: []auth.Role{auth.MallAdmin}})
	api.GET("/products", s.products)
	api.GET("/products/:code", s.product)
	api.GET("/sync", httpx.RequireRole(auth.MallAdmin, auth.Cashier, auth.ZoneManager), s.sync)
	s.registerPOS(api)
	s.registerInventory(api)
	s.registerOnline(api)
	trace := ""
	if d.POS.Service != nil {
		trace = d.POS.Service.Mall().TraceBase
	}
	web.Register(r, trace) // the screens: / (till) and /zone
	return r
}

func (s *Server) me(c *gin.Context) { c.JSON(http.StatusOK, httpx.User(c)) }

func (s *Server) products(c *gin.Context) {
	zone := c.Query("zone")
	if zone != "" && !validZone(zone) {
		httpx.Fail(c, httpx.BadQuery("zone", "zone must be a State/UT code such as UP"))
		return
	}
	limit := 0
	if l := c.Query("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > 1000 {
			httpx.Fail(c, httpx.BadQuery("limit", "limit must be a whole number from 1 to 1000"))
			return
		}
		limit = n
	}
	ps, err := catalogdb.ListProducts(c.Request.Context(), s.d.DB.R, catalogdb.Filter{Zone: zone, Query: c.Query("q"), Limit: limit})
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, ps)
}

func (s *Server) product(c *gin.Context) {
	p, err := catalogdb.GetProduct(c.Request.Context(), s.d.DB.R, c.Param("code"))
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, p)
}

func (s *Server) sync(c *gin.Context) {
	st := SyncStatus{Reason: "this mall runs without a hub"}
	if s.d.Sync != nil {
		var err error
		if st, err = s.d.Sync(c.Request.Context()); err != nil {
			httpx.Fail(c, err)
			return
		}
	} else if err := s.d.DB.R.QueryRowContext(c.Request.Context(),
		`SELECT COALESCE((SELECT MAX(seq) FROM outbox), 0), hub_watermark, (SELECT count(*) FROM outbox WHERE seq > hub_watermark)
		FROM sync_state WHERE id = 1`).Scan(&st.LastSeq, &st.HubWatermark, &st.Pending); err != nil {
		httpx.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, st)
}

func validZone(z string) bool {
	if len(z) != 2 {
		return false
	}
	for _, r := range z {
		if r < 'A' || r > 'Z' {
			return false
		}
	}
	return true
}
