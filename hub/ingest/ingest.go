// Package ingest is the hub's NATS adapter: it pulls every mall's event
// stream (a durable mirror per mall, added when the mall is provisioned),
// ingests each event into the hub's SQLite exactly once and in sequence
// order, reports each mall's watermark back, routes transfers to the
// receiving mall, and publishes catalog changes for the malls to mirror.
package ingest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	gosync "sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"ektamall/hub"
	"ektamall/shared/natsx"
	"ektamall/shared/syncwire"
)

// Config of the hub's sync service.
type Config struct {
	DB   hub.Store
	NATS *natsx.Server
	// NATSConfig is the config NATS was started with; the service reloads
	// it with the malls' keys as they are provisioned.
	NATSConfig natsx.Config
	// Books opens the ledger for each ingest transaction (ledger's
	// Applier.Open); nil: events are recorded and checked only.
	Books hub.OpenBooks
	Log   *slog.Logger

	// BatchSize is the most events per ingest transaction (2000). A
	// backlog drains faster in larger batches, which share one commit and
	// the applier's catalog lookups and account totals; a full batch holds
	// the hub's write lock for some 0.3 s.
	BatchSize   int
	ReportEvery time.Duration // watermark reports to every mall (1 s)
	WatchEvery  time.Duration // how often to look for newly provisioned malls (2 s)
	// MirrorMaxAge bounds each mall's stream at the hub; once ingested an
	// event lives in SQLite, and a mall re-sends anything that aged out
	// before ingest. 30 days by default.
	MirrorMaxAge time.Duration
	// Replicas of every hub stream (and so of its consumers): 1 on a
	// single hub, 3 on a 3-node cluster so any one node may be lost.
	// Raising it on a running hub scales the existing streams up.
	Replicas int
	Now      func() time.Time
	// Node names this hub application node in ingest_leases (default:
	// host, process and a random part), and LeaseTTL is how long its lease
	// on a mall lasts unrenewed (4 s). Only on PostgreSQL, where several
	// nodes share the books (lease.go).
	Node     string
	LeaseTTL time.Duration
}

func (c *Config) defaults() {
	if c.BatchSize <= 0 {
		c.BatchSize = 2000
	}
	if c.ReportEvery <= 0 {
		c.ReportEvery = time.Second
	}
	if c.WatchEvery <= 0 {
		c.WatchEvery = 2 * time.Second
	}
	if c.MirrorMaxAge <= 0 {
		c.MirrorMaxAge = 30 * 24 * time.Hour
	}
	if c.Replicas <= 0 {
		c.Replicas = 1
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Log == nil {
		c.Log = slog.Default()
	}
	if c.Node == "" {
		c.Node = defaultNode()
	}
	if c.LeaseTTL <= 0 {
		c.LeaseTTL = 4 * time.Second
	}
}

// Service runs ingest, routing, the catalog publisher and the reporter.
type Service struct {
	cfg Config
	log *slog.Logger
	ing *Ingester
	nc  *nats.Conn
	js  jetstream.JetStream

	ctx    context.Context
	cancel context.CancelFunc
	wg     gosync.WaitGroup
	kick   chan struct{} // look for new malls now
	pub    chan struct{} // publish catalog changes and routed events now

	syncMu  gosync.Mutex // one syncMalls at a time
	mu      gosync.Mutex
	workers map[string]bool // malls with a running ingest worker
	keys    string          // the key set NATS was last loaded with
	loaded  bool            // keys is set (an empty set is a set too)
}

// Start creates the hub's streams, loads the provisioned malls and starts
// the workers.
func Start(ctx context.Context, cfg Config) (*Service, error) {
	cfg.defaults()
	if cfg.DB == nil || cfg.NATS == nil {
		return nil, errors.New("ingest: DB and NATS are required")
	}
	s := &Service{cfg: cfg, log: cfg.Log.With("component", "ingest"), kick: make(chan struct{}, 1), pub: make(chan struct{}, 1),
		workers: map[string]bool{}}
	s.ing = &Ingester{DB: cfg.DB, Books: cfg.Books, Now: cfg.Now, Log: s.log}
	if s.leased() {
		s.ing.Guard = s.checkLease
	}
	var err error
	if s.nc, err = cfg.NATS.Connect(nats.Name("hub-ingest")); err != nil {
		return nil, fmt.Errorf("ingest: %w", err)
	}
	if s.js, err = jetstream.New(s.nc); err != nil {
		s.nc.Close()
		return nil, fmt.Errorf("ingest: %w", err)
	}
	for _, name := range []string{syncwire.CatalogStream, syncwire.RoutedStream} {
		subj := "catalog.>"
		if name == syncwire.RoutedStream {
			subj = "routed.>"
		}
		if err := s.createStream(ctx, jetstream.StreamConfig{
			Name: name, Subjects: []string{subj}, Storage: jetstream.FileStorage, Retention: jetstream.LimitsPolicy,
			Duplicates: time.Hour, Replicas: cfg.Replicas,
		}); err != nil {
			s.nc.Close()
			return nil, fmt.Errorf("ingest: stream %s: %w", name, err)
		}
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	if err := s.syncMalls(ctx); err != nil {
		s.Close()
		return nil, err
	}
	s.goRun(s.watchLoop)
	s.goRun(s.publishLoop)
	s.goRun(s.reportLoop)
	s.goRun(s.dueLoop)
	return s, nil
}

// clusterSettle bounds how long a clustered hub waits at start for its
// JetStream cluster to elect a meta leader.
const clusterSettle = 90 * time.Second

// createStream creates or updates a stream. In a cluster the first
// request fails until the nodes have elected a meta leader (they start
// together, within seconds of each other), so it is retried for a while.
func (s *Service) createStream(ctx context.Context, sc jetstream.StreamConfig) error {
	deadline := time.Now().Add(clusterSettle)
	for {
		_, err := s.js.CreateOrUpdateStream(ctx, sc)
		if err == nil || s.cfg.Replicas <= 1 || time.Now().After(deadline) || ctx.Err() != nil {
			return err
		}
		s.log.Info("waiting for the JetStream cluster", "stream", sc.Name, "err", err)
		if !sleep(ctx, time.Second) {
			return ctx.Err()
		}
	}
}

func (s *Service) goRun(f func(ctx context.Context)) {
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		f(s.ctx)
	}()
}

// Close stops every worker and waits; call it before NATS and the
// database close.
func (s *Service) Close() {
	if s.cancel == nil {
		return
	}
	s.cancel()
	s.wg.Wait()
	s.cancel = nil
	s.nc.Close()
}

// Refresh picks up newly provisioned malls (keys, streams, workers) now
// and returns once NATS accepts their keys.
func (s *Service) Refresh(ctx context.Context) error { return s.syncMalls(ctx) }

// Kick makes the service pick up newly provisioned malls soon, in the
// background, rather than at the next poll.
func (s *Service) Kick() {
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

func (s *Service) wakePublisher() {
	select {
	case s.pub <- struct{}{}:
	default:
	}
}

func (s *Service) watchLoop(ctx context.Context) {
	t := time.NewTicker(s.cfg.WatchEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-s.kick:
		}
		if err := s.syncMalls(ctx); err != nil && ctx.Err() == nil {
			s.log.Warn("malls", "err", err)
		}
	}
}

// sleep waits d or until ctx ends, and reports whether to go on.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
