package inventory

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"ektamall/shared/auth"
	"ektamall/shared/errs"
	"ektamall/shared/text"
)

// StockRow is one SKU's stock in its zone (CONTRACT.md: GET /stock).
type StockRow struct {
	SKU          string `json:"sku"`
	Name         string `json:"name"`
	Shelf        int64  `json:"shelf"`
	Backroom     int64  `json:"backroom"`
	Damaged      int64  `json:"damaged"`
	ReorderPoint int64  `json:"reorder_point"`
	// Low: a reorder point is set and shelf + backroom is at or below it.
	Low bool `json:"low"`
	// Reserved is what open online orders hold (issue 22); Available is
	// what the counter may sell: shelf + backroom - reserved.
	Reserved  int64 `json:"reserved"`
	Available int64 `json:"available"`
}

// Stock lists every active SKU of a zone (and any inactive one still
// holding stock) with its quantities; zone "" lists all zones, for those
// who may read them all.
func (s *Service) Stock(ctx context.Context, a Actor, zone string) ([]StockRow, error) {
	if zone == "" {
		if a.Role == auth.ZoneManager {
			zone = a.Zone
		} else if err := a.CanRead(""); err != nil {
			return nil, err
		}
	}
	if zone != "" {
		if err := checkZone(ctx, s.DB.R, a, zone, false); err != nil {
			return nil, err
		}
	}
	rows, err := s.DB.R.QueryContext(ctx, `
		SELECT p.sku, p.name,
			COALESCE(SUM(CASE s.location WHEN 'shelf' THEN s.qty END), 0),
			COALESCE(SUM(CASE s.location WHEN 'backroom' THEN s.qty END), 0),
			COALESCE(SUM(CASE s.location WHEN 'damaged' THEN s.qty END), 0),
			r.reorder_point,
			COALESCE((SELECT SUM(c.qty) FROM channel_lines c WHERE c.sku = p.sku AND c.status IN ('reserved', 'picked', 'packed')), 0)
		FROM products p
		LEFT JOIN stock s ON s.sku = p.sku
		LEFT JOIN reorder_points r ON r.sku = p.sku
		WHERE (? = '' OR p.state = ?)
		GROUP BY p.sku
		HAVING MAX(p.active) = 1 OR COUNT(s.qty) > 0 AND MAX(ABS(s.qty)) > 0
		ORDER BY p.sku`, zone, zone)
	if err != nil {
		return nil, fmt.Errorf("list stock: %w", err)
	}
	defer rows.Close()
	out := []StockRow{}
	for rows.Next() {
		var r StockRow
		var rp sql.NullInt64
		if err := rows.Scan(&r.SKU, &r.Name, &r.Shelf, &r.Backroom, &r.Damaged, &rp, &r.Reserved); err != nil {
			return nil, err
		}
		r.Available = r.Shelf + r.Backroom - r.Reserved
		r.ReorderPoint = rp.Int64
		r.Low = rp.Valid && r.Shelf+r.Backroom <= rp.Int64
		out = append(out, r)
	}
	return out, rows.Err()
}

// skuZone is the SKU named by sku (a SKU or a barcode) and the zone it
// belongs to, active or not.
func skuZone(ctx context.Context, q queryer, sku string) (string, string, error) {
	var zone, id string
	err := q.QueryRowContext(ctx, `SELECT sku, state FROM products WHERE sku = ? OR barcode = ? ORDER BY sku = ? DESC LIMIT 1`, sku, sku, sku).Scan(&id, &zone)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", errs.E(errs.NotFound, "unknown SKU or barcode %q", sku)
	}
	if err != nil {
		return "", "", fmt.Errorf("look up %s: %w", sku, err)
	}
	return id, zone, nil
}

// MaxMovesPage bounds one page of a SKU's movements.
const MaxMovesPage = 1000

// Moves lists a SKU's movements at this mall, newest first, up to limit
// (default 200).
func (s *Service) Moves(ctx context.Context, a Actor, sku string, limit int) ([]Move, error) {
	sku, zone, err := skuZone(ctx, s.DB.R, sku)
	if err != nil {
		return nil, err
	}
	if err := a.CanRead(zone); err != nil {
		return nil, err
	}
	if limit <= 0 {
		limit = 200
	}
	limit = min(limit, MaxMovesPage)
	rows, err := s.DB.R.QueryContext(ctx, `SELECT id, at, kind, sku, zone, qty, COALESCE(from_loc, ''), COALESCE(to_loc, ''), ref, user_id, note
		FROM stock_moves WHERE sku = ? ORDER BY at DESC, id DESC LIMIT ?`, sku, limit)
	if err != nil {
		return nil, fmt.Errorf("list moves: %w", err)
	}
	defer rows.Close()
	out := []Move{}
	for rows.Next() {
		var m Move
		var at string
		if err := rows.Scan(&m.ID, &at, &m.Kind, &m.SKU, &m.Zone, &m.Qty, &m.From, &m.To, &m.Ref, &m.UserID, &m.Note); err != nil {
			return nil, err
		}
		m.At = parseTime(at)
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	for i := range out {
		d, err := docFor(ctx, s.DB.R, out[i].Ref)
		if err != nil {
			return nil, err
		}
		out[i].Doc = &d
	}
	return out, nil
}

// Exception is a sale that took stock the ledger did not show.
type Exception struct {
	ID         string  `json:"id"`
	At         string  `json:"at"`
	SKU        string  `json:"sku"`
	Zone       string  `json:"zone"`
	Shortfall  int64   `json:"shortfall"`
	Ref        string  `json:"ref"`
	ResolvedAt *string `json:"resolved_at"`
	ResolvedBy *string `json:"resolved_by"`
	Resolution string  `json:"resolution,omitempty"`
	Name       string  `json:"name"` // the product's
	Doc        *Doc    `json:"doc,omitempty"`
}

const exceptionCols = `id, at, sku, zone, shortfall, ref, resolved_at, resolved_by, resolution FROM stock_exceptions`

func scanException(sc interface{ Scan(...any) error }) (Exception, error) {
	var e Exception
	var at, by sql.NullString
	if err := sc.Scan(&e.ID, &e.At, &e.SKU, &e.Zone, &e.Shortfall, &e.Ref, &at, &by, &e.Resolution); err != nil {
		return Exception{}, err
	}
	if at.Valid {
		e.ResolvedAt = &at.String
	}
	if by.Valid {
		e.ResolvedBy = &by.String
	}
	return e, nil
}

// Exceptions lists a zone's stock exceptions, newest first; open only
// unless all.
// A mall admin may pass zone "" for every zone of the mall.
func (s *Service) Exceptions(ctx context.Context, a Actor, zone string, all bool) ([]Exception, error) {
	if zone == "" && a.Role != auth.MallAdmin {
		return nil, errs.E(errs.Forbidden, "only a mall admin reads the exceptions of every zone")
	}
	if zone != "" {
		if err := checkZone(ctx, s.DB.R, a, zone, true); err != nil {
			return nil, err
		}
	}
	rows, err := s.DB.R.QueryContext(ctx, `SELECT `+exceptionCols+` WHERE (? = '' OR zone = ?) AND (? OR resolved_at IS NULL)
		ORDER BY at DESC, id DESC LIMIT 1000`, zone, zone, all)
	if err != nil {
		return nil, fmt.Errorf("list exceptions: %w", err)
	}
	defer rows.Close()
	out := []Exception{}
	for rows.Next() {
		e, err := scanException(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	for i := range out {
		if err := s.describe(ctx, &out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// describe adds the product's name and the document (the invoice that
// sold what the system did not hold, or the transfer that arrived short).
func (s *Service) describe(ctx context.Context, e *Exception) error {
	if err := s.DB.R.QueryRowContext(ctx, `SELECT name FROM products WHERE sku = ?`, e.SKU).Scan(&e.Name); err != nil {
		return fmt.Errorf("exception product: %w", err)
	}
	d, err := docFor(ctx, s.DB.R, e.Ref)
	if err != nil {
		return err
	}
	e.Doc = &d
	return nil
}

// ResolveException closes an exception with the manager's explanation
// (found in a count, a late GRN, theft reported...). Stock is corrected by
// a count or a receipt, not here, so every unit stays explained by a move.
func (s *Service) ResolveException(ctx context.Context, a Actor, id, note string) (Exception, error) {
	note, terr := text.Clean("resolution", note, text.Rule{Max: 500, Required: true, Multiline: true})
	if terr != nil {
		return Exception{}, errs.Field("resolution", "say in 1-500 characters of plain text how the exception was settled: %s", errs.Public(terr).Message)
	}
	var out Exception
	err := s.DB.Transact(ctx, func(tx *sql.Tx) error {
		e, err := scanException(tx.QueryRowContext(ctx, `SELECT `+exceptionCols+` WHERE id = ?`, id))
		if errors.Is(err, sql.ErrNoRows) {
			return errs.E(errs.NotFound, "no stock exception %q", id)
		}
		if err != nil {
			return fmt.Errorf("read exception: %w", err)
		}
		if err := a.CanManage(e.Zone); err != nil {
			return err
		}
		if e.ResolvedAt != nil {
			return errs.E(errs.Conflict, "exception %s was already resolved at %s", id, *e.ResolvedAt)
		}
		now := formatTime(s.now())
		if _, err := tx.ExecContext(ctx, `UPDATE stock_exceptions SET resolved_at = ?, resolved_by = ?, resolution = ? WHERE id = ?`,
			now, a.ID, note, id); err != nil {
			return fmt.Errorf("resolve exception: %w", err)
		}
		detail, _ := json.Marshal(map[string]any{"exception": id, "sku": e.SKU, "zone": e.Zone, "resolution": note})
		if err := auth.Audit(ctx, tx, s.now(), a.ID, "inventory.exception_resolved", string(detail), a.RequestID); err != nil {
			return err
		}
		e.ResolvedAt, e.ResolvedBy, e.Resolution = &now, &a.ID, note
		out = e
		return nil
	})
	if err != nil {
		return out, err
	}
	return out, s.describe(ctx, &out)
}

// CheckLedger runs Check for a mall admin.
func (s *Service) CheckLedger(ctx context.Context, a Actor) ([]Mismatch, error) {
	if a.Role != auth.MallAdmin {
		return nil, errs.E(errs.Forbidden, "only a mall admin runs the stock check")
	}
	return Check(ctx, s.DB.R)
}
