package httpx

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
)

// Edge configures the operational endpoints of a process.
type Edge struct {
	// Registry holds the process's metrics; the engine counts its HTTP
	// requests into it. It is served by a MetricsServer on an address of
	// its own, never on the API's. Each process (the demo runs three in
	// one binary) has its own.
	Registry *prometheus.Registry
	// TrustedProxies are the reverse proxies (IPs or CIDRs) whose
	// X-Forwarded-For names the client; none by default.
	TrustedProxies []string
	// Ready reports whether the process can do its job; nil means ready.
	// It backs /readyz.
	Ready func(ctx context.Context) Readiness
}

// Readiness is the answer of /readyz.
type Readiness struct {
	Ready  bool              `json:"ready"`
	Checks map[string]string `json:"checks"`
}

func instrument(reg *prometheus.Registry) gin.HandlerFunc {
	requests := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "ektamall_http_requests_total",
		Help: "HTTP requests by route template, method and status code.",
	}, []string{"route", "method", "code"})
	latency := prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "ektamall_http_request_duration_seconds",
		Help:    "HTTP request latency by route template and method.",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 10},
	}, []string{"route", "method"})
	reg.MustRegister(requests, latency)
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		route := c.FullPath()
		if route == "" {
			route = "unmatched" // never the raw path: it would be an unbounded label
		}
		requests.WithLabelValues(route, c.Request.Method, strconv.Itoa(c.Writer.Status())).Inc()
		latency.WithLabelValues(route, c.Request.Method).Observe(time.Since(start).Seconds())
	}
}

func mountEdge(r *gin.Engine, e Edge) {
	r.GET("/readyz", func(c *gin.Context) {
		st := Readiness{Ready: true, Checks: map[string]string{}}
		if e.Ready != nil {
			st = e.Ready(c.Request.Context())
		}
		code := http.StatusOK
		if !st.Ready {
			code = http.StatusServiceUnavailable
		}
		c.JSON(code, st)
	})
}

// ParseProxies reads a --trusted-proxies value: comma-separated IPs or
// CIDRs ("" is none).
func ParseProxies(v string) ([]string, error) {
	var out []string
	for _, p := range strings.Split(v, ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		if _, _, err := net.ParseCIDR(p); err != nil && net.ParseIP(p) == nil {
			return nil, fmt.Errorf("%q is not an IP address or CIDR", p)
		}
		out = append(out, p)
	}
	return out, nil
}
