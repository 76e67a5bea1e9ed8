package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"ektamall/hub/producer"
	"ektamall/shared/auth"
	"ektamall/shared/errs"
	"ektamall/shared/httpx"
)

// registerProducer adds the producer's own endpoints under
// /api/v1/producer (role producer; every read is of the login's own
// producer, never of one named in the request), finance's and district
// officers' POST /api/v1/producers/{id}/login, and the public
// POST /api/v1/auth/setup that spends a one-time code.
func (s *Server) registerProducer(r *gin.Engine, fin *gin.RouterGroup) {
	if s.d.Producer == nil {
		return
	}
	r.POST("/api/v1/auth/setup", httpx.Limit(httpx.MaxLoginBody), s.setupPassword)
	r.GET("/trace/:token", s.tracePage)
	// Finance, or the producer's own district officer (the service checks the district).
	r.POST("/api/v1/producers/:id/login", httpx.RequireAuth(s.d.Auth), httpx.RequireRole(auth.Finance, auth.DistrictOfficer), s.issueProducerLogin)
	g := r.Group("/api/v1/producer", httpx.RequireAuth(s.d.Auth), httpx.RequireRole(auth.Producer), s.producerOf)
	g.GET("/me", func(c *gin.Context) { c.JSON(http.StatusOK, profile(c)) })
	g.GET("/stock", s.producerStock)
	g.GET("/moves", s.producerMoves)
	g.GET("/sales", s.producerSales)
	g.GET("/payouts", s.producerPayouts)
	g.GET("/payouts/:id", s.producerPayout)
	g.GET("/statement", s.producerStatement)
	g.GET("/consent", s.producerConsent)
	g.GET("/invoices", s.commissionDocs(true))
	g.GET("/invoices/:id", s.commissionDoc(true))
	fin.GET("/commission-invoices", s.commissionDocs(false))
	fin.GET("/commission-invoices/:id", s.commissionDoc(false))
	g.PUT("/consent", s.setProducerConsent)
	s.registerDistrict(r, fin)
}

const keyProfile = "producer.profile"

func (s *Server) producerOf(c *gin.Context) {
	p, err := s.d.Producer.ProducerOf(c.Request.Context(), httpx.User(c))
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	c.Set(keyProfile, p)
	c.Next()
}

func profile(c *gin.Context) producer.Profile { return c.MustGet(keyProfile).(producer.Profile) }

func (s *Server) setupPassword(c *gin.Context) {
	var in struct {
		Code     string `json:"code"`
		Password string `json:"password"`
	}
	if err := httpx.Decode(c, &in); err != nil {
		httpx.Fail(c, err)
		return
	}
	u, err := s.d.Producer.UseSetup(c.Request.Context(), in.Code, in.Password, httpx.RequestID(c))
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"username": u})
}

func (s *Server) issueProducerLogin(c *gin.Context) {
	var in struct {
		Username string `json:"username"`
	}
	if c.Request.ContentLength != 0 {
		if err := httpx.Decode(c, &in); err != nil {
			httpx.Fail(c, err)
			return
		}
	}
	st, err := s.d.Producer.IssueLogin(c.Request.Context(), httpx.User(c), c.Param("id"), in.Username, httpx.RequestID(c))
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusCreated, gin.H{"username": st.Username, "producer_id": st.ProducerID, "code": st.Code, "expires_at": st.ExpiresAt,
		"created": st.Created, "link": baseURL(c) + "/producer#setup=" + st.Code})
}

func (s *Server) producerStock(c *gin.Context) {
	ps, err := s.d.Producer.Stock(c.Request.Context(), profile(c).ProducerID)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, ps)
}

// period reads ?from=&to= (default: the last 30 days to now).
func (s *Server) period(c *gin.Context) (time.Time, time.Time, bool) {
	from, err := httpx.TimeBound(c, "from", false)
	if err != nil {
		httpx.Fail(c, err)
		return from, from, false
	}
	to, err := httpx.TimeBound(c, "to", true)
	if err != nil {
		httpx.Fail(c, err)
		return from, to, false
	}
	if to.IsZero() {
		to = s.now().UTC().Add(time.Second)
	}
	if from.IsZero() {
		from = to.AddDate(0, 0, -30)
	}
	if err := producer.Period(from, to); err != nil {
		httpx.Fail(c, err)
		return from, to, false
	}
	return from, to, true
}

func (s *Server) producerSales(c *gin.Context) {
	from, to, ok := s.period(c)
	if !ok {
		return
	}
	ls, err := s.d.Producer.Sales(c.Request.Context(), profile(c).ProducerID, from, to)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, ls)
}

func (s *Server) producerPayouts(c *gin.Context) {
	ps, err := s.d.Ledger.Settle.ProducerPayouts(c.Request.Context(), profile(c).ProducerID)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, ps)
}

func (s *Server) producerPayout(c *gin.Context) {
	p, lines, err := s.d.Ledger.Settle.ProducerPayout(c.Request.Context(), profile(c).ProducerID, c.Param("id"))
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"payout": p, "lines": lines})
}

// producerStatement answers JSON, CSV (Accept: text/csv or ?format=csv)
// or a print-ready page (?format=html).
func (s *Server) producerStatement(c *gin.Context) {
	from, to, ok := s.period(c)
	if !ok {
		return
	}
	st, err := s.d.Producer.Statement(c.Request.Context(), profile(c), from, to)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	switch {
	case wantsCSV(c):
		c.Header("Content-Type", "text/csv; charset=utf-8")
		c.Header("Content-Disposition", `attachment; filename="statement-`+st.Producer.ProducerID+`.csv"`)
		c.Status(http.StatusOK)
		if err := st.WriteCSV(c.Writer); err != nil {
			httpx.Log(c).Error("write statement csv", "err", err)
		}
	case c.Query("format") == "html":
		lang, err := docLang(c, s.producerLang(c, st.Producer.ProducerID))
		if err != nil {
			httpx.Fail(c, err)
			return
		}
		c.Header("Content-Type", "text/html; charset=utf-8")
		c.Status(http.StatusOK)
		if err := st.WriteHTMLIn(c.Writer, baseURL(c), lang); err != nil {
			httpx.Log(c).Error("write statement html", "err", err)
		}
	default:
		c.JSON(http.StatusOK, st)
	}
}

// baseURL is the hub's address as the client reached it.
func baseURL(c *gin.Context) string {
	scheme := "http"
	if c.Request.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + c.Request.Host
}

// tracePage is the public page a receipt's QR code opens: no login, no
// script, nothing about the buyer. Its policy allows only this origin's
// style sheet; it is never framed and sends no referrer (the link is the
// token).
func (s *Server) tracePage(c *gin.Context) {
	h := c.Writer.Header()
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-cache")
	h.Set("Vary", "Accept-Language")
	lang := traceLang(c)
	h.Set("Content-Language", lang)
	p, err := s.d.Producer.Trace(c.Request.Context(), s.d.Ledger.Settle, c.Param("token"))
	if errs.CodeOf(err) == errs.NotFound {
		c.Data(http.StatusNotFound, "text/html; charset=utf-8", traceNotFound(lang))
		return
	}
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	c.Header("Content-Type", "text/html; charset=utf-8")
	c.Status(http.StatusOK)
	if err := p.WriteHTMLIn(c.Writer, lang); err != nil {
		httpx.Log(c).Error("write trace page", "err", err)
	}
}

func (s *Server) producerConsent(c *gin.Context) {
	show, err := s.d.Producer.Consent(c.Request.Context(), profile(c).ProducerID)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"show_name": show})
}

// setProducerConsent: {"show_name": true} lets the trace pages of
// receipts name the producer; false (the default) keeps them anonymous.
func (s *Server) setProducerConsent(c *gin.Context) {
	var in struct {
		ShowName *bool `json:"show_name"`
	}
	if err := httpx.Decode(c, &in); err != nil {
		httpx.Fail(c, err)
		return
	}
	if in.ShowName == nil {
		httpx.Fail(c, errs.Field("show_name", "show_name must be true or false"))
		return
	}
	if err := s.d.Producer.SetConsent(c.Request.Context(), profile(c), *in.ShowName, httpx.User(c).Username); err != nil {
		httpx.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"show_name": *in.ShowName})
}

// commissionDocs lists commission documents: a producer's own (mine), or
// for finance all of them, ?producer= and ?run= narrowing.
func (s *Server) commissionDocs(mine bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		producerID, run := c.Query("producer"), c.Query("run")
		if mine {
			producerID, run = profile(c).ProducerID, ""
		}
		ds, err := s.d.Producer.CommissionDocs(c.Request.Context(), s.d.Ledger.Settle, producerID, run)
		if err != nil {
			httpx.Fail(c, err)
			return
		}
		c.JSON(http.StatusOK, ds)
	}
}

// commissionDoc is one document by id or number: JSON, or ?format=html
// for the print-ready page.
func (s *Server) commissionDoc(mine bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		producerID := ""
		if mine {
			producerID = profile(c).ProducerID
		}
		d, err := s.d.Producer.CommissionDoc(c.Request.Context(), s.d.Ledger.Settle, c.Param("id"), producerID)
		if err != nil {
			httpx.Fail(c, err)
			return
		}
		if c.Query("format") != "html" {
			c.JSON(http.StatusOK, d)
			return
		}
		lang, err := docLang(c, s.producerLang(c, d.ProducerID))
		if err != nil {
			httpx.Fail(c, err)
			return
		}
		c.Header("Content-Type", "text/html; charset=utf-8")
		c.Status(http.StatusOK)
		if err := d.WriteHTMLIn(c.Writer, baseURL(c), lang); err != nil {
			httpx.Log(c).Error("write commission document", "err", err)
		}
	}
}

func (s *Server) producerMoves(c *gin.Context) {
	from, to, ok := s.period(c)
	if !ok {
		return
	}
	ms, err := s.d.Producer.Moves(c.Request.Context(), profile(c).ProducerID, from, to)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, ms)
}
