package channel

import (
	"context"

	"ektamall/shared/errs"
	"ektamall/shared/sqldb"
)

// Buffer is the safety buffer of one zone: units of each of its SKUs that
// every mall keeps back from the channels.
type Buffer struct {
	Zone string `json:"zone"`
	Qty  int64  `json:"qty"`
	// Default is true where no figure is set and DefaultBuffer applies.
	Default bool `json:"default,omitempty"`
}

// MaxBuffer bounds a buffer: more than this is a typing error, not a policy.
const MaxBuffer = 1000

// Buffers answers every zone's buffer, set or default, by zone code.
func (s *Service) Buffers(ctx context.Context) ([]Buffer, error) {
	rows, err := s.db.Reader().QueryContext(ctx, `SELECT z.code, b.qty FROM states z LEFT JOIN channel_buffers b ON b.zone = z.code ORDER BY z.code`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Buffer{}
	for rows.Next() {
		var b Buffer
		var q *int64
		if err := rows.Scan(&b.Zone, &q); err != nil {
			return nil, err
		}
		if q == nil {
			b.Qty, b.Default = DefaultBuffer, true
		} else {
			b.Qty = *q
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// SetZoneBuffer sets a zone's buffer inside tx (the caller audits it in
// the same transaction); the zone must be a State/UT code.
func SetZoneBuffer(ctx context.Context, tx sqldb.Tx, zone string, qty int64) error {
	if qty < 0 || qty > MaxBuffer {
		return errs.Field("qty", "a buffer is 0 to %d units", MaxBuffer)
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM states WHERE code = ?`, zone).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return errs.E(errs.NotFound, "no zone %q (zones are State/UT codes such as UP or KA)", zone)
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO channel_buffers (zone, qty) VALUES (?, ?)
		ON CONFLICT (zone) DO UPDATE SET qty = excluded.qty`, zone, qty)
	return err
}
