package httpx

import (
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"ektamall/shared/auth"
)

var ist = time.FixedZone("IST", 5*3600+1800)

// TimeBound reads a period bound from a query parameter: RFC 3339, or a
// date (YYYY-MM-DD) meaning the start of that day in India, or for an upper
// bound the start of the next day, so ?from=2026-04-01&to=2026-04-30 covers
// all of April. Empty is the zero time.
func TimeBound(c *gin.Context, param string, upper bool) (time.Time, error) {
	s := c.Query(param)
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC(), nil
	}
	d, err := time.ParseInLocation("2006-01-02", s, ist)
	if err != nil {
		return time.Time{}, BadQuery(param, param+": want a date (2026-04-01) or an RFC 3339 time")
	}
	if upper {
		d = d.AddDate(0, 0, 1)
	}
	return d.UTC(), nil
}

// auditFilter reads GET /audit's query: from, to, actor, action, limit and
// before (the paging cursor).
func auditFilter(c *gin.Context) (auth.AuditFilter, error) {
	var f auth.AuditFilter
	var err error
	if f.From, err = TimeBound(c, "from", false); err != nil {
		return f, err
	}
	if f.To, err = TimeBound(c, "to", true); err != nil {
		return f, err
	}
	f.Actor, f.Action = c.Query("actor"), c.Query("action")
	if f.Limit, err = queryInt(c, "limit", 100, 1, 1000); err != nil {
		return f, err
	}
	b, err := queryInt(c, "before", 0, 1, 1<<62)
	f.Before = int64(b)
	return f, err
}

func queryInt(c *gin.Context, param string, def, lo, hi int) (int, error) {
	s := c.Query(param)
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		return 0, BadQuery(param, param+" must be a whole number from "+itoa(int64(lo))+" to "+itoa(int64(hi)))
	}
	return n, nil
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
