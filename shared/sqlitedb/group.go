package sqlitedb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
)

// Group commit. With synchronous=FULL every commit is an fsync, and with
// one writer, concurrent checkouts queue for it one by one. TransactGrouped
// lets the writer take every transaction that is waiting when it becomes
// free and commit them together: one BEGIN, one SAVEPOINT per transaction,
// one COMMIT (one fsync). A transaction whose fn fails is rolled back to
// its savepoint and gets its own error; its batch-mates are unaffected.
// Nothing waits for a batch to fill: an idle writer takes a lone
// transaction at once, so a quiet mall pays no latency for this.

// maxGroup bounds a batch, so one commit stays short.
const maxGroup = 64

type groupReq struct {
	ctx  context.Context
	fn   func(*sql.Tx) error
	err  error
	pan  any // a panic in fn, re-raised in the caller's goroutine
	done chan struct{}
}

type grouper struct {
	once   sync.Once
	mu     sync.Mutex
	closed bool
	ch     chan *groupReq
	quit   chan struct{}
	wg     sync.WaitGroup
}

var errClosed = errors.New("sqlite: database is closed")

// TransactGrouped is Transact, committed together with whatever other
// TransactGrouped calls are waiting for the writer. fn must only use tx
// (it may run inside another caller's transaction, under a savepoint),
// and, as with Transact, may be run again on its own if the shared commit
// fails. It returns when fn's writes are durable or rolled back.
func (db *DB) TransactGrouped(ctx context.Context, fn func(tx *sql.Tx) error) error {
	g := &db.group
	g.once.Do(func() {
		g.ch = make(chan *groupReq, 4*maxGroup)
		g.quit = make(chan struct{})
		g.wg.Add(1)
		go db.commitLoop()
	})
	r := &groupReq{ctx: ctx, fn: fn, done: make(chan struct{})}
	g.mu.Lock()
	if g.closed {
		g.mu.Unlock()
		return errClosed
	}
	select {
	case g.ch <- r:
		g.mu.Unlock()
	case <-ctx.Done():
		g.mu.Unlock()
		return ctx.Err()
	}
	// Once queued, the outcome is awaited whatever ctx does: the writes
	// may already be committed.
	<-r.done
	if r.pan != nil {
		panic(r.pan)
	}
	return r.err
}

func (g *grouper) close() {
	g.mu.Lock()
	if g.closed || g.quit == nil {
		g.closed = true
		g.mu.Unlock()
		return
	}
	g.closed = true
	g.mu.Unlock()
	close(g.quit)
	g.wg.Wait()
}

func (db *DB) commitLoop() {
	g := &db.group
	defer g.wg.Done()
	for {
		var first *groupReq
		select {
		case first = <-g.ch:
		case <-g.quit:
			// Requests queued before close was flagged still get an answer.
			for {
				select {
				case r := <-g.ch:
					r.err = errClosed
					close(r.done)
				default:
					return
				}
			}
		}
		batch := []*groupReq{first}
	more:
		for len(batch) < maxGroup {
			select {
			case r := <-g.ch:
				batch = append(batch, r)
			default:
				break more
			}
		}
		db.commitBatch(batch)
	}
}

// commitBatch runs a batch in one transaction. If the batch as a whole
// fails (BEGIN, a savepoint that cannot be rolled back, COMMIT), no member
// was committed, so each member that had not failed on its own is run
// again alone.
func (db *DB) commitBatch(batch []*groupReq) {
	if len(batch) == 1 {
		db.runAlone(batch[0])
		return
	}
	ok, err := db.tryBatch(batch)
	for i, r := range batch {
		switch {
		case err == nil && ok[i]:
			r.err = nil
		case err == nil || r.err != nil || r.pan != nil:
			// failed on its own: r.err or r.pan is set
		default:
			db.runAlone(r)
			continue
		}
		close(r.done)
	}
}

func (db *DB) runAlone(r *groupReq) {
	defer close(r.done)
	r.err, r.pan = nil, nil
	if err := r.ctx.Err(); err != nil {
		r.err = err
		return
	}
	func() {
		defer func() {
			if p := recover(); p != nil {
				r.pan = p
			}
		}()
		r.err = db.Transact(context.WithoutCancel(r.ctx), r.fn)
	}()
}

// tryBatch returns which members succeeded, or an error if the shared
// transaction could not be committed.
func (db *DB) tryBatch(batch []*groupReq) (ok []bool, err error) {
	ok = make([]bool, len(batch))
	ctx := context.Background()
	tx, err := db.W.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	for i, r := range batch {
		r.err, r.pan = nil, nil
		if err := r.ctx.Err(); err != nil { // gave up while queued: never run
			r.err = err
			continue
		}
		if _, err := tx.ExecContext(ctx, `SAVEPOINT grouped`); err != nil {
			_ = tx.Rollback()
			return nil, err
		}
		// fn uses its caller's context. Should its cancellation interrupt
		// a write and SQLite roll back the whole shared transaction, the
		// ROLLBACK TO below fails and every other member runs alone.
		ferr := runMember(tx, r)
		if ferr == nil {
			if _, err := tx.ExecContext(ctx, `RELEASE grouped`); err != nil {
				_ = tx.Rollback()
				return nil, err
			}
			ok[i] = true
			continue
		}
		if _, err := tx.ExecContext(ctx, `ROLLBACK TO grouped`); err != nil {
			_ = tx.Rollback()
			r.err, r.pan = nil, nil // not its own failure: run it again alone
			return nil, err
		}
		if _, err := tx.ExecContext(ctx, `RELEASE grouped`); err != nil {
			_ = tx.Rollback()
			r.err, r.pan = nil, nil
			return nil, err
		}
		if r.pan == nil {
			r.err = Classify(ferr)
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("commit: %w", err)
	}
	db.ckpt.wrote()
	return ok, nil
}

// runMember runs fn, turning a panic into an error for the savepoint
// rollback; the panic value is kept to re-raise in the caller.
func runMember(tx *sql.Tx, r *groupReq) (err error) {
	defer func() {
		if p := recover(); p != nil {
			r.pan = p
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	return r.fn(tx)
}
