package catalogdb

import (
	"context"
	"database/sql"
	"fmt"

	"ektamall/shared/catalog"
	"ektamall/shared/gst"
	"ektamall/shared/money"
	"ektamall/shared/sqldb"
)

// SetBands replaces the price bands of one HSN heading inside tx; no bands
// removes them (the products' own rates apply again).
func SetBands(ctx context.Context, tx sqldb.Tx, hsn string, bands gst.Bands) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM tax_bands WHERE hsn = ?`, hsn); err != nil {
		return fmt.Errorf("set bands %s: %w", hsn, err)
	}
	for i, b := range bands.Sorted() {
		var upto any
		if !b.Open {
			upto = b.UpTo.Paise()
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO tax_bands (hsn, idx, upto_paise, rate_bp) VALUES (?, ?, ?, ?)`,
			hsn, i+1, upto, b.Rate.BasisPoints()); err != nil {
			return fmt.Errorf("set bands %s: %w", hsn, err)
		}
	}
	return nil
}

// ListBands returns every heading's bands, by heading.
func ListBands(ctx context.Context, q Queryer) ([]catalog.TaxBands, error) {
	rows, err := q.QueryContext(ctx, `SELECT hsn, upto_paise, rate_bp FROM tax_bands ORDER BY hsn, idx`)
	if err != nil {
		return nil, fmt.Errorf("list bands: %w", err)
	}
	defer rows.Close()
	out := []catalog.TaxBands{}
	for rows.Next() {
		var (
			hsn  string
			upto sql.NullInt64
			bp   int64
		)
		if err := rows.Scan(&hsn, &upto, &bp); err != nil {
			return nil, fmt.Errorf("list bands: %w", err)
		}
		r, err := gst.RateFromBasisPoints(bp)
		if err != nil {
			return nil, err
		}
		b := gst.Band{Rate: r, Open: !upto.Valid}
		if upto.Valid {
			b.UpTo = money.FromPaise(upto.Int64)
		}
		if n := len(out); n > 0 && out[n-1].HSN == hsn {
			out[n-1].Bands = append(out[n-1].Bands, b)
		} else {
			out = append(out, catalog.TaxBands{HSN: hsn, Bands: gst.Bands{b}})
		}
	}
	return out, rows.Err()
}

// BandsFor returns the bands of the longest heading that prefixes hsn.
func BandsFor(ctx context.Context, q Queryer, hsn string) (gst.Bands, bool, error) {
	var head string
	err := q.QueryRowContext(ctx, `SELECT hsn FROM tax_bands WHERE substr(?, 1, length(hsn)) = hsn
		ORDER BY length(hsn) DESC LIMIT 1`, hsn).Scan(&head)
	if err == sql.ErrNoRows {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("bands for %s: %w", hsn, err)
	}
	all, err := ListBandsOf(ctx, q, head)
	return all, err == nil, err
}

// ListBandsOf returns one heading's bands, lowest ceiling first.
func ListBandsOf(ctx context.Context, q Queryer, head string) (gst.Bands, error) {
	rows, err := q.QueryContext(ctx, `SELECT upto_paise, rate_bp FROM tax_bands WHERE hsn = ? ORDER BY idx`, head)
	if err != nil {
		return nil, fmt.Errorf("bands %s: %w", head, err)
	}
	defer rows.Close()
	var out gst.Bands
	for rows.Next() {
		var (
			upto sql.NullInt64
			bp   int64
		)
		if err := rows.Scan(&upto, &bp); err != nil {
			return nil, err
		}
		r, err := gst.RateFromBasisPoints(bp)
		if err != nil {
			return nil, err
		}
		b := gst.Band{Rate: r, Open: !upto.Valid}
		if upto.Valid {
			b.UpTo = money.FromPaise(upto.Int64)
		}
		out = append(out, b)
	}
	return out, rows.Err()
}
