package gstr

import (
	"context"
	"time"

	"ektamall/hub/ledger"
)

// PeriodRow is one month of a mall's registration, for finance's list.
type PeriodRow struct {
	Mall    string     `json:"mall"`
	Period  string     `json:"period"`
	Summary Summary    `json:"summary"` // the return as the books stand now
	CheckOK bool       `json:"check_ok"`
	FiledAt *time.Time `json:"filed_at,omitempty"`
	Filing  *Filing    `json:"filing,omitempty"`
}

// Periods lists a mall's months from its first document to the current
// one, newest first, with each return's totals, its ledger check and its
// filing.
func (s *Service) Periods(ctx context.Context, mallID string) ([]PeriodRow, error) {
	q := s.DB.Reader()
	m, err := LoadMall(ctx, q, mallID)
	if err != nil {
		return nil, err
	}
	var first string
	if err := q.QueryRowContext(ctx, `SELECT COALESCE(MIN(at), '') FROM hub_sales WHERE mall = ?`, mallID).Scan(&first); err != nil {
		return nil, err
	}
	now := s.now()
	out := []PeriodRow{}
	if first == "" {
		return out, nil
	}
	t, err := ledger.ParseTS(first)
	if err != nil {
		return nil, err
	}
	fs, err := filings(ctx, q, mallID)
	if err != nil {
		return nil, err
	}
	last := PeriodOf(now)
	for p := PeriodOf(t); !last.Before(p) && len(out) < 36; p = p.Next() {
		c, err := s.Check(ctx, m.ID, p)
		if err != nil {
			return nil, err
		}
		row := PeriodRow{Mall: m.ID, Period: p.String(), Summary: c.Summary, CheckOK: c.OK}
		if f, ok := fs[p]; ok {
			row.FiledAt, row.Filing = &f.At, &f
		}
		out = append([]PeriodRow{row}, out...)
	}
	return out, nil
}
