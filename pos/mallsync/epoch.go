package mallsync

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"ektamall/shared/auth"
	"ektamall/shared/events"
	"ektamall/shared/sqlitedb"
	"ektamall/shared/syncwire"
)

// Mark is where a mall database's history stands: its newest event and
// the epoch it sells in (see shared/events/epoch.go).
type Mark struct {
	LastSeq int64
	LastID  string
	Epoch   int64
}

// ReadMark reads a mall database's mark. A database from before restores
// were recorded has epoch 0 (or whatever its event numbers say).
func ReadMark(ctx context.Context, db *sql.DB) (Mark, error) {
	var m Mark
	err := db.QueryRowContext(ctx, `SELECT seq, event_id FROM outbox ORDER BY seq DESC LIMIT 1`).Scan(&m.LastSeq, &m.LastID)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return Mark{}, fmt.Errorf("read outbox: %w", err)
	}
	m.Epoch = events.EpochOf(m.LastSeq)
	// A backup from before restores were recorded has no table for them.
	var tables int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'restores'`).Scan(&tables); err != nil {
		return Mark{}, err
	}
	if tables > 0 {
		var e int64
		if err := db.QueryRowContext(ctx, `SELECT COALESCE(MAX(epoch), 0) FROM restores`).Scan(&e); err != nil {
			return Mark{}, fmt.Errorf("read restores: %w", err)
		}
		m.Epoch = max(m.Epoch, e)
	}
	return m, nil
}

// MaxEpoch is the most restores a mall can start a new epoch for: one
// letter A-Z is appended to each counter's series.
const MaxEpoch = 26

// EpochSeries is the suffix of every counter's series in epoch e ("" in
// epoch 0): invoices "C01A", credit notes "C01AN" in epoch 1. A counter is
// a letter and two digits, so these never meet the epoch-0 series "C01" and
// "CNC01", and fit Rule 46's 16 characters with 6 and 5 digits.
func EpochSeries(e int64) (string, error) {
	if e < 0 || e > MaxEpoch {
		return "", fmt.Errorf("epoch %d is beyond the %d a mall's series can name", e, MaxEpoch)
	}
	if e == 0 {
		return "", nil
	}
	return string(rune('A' + e - 1)), nil
}

// BeginEpoch starts epoch e in a database just restored from a backup, in
// one transaction: it records the restore, writes the mall.restored marker
// as the epoch's first event, and closes the shifts the backup had open
// (their drawers may hold takings of sales the backup lacks; their Z
// report, if the lost history printed one, is already at the hub).
// replaced is the last event of the replaced database (0: unreadable).
func BeginEpoch(ctx context.Context, db *sqlitedb.DB, e, replaced int64, from string, now time.Time) (events.Restore, error) {
	series, err := EpochSeries(e)
	if err != nil {
		return events.Restore{}, err
	}
	if e < 1 {
		return events.Restore{}, fmt.Errorf("epoch %d: a restore starts epoch 1 or later", e)
	}
	r := events.Restore{Epoch: e, ReplacedSeq: replaced, RestoredAt: now.UTC(), Series: series}
	err = db.Transact(ctx, func(tx *sql.Tx) error {
		var mall string
		if err := tx.QueryRowContext(ctx, `SELECT id FROM mall`).Scan(&mall); err != nil {
			return fmt.Errorf("read mall: %w", err)
		}
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) FROM outbox`).Scan(&r.PrevSeq); err != nil {
			return err
		}
		if events.EpochOf(r.PrevSeq) >= e {
			return fmt.Errorf("the database already sells in epoch %d", events.EpochOf(r.PrevSeq))
		}
		ts := now.UTC().Format(time.RFC3339Nano)
		if _, err := tx.ExecContext(ctx, `INSERT INTO restores (epoch, series, restored_at, backup_seq, replaced_seq, from_file) VALUES (?, ?, ?, ?, ?, ?)`,
			e, series, ts, r.PrevSeq, replaced, from); err != nil {
			return fmt.Errorf("record restore: %w", err)
		}
		if _, err := events.AppendAt(ctx, tx, events.EpochStart(e), mall, events.MallRestored, now, r); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE shifts SET status = 'closed', closed_at = ? WHERE status = 'open'`, ts)
		if err != nil {
			return err
		}
		closed, _ := res.RowsAffected()
		detail, _ := json.Marshal(map[string]any{"epoch": e, "series": series, "backup_seq": r.PrevSeq, "replaced_seq": replaced,
			"from": from, "shifts_closed": closed})
		return auth.Audit(ctx, tx, now, "", "mall.restored", string(detail), "")
	})
	if err != nil {
		return events.Restore{}, fmt.Errorf("begin epoch %d: %w", e, err)
	}
	return r, nil
}

// checkOwnStream starts a new epoch when the database lacks the newest
// event of the mall's own EVENTS stream: a backup copied into place by
// hand (not by 'ektamall restore'), with the NATS store left as it was.
// Selling on would number events and invoices the way the lost tail did.
// Only an event of the database's own epoch or a later one counts: after
// 'ektamall restore' the stream ends with the replaced history's events
// until the relay puts the new epoch's marker behind them.
func (s *Service) checkOwnStream(ctx context.Context) error {
	st, err := s.js.Stream(ctx, syncwire.EventsStream)
	if err != nil {
		return fmt.Errorf("sync: stream %s: %w", syncwire.EventsStream, err)
	}
	last := st.CachedInfo().State.LastSeq
	if last == 0 {
		return nil
	}
	msg, err := st.GetMsg(ctx, last)
	if err != nil {
		return nil // aged out or deleted: nothing to compare
	}
	ev, err := events.Decode(msg.Data)
	if err != nil {
		return nil
	}
	var have int
	if err := s.cfg.DB.R.QueryRowContext(ctx, `SELECT count(*) FROM outbox WHERE event_id = ?`, ev.ID).Scan(&have); err != nil {
		return err
	}
	mark, err := ReadMark(ctx, s.cfg.DB.R)
	if err != nil || have > 0 || events.EpochOf(ev.Seq) < mark.Epoch {
		return err
	}
	e := max(mark.Epoch, events.EpochOf(ev.Seq)) + 1
	r, err := BeginEpoch(ctx, s.cfg.DB, e, ev.Seq, "found at start: the database lacks event "+ev.ID+" of its own stream", s.cfg.Now())
	if err != nil {
		return err
	}
	s.log.Warn("the database lacks events of the mall's own stream (a backup put in place by hand?): started a new epoch",
		"epoch", r.Epoch, "database_ends_at", r.PrevSeq, "stream_ends_at", ev.Seq, "series_suffix", r.Series)
	return nil
}
