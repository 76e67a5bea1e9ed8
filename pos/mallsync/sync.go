// Package mallsync carries a mall's events to the hub and the hub's catalog and
// routed transfers back, over the mall's embedded NATS server (topology in
// shared/syncwire).
//
// Uplink: the relay copies outbox rows, in sequence order, into the local
// EVENTS stream (always available, online or not); the hub pulls EVENTS
// through a mirror driven by the durable consumer TO_HUB. An event counts as
// delivered only when the hub's watermark report covers it; a JetStream ack
// is not proof (lazy fsync, a hub store that can be lost). When the hub
// reports a gap, or its watermark stalls below what was relayed, the relay
// re-sends from the watermark under fresh message ids.
//
// Downlink: local mirrors of the hub's CATALOG and ROUTED streams, applied
// to SQLite with the applied stream sequence stored in the same transaction.
package mallsync

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"ektamall/shared/events"
	"ektamall/shared/natsx"
	"ektamall/shared/sqlitedb"
	"ektamall/shared/syncwire"
)

// Transfers receives what other malls send this one through the hub,
// inside the downlink's transaction; both calls must be idempotent on the
// transfer id. inventory.RegisterIncoming and inventory.ConfirmDelivered
// fit it.
type Transfers interface {
	// RegisterIncoming records a transfer sent to this mall, to receive.
	RegisterIncoming(ctx context.Context, tx *sql.Tx, mallID string, t events.Transfer) error
	// ConfirmDelivered closes a transfer this mall sent, on the receiver's count.
	ConfirmDelivered(ctx context.Context, tx *sql.Tx, mallID string, r events.TransferReceipt) error
}

// EInvoices records an e-invoice's IRN and signed QR code the hub sends
// down, inside the downlink's transaction; idempotent on the document.
// pos.RecordIRN fits it.
type EInvoices func(ctx context.Context, tx *sql.Tx, p events.EInvoiceIRN) error

// ChannelOrders applies a channel.reserve or channel.cancel (typ) the hub
// routed to this mall, inside the downlink's transaction.
type ChannelOrders func(ctx context.Context, tx *sql.Tx, typ string, p events.ChannelOrder) error

// Config of the mall's sync workers. Zero durations take the defaults.
type Config struct {
	MallID string
	DB     *sqlitedb.DB
	NATS   *natsx.Server
	Log    *slog.Logger
	// HubLinked: the mall has a hub remote; without one only the relay runs
	// (events wait in EVENTS for a hub) and no downlink mirrors are made.
	HubLinked bool
	// Transfers receives events routed from other malls; nil leaves them
	// waiting in the local ROUTED mirror (nothing is lost or skipped).
	Transfers Transfers
	// EInvoices receives the IRNs the hub sends down (nil: they wait in
	// the ROUTED mirror like transfers).
	EInvoices EInvoices
	// Channel applies online orders' reservations and cancellations the
	// hub sends down (nil: they wait in the ROUTED mirror).
	Channel ChannelOrders

	PollEvery   time.Duration // outbox poll interval (100 ms)
	BatchSize   int           // outbox rows per publish window (500)
	ResendAfter time.Duration // watermark stalled below relayed this long → re-send (15 s)
	// EventsMaxAge bounds the EVENTS stream; the outbox is the real record,
	// so this only limits disk. 60 days by default.
	EventsMaxAge   time.Duration
	EventsMaxBytes int64 // 0: no limit
	Now            func() time.Time
}

func (c *Config) defaults() {
	if c.PollEvery <= 0 {
		c.PollEvery = 100 * time.Millisecond
	}
	if c.BatchSize <= 0 {
		c.BatchSize = 500
	}
	if c.ResendAfter <= 0 {
		c.ResendAfter = 15 * time.Second
	}
	if c.EventsMaxAge <= 0 {
		c.EventsMaxAge = 60 * 24 * time.Hour
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Log == nil {
		c.Log = slog.Default()
	}
}

// Service runs the relay, the watermark listener and the downlink appliers.
type Service struct {
	cfg    Config
	log    *slog.Logger
	nc     *nats.Conn
	js     jetstream.JetStream
	wmSub  *nats.Subscription
	cancel context.CancelFunc
	wg     sync.WaitGroup

	reports chan syncwire.Watermark
	wake    chan struct{}

	// atomic is whether EVENTS takes atomic batches (batchpub.go).
	atomic atomic.Bool

	mu         sync.Mutex
	lastReport time.Time
	relayErr   error
}

// Start creates the local streams and consumers and starts the workers.
func Start(ctx context.Context, cfg Config) (*Service, error) {
	cfg.defaults()
	if cfg.MallID == "" || cfg.DB == nil || cfg.NATS == nil {
		return nil, errors.New("sync: MallID, DB and NATS are required")
	}
	s := &Service{cfg: cfg, log: cfg.Log.With("component", "sync"), reports: make(chan syncwire.Watermark, 1), wake: make(chan struct{}, 1)}
	var err error
	if s.nc, err = cfg.NATS.Connect(nats.Name("mall-" + cfg.MallID + "-sync")); err != nil {
		return nil, fmt.Errorf("sync: %w", err)
	}
	if s.js, err = jetstream.New(s.nc, jetstream.WithPublishAsyncMaxPending(4096)); err != nil {
		s.nc.Close()
		return nil, fmt.Errorf("sync: %w", err)
	}
	if err := s.setupStreams(ctx); err != nil {
		s.nc.Close()
		return nil, err
	}
	if err := s.checkOwnStream(ctx); err != nil { // see epoch.go
		s.nc.Close()
		return nil, err
	}
	if err := installRestoreGuard(ctx, cfg.DB); err != nil { // see restore.go
		s.nc.Close()
		return nil, err
	}
	s.wmSub, err = s.nc.Subscribe(syncwire.WatermarkSubject(cfg.MallID), s.onWatermark)
	if err != nil {
		s.nc.Close()
		return nil, fmt.Errorf("sync: watermark subscription: %w", err)
	}
	runCtx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	s.goRun(func() { s.relayLoop(runCtx) })
	if cfg.HubLinked {
		s.goRun(func() { s.downlinkLoop(runCtx, syncwire.CatalogStream, "catalog_seq", s.applyCatalog) })
		s.goRun(func() { s.dueLoop(runCtx) })
		if cfg.Transfers != nil {
			s.goRun(func() { s.downlinkLoop(runCtx, syncwire.RoutedStream, "routed_seq", s.applyRouted) })
			// The catalog may have caught up while the mall was down.
			s.goRun(func() { s.retrySkippedLogged(runCtx) })
		} else {
			s.log.Warn("no receiver for transfers: routed events wait in the local ROUTED stream")
		}
	}
	return s, nil
}

func (s *Service) goRun(f func()) {
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		f()
	}()
}

// Notify wakes the relay now (after a sale) instead of at the next poll.
func (s *Service) Notify() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Close stops the workers and waits for them; call it before NATS and the
// database close.
func (s *Service) Close() {
	if s.cancel == nil {
		return
	}
	s.cancel()
	s.wg.Wait()
	s.cancel = nil
	if s.wmSub != nil {
		s.wmSub.Unsubscribe()
	}
	s.nc.Close()
}

// setupStreams makes EVENTS and its TO_HUB consumer, and the downlink
// mirrors. EVENTS is never deleted or recreated: the hub's mirror ignores
// sequences it has seen, so a fresh EVENTS would be silently dropped
// (nats-server#6206).
func (s *Service) setupStreams(ctx context.Context) error {
	id := s.cfg.MallID
	_, err := s.js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
		Name:        syncwire.EventsStream,
		Description: "outbox events of mall " + id + ", pulled by the hub",
		Subjects:    []string{syncwire.EventSubjects(id)},
		Storage:     jetstream.FileStorage,
		Retention:   jetstream.LimitsPolicy,
		MaxAge:      s.cfg.EventsMaxAge,
		MaxBytes:    bytesLimit(s.cfg.EventsMaxBytes),
		Discard:     jetstream.DiscardNew, // a full disk stops the relay; rows wait in SQLite
		Duplicates:  min(24*time.Hour, s.cfg.EventsMaxAge),
		// Windows of the relay go in as atomic batches (batchpub.go).
		AllowAtomicPublish: true,
	})
	if err != nil {
		return fmt.Errorf("sync: stream %s: %w", syncwire.EventsStream, err)
	}
	s.atomic.Store(true)
	_, err = s.js.CreateOrUpdatePushConsumer(ctx, syncwire.EventsStream, jetstream.ConsumerConfig{
		Durable:        syncwire.UplinkConsumer,
		Description:    "the hub's mirror MALL_" + id + " pulls through this consumer",
		DeliverSubject: syncwire.UplinkDeliver(id),
		DeliverPolicy:  jetstream.DeliverAllPolicy,
		AckPolicy:      jetstream.AckFlowControlPolicy,
		FlowControl:    true,
		IdleHeartbeat:  time.Second,
		MaxAckPending:  20000,
	})
	if err != nil {
		return fmt.Errorf("sync: consumer %s: %w", syncwire.UplinkConsumer, err)
	}
	if !s.cfg.HubLinked {
		return nil
	}
	for _, m := range []struct{ name, consumer, deliver string }{
		{syncwire.CatalogStream, syncwire.CatalogConsumer(id), syncwire.CatalogDeliver(id)},
		{syncwire.RoutedStream, syncwire.RoutedConsumer(id), syncwire.RoutedDeliver(id)},
	} {
		_, err := s.js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
			Name:    m.name,
			Storage: jetstream.FileStorage,
			Mirror: &jetstream.StreamSource{
				Name:     m.name,
				Domain:   syncwire.HubDomain,
				Consumer: &jetstream.StreamConsumerSource{Name: m.consumer, DeliverSubject: m.deliver},
			},
		})
		if err != nil {
			return fmt.Errorf("sync: mirror %s: %w", m.name, err)
		}
	}
	return nil
}

func bytesLimit(n int64) int64 {
	if n <= 0 {
		return -1
	}
	return n
}

// Status is the mall's view of its link to the hub.
type Status struct {
	LastSeq      int64     `json:"last_seq"`      // newest outbox event
	RelayedSeq   int64     `json:"relayed_seq"`   // in the local EVENTS stream
	HubWatermark int64     `json:"hub_watermark"` // the hub holds every event up to here
	HubHighest   int64     `json:"hub_highest"`
	Pending      int64     `json:"pending"` // LastSeq - HubWatermark
	Connected    bool      `json:"connected"`
	LastReport   time.Time `json:"last_report,omitzero"`
	CatalogSeq   int64     `json:"catalog_seq"`
	RoutedSeq    int64     `json:"routed_seq"`
	ResendGen    int64     `json:"resend_gen"`
	Error        string    `json:"error,omitempty"`
}

// reportFresh is how recent the last watermark report must be for the hub
// to count as reachable; the hub reports every second.
const reportFresh = 5 * time.Second

// Status reads the numbers from SQLite and the link state from NATS.
func (s *Service) Status(ctx context.Context) (Status, error) {
	var st Status
	err := s.cfg.DB.R.QueryRowContext(ctx, `SELECT COALESCE((SELECT MAX(seq) FROM outbox), 0), relayed_seq, hub_watermark, hub_highest,
		catalog_seq, routed_seq, resend_gen FROM sync_state WHERE id = 1`).
		Scan(&st.LastSeq, &st.RelayedSeq, &st.HubWatermark, &st.HubHighest, &st.CatalogSeq, &st.RoutedSeq, &st.ResendGen)
	if err != nil {
		return Status{}, fmt.Errorf("sync status: %w", err)
	}
	// Counted, not subtracted: after a restore the numbers jump to a new
	// epoch (shared/events/epoch.go).
	if err := s.cfg.DB.R.QueryRowContext(ctx, `SELECT count(*) FROM outbox WHERE seq > ?`, st.HubWatermark).Scan(&st.Pending); err != nil {
		return Status{}, fmt.Errorf("sync status: %w", err)
	}
	s.mu.Lock()
	st.LastReport = s.lastReport
	if s.relayErr != nil {
		st.Error = s.relayErr.Error()
	}
	s.mu.Unlock()
	if hub := max(st.HubWatermark, st.HubHighest); hub > st.LastSeq {
		st.Error = fmt.Sprintf("restored behind the hub: the hub holds events up to %d, this mall's outbox ends at %d; selling is stopped until a newer backup is restored", hub, st.LastSeq)
	}
	st.Connected = s.cfg.NATS.LeafConnected() && !st.LastReport.IsZero() && s.cfg.Now().Sub(st.LastReport) < reportFresh
	return st, nil
}
