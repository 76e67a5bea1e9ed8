// Package catalogdb reads and writes the catalog tables, whose shape is the
// same in the hub's database (the master) and each mall's (the copy).
package catalogdb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"ektamall/shared/catalog"
	"ektamall/shared/errs"
	"ektamall/shared/gst"
	"ektamall/shared/money"
	"ektamall/shared/sqldb"
)

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// InsertSeed loads a seed into empty catalog tables inside tx. withZones
// also creates one shelf zone per State/UT (malls only).
func InsertSeed(ctx context.Context, tx sqldb.Tx, s *catalog.Seed, withZones bool, now time.Time) error {
	ts := now.UTC().Format(time.RFC3339Nano)
	for _, st := range s.States {
		if _, err := tx.ExecContext(ctx, `INSERT INTO states (code, gst_code, name, ut, utgst) VALUES (?, ?, ?, ?, ?)`,
			st.Code, st.GSTCode, st.Name, b2i(st.UT), b2i(st.UsesUTGST())); err != nil {
			return fmt.Errorf("seed state %s: %w", st.Code, err)
		}
	}
	for _, d := range s.Districts {
		if _, err := tx.ExecContext(ctx, `INSERT INTO districts (id, state, name, odop_product, category, gi) VALUES (?, ?, ?, ?, ?, ?)`,
			d.ID, d.State, d.Name, d.ODOPProduct, d.Category, b2i(d.GI)); err != nil {
			return fmt.Errorf("seed district %s: %w", d.ID, err)
		}
	}
	for _, p := range s.Producers {
		if _, err := tx.ExecContext(ctx, `INSERT INTO producers (id, name, district_id, state) VALUES (?, ?, ?, ?)`,
			p.ID, p.Name, p.DistrictID, p.State); err != nil {
			return fmt.Errorf("seed producer %s: %w", p.ID, err)
		}
	}
	for _, p := range s.Products {
		if err := UpsertProduct(ctx, tx, p, ts); err != nil {
			return err
		}
	}
	for _, tb := range s.TaxBands {
		if err := SetBands(ctx, tx, tb.HSN, tb.Bands); err != nil {
			return err
		}
	}
	if withZones {
		for _, z := range catalog.Zones() {
			if _, err := tx.ExecContext(ctx, `INSERT INTO zones (code, name) VALUES (?, ?)`, z.Code, z.Name); err != nil {
				return fmt.Errorf("seed zone %s: %w", z.Code, err)
			}
		}
	}
	return nil
}

// UpsertProduct inserts or replaces one product.
func UpsertProduct(ctx context.Context, tx sqldb.Tx, p catalog.Product, ts string) error {
	names, err := namesJSON(p.Names)
	if err != nil {
		return fmt.Errorf("upsert product %s: %w", p.SKU, err)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO products (sku, name, barcode, hsn, gst_rate_bp, mrp_paise, state, district_id, producer_id, gi, category, active, updated_at, flat_rate, names,
			gi_name, gi_reg, gi_authorised_user)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (sku) DO UPDATE SET name = excluded.name, barcode = excluded.barcode, hsn = excluded.hsn,
			gst_rate_bp = excluded.gst_rate_bp, mrp_paise = excluded.mrp_paise, state = excluded.state,
			district_id = excluded.district_id, producer_id = excluded.producer_id, gi = excluded.gi,
			category = excluded.category, active = 1, updated_at = excluded.updated_at, flat_rate = excluded.flat_rate,
			names = excluded.names, gi_name = excluded.gi_name, gi_reg = excluded.gi_reg, gi_authorised_user = excluded.gi_authorised_user`,
		p.SKU, p.Name, p.Barcode, p.HSN, p.GSTRate.BasisPoints(), p.MRP.Paise(), p.State, p.DistrictID, p.ProducerID, b2i(p.GI), p.Category, ts,
		b2i(p.FlatRate), names, p.GIName, p.GIReg, p.GIAuthUser)
	if err != nil {
		return fmt.Errorf("upsert product %s: %w", p.SKU, err)
	}
	return nil
}

// Product is a catalog row as the APIs show it.
type Product struct {
	SKU          string       `json:"sku"`
	Name         string       `json:"name"`
	Barcode      string       `json:"barcode"`
	MRP          money.Amount `json:"mrp"`
	GSTRate      gst.Rate     `json:"gst_rate"`
	HSN          string       `json:"hsn"`
	State        string       `json:"state"`
	District     string       `json:"district"`
	DistrictID   string       `json:"district_id"`
	ProducerID   string       `json:"producer_id"`
	ProducerName string       `json:"producer_name"`
	GI           bool         `json:"gi"`
	Category     string       `json:"category"`
	// FlatRate: price bands of the HSN heading do not apply (catalog.Product).
	FlatRate bool `json:"flat_rate,omitempty"`
	// Names are translations of the name by language code (catalog.Product).
	Names map[string]string `json:"names,omitempty"`
	// GI details (catalog.Product).
	GIName     string `json:"gi_name,omitempty"`
	GIReg      string `json:"gi_reg,omitempty"`
	GIAuthUser string `json:"gi_authorised_user,omitempty"`
}

// namesJSON is how translated names are stored: a JSON object, "{}" when
// there are none (search matches the text, so it is kept unescaped UTF-8).
func namesJSON(n map[string]string) (string, error) {
	if len(n) == 0 {
		return "{}", nil
	}
	b, err := json.Marshal(n)
	return string(b), err
}

// Queryer is satisfied by *sql.DB, *sql.Tx and any sqldb.Querier.
type Queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

const productCols = `p.sku, p.name, p.barcode, p.mrp_paise, p.gst_rate_bp, p.hsn, p.state, d.name, p.district_id, p.producer_id, pr.name, p.gi, p.category, p.flat_rate, p.names,
	p.gi_name, p.gi_reg, p.gi_authorised_user
	FROM products p JOIN districts d ON d.id = p.district_id JOIN producers pr ON pr.id = p.producer_id`

func scanProduct(sc interface{ Scan(...any) error }) (Product, error) {
	var (
		p     Product
		mrp   int64
		rate  int64
		names string
	)
	if err := sc.Scan(&p.SKU, &p.Name, &p.Barcode, &mrp, &rate, &p.HSN, &p.State, &p.District, &p.DistrictID, &p.ProducerID, &p.ProducerName, &p.GI, &p.Category, &p.FlatRate, &names,
		&p.GIName, &p.GIReg, &p.GIAuthUser); err != nil {
		return Product{}, err
	}
	if names != "" && names != "{}" {
		if err := json.Unmarshal([]byte(names), &p.Names); err != nil {
			return Product{}, fmt.Errorf("product %s: names: %w", p.SKU, err)
		}
	}
	r, err := gst.RateFromBasisPoints(rate)
	if err != nil {
		return Product{}, fmt.Errorf("product %s: %w", p.SKU, err)
	}
	p.MRP, p.GSTRate = money.FromPaise(mrp), r
	return p, nil
}

// Filter narrows a product listing.
type Filter struct {
	Zone  string // origin state code
	Query string // words matched against name, SKU, barcode, district, state
	Limit int    // default 200, at most 1000
}

// ListProducts returns active products, by SKU.
func ListProducts(ctx context.Context, q Queryer, f Filter) ([]Product, error) {
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 200
	}
	where := []string{"p.active = 1"}
	var args []any
	if f.Zone != "" {
		where = append(where, "p.state = ?")
		args = append(args, f.Zone)
	}
	for _, w := range strings.Fields(f.Query) {
		if len(args) > 12 {
			break
		}
		like := "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(strings.ToLower(w)) + "%"
		// Translated names match too, so a search typed in Devanagari finds
		// the product by its Hindi name.
		where = append(where, `(lower(p.name) LIKE ? ESCAPE '\' OR lower(p.sku) LIKE ? ESCAPE '\' OR p.barcode = ? OR lower(d.name) LIKE ? ESCAPE '\' OR lower(p.state) = ? OR lower(p.names) LIKE ? ESCAPE '\')`)
		args = append(args, like, like, w, like, strings.ToLower(w), like)
	}
	args = append(args, f.Limit)
	rows, err := q.QueryContext(ctx, `SELECT `+productCols+` WHERE `+strings.Join(where, " AND ")+` ORDER BY p.sku LIMIT ?`, args...)
	if err != nil {
		return nil, fmt.Errorf("list products: %w", err)
	}
	defer rows.Close()
	out := []Product{}
	for rows.Next() {
		p, err := scanProduct(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// GetProduct finds an active product by SKU or barcode.
func GetProduct(ctx context.Context, q Queryer, skuOrBarcode string) (Product, error) {
	p, err := scanProduct(q.QueryRowContext(ctx, `SELECT `+productCols+` WHERE (p.sku = ? OR p.barcode = ?) AND p.active = 1`, skuOrBarcode, skuOrBarcode))
	if errors.Is(err, sql.ErrNoRows) {
		return Product{}, errs.E(errs.NotFound, "unknown SKU or barcode %q", skuOrBarcode)
	}
	return p, err
}

// StateUsesUTGST reports whether a state's sales carry UTGST.
func StateUsesUTGST(ctx context.Context, q Queryer, state string) (bool, error) {
	var ut bool
	err := q.QueryRowContext(ctx, `SELECT utgst FROM states WHERE code = ?`, state).Scan(&ut)
	if errors.Is(err, sql.ErrNoRows) {
		return false, errs.E(errs.NotFound, "unknown state %q", state)
	}
	return ut, err
}

// Seeded reports whether the catalog tables hold anything yet.
func Seeded(ctx context.Context, q Queryer) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT count(*) FROM states`).Scan(&n)
	return n > 0, err
}
