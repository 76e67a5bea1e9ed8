package syncwire

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mattn/go-sqlite3"

	"ektamall/shared/catalog"
	"ektamall/shared/catalogdb"
	"ektamall/shared/errs"
	"ektamall/shared/gst"
	"ektamall/shared/money"
	"ektamall/shared/sqldb"
	"ektamall/shared/sqlitedb"
	"ektamall/shared/text"
)

// Kinds of catalog change.
const (
	KindProduct  = "product"   // create or replace a product
	KindPrice    = "price"     // new MRP for one SKU
	KindProducer = "producer"  // create or replace a producer
	KindDistrict = "district"  // create or replace a district
	KindTaxRate  = "tax_rate"  // new GST rate for every product under an HSN code
	KindTaxBands = "tax_bands" // price bands of an HSN heading (replace, or remove with none)
)

// CatalogChange is one change to the master catalog. The hub applies it to
// its own tables and publishes it on CATALOG; every mall applies the same
// change with the same function (Apply), so the copies cannot drift.
type CatalogChange struct {
	ID   int64     `json:"id"` // the hub's change number, increasing
	Kind string    `json:"kind"`
	At   time.Time `json:"at"`
	By   string    `json:"by,omitempty"`
	// EffectiveAt, when in the future, holds the change until then (a
	// price from the first of the month). Malls apply it on time even when
	// cut off from the hub.
	EffectiveAt *time.Time `json:"effective_at,omitempty"`

	Product  *catalog.Product  `json:"product,omitempty"`
	Price    *PriceChange      `json:"price,omitempty"`
	Producer *catalog.Producer `json:"producer,omitempty"`
	District *catalog.District `json:"district,omitempty"`
	TaxRate  *TaxRateChange    `json:"tax_rate,omitempty"`
	TaxBands *TaxBandsChange   `json:"tax_bands,omitempty"`
}

// PriceChange sets one SKU's tax-inclusive MRP.
type PriceChange struct {
	SKU string       `json:"sku"`
	MRP money.Amount `json:"mrp"`
}

// TaxRateChange sets the GST rate of every product whose HSN code starts
// with HSN (GST notifications name headings at 4, 6 or 8 digits).
type TaxRateChange struct {
	HSN  string   `json:"hsn"`
	Rate gst.Rate `json:"rate"`
}

// TaxBandsChange replaces the price bands of an HSN heading (2 to 8
// digits): the till then picks each piece's rate from its value after
// discount. No bands removes them.
type TaxBandsChange struct {
	HSN   string    `json:"hsn"`
	Bands gst.Bands `json:"bands"`
}

// Validate checks the change on its own (references are checked by Apply).
func (c CatalogChange) Validate() error {
	n := 0
	for _, set := range []bool{c.Product != nil, c.Price != nil, c.Producer != nil, c.District != nil, c.TaxRate != nil, c.TaxBands != nil} {
		if set {
			n++
		}
	}
	if n != 1 {
		return errs.E(errs.Invalid, "a catalog change carries exactly one of product, price, producer, district, tax_rate, tax_bands")
	}
	switch {
	case c.Kind == KindProduct && c.Product != nil:
		return c.Product.Validate()
	case c.Kind == KindPrice && c.Price != nil:
		if c.Price.SKU == "" {
			return errs.Field("sku", "sku is required")
		}
		if !c.Price.MRP.IsPositive() {
			return errs.Field("mrp", "mrp must be more than zero")
		}
		if c.Price.MRP.Decimal().Exponent() < -2 {
			return errs.Field("mrp", "mrp has more than 2 decimals")
		}
	case c.Kind == KindProducer && c.Producer != nil:
		p := c.Producer
		if p.ID == "" || strings.TrimSpace(p.Name) == "" || p.DistrictID == "" {
			return errs.E(errs.Invalid, "producer needs id, name and district_id")
		}
		if err := plain("name", p.Name); err != nil {
			return err
		}
		if _, ok := catalog.StateByCode(p.State); !ok {
			return errs.Field("state", "unknown State/UT code %q", p.State)
		}
	case c.Kind == KindDistrict && c.District != nil:
		d := c.District
		if _, ok := catalog.StateByCode(d.State); !ok {
			return errs.Field("state", "unknown State/UT code %q", d.State)
		}
		if !strings.HasPrefix(d.ID, d.State+"-") || strings.TrimSpace(d.Name) == "" {
			return errs.E(errs.Invalid, "district needs a name and an id starting with its state code (UP-AGRA)")
		}
		if err := errors.Join(plain("name", d.Name), plain("odop_product", d.ODOPProduct)); err != nil {
			return err
		}
	case c.Kind == KindTaxRate && c.TaxRate != nil:
		if err := gst.ValidHSN(c.TaxRate.HSN); err != nil {
			return errs.Field("hsn", "%v", err)
		}
	case c.Kind == KindTaxBands && c.TaxBands != nil:
		h := c.TaxBands.HSN
		if len(h) < 2 || len(h) > 8 || strings.Trim(h, "0123456789") != "" || strings.HasPrefix(h, "00") {
			return errs.Field("hsn", "hsn must be an HSN heading of 2 to 8 digits, got %q", h)
		}
		if len(c.TaxBands.Bands) > 0 {
			if err := c.TaxBands.Bands.Sorted().Validate(); err != nil {
				return errs.Field("bands", "%v", err)
			}
		}
	default:
		return errs.Field("kind", "kind %q does not match the change's contents", c.Kind)
	}
	return nil
}

// plain refuses names that are not plain text or not trimmed: they are
// printed on invoices and labels in every mall.
func plain(field, v string) error {
	clean, err := text.Clean(field, v, text.Rule{Max: 200})
	if err != nil {
		return err
	}
	if clean != v {
		return errs.Field(field, "%s has leading or trailing spaces", field)
	}
	return nil
}

// tsFormat sorts as text in time order (fixed width, UTC).
const tsFormat = "2006-01-02T15:04:05.000000000Z"

// Apply applies c inside tx, or holds it in catalog_pending until its
// effective time. Applying the same change twice is harmless. Errors are
// coded: NotFound for a missing SKU or reference, Invalid for a bad change.
func Apply(ctx context.Context, tx sqldb.Tx, c CatalogChange, now time.Time) error {
	if err := c.Validate(); err != nil {
		return err
	}
	if c.EffectiveAt != nil && c.EffectiveAt.After(now) {
		body, err := json.Marshal(c)
		if err != nil {
			return fmt.Errorf("catalog change %d: %w", c.ID, err)
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO catalog_pending (change_id, kind, effective_at, body) VALUES (?, ?, ?, ?)
			ON CONFLICT (change_id) DO NOTHING`, c.ID, c.Kind, c.EffectiveAt.UTC().Format(tsFormat), body)
		if err != nil {
			return fmt.Errorf("catalog change %d: hold: %w", c.ID, err)
		}
		return nil
	}
	return applyNow(ctx, tx, c, now)
}

// ApplyDue applies every held change whose time has come, oldest first,
// and returns how many it applied.
func ApplyDue(ctx context.Context, tx sqldb.Tx, now time.Time) (int, error) {
	rows, err := tx.QueryContext(ctx, `SELECT change_id, body FROM catalog_pending WHERE effective_at <= ? ORDER BY effective_at, change_id`,
		now.UTC().Format(tsFormat))
	if err != nil {
		return 0, fmt.Errorf("catalog due: %w", err)
	}
	type due struct {
		id   int64
		body []byte
	}
	var list []due
	for rows.Next() {
		var d due
		if err := rows.Scan(&d.id, &d.body); err != nil {
			rows.Close()
			return 0, err
		}
		list = append(list, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	for _, d := range list {
		var c CatalogChange
		if err := json.Unmarshal(d.body, &c); err != nil {
			return 0, fmt.Errorf("catalog due %d: %w", d.id, err)
		}
		if err := applyNow(ctx, tx, c, now); err != nil && !isPermanent(err) {
			return 0, err
		}
		// A permanent failure (the SKU was replaced since) cannot succeed
		// later either; dropping it keeps the rest of the schedule moving.
		if _, err := tx.ExecContext(ctx, `DELETE FROM catalog_pending WHERE change_id = ?`, d.id); err != nil {
			return 0, err
		}
	}
	return len(list), nil
}

func isPermanent(err error) bool {
	c := errs.CodeOf(err)
	return c == errs.Invalid || c == errs.NotFound || c == errs.Conflict
}

func applyNow(ctx context.Context, tx sqldb.Tx, c CatalogChange, now time.Time) error {
	ts := now.UTC().Format(time.RFC3339Nano)
	var err error
	switch c.Kind {
	case KindProduct:
		err = catalogdb.UpsertProduct(ctx, tx, *c.Product, ts)
	case KindPrice:
		err = affected(tx.ExecContext(ctx, `UPDATE products SET mrp_paise = ?, updated_at = ? WHERE sku = ?`,
			c.Price.MRP.Paise(), ts, c.Price.SKU))
		if errors.Is(err, errNone) {
			err = errs.E(errs.NotFound, "unknown SKU %q", c.Price.SKU)
		}
	case KindProducer:
		p := c.Producer
		_, err = tx.ExecContext(ctx, `INSERT INTO producers (id, name, district_id, state) VALUES (?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET name = excluded.name, district_id = excluded.district_id, state = excluded.state`,
			p.ID, p.Name, p.DistrictID, p.State)
	case KindDistrict:
		d := c.District
		_, err = tx.ExecContext(ctx, `INSERT INTO districts (id, state, name, odop_product, category, gi) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET state = excluded.state, name = excluded.name, odop_product = excluded.odop_product,
				category = excluded.category, gi = excluded.gi`,
			d.ID, d.State, d.Name, d.ODOPProduct, d.Category, d.GI)
	case KindTaxRate:
		_, err = tx.ExecContext(ctx, `UPDATE products SET gst_rate_bp = ?, updated_at = ? WHERE substr(hsn, 1, length(?)) = ?`,
			c.TaxRate.Rate.BasisPoints(), ts, c.TaxRate.HSN, c.TaxRate.HSN)
	case KindTaxBands:
		err = catalogdb.SetBands(ctx, tx, c.TaxBands.HSN, c.TaxBands.Bands)
	}
	if err != nil {
		return classify(fmt.Errorf("catalog change %d (%s): %w", c.ID, c.Kind, err))
	}
	return nil
}

var errNone = errors.New("no row")

func affected(res sql.Result, err error) error {
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return errNone
	}
	return nil
}

// classify makes a foreign-key failure (an unknown district or producer)
// a NotFound and a duplicate barcode a Conflict, so callers can tell a bad
// change from a broken database.
func classify(err error) error {
	var se sqlite3.Error
	if errors.As(err, &se) && se.ExtendedCode == sqlite3.ErrConstraintForeignKey {
		return fmt.Errorf("%w: %w", errs.E(errs.NotFound, "the change refers to an unknown district, producer or state"), err)
	}
	return sqlitedb.Classify(err)
}
