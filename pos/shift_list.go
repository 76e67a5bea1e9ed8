package pos

import (
	"context"
	"fmt"

	"ektamall/shared/auth"
	"ektamall/shared/errs"
)

// ListShifts lists the mall's shifts for a mall admin, newest first:
// status "open" (the drawers in use now), "closed" (the last 50 closed),
// or "" for both. It is what the admin screen picks a drawer from for
// cash in or out and an X report.
func (s *Service) ListShifts(ctx context.Context, a Actor, status string) ([]Shift, error) {
	if a.User.Role != auth.MallAdmin {
		return nil, errs.E(errs.Forbidden, "only a mall admin lists every counter's shifts")
	}
	if status != "" && status != "open" && status != "closed" {
		return nil, errs.Field("status", "status must be open or closed")
	}
	rows, err := s.db.R.QueryContext(ctx, `SELECT id FROM shifts WHERE (? = '' OR status = ?) ORDER BY opened_at DESC, id LIMIT 50`, status, status)
	if err != nil {
		return nil, fmt.Errorf("list shifts: %w", err)
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]Shift, 0, len(ids))
	for _, id := range ids {
		sh, err := loadShift(ctx, s.db.R, id)
		if err != nil {
			return nil, err
		}
		out = append(out, sh)
	}
	return out, nil
}
