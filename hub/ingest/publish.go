package ingest

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"ektamall/shared/sqldb"
	"ektamall/shared/syncwire"
)

// publishLoop relays catalog_changes to CATALOG and routed_events to
// ROUTED. Row id N is published as stream sequence N (expected last
// sequence N-1): after the hub's store is wiped the streams are rebuilt
// with the same numbering, which the malls' mirrors already track.
func (s *Service) publishLoop(ctx context.Context) {
	t := time.NewTicker(250 * time.Millisecond)
	defer t.Stop()
	for {
		for _, p := range []struct {
			stream, table string
			subject       func(kind, to string) string
		}{
			{syncwire.CatalogStream, "catalog_changes", func(kind, _ string) string { return syncwire.CatalogSubject(kind) }},
			{syncwire.RoutedStream, "routed_events", func(typ, to string) string { return syncwire.RoutedSubject(to, typ) }},
		} {
			if err := s.publishTable(ctx, p.stream, p.table, p.subject); err != nil && ctx.Err() == nil {
				s.log.Warn("publish", "stream", p.stream, "err", err)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-s.pub:
		}
	}
}

func (s *Service) publishTable(ctx context.Context, stream, table string, subject func(kind, to string) string) error {
	st, err := s.js.Stream(ctx, stream)
	if err != nil {
		return err
	}
	info, err := st.Info(ctx)
	if err != nil {
		return err
	}
	last := info.State.LastSeq
	// Table names are ours; values go as arguments.
	q := `SELECT id, kind, '', body FROM catalog_changes WHERE id > ? ORDER BY id LIMIT 500`
	if table == "routed_events" {
		q = `SELECT id, type, to_mall, envelope FROM routed_events WHERE id > ? ORDER BY id LIMIT 500`
	}
	rows, err := s.cfg.DB.Reader().QueryContext(ctx, q, last)
	if err != nil {
		return err
	}
	type row struct {
		id       uint64
		kind, to string
		body     []byte
	}
	var list []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.id, &r.kind, &r.to, &r.body); err != nil {
			rows.Close()
			return err
		}
		list = append(list, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(list) == 0 {
		return err
	}
	if list[0].id != last+1 {
		return fmt.Errorf("%s: next row is %d but the stream is at %d", table, list[0].id, last)
	}
	done := last
	var pubErr error
	for _, r := range list {
		m := nats.NewMsg(subject(r.kind, r.to))
		m.Data = r.body
		if _, pubErr = s.js.PublishMsg(ctx, m, jetstream.WithMsgID(table+"-"+strconv.FormatUint(r.id, 10)),
			jetstream.WithExpectLastSequence(r.id-1)); pubErr != nil {
			break
		}
		done = r.id
	}
	if done == last {
		return fmt.Errorf("publish %s %d: %w", table, last+1, pubErr)
	}
	col := "published_seq"
	return s.cfg.DB.Transact(ctx, func(tx sqldb.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE `+table+` SET `+col+` = id WHERE id > ? AND id <= ? AND published_seq IS NULL`, last, done)
		return err
	})
}

// reportLoop sends every mall its watermark once a second, so a mall
// learns it even when it has nothing new to send.
func (s *Service) reportLoop(ctx context.Context) {
	t := time.NewTicker(s.cfg.ReportEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		rows, err := s.cfg.DB.Reader().QueryContext(ctx, `SELECT mall_id FROM mall_sync ORDER BY mall_id`)
		if err != nil {
			continue
		}
		var ids []string
		for rows.Next() {
			var id string
			if rows.Scan(&id) == nil {
				ids = append(ids, id)
			}
		}
		rows.Close()
		for _, id := range ids {
			s.report(ctx, id)
		}
	}
}

// report publishes one mall's watermark (core NATS: a lost report is
// replaced by the next one within a second).
func (s *Service) report(ctx context.Context, mall string) {
	w := syncwire.Watermark{Mall: mall, At: s.cfg.Now().UTC()}
	if err := s.cfg.DB.Reader().QueryRowContext(ctx, `SELECT watermark, highest FROM mall_sync WHERE mall_id = ?`, mall).
		Scan(&w.Watermark, &w.Highest); err != nil {
		return
	}
	b, _ := json.Marshal(w)
	if err := s.nc.Publish(syncwire.WatermarkSubject(mall), b); err != nil && ctx.Err() == nil {
		s.log.Warn("watermark report", "mall", mall, "err", err)
	}
}
