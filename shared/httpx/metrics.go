package httpx

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"ektamall/shared/errs"
)

// MetricsOff is the --metrics value that serves no metrics.
const MetricsOff = "off"

// MetricsServer serves a process's /metrics on a listen address of its
// own. The figures include each mall's revenue and tenders, so they are
// kept off the API's address (which counters and browsers reach): bind it
// to loopback, or to a private interface only the Prometheus server
// reaches.
type MetricsServer struct {
	srv *http.Server
	ln  net.Listener
	// URL is the base URL, e.g. http://127.0.0.1:9701 (GET URL+"/metrics").
	URL string
}

// ListenMetrics binds addr for reg's metrics, so a port in use fails at
// start-up; "off" or "" answers nil, nil. Serve starts serving.
func ListenMetrics(addr string, reg *prometheus.Registry) (*MetricsServer, error) {
	if addr == "" || addr == MetricsOff {
		return nil, nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("--metrics %s: %w", addr, err)
	}
	r := gin.New()
	r.Use(recovery(), secureHeaders())
	r.GET("/metrics", gin.WrapH(promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg})))
	r.NoRoute(func(c *gin.Context) {
		Fail(c, errs.E(errs.NotFound, "this address serves only GET /metrics"))
	})
	return &MetricsServer{
		srv: &http.Server{Handler: r, ReadHeaderTimeout: 10 * time.Second, WriteTimeout: 30 * time.Second},
		ln:  ln, URL: "http://" + ln.Addr().String(),
	}, nil
}

// Serve serves until Close; nil-safe.
func (m *MetricsServer) Serve() {
	if m == nil {
		return
	}
	go func() {
		if err := m.srv.Serve(m.ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			_ = err // the listener was closed under it; nothing to report to
		}
	}()
}

// Close stops serving; nil-safe and safe to call twice.
func (m *MetricsServer) Close() error {
	if m == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	err := m.srv.Shutdown(ctx)
	m.ln.Close()
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// ValidMetricsAddr checks a --metrics value: "off" or host:port.
func ValidMetricsAddr(addr string) error {
	if addr == MetricsOff {
		return nil
	}
	if _, _, err := net.SplitHostPort(addr); err != nil {
		return fmt.Errorf("%q is not host:port or %q", addr, MetricsOff)
	}
	return nil
}
