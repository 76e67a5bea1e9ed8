package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"ektamall/shared/auth"
	"ektamall/shared/httpx"
)

// registerDistrict adds the district officer's endpoints under
// /api/v1/district (role district_officer): their district and its
// producers, and each producer's views read-only, the same handlers as
// the producer's own, with the producer checked to be of the officer's
// district. The hub admin creates officers at POST /api/v1/district-officers.
func (s *Server) registerDistrict(r *gin.Engine, api *gin.RouterGroup) {
	api.POST("/district-officers", httpx.RequireRole(auth.HubAdmin), s.createOfficer)
	g := r.Group("/api/v1/district", httpx.RequireAuth(s.d.Auth), httpx.RequireRole(auth.DistrictOfficer))
	g.GET("", s.officerDistrict)
	p := g.Group("/producers/:pid", s.districtProducer)
	p.GET("", func(c *gin.Context) { c.JSON(http.StatusOK, profile(c)) })
	p.GET("/stock", s.producerStock)
	p.GET("/moves", s.producerMoves)
	p.GET("/sales", s.producerSales)
	p.GET("/payouts", s.producerPayouts)
	p.GET("/payouts/:id", s.producerPayout)
	p.GET("/statement", s.producerStatement)
	p.GET("/invoices", s.commissionDocs(true))
	p.GET("/invoices/:id", s.commissionDoc(true))
}

// officerDistrict answers the officer's district and its producers.
func (s *Server) officerDistrict(c *gin.Context) {
	ctx := c.Request.Context()
	d, err := s.d.Producer.DistrictOf(ctx, httpx.User(c))
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	ps, err := s.d.Producer.Producers(ctx, d.ID)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"district": d, "producers": ps})
}

// districtProducer admits a producer of the officer's own district and
// makes it the request's producer for the shared handlers.
func (s *Server) districtProducer(c *gin.Context) {
	p, err := s.d.Producer.ProfileFor(c.Request.Context(), httpx.User(c), c.Param("pid"))
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	c.Set(keyProfile, p)
	c.Next()
}

func (s *Server) createOfficer(c *gin.Context) {
	var in struct {
		Username    string `json:"username"`
		DisplayName string `json:"display_name"`
		DistrictID  string `json:"district_id"`
		Password    string `json:"password"`
	}
	if err := httpx.Decode(c, &in); err != nil {
		httpx.Fail(c, err)
		return
	}
	o, err := s.d.Producer.CreateOfficer(c.Request.Context(), httpx.User(c), in.Username, in.DisplayName, in.DistrictID, in.Password, httpx.RequestID(c))
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusCreated, o)
}
