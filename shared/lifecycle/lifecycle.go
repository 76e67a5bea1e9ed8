// Package lifecycle is what a mall process, a hub process and a hub NATS
// node start and stop the same way: the data directory, the API listener
// (bound before anything is written, so a port in use fails first), the
// separate metrics listener, serving until the context ends, and the HTTP
// half of the shutdown. Each process stops the rest of what it runs (sync,
// NATS, the database) after Server.Close, in reverse dependency order.
package lifecycle

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"ektamall/shared/httpx"
	"ektamall/shared/sqlitedb"
)

// PrepareDir makes sure dir exists and is writable, and says whether it
// had to create it (so a failed first start can remove it again).
func PrepareDir(dir string) (created bool, err error) {
	if _, err := os.Stat(dir); errors.Is(err, os.ErrNotExist) {
		created = true
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return false, fmt.Errorf("--dir %s: %w", dir, err)
	}
	probe := filepath.Join(dir, ".write-test")
	if err := os.WriteFile(probe, nil, 0o600); err != nil {
		if created {
			os.RemoveAll(dir)
		}
		return false, fmt.Errorf("--dir %s is not writable: %w", dir, err)
	}
	os.Remove(probe)
	return created, nil
}

// Server is a process's HTTP side: its API and its /metrics.
type Server struct {
	// URL is the API's base URL; MetricsURL that of /metrics ("" when off).
	URL, MetricsURL string
	http            *http.Server
	ln              net.Listener
	metrics         *httpx.MetricsServer
}

// Listen binds the API address (--http).
func (s *Server) Listen(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("--http %s: %w", addr, err)
	}
	s.ln, s.URL = ln, "http://"+ln.Addr().String()
	return nil
}

// ListenMetrics binds the metrics address (--metrics) for reg; "off" or ""
// serves none.
func (s *Server) ListenMetrics(addr string, reg *prometheus.Registry) error {
	m, err := httpx.ListenMetrics(addr, reg)
	if err != nil {
		return err
	}
	s.metrics = m
	if m != nil {
		s.MetricsURL = m.URL
	}
	return nil
}

// Handle sets the API's handler. writeTimeout bounds one answer (a hub's
// payout file takes longer than a sale); 0 leaves it unbounded.
func (s *Server) Handle(h http.Handler, writeTimeout time.Duration) {
	s.http = &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       2 * time.Minute,
	}
}

// Serve serves the API and metrics until ctx ends (nil) or the API server
// fails (its error). It does not close anything: the caller's Close does.
func (s *Server) Serve(ctx context.Context) error {
	errc := make(chan error, 1)
	srv, ln := s.http, s.ln // Close clears them
	go func() { errc <- srv.Serve(ln) }()
	s.metrics.Serve()
	select {
	case <-ctx.Done():
		return nil
	case err := <-errc:
		if errors.Is(err, http.ErrServerClosed) {
			return nil
		}
		return err
	}
}

// Run serves (Serve) until ctx ends, then runs closeAll, the process's
// whole shutdown. When the API server fails instead, it still shuts down
// and returns the failure, named by what ("mall LKO1", "hub").
func (s *Server) Run(ctx context.Context, what string, closeAll func() error) error {
	if err := s.Serve(ctx); err != nil {
		closeAll()
		return fmt.Errorf("%s http: %w", what, err)
	}
	return closeAll()
}

// Close stops the API, letting in-flight requests finish for up to grace,
// then the metrics server. It is nil-safe and safe to call twice, also
// when Handle or Serve never ran.
func (s *Server) Close(grace time.Duration) error {
	if s == nil {
		return nil
	}
	var err error
	if s.http != nil {
		sctx, cancel := context.WithTimeout(context.Background(), grace)
		err = s.http.Shutdown(sctx)
		cancel()
		s.http = nil
	}
	if s.ln != nil {
		s.ln.Close() // already closed by Shutdown when Serve ran; not when it never did
	}
	s.ln = nil
	err = errors.Join(err, s.metrics.Close())
	s.metrics = nil
	return err
}

// Begin prepares the data directory and binds the API address, in that
// order; a directory it created is removed again when the bind fails.
// created tells the caller's UndoOnError what to remove if a later step
// of its start fails.
func (s *Server) Begin(dir, addr string) (created bool, err error) {
	if created, err = PrepareDir(dir); err != nil {
		return false, err
	}
	if err = s.Listen(addr); err != nil && created {
		os.RemoveAll(dir)
	}
	return created, err
}

// UndoOnError, deferred by a process's Open, stops what was started and
// removes a data directory that this start created, when *errp is set.
func UndoOnError(errp *error, dir string, created bool, stop func() error) {
	if *errp == nil {
		return
	}
	stop()
	if created {
		os.RemoveAll(dir)
	}
}

// OpenDB opens (creating it when missing) the SQLite database at path and
// runs prepare on it (migrations, a first seed); when prepare fails the
// database is closed again. fresh says whether the file was new.
func OpenDB(ctx context.Context, path string, o sqlitedb.Options, prepare func(*sqlitedb.DB) error) (db *sqlitedb.DB, fresh bool, err error) {
	if _, serr := os.Stat(path); errors.Is(serr, os.ErrNotExist) {
		fresh = true
	}
	if db, err = sqlitedb.Open(ctx, path, o); err != nil {
		return nil, false, err
	}
	if err = prepare(db); err != nil {
		db.Close()
		return nil, false, err
	}
	return db, fresh, nil
}
