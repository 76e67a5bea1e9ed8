package ingest

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"ektamall/shared/auth"
	"ektamall/shared/sqldb"
	"ektamall/shared/syncwire"
)

// ChangeCatalog applies a catalog change to the hub's master catalog (or
// schedules it for its effective time) and queues it for the malls, in one
// transaction with its audit entry. It returns the change as published.
func (s *Service) ChangeCatalog(ctx context.Context, c syncwire.CatalogChange, userID, requestID string) (syncwire.CatalogChange, error) {
	now := s.cfg.Now().UTC()
	c.ID, c.At, c.By = 0, now, userID
	if err := c.Validate(); err != nil {
		return syncwire.CatalogChange{}, err
	}
	err := s.cfg.DB.Transact(ctx, func(tx sqldb.Tx) error {
		return recordChange(ctx, tx, &c, now, userID, requestID)
	})
	if err != nil {
		return syncwire.CatalogChange{}, fmt.Errorf("catalog change: %w", err)
	}
	s.wakePublisher()
	return c, nil
}

// recordChange writes one valid change inside tx: numbered, applied to the
// master catalog (or scheduled), queued for the malls and audited.
func recordChange(ctx context.Context, tx sqldb.Tx, c *syncwire.CatalogChange, now time.Time, userID, requestID string) error {
	// The next id, not the database's sequence: CATALOG is published
	// in id order and a gap would stall it (see route in check.go).
	err := tx.QueryRowContext(ctx, `INSERT INTO catalog_changes (id, kind, body, created_at, created_by)
		SELECT COALESCE(MAX(id), 0) + 1, ?, '{}', ?, ? FROM catalog_changes RETURNING id`,
		c.Kind, now.Format(time.RFC3339Nano), userID).Scan(&c.ID)
	if err != nil {
		return err
	}
	if err := syncwire.Apply(ctx, tx, *c, now); err != nil {
		return err
	}
	body, err := json.Marshal(c)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE catalog_changes SET body = ? WHERE id = ?`, body, c.ID); err != nil {
		return err
	}
	return auth.Audit(ctx, tx, now, userID, "catalog."+c.Kind, string(body), requestID)
}

// dueLoop applies the hub's own scheduled catalog changes when due, so the
// master shows what the malls sell at.
func (s *Service) dueLoop(ctx context.Context) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		err := s.cfg.DB.Transact(ctx, func(tx sqldb.Tx) error {
			_, err := syncwire.ApplyDue(ctx, tx, s.cfg.Now())
			return err
		})
		if err != nil && ctx.Err() == nil {
			s.log.Warn("scheduled catalog changes", "err", err)
		}
	}
}

// CatalogChangeRecord is a catalog change with its publication state.
type CatalogChangeRecord struct {
	syncwire.CatalogChange
	Published bool `json:"published"` // on the CATALOG stream for the malls
}

// CatalogChanges lists changes after the given number, oldest first.
func (s *Service) CatalogChanges(ctx context.Context, after int64, limit int) ([]CatalogChangeRecord, error) {
	rows, err := s.cfg.DB.Reader().QueryContext(ctx, `SELECT body, published_seq IS NOT NULL FROM catalog_changes WHERE id > ? ORDER BY id LIMIT ?`, after, limit)
	if err != nil {
		return nil, fmt.Errorf("catalog changes: %w", err)
	}
	defer rows.Close()
	out := []CatalogChangeRecord{}
	for rows.Next() {
		var body []byte
		var r CatalogChangeRecord
		if err := rows.Scan(&body, &r.Published); err != nil {
			return nil, err
		}
		if err := json.Unmarshal(body, &r.CatalogChange); err != nil {
			return nil, fmt.Errorf("catalog change: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
