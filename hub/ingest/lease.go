package ingest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"ektamall/shared/errs"
	"ektamall/shared/ids"
	"ektamall/shared/sqldb"
	"ektamall/shared/syncwire"
)

// Leases: several hub application nodes on one PostgreSQL database each
// run ingest, but a mall's stream is ingested by one node at a time, the
// holder of the mall's row in ingest_leases. The holder renews it every
// third of LeaseTTL; a node that dies stops renewing and, once the lease
// has run out, another node takes the mall over. Every ingest transaction
// first checks, with a row lock, that its node still holds the lease, so a
// node that lost its lease (paused, cut off) cannot commit a batch after
// another took over. Duplicates could not be booked anyway (events are
// unique per mall and sequence); the lease keeps two nodes from fighting
// over one stream.
//
// A node that takes a lease over starts the mall's ingest consumer afresh
// at its acknowledgement floor: the events the previous holder had
// fetched but not acknowledged come at once, in order, instead of after
// AckWait (and an acknowledgement, which covers every event before it,
// cannot pass over them). Those the previous holder had committed come
// again and are recognised as duplicates.
//
// On SQLite (one hub node, one writer) there are no leases.

func (s *Service) leased() bool { return s.cfg.DB.Dialect() == sqldb.Postgres }

// defaultNode names this process as a lease holder.
func defaultNode() string {
	host, _ := os.Hostname()
	return fmt.Sprintf("%s-%d-%s", host, os.Getpid(), ids.New()[:8])
}

// dbNowMS is the database's clock in milliseconds (PostgreSQL).
const dbNowMS = `(extract(epoch FROM clock_timestamp()) * 1000)::bigint`

// takeLease takes or renews the mall's lease and reports whether this
// node holds it now.
func (s *Service) takeLease(ctx context.Context, mall string) (bool, error) {
	res, err := s.cfg.DB.Writer().ExecContext(ctx, `INSERT INTO ingest_leases (mall_id, holder, expires_ms) VALUES (?, ?, `+dbNowMS+` + ?)
		ON CONFLICT (mall_id) DO UPDATE SET holder = excluded.holder, expires_ms = excluded.expires_ms
		WHERE ingest_leases.holder = excluded.holder OR ingest_leases.expires_ms < `+dbNowMS,
		mall, s.cfg.Node, s.cfg.LeaseTTL.Milliseconds())
	if err != nil {
		return false, fmt.Errorf("lease %s: %w", mall, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// releaseLease gives the mall up on a clean stop, so another node need
// not wait for it to run out.
func (s *Service) releaseLease(mall string) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if _, err := s.cfg.DB.Writer().ExecContext(ctx, `DELETE FROM ingest_leases WHERE mall_id = ? AND holder = ?`, mall, s.cfg.Node); err != nil {
		s.log.Warn("release lease", "mall", mall, "err", err)
	}
}

// awaitLease blocks until this node holds the mall's lease and, unless
// it held the lease already, waits out AckWait (see above); false when
// ctx ends first.
func (s *Service) awaitLease(ctx context.Context, mall string, held bool) bool {
	logged := false
	for {
		ok, err := s.takeLease(ctx, mall)
		if err != nil && ctx.Err() == nil {
			s.log.Warn("ingest lease", "mall", mall, "err", err)
		}
		if ok && held {
			return true
		}
		if ok {
			s.log.Info("ingest lease taken", "mall", mall, "node", s.cfg.Node)
			if err := s.restartConsumer(ctx, mall); err != nil {
				s.log.Warn("ingest consumer restart", "mall", mall, "err", err)
				return sleep(ctx, time.Second)
			}
			return true
		}
		held = false
		if !logged {
			s.log.Info("another hub node ingests this mall; standing by", "mall", mall)
			logged = true
		}
		if !sleep(ctx, s.cfg.LeaseTTL/3) {
			return false
		}
	}
}

// errLeaseLost ends an ingest batch on a node that no longer holds the
// mall's lease; the batch is redelivered (to the holder).
var errLeaseLost = errs.E(errs.Unavailable, "this hub node no longer holds the mall's ingest lease")

// checkLease is the first statement of an ingest transaction. The
// transaction is SERIALIZABLE, so a batch that commits is ordered before
// any takeover of the lease it read (and a node that lost its lease
// commits nothing more).
func (s *Service) checkLease(ctx context.Context, tx sqldb.Tx, mall string) error {
	if !s.leased() {
		return nil
	}
	var one int
	err := tx.QueryRowContext(ctx, `SELECT 1 FROM ingest_leases WHERE mall_id = ? AND holder = ? AND expires_ms > `+dbNowMS,
		mall, s.cfg.Node).Scan(&one)
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return errLeaseLost
		}
		return err
	}
	return nil
}

// leaseKeeper renews a held lease every third of LeaseTTL in the
// background, so that a long batch does not let it run out.
type leaseKeeper struct {
	held   atomic.Bool
	cancel context.CancelFunc
	done   chan struct{}
}

// keepLease starts renewing the mall's lease; nil when there are no
// leases (SQLite).
func (s *Service) keepLease(ctx context.Context, mall string) *leaseKeeper {
	if !s.leased() {
		return nil
	}
	k := &leaseKeeper{done: make(chan struct{})}
	k.held.Store(true)
	ctx, k.cancel = context.WithCancel(ctx)
	go func() {
		defer close(k.done)
		for sleep(ctx, s.cfg.LeaseTTL/3) {
			ok, err := s.takeLease(ctx, mall)
			if err != nil && ctx.Err() == nil {
				s.log.Warn("ingest lease", "mall", mall, "err", err)
			}
			if !ok && ctx.Err() == nil {
				s.log.Warn("ingest lease lost", "mall", mall, "node", s.cfg.Node)
				k.held.Store(false)
				return
			}
		}
	}()
	return k
}

// holds reports whether ingest may go on fetching.
func (k *leaseKeeper) holds() bool { return k == nil || k.held.Load() }

// stop ends the renewals; it reports whether the lease was still held.
func (k *leaseKeeper) stop() bool {
	if k == nil {
		return true
	}
	k.cancel()
	<-k.done
	return k.held.Load()
}

// restartConsumer recreates the mall's ingest consumer to start just after
// its acknowledgement floor (see above).
func (s *Service) restartConsumer(ctx context.Context, mall string) error {
	stream := syncwire.HubMallStream(mall)
	var floor uint64
	if c, err := s.js.Consumer(ctx, stream, ingestConsumer); err == nil {
		info, err := c.Info(ctx)
		if err != nil {
			return err
		}
		floor = info.AckFloor.Stream
	}
	var err error
	for range 3 { // another node may recreate it between the two calls
		if derr := s.js.DeleteConsumer(ctx, stream, ingestConsumer); derr != nil && !errors.Is(derr, jetstream.ErrConsumerNotFound) {
			return derr
		}
		if err = s.ingestConsumer(ctx, mall, floor+1); err == nil {
			return nil
		}
	}
	return err
}
