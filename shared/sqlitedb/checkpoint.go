package sqlitedb

import (
	"context"
	"database/sql"
	"sync"
	"sync/atomic"
	"time"
)

// Background checkpoints (issue 24). SQLite's default moves WAL pages into
// the database file from inside the commit that pushes the WAL past 1,000
// pages: that commit, and every sale queued behind it on the one writer,
// waits for a few thousand page writes and an fsync of the database file.
// It was the paced checkout's tail. The writer runs with
// wal_autocheckpoint off instead, and a connection of its own checkpoints
// (PASSIVE: it never blocks the writer or readers) a moment after writes,
// at most every checkpointEvery. Closing the database checkpoints what is
// left, as the last connection to close always does.

// checkpointEvery bounds how often the checkpointer runs under writes.
const checkpointEvery = 200 * time.Millisecond

type checkpointer struct {
	db   *sql.DB // one connection, never used for data
	kick chan struct{}
	quit chan struct{}
	wg   sync.WaitGroup
	once sync.Once

	runs    atomic.Int64
	pages   atomic.Int64 // moved into the database file
	slowest atomic.Int64 // nanoseconds
}

func startCheckpointer(db *sql.DB) *checkpointer {
	c := &checkpointer{db: db, kick: make(chan struct{}, 1), quit: make(chan struct{})}
	c.wg.Add(1)
	go c.loop()
	return c
}

// wrote tells the checkpointer the writer committed.
func (c *checkpointer) wrote() {
	select {
	case c.kick <- struct{}{}:
	default:
	}
}

func (c *checkpointer) loop() {
	defer c.wg.Done()
	for {
		select {
		case <-c.quit:
			return
		case <-c.kick:
		}
		c.run()
		select { // let writes gather: one checkpoint covers many commits
		case <-c.quit:
			return
		case <-time.After(checkpointEvery):
		}
	}
}

func (c *checkpointer) run() {
	start := time.Now()
	var busy, log, done int64
	// An error (the database closing) only means this round did nothing;
	// the next commit kicks another.
	if err := c.db.QueryRowContext(context.Background(), `PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &log, &done); err != nil {
		return
	}
	c.runs.Add(1)
	c.pages.Add(max(0, done))
	d := int64(time.Since(start))
	for {
		s := c.slowest.Load()
		if d <= s || c.slowest.CompareAndSwap(s, d) {
			break
		}
	}
}

// close stops the checkpointer; closing twice is harmless, as for DB.
func (c *checkpointer) close() error {
	var err error
	c.once.Do(func() {
		close(c.quit)
		c.wg.Wait()
		err = c.db.Close()
	})
	return err
}

// CheckpointStats says what the background checkpointer did: how many
// checkpoints it ran, the WAL pages they moved into the database file, and
// the longest one (which no commit waited for).
type CheckpointStats struct {
	Runs    int64
	Pages   int64
	Slowest time.Duration
}

// Checkpoints returns the background checkpointer's figures.
func (db *DB) Checkpoints() CheckpointStats {
	c := db.ckpt
	return CheckpointStats{Runs: c.runs.Load(), Pages: c.pages.Load(), Slowest: time.Duration(c.slowest.Load())}
}
