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
// waits for a thousand page writes and an fsync of the database file. It
// was the paced checkout's tail. Here a connection of its own checkpoints
// (PASSIVE: it never blocks the writer or readers) a moment after writes,
// at most every checkpointEvery, and the writer checkpoints itself only
// past writerCheckpointPages: by then the background has copied nearly
// everything, so the writer's checkpoint is short, and it is what lets the
// next commit start the WAL over from the top (SQLite restarts the WAL
// only when the writer finds it fully copied, which under steady writes it
// never does after a checkpoint by another connection). That bounds the
// WAL at about 40 MiB. Closing the database checkpoints what is left.

// writerCheckpointPages is the writer's wal_autocheckpoint.
const writerCheckpointPages = 10000

// checkpointEvery bounds how often the checkpointer runs under writes.
const checkpointEvery = 100 * time.Millisecond

type checkpointer struct {
	db   *sql.DB // one connection, never used for data
	kick chan struct{}
	quit chan struct{}
	wg   sync.WaitGroup
	once sync.Once

	runs    atomic.Int64
	frames  atomic.Int64 // WAL frames checkpointed
	total   atomic.Int64 // nanoseconds spent checkpointing
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
	c.frames.Store(log)
	d := int64(time.Since(start))
	c.total.Add(d)
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
// checkpoints it ran, the WAL's length in frames (page writes) at the
// last, the time they took and the longest one (time no commit waits for
// now).
type CheckpointStats struct {
	Runs    int64
	Frames  int64 // WAL length at the last one
	Total   time.Duration
	Slowest time.Duration
}

// Checkpoints returns the background checkpointer's figures.
func (db *DB) Checkpoints() CheckpointStats {
	c := db.ckpt
	return CheckpointStats{Runs: c.runs.Load(), Frames: c.frames.Load(), Total: time.Duration(c.total.Load()), Slowest: time.Duration(c.slowest.Load())}
}
