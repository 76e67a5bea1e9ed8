package mallsync

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"ektamall/shared/events"
	"ektamall/shared/syncwire"
)

// relayLoop is the single writer of relayed_seq, resend_gen and the stored
// watermark: it relays outbox rows and handles the hub's reports, so a
// re-send can never interleave with a half-finished publish window.
func (s *Service) relayLoop(ctx context.Context) {
	t := time.NewTicker(s.cfg.PollEvery)
	defer t.Stop()
	var rs resendState
	var p relayPos
	// What was relayed before a stop is stored, so a restart does not
	// publish it again (the duplicate window would drop it anyway).
	defer func() { _ = s.storePos(context.WithoutCancel(ctx), &p) }()
	report := func(w syncwire.Watermark) {
		// A report reads and may rewind relayed_seq: store ours first,
		// and read it back after.
		err := s.storePos(ctx, &p)
		if err == nil {
			err = s.handleReport(ctx, w, &rs)
		}
		p.known = false
		if err != nil && ctx.Err() == nil {
			s.log.Warn("watermark report", "err", err)
		}
	}
	for {
		n, err := s.relayOnce(ctx, &p)
		if n > 0 {
			// New events for the hub: its watermark cannot cover them
			// yet, so the stall clock starts now, not at the last move.
			rs.lastWChange = s.cfg.Now()
		}
		s.mu.Lock()
		s.relayErr = err
		s.mu.Unlock()
		if err != nil && ctx.Err() == nil {
			s.log.Warn("relay: will retry", "err", err)
		}
		if n == s.cfg.BatchSize && err == nil {
			// Backlog: keep draining, but take the hub's newest report
			// on the way, or a long drain acts on a stale one after.
			select {
			case w := <-s.reports:
				report(w)
			default:
			}
			continue
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-s.wake:
		case w := <-s.reports:
			report(w)
		}
	}
}

// storeEvery is how often the relay stores how far it got while it keeps
// publishing. Storing it after every window was a write transaction (an
// fsync on the one writer) per sale at a quiet till; a crash forgets at
// most this much, and those events are published again under the same
// message ids, which the stream's duplicate window drops.
const storeEvery = 250 * time.Millisecond

// relayPos is how far the relay got, kept by the relay loop: relayed is
// published and acknowledged, stored is what sync_state says.
type relayPos struct {
	known           bool
	relayed, stored int64
	gen             int64
	storedAt        time.Time
}

// load reads the stored position when the loop does not know it (at
// start, and after a report, which may rewind it for a re-send).
func (s *Service) load(ctx context.Context, p *relayPos) error {
	if p.known {
		return nil
	}
	if err := s.cfg.DB.R.QueryRowContext(ctx, `SELECT relayed_seq, resend_gen FROM sync_state WHERE id = 1`).Scan(&p.relayed, &p.gen); err != nil {
		return fmt.Errorf("relay: read state: %w", err)
	}
	p.known, p.stored, p.storedAt = true, p.relayed, s.cfg.Now()
	return nil
}

// storePos writes relayed_seq when the loop got further than stored.
func (s *Service) storePos(ctx context.Context, p *relayPos) error {
	if !p.known || p.relayed == p.stored {
		return nil
	}
	var moved int64
	err := s.cfg.DB.Transact(ctx, func(tx *sql.Tx) error {
		// The guard keeps a stale position from undoing a re-send.
		res, err := tx.ExecContext(ctx, `UPDATE sync_state SET relayed_seq = ?, updated_at = ? WHERE id = 1 AND relayed_seq = ? AND resend_gen = ?`,
			p.relayed, s.cfg.Now().UTC().Format(time.RFC3339Nano), p.stored, p.gen)
		if err == nil {
			moved, err = res.RowsAffected()
		}
		return err
	})
	if err != nil || moved == 0 {
		p.known = false // read it again: it moved under us, or may have
	}
	if err != nil {
		return fmt.Errorf("relay: store relayed_seq: %w", err)
	}
	p.stored, p.storedAt = p.relayed, s.cfg.Now()
	return nil
}

// msgID is the Nats-Msg-Id of an event: its id, plus the re-send generation
// after a re-send, so that the re-sent copy is not dropped as a duplicate
// of the copy the hub lost.
func msgID(eventID string, gen int64) string {
	if gen == 0 {
		return eventID
	}
	return eventID + ".r" + strconv.FormatInt(gen, 10)
}

type outRow struct {
	seq     int64
	id, typ string
	payload []byte
}

// relayOnce publishes the next window of outbox rows to EVENTS and, once
// every one of them is acknowledged by the local JetStream, advances the
// loop's position, stored in relayed_seq now and then (storeEvery). A
// crash in between re-publishes under the same message ids, which the
// stream's duplicate window drops.
func (s *Service) relayOnce(ctx context.Context, p *relayPos) (n int, err error) {
	if err := s.load(ctx, p); err != nil {
		return 0, err
	}
	relayed, gen := p.relayed, p.gen
	defer func() {
		// Store how far it got now and then, and at once when a window
		// failed (the next one starts from what is stored).
		if n > 0 {
			p.relayed = relayed + int64(n)
		}
		if p.relayed != p.stored && (err != nil || s.cfg.Now().Sub(p.storedAt) >= storeEvery) {
			if serr := s.storePos(ctx, p); err == nil {
				err = serr
			}
		}
	}()
	rows, err := s.cfg.DB.R.QueryContext(ctx, `SELECT seq, event_id, type, payload FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?`,
		relayed, s.cfg.BatchSize)
	if err != nil {
		return 0, fmt.Errorf("relay: read outbox: %w", err)
	}
	var batch []outRow
	for rows.Next() {
		var r outRow
		if err := rows.Scan(&r.seq, &r.id, &r.typ, &r.payload); err != nil {
			rows.Close()
			return 0, fmt.Errorf("relay: read outbox: %w", err)
		}
		batch = append(batch, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(batch) == 0 {
		return 0, err
	}
	if !events.Follows(relayed, batch[0].seq) {
		// Outbox rows are never deleted, and numbers jump only to the
		// start of a new epoch after a restore (shared/events/epoch.go),
		// so this is a broken database, not something to skip over.
		return 0, fmt.Errorf("relay: outbox jumps from %d to %d", relayed, batch[0].seq)
	}
	if len(batch) >= minAtomic && len(batch) <= maxAtomic && s.atomic.Load() {
		// One flush for the window (batchpub.go); on any refusal nothing
		// of it was stored and it goes one by one below.
		err := s.publishAtomic(ctx, batch, gen)
		if err == nil {
			return int(batch[len(batch)-1].seq - relayed), nil
		}
		if ctx.Err() != nil {
			return 0, ctx.Err()
		}
		s.log.Debug("relay: batch not committed; publishing one by one", "from_seq", batch[0].seq, "err", err)
	}
	futures := make([]jetstream.PubAckFuture, 0, len(batch))
	for _, r := range batch {
		f, err := s.js.PublishMsgAsync(s.eventMsg(r, gen))
		if err != nil {
			break
		}
		futures = append(futures, f)
	}
	done := relayed
	var pubErr error
	for i, f := range futures {
		select {
		case <-f.Ok():
			if pubErr == nil && events.Follows(done, batch[i].seq) {
				done = batch[i].seq
			}
		case err := <-f.Err():
			if pubErr == nil {
				pubErr = fmt.Errorf("relay: publish seq %d: %w", batch[i].seq, err)
			}
		case <-ctx.Done():
			return 0, ctx.Err()
		}
	}
	return int(done - relayed), pubErr
}

// eventMsg is the message of an outbox row under its message id, the same
// whether it goes in an atomic batch or alone, so the stream's duplicate
// window drops a copy either way.
func (s *Service) eventMsg(r outRow, gen int64) *nats.Msg {
	m := nats.NewMsg(syncwire.EventSubject(s.cfg.MallID, r.typ))
	m.Data = r.payload
	m.Header.Set(jetstream.MsgIDHeader, msgID(r.id, gen))
	return m
}

// onWatermark runs on the NATS callback goroutine; the relay loop does the work.
func (s *Service) onWatermark(m *nats.Msg) {
	var w syncwire.Watermark
	if err := json.Unmarshal(m.Data, &w); err != nil || w.Mall != s.cfg.MallID {
		s.log.Warn("ignoring malformed watermark report", "err", err, "mall", w.Mall)
		return
	}
	s.mu.Lock()
	s.lastReport = s.cfg.Now()
	s.mu.Unlock()
	// Only the newest report counts: replace one still waiting.
	for {
		select {
		case s.reports <- w:
			return
		default:
		}
		select {
		case <-s.reports:
		default:
		}
	}
}

// resendState remembers the last re-send so a gap the hub keeps reporting
// while the re-sent events travel does not trigger a storm of re-sends.
type resendState struct {
	lastW       int64
	lastWChange time.Time // last progress: the watermark moved or new events were relayed
	from        int64
	at          time.Time
	backoff     time.Duration
}

const maxResendBackoff = 5 * time.Minute

// handleReport stores the hub's watermark and decides whether to re-send:
// at once when the hub reports a gap (it has events after a missing one),
// or when the watermark stays below what was relayed for ResendAfter (the
// hub lost events and has nothing after them to notice it by), backing off
// while the watermark does not move.
func (s *Service) handleReport(ctx context.Context, w syncwire.Watermark, rs *resendState) error {
	now := s.cfg.Now()
	if rs.lastWChange.IsZero() || w.Watermark != rs.lastW {
		rs.lastW, rs.lastWChange, rs.backoff = w.Watermark, now, s.cfg.ResendAfter
	}
	var relayed, stored, highest int64
	var reportAt string
	if err := s.cfg.DB.R.QueryRowContext(ctx, `SELECT relayed_seq, hub_watermark, hub_highest, hub_report_at FROM sync_state WHERE id = 1`).
		Scan(&relayed, &stored, &highest, &reportAt); err != nil {
		return err
	}
	resend := false
	switch {
	case w.Watermark >= relayed:
	case w.Gap() && (w.Watermark != rs.from || now.Sub(rs.at) > rs.backoff):
		resend = true
	case !w.Gap() && now.Sub(rs.lastWChange) > rs.backoff && now.Sub(rs.at) > rs.backoff:
		resend = true
		rs.backoff = min(2*rs.backoff, maxResendBackoff)
	}
	// Write only on change (or every minute) to keep the WAL quiet.
	last, _ := time.Parse(time.RFC3339Nano, reportAt)
	if !resend && w.Watermark == stored && w.Highest == highest && now.Sub(last) < time.Minute {
		return nil
	}
	return s.cfg.DB.Transact(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE sync_state SET hub_watermark = ?, hub_highest = ?, hub_report_at = ?, updated_at = ? WHERE id = 1`,
			w.Watermark, w.Highest, now.UTC().Format(time.RFC3339Nano), now.UTC().Format(time.RFC3339Nano)); err != nil {
			return err
		}
		if !resend {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE sync_state SET relayed_seq = ?, resend_gen = resend_gen + 1 WHERE id = 1`, w.Watermark); err != nil {
			return err
		}
		rs.from, rs.at = w.Watermark, now
		s.log.Warn("hub is missing events: re-sending", "from_seq", w.Watermark+1, "relayed", relayed, "hub_highest", w.Highest)
		return nil
	})
}
