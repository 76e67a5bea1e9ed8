package inventory

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"ektamall/shared/auth"
	"ektamall/shared/errs"
	"ektamall/shared/sqlitedb"
)

// Service runs a zone manager's operations against one mall's database.
// Every operation that moves stock commits its document (GRN, transfer,
// count), its moves and their outbox events in one transaction.
type Service struct {
	DB     *sqlitedb.DB
	MallID string
	// Now is the clock; tests replace it to place sales in the past.
	Now func() time.Time
	// EWayLimits are the e-way bill thresholds (zero value: ₹50,000
	// everywhere; the mall's --eway-limit and --eway-limits set them).
	EWayLimits EWayLimits
	// TransferValue is the valuation of transfer documents: ValueOpenMarket
	// ("" too) or ValueResale90 (the mall's --transfer-value).
	TransferValue string
}

// New returns a Service for the mall.
func New(db *sqlitedb.DB, mallID string) *Service {
	return &Service{DB: db, MallID: mallID, Now: time.Now}
}

func (s *Service) now() time.Time { return s.Now().UTC() }

// Actor is who asks, and the request it came in: its id (for the audit
// log) and its optional Idempotency-Key (a retry with the same key returns
// the first request's document instead of moving stock twice).
type Actor struct {
	auth.User
	RequestID string
	Key       string
}

// CanRead says whether a may see zone's stock: a mall_admin and a cashier
// see every zone (a cashier must be able to tell a customer what is on the
// shelf), a zone manager only their own.
func (a Actor) CanRead(zone string) error {
	switch a.Role {
	case auth.MallAdmin, auth.Cashier:
		return nil
	case auth.ZoneManager:
		if a.Zone == zone {
			return nil
		}
		return errs.E(errs.Forbidden, "you manage zone %s, not %s", a.Zone, zone)
	}
	return errs.E(errs.Forbidden, "your role (%s) may not see stock", a.Role)
}

// CanManage says whether a may see a zone's documents (GRNs, transfers,
// counts, exceptions) and change its stock other than by selling: its zone
// manager, or a mall_admin covering for them. Cashiers move stock only by
// selling and taking returns.
func (a Actor) CanManage(zone string) error {
	switch a.Role {
	case auth.MallAdmin:
		return nil
	case auth.ZoneManager:
		if a.Zone == zone {
			return nil
		}
		return errs.E(errs.Forbidden, "you manage zone %s, not %s", a.Zone, zone)
	}
	return errs.E(errs.Forbidden, "your role (%s) may not change stock; only a zone manager or mall admin may", a.Role)
}

// Line is a SKU and a quantity in a request.
type Line struct {
	SKU string `json:"sku"`
	Qty int64  `json:"qty"`
}

// product is what the zone operations need to know about a SKU.
type product struct {
	SKU        string
	Name       string
	Zone       string // origin state
	ProducerID string
	MRPPaise   int64
}

type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// lookupProduct finds an active product by its SKU or its barcode: a zone
// manager scans a label as readily as they type a SKU.
func lookupProduct(ctx context.Context, q queryer, sku string) (product, error) {
	var p product
	err := q.QueryRowContext(ctx, `SELECT sku, name, state, producer_id, mrp_paise FROM products WHERE (sku = ? OR barcode = ?) AND active = 1`, sku, sku).
		Scan(&p.SKU, &p.Name, &p.Zone, &p.ProducerID, &p.MRPPaise)
	if errors.Is(err, sql.ErrNoRows) {
		return product{}, errs.E(errs.NotFound, "unknown SKU %q", sku)
	}
	if err != nil {
		return product{}, fmt.Errorf("look up %s: %w", sku, err)
	}
	return p, nil
}

// checkZone refuses an unknown zone with Invalid (a typo) and a zone the
// actor may not manage with Forbidden.
func checkZone(ctx context.Context, q queryer, a Actor, zone string, manage bool) error {
	var n int
	if err := q.QueryRowContext(ctx, `SELECT count(*) FROM zones WHERE code = ?`, zone).Scan(&n); err != nil {
		return fmt.Errorf("look up zone: %w", err)
	}
	if n == 0 {
		return errs.Field("zone", "unknown zone %q; zones are State/UT codes such as UP", zone)
	}
	if manage {
		return a.CanManage(zone)
	}
	return a.CanRead(zone)
}

// MaxLines bounds a JSON request's lines (CSV imports have their own).
const MaxLines = 1000

// MaxLineQty is the most units one line of any stock request may move or
// count (receipts, restock, damage, transfers, counts, CSV imports): far
// beyond any real consignment of one SKU to one zone, and far enough below
// int64 that no sum of lines can overflow. A typo or a hostile client gets
// a clear 400 instead of a stock row that stops the SKU selling.
const MaxLineQty = 100_000

// MaxStockQty bounds a balance (one SKU at one location) and one move;
// the stock update refuses to pass it, so no path can overflow a row.
const MaxStockQty = 1_000_000_000

// zoneLines validates lines of SKUs that must all belong to zone: each a
// known SKU (or barcode; the products returned carry the SKU) of the zone with a positive quantity, each SKU once unless
// dupsOK. A SKU of another zone is Forbidden for a zone manager (it is
// not theirs to touch) and Invalid for an admin (a mistake).
func zoneLines(ctx context.Context, q queryer, a Actor, zone string, lines []Line, dupsOK bool) ([]product, error) {
	if len(lines) == 0 {
		return nil, errs.Field("lines", "at least one line is needed")
	}
	if len(lines) > MaxLines {
		return nil, errs.Field("lines", "at most %d lines per request; import larger consignments as CSV", MaxLines)
	}
	seen := map[string]int{}
	out := make([]product, len(lines))
	for i, l := range lines {
		field := fmt.Sprintf("lines[%d]", i)
		if l.Qty <= 0 || l.Qty > MaxLineQty {
			return nil, errs.Field(field+".qty", "line %d: quantity must be a whole number from 1 to %d, not %d", i+1, MaxLineQty, l.Qty)
		}
		p, err := lookupProduct(ctx, q, l.SKU)
		if errs.CodeOf(err) == errs.NotFound {
			return nil, errs.Field(field+".sku", "line %d: unknown SKU %q", i+1, l.SKU)
		}
		if err != nil {
			return nil, err
		}
		if p.Zone != zone {
			if a.Role == auth.ZoneManager {
				return nil, errs.E(errs.Forbidden, "line %d: SKU %s belongs to zone %s, not your zone %s", i+1, p.SKU, p.Zone, zone)
			}
			return nil, errs.Field(field+".sku", "line %d: SKU %s belongs to zone %s, not %s", i+1, p.SKU, p.Zone, zone)
		}
		if j, dup := seen[p.SKU]; dup && !dupsOK {
			return nil, errs.Field(field+".sku", "line %d: SKU %s is already on line %d; list each SKU once", i+1, p.SKU, j+1)
		}
		seen[p.SKU] = i
		out[i] = p
	}
	return out, nil
}

// requireAvailable refuses to take more of a SKU from a location than the
// ledger says it holds: unlike a sale, a manager's move can wait for a count.
func requireAvailable(ctx context.Context, tx *sql.Tx, sku string, loc Location, qty int64, what string) error {
	have, err := Balance(ctx, tx, sku, loc)
	if err != nil {
		return err
	}
	if have < qty {
		return errs.E(errs.Conflict, "the %s holds %d of %s; cannot %s %d", loc, max(have, 0), sku, what, qty)
	}
	return nil
}

func formatTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

func parseTime(s string) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, s)
	return t
}

func nullTime(s sql.NullString) *time.Time {
	if !s.Valid {
		return nil
	}
	t := parseTime(s.String)
	return &t
}
