package api

import (
	"net/http"
	"regexp"
	"strconv"

	"github.com/gin-gonic/gin"

	"ektamall/hub/ingest"
	"ektamall/shared/errs"
	"ektamall/shared/httpx"
)

func (s *Server) syncService(c *gin.Context) *ingest.Service {
	if s.d.Sync.Service == nil {
		httpx.Fail(c, errs.E(errs.Unavailable, "sync is not running at this hub"))
		return nil
	}
	return s.d.Sync.Service
}

// syncMalls: GET /api/v1/malls — every mall's sync state.
func (s *Server) syncMalls(c *gin.Context) {
	svc := s.syncService(c)
	if svc == nil {
		return
	}
	ms, err := svc.Malls(c.Request.Context())
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, ms)
}

var mallParamRE = regexp.MustCompile(`^[A-Z0-9]{2,8}$`)

// syncParked: GET /api/v1/parked?mall=LKO1&limit=100 — events the hub
// could not apply, newest first, with the reason.
func (s *Server) syncParked(c *gin.Context) {
	svc := s.syncService(c)
	if svc == nil {
		return
	}
	mall := c.Query("mall")
	if mall != "" && !mallParamRE.MatchString(mall) {
		httpx.Fail(c, httpx.BadQuery("mall", "mall must be a mall id such as LKO1"))
		return
	}
	limit, ok := queryLimit(c)
	if !ok {
		return
	}
	ps, err := svc.ParkedEvents(c.Request.Context(), mall, limit)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, ps)
}

// queryLimit reads ?limit= (1..1000, default 200).
func queryLimit(c *gin.Context) (int, bool) {
	v := c.Query("limit")
	if v == "" {
		return 200, true
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 1000 {
		httpx.Fail(c, httpx.BadQuery("limit", "limit must be a whole number from 1 to 1000"))
		return 0, false
	}
	return n, true
}
