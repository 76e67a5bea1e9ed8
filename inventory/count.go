package inventory

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"ektamall/shared/auth"
	"ektamall/shared/errs"
	"ektamall/shared/ids"
	"ektamall/shared/money"
)

// Count is a cycle count of a zone or of chosen SKUs in it, per SKU and
// location (shelf, backroom). A line's expected quantity is the book
// quantity at the moment it was counted, so sales during a count do not
// show up as variance; posting writes counted - expected as adjustments.
// In a blind count nobody sees expected quantities until it is posted.
type Count struct {
	ID        string      `json:"id"`
	Zone      string      `json:"zone"`
	Blind     bool        `json:"blind"`
	Status    string      `json:"status"` // open, posted
	CreatedAt time.Time   `json:"created_at"`
	CreatedBy string      `json:"created_by"`
	PostedAt  *time.Time  `json:"posted_at"`
	PostedBy  string      `json:"posted_by,omitempty"`
	Lines     []CountLine `json:"lines"`
	Uncounted int         `json:"uncounted"`
	// Report is the variance report, once the count is posted.
	Report *VarianceReport `json:"report,omitempty"`
	Replay bool            `json:"replay,omitempty"` // an earlier request with this Idempotency-Key made it
}

// CountLine is one SKU at one location.
type CountLine struct {
	SKU           string        `json:"sku"`
	Name          string        `json:"name"`
	Location      Location      `json:"location"`
	Expected      *int64        `json:"expected,omitempty"` // hidden in a blind count until posted
	Counted       *int64        `json:"counted"`
	Variance      *int64        `json:"variance,omitempty"`
	VarianceValue *money.Amount `json:"variance_value,omitempty"` // at MRP
}

// VarianceReport sums a posted count's differences.
type VarianceReport struct {
	Lines         int          `json:"lines"`
	LinesVariance int          `json:"lines_with_variance"`
	UnitsOver     int64        `json:"units_over"`
	UnitsShort    int64        `json:"units_short"`
	ValueOver     money.Amount `json:"value_over"`
	ValueShort    money.Amount `json:"value_short"`
	NetValue      money.Amount `json:"net_value"`
}

// CountInput starts a count; no SKUs means every SKU of the zone.
type CountInput struct {
	SKUs  []string `json:"skus,omitempty"`
	Blind bool     `json:"blind"`
}

// CountEntry is what the counter found at one SKU and location.
type CountEntry struct {
	SKU      string   `json:"sku"`
	Location Location `json:"location"`
	Counted  int64    `json:"counted"`
}

// CreateCount starts a count of the zone.
func (s *Service) CreateCount(ctx context.Context, a Actor, zone string, in CountInput) (Count, error) {
	var id, replay string
	ik := a.request("count", []any{"count", zone, in})
	err := s.DB.Transact(ctx, func(tx *sql.Tx) (err error) {
		if err := checkZone(ctx, tx, a, zone, true); err != nil {
			return err
		}
		if replay, err = ik.Replay(ctx, tx); err != nil || replay != "" {
			return err
		}
		skus := in.SKUs
		if len(skus) == 0 {
			rows, err := tx.QueryContext(ctx, `SELECT sku FROM products WHERE state = ? AND active = 1 ORDER BY sku`, zone)
			if err != nil {
				return fmt.Errorf("zone skus: %w", err)
			}
			for rows.Next() {
				var sku string
				if err := rows.Scan(&sku); err != nil {
					rows.Close()
					return err
				}
				skus = append(skus, sku)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			if len(skus) == 0 {
				return errs.E(errs.Conflict, "zone %s has no products to count", zone)
			}
		} else {
			lines := make([]Line, len(in.SKUs))
			for i, sku := range in.SKUs {
				lines[i] = Line{SKU: sku, Qty: 1}
			}
			ps, err := zoneLines(ctx, tx, a, zone, lines, false)
			if err != nil {
				return err
			}
			skus = make([]string, 0, len(ps))
			for _, p := range ps { // barcodes named their SKUs
				skus = append(skus, p.SKU)
			}
		}
		now := s.now()
		id = ids.New()
		if _, err := tx.ExecContext(ctx, `INSERT INTO counts (id, zone, blind, status, created_at, created_by) VALUES (?, ?, ?, 'open', ?, ?)`,
			id, zone, in.Blind, formatTime(now), a.ID); err != nil {
			return fmt.Errorf("insert count: %w", err)
		}
		for _, sku := range skus {
			p, err := lookupProduct(ctx, tx, sku)
			if err != nil {
				return err
			}
			for _, loc := range []Location{Shelf, Backroom} {
				book, err := Balance(ctx, tx, sku, loc)
				if err != nil {
					return err
				}
				if _, err := tx.ExecContext(ctx, `INSERT INTO count_lines (count_id, sku, location, expected, mrp_paise) VALUES (?, ?, ?, ?, ?)`,
					id, sku, string(loc), book, p.MRPPaise); err != nil {
					return fmt.Errorf("insert count line: %w", err)
				}
			}
		}
		return ik.Remember(ctx, tx, id, now)
	})
	if err != nil {
		return Count{}, err
	}
	if replay != "" {
		c, err := s.GetCount(ctx, a, replay)
		c.Replay = true
		return c, err
	}
	return s.GetCount(ctx, a, id)
}

// SubmitCount records counted quantities; it may be called several times
// (one shelf section at a time, or a recount) until the count is posted.
func (s *Service) SubmitCount(ctx context.Context, a Actor, id string, entries []CountEntry) (Count, error) {
	if len(entries) == 0 {
		return Count{}, errs.Field("lines", "at least one counted line is needed")
	}
	err := s.DB.Transact(ctx, func(tx *sql.Tx) error {
		zone, status, err := countHead(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := a.CanManage(zone); err != nil {
			return err
		}
		if status != "open" {
			return errs.E(errs.Conflict, "count %s is already posted", id)
		}
		now := formatTime(s.now())
		for i, e := range entries {
			field := fmt.Sprintf("lines[%d]", i)
			if e.Counted < 0 || e.Counted > MaxLineQty {
				return errs.Field(field+".counted", "line %d: counted must be a whole number from 0 to %d, not %d", i+1, MaxLineQty, e.Counted)
			}
			if e.Location != Shelf && e.Location != Backroom {
				return errs.Field(field+".location", "line %d: location is \"shelf\" or \"backroom\"", i+1)
			}
			book, err := Balance(ctx, tx, e.SKU, e.Location)
			if err != nil {
				return err
			}
			res, err := tx.ExecContext(ctx, `UPDATE count_lines SET counted = ?, expected = ?, counted_at = ?, counted_by = ?
				WHERE count_id = ? AND sku = ? AND location = ?`, e.Counted, book, now, a.ID, id, e.SKU, string(e.Location))
			if err != nil {
				return fmt.Errorf("record count line: %w", err)
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return errs.Field(field+".sku", "line %d: %s at %s is not part of count %s", i+1, e.SKU, e.Location, id)
			}
		}
		return nil
	})
	if err != nil {
		return Count{}, err
	}
	return s.GetCount(ctx, a, id)
}

// PostCount writes the variance of every line as an adjustment move and
// closes the count. Every line must have been counted; a count posts once.
func (s *Service) PostCount(ctx context.Context, a Actor, id string) (Count, error) {
	err := s.DB.Transact(ctx, func(tx *sql.Tx) error {
		zone, status, err := countHead(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := a.CanManage(zone); err != nil {
			return err
		}
		if status != "open" {
			return errs.E(errs.Conflict, "count %s is already posted", id)
		}
		var uncounted int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM count_lines WHERE count_id = ? AND counted IS NULL`, id).Scan(&uncounted); err != nil {
			return fmt.Errorf("count lines: %w", err)
		}
		if uncounted > 0 {
			return errs.E(errs.Conflict, "%d lines of count %s are not counted yet; submit them (0 if none found) before posting", uncounted, id)
		}
		type diff struct {
			sku string
			loc Location
			n   int64
		}
		var diffs []diff
		rows, err := tx.QueryContext(ctx, `SELECT sku, location, counted - expected FROM count_lines WHERE count_id = ? AND counted <> expected ORDER BY sku, location`, id)
		if err != nil {
			return fmt.Errorf("count variance: %w", err)
		}
		for rows.Next() {
			var d diff
			if err := rows.Scan(&d.sku, &d.loc, &d.n); err != nil {
				rows.Close()
				return err
			}
			diffs = append(diffs, d)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		now := s.now()
		for _, d := range diffs {
			m := Move{Kind: KindAdjustment, SKU: d.sku, Zone: zone, Qty: d.n, To: d.loc, Ref: id, UserID: a.ID, Note: "count variance", At: now}
			if d.n < 0 {
				m.Qty, m.From, m.To = -d.n, d.loc, Outside
			}
			if _, err := Apply(ctx, tx, s.MallID, m, true); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE counts SET status = 'posted', posted_at = ?, posted_by = ? WHERE id = ?`, formatTime(now), a.ID, id); err != nil {
			return fmt.Errorf("post count: %w", err)
		}
		detail, _ := json.Marshal(map[string]any{"count": id, "zone": zone, "adjusted_lines": len(diffs)})
		return auth.Audit(ctx, tx, now, a.ID, "inventory.count_posted", string(detail), a.RequestID)
	})
	if err != nil {
		return Count{}, err
	}
	return s.GetCount(ctx, a, id)
}

func countHead(ctx context.Context, q queryer, id string) (zone, status string, err error) {
	err = q.QueryRowContext(ctx, `SELECT zone, status FROM counts WHERE id = ?`, id).Scan(&zone, &status)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", errs.E(errs.NotFound, "no count %q", id)
	}
	if err != nil {
		return "", "", fmt.Errorf("read count: %w", err)
	}
	return zone, status, nil
}

// GetCount reads a count; expected quantities of a blind count stay
// hidden until it is posted.
func (s *Service) GetCount(ctx context.Context, a Actor, id string) (Count, error) {
	var c Count
	var created string
	var postedAt, postedBy sql.NullString
	err := s.DB.R.QueryRowContext(ctx, `SELECT id, zone, blind, status, created_at, created_by, posted_at, posted_by FROM counts WHERE id = ?`, id).
		Scan(&c.ID, &c.Zone, &c.Blind, &c.Status, &created, &c.CreatedBy, &postedAt, &postedBy)
	if errors.Is(err, sql.ErrNoRows) {
		return Count{}, errs.E(errs.NotFound, "no count %q", id)
	}
	if err != nil {
		return Count{}, fmt.Errorf("read count: %w", err)
	}
	if err := a.CanManage(c.Zone); err != nil {
		return Count{}, err
	}
	c.CreatedAt, c.PostedAt, c.PostedBy = parseTime(created), nullTime(postedAt), postedBy.String
	rows, err := s.DB.R.QueryContext(ctx, `SELECT l.sku, p.name, l.location, l.expected, l.counted, l.mrp_paise
		FROM count_lines l JOIN products p ON p.sku = l.sku WHERE l.count_id = ? ORDER BY l.sku, l.location DESC`, id)
	if err != nil {
		return Count{}, fmt.Errorf("read count lines: %w", err)
	}
	defer rows.Close()
	showExpected := !c.Blind || c.Status == "posted"
	var rep VarianceReport
	rep.ValueOver, rep.ValueShort, rep.NetValue = money.Zero, money.Zero, money.Zero
	for rows.Next() {
		var l CountLine
		var expected, mrp int64
		var counted sql.NullInt64
		if err := rows.Scan(&l.SKU, &l.Name, &l.Location, &expected, &counted, &mrp); err != nil {
			return Count{}, err
		}
		if counted.Valid {
			l.Counted = &counted.Int64
		} else {
			c.Uncounted++
		}
		if showExpected {
			l.Expected = &expected
			if counted.Valid {
				v := counted.Int64 - expected
				val := money.FromPaise(mrp).MulInt(v)
				l.Variance, l.VarianceValue = &v, &val
				rep.Lines++
				if v != 0 {
					rep.LinesVariance++
				}
				if v > 0 {
					rep.UnitsOver += v
					rep.ValueOver = rep.ValueOver.Add(val)
				} else if v < 0 {
					rep.UnitsShort -= v
					rep.ValueShort = rep.ValueShort.Sub(val)
				}
				rep.NetValue = rep.NetValue.Add(val)
			}
		}
		c.Lines = append(c.Lines, l)
	}
	if err := rows.Err(); err != nil {
		return Count{}, err
	}
	if c.Status == "posted" {
		c.Report = &rep
	}
	return c, nil
}

// CountSummary is a count in a list.
type CountSummary struct {
	ID        string     `json:"id"`
	Blind     bool       `json:"blind"`
	Status    string     `json:"status"`
	CreatedAt time.Time  `json:"created_at"`
	CreatedBy string     `json:"created_by"`
	PostedAt  *time.Time `json:"posted_at"`
	Lines     int        `json:"lines"`
	Uncounted int        `json:"uncounted"`
}

// Counts lists a zone's counts, newest first.
func (s *Service) Counts(ctx context.Context, a Actor, zone string) ([]CountSummary, error) {
	if err := checkZone(ctx, s.DB.R, a, zone, true); err != nil {
		return nil, err
	}
	rows, err := s.DB.R.QueryContext(ctx, `SELECT c.id, c.blind, c.status, c.created_at, c.created_by, c.posted_at,
			count(*), SUM(l.counted IS NULL)
		FROM counts c JOIN count_lines l ON l.count_id = c.id WHERE c.zone = ? GROUP BY c.id ORDER BY c.created_at DESC LIMIT 200`, zone)
	if err != nil {
		return nil, fmt.Errorf("list counts: %w", err)
	}
	defer rows.Close()
	out := []CountSummary{}
	for rows.Next() {
		var c CountSummary
		var created string
		var posted sql.NullString
		if err := rows.Scan(&c.ID, &c.Blind, &c.Status, &created, &c.CreatedBy, &posted, &c.Lines, &c.Uncounted); err != nil {
			return nil, err
		}
		c.CreatedAt, c.PostedAt = parseTime(created), nullTime(posted)
		out = append(out, c)
	}
	return out, rows.Err()
}
