package mallsync

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"ektamall/shared/events"
	"ektamall/shared/syncwire"
)

// inSavepoint runs fn inside a savepoint of tx and rolls back what fn
// wrote when it fails, so a failed apply never leaves half its rows.
func inSavepoint(ctx context.Context, tx *sql.Tx, fn func() error) error {
	if _, err := tx.ExecContext(ctx, `SAVEPOINT downlink_apply`); err != nil {
		return err
	}
	ferr := fn()
	if ferr != nil {
		if _, err := tx.ExecContext(ctx, `ROLLBACK TO downlink_apply`); err != nil {
			return fmt.Errorf("%w (and rolling back: %v)", ferr, err)
		}
	}
	if _, err := tx.ExecContext(ctx, `RELEASE downlink_apply`); err != nil {
		return err
	}
	return ferr
}

// skipRouted keeps a routed message that cannot apply yet, with its
// reason, for the zone manager and for retrySkipped.
func (s *Service) skipRouted(ctx context.Context, tx *sql.Tx, seq uint64, data []byte, reason error) error {
	var ev events.Envelope
	var t struct {
		TransferID string `json:"transfer_id"`
		FromMall   string `json:"from_mall"`
		ToMall     string `json:"to_mall"`
		Zone       string `json:"zone"`
	}
	if err := json.Unmarshal(data, &ev); err == nil {
		json.Unmarshal(ev.Payload, &t)
	}
	from := t.FromMall
	if ev.Type == events.TransferReceived {
		from = t.ToMall // a receipt comes back from the receiving mall
	}
	now := s.cfg.Now().UTC().Format(time.RFC3339Nano)
	_, err := tx.ExecContext(ctx, `INSERT INTO routed_skipped (seq, event_id, type, transfer_id, from_mall, zone, reason, data, skipped_at, last_try_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (seq) DO UPDATE SET reason = excluded.reason, tries = tries + 1, last_try_at = excluded.last_try_at`,
		int64(seq), ev.ID, ev.Type, t.TransferID, from, t.Zone, reason.Error(), data, now, now)
	if err != nil {
		return fmt.Errorf("keep skipped routed message %d: %w", seq, err)
	}
	return nil
}

// retrySkipped applies again every routed message skipped so far, each in
// a savepoint, after the catalog changed (the product a transfer named may
// be known now). It reports how many applied.
func (s *Service) retrySkipped(ctx context.Context) (int, error) {
	if s.cfg.Transfers == nil {
		return 0, nil
	}
	var waiting int
	if err := s.cfg.DB.R.QueryRowContext(ctx, `SELECT count(*) FROM routed_skipped WHERE applied_at IS NULL`).Scan(&waiting); err != nil || waiting == 0 {
		return 0, err
	}
	applied := 0
	err := s.cfg.DB.Transact(ctx, func(tx *sql.Tx) error {
		applied = 0
		rows, err := tx.QueryContext(ctx, `SELECT seq, data FROM routed_skipped WHERE applied_at IS NULL ORDER BY seq`)
		if err != nil {
			return err
		}
		type msg struct {
			seq  uint64
			data []byte
		}
		var msgs []msg
		for rows.Next() {
			var m msg
			if err := rows.Scan(&m.seq, &m.data); err != nil {
				rows.Close()
				return err
			}
			msgs = append(msgs, m)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		now := s.cfg.Now().UTC().Format(time.RFC3339Nano)
		for _, m := range msgs {
			aerr := inSavepoint(ctx, tx, func() error { return s.applyRouted(ctx, tx, m.data) })
			switch {
			case aerr == nil:
				applied++
				_, err = tx.ExecContext(ctx, `UPDATE routed_skipped SET applied_at = ?, tries = tries + 1, last_try_at = ? WHERE seq = ?`, now, now, m.seq)
			case permanent(aerr):
				err = s.skipRouted(ctx, tx, m.seq, m.data, aerr)
			default:
				return aerr
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil && applied > 0 {
		s.log.Info("skipped routed messages applied after a catalog change", "count", applied, "stream", syncwire.RoutedStream)
	}
	return applied, err
}

// retrySkippedLogged is retrySkipped for the loops, which log and go on.
func (s *Service) retrySkippedLogged(ctx context.Context) {
	if _, err := s.retrySkipped(ctx); err != nil && ctx.Err() == nil {
		s.log.Warn("retry skipped routed messages", "err", err)
	}
}
