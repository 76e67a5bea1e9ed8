package inventory

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// SkippedTransfer is a transfer another mall routed here that could not be
// registered (pos/mallsync keeps it in routed_skipped and tries it again when
// the catalog changes).
type SkippedTransfer struct {
	TransferID string     `json:"transfer_id"`
	Type       string     `json:"type"`
	FromMall   string     `json:"from_mall"`
	Zone       string     `json:"zone"`
	Reason     string     `json:"reason"`
	SkippedAt  time.Time  `json:"skipped_at"`
	Tries      int        `json:"tries"`
	LastTryAt  time.Time  `json:"last_try_at"`
	AppliedAt  *time.Time `json:"applied_at,omitempty"`
}

// SkippedTransfers lists a zone's skipped routed transfers, waiting ones
// first, newest first.
func (s *Service) SkippedTransfers(ctx context.Context, a Actor, zone string) ([]SkippedTransfer, error) {
	if err := checkZone(ctx, s.DB.R, a, zone, true); err != nil {
		return nil, err
	}
	rows, err := s.DB.R.QueryContext(ctx, `SELECT transfer_id, type, from_mall, zone, reason, skipped_at, tries, last_try_at, applied_at
		FROM routed_skipped WHERE zone = ? ORDER BY applied_at IS NOT NULL, seq DESC LIMIT 200`, zone)
	if err != nil {
		return nil, fmt.Errorf("list skipped transfers: %w", err)
	}
	defer rows.Close()
	out := []SkippedTransfer{}
	for rows.Next() {
		var t SkippedTransfer
		var skipped, last string
		var applied sql.NullString
		if err := rows.Scan(&t.TransferID, &t.Type, &t.FromMall, &t.Zone, &t.Reason, &skipped, &t.Tries, &last, &applied); err != nil {
			return nil, err
		}
		t.SkippedAt, t.LastTryAt, t.AppliedAt = parseTime(skipped), parseTime(last), nullTime(applied)
		out = append(out, t)
	}
	return out, rows.Err()
}
