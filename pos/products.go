package pos

import (
	"context"
	"fmt"
	"strings"

	"ektamall/shared/catalogdb"
	"ektamall/shared/gst"
	"ektamall/shared/money"
)

// lookupProducts finds the active products named by codes (SKUs or
// barcodes) in one query, keyed by the code as given. Codes not found are
// absent from the map. catalogdb.GetProduct does one code per query; a cart
// is priced in one round trip instead.
func lookupProducts(ctx context.Context, q catalogdb.Queryer, codes []string) (map[string]catalogdb.Product, error) {
	out := make(map[string]catalogdb.Product, len(codes))
	if len(codes) == 0 {
		return out, nil
	}
	uniq := make([]string, 0, len(codes))
	seen := map[string]bool{}
	for _, c := range codes {
		if !seen[c] {
			seen[c] = true
			uniq = append(uniq, c)
		}
	}
	ph := strings.TrimSuffix(strings.Repeat("?,", len(uniq)), ",")
	args := make([]any, 0, 2*len(uniq))
	for _, c := range uniq {
		args = append(args, c)
	}
	args = append(args, args...)
	rows, err := q.QueryContext(ctx, `SELECT p.sku, p.name, p.barcode, p.mrp_paise, p.gst_rate_bp, p.hsn, p.state, d.name,
			p.district_id, p.producer_id, pr.name, p.gi, p.category, p.flat_rate, p.gi_name, p.gi_reg
		FROM products p JOIN districts d ON d.id = p.district_id JOIN producers pr ON pr.id = p.producer_id
		WHERE p.active = 1 AND (p.sku IN (`+ph+`) OR p.barcode IN (`+ph+`))`, args...)
	if err != nil {
		return nil, fmt.Errorf("look up products: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			p        catalogdb.Product
			mrp, bp  int64
			producer string
		)
		if err := rows.Scan(&p.SKU, &p.Name, &p.Barcode, &mrp, &bp, &p.HSN, &p.State, &p.District,
			&p.DistrictID, &p.ProducerID, &producer, &p.GI, &p.Category, &p.FlatRate, &p.GIName, &p.GIReg); err != nil {
			return nil, fmt.Errorf("look up products: %w", err)
		}
		r, err := gst.RateFromBasisPoints(bp)
		if err != nil {
			return nil, fmt.Errorf("product %s: %w", p.SKU, err)
		}
		p.MRP, p.GSTRate, p.ProducerName = money.FromPaise(mrp), r, producer
		if seen[p.SKU] {
			out[p.SKU] = p
		}
		if seen[p.Barcode] {
			out[p.Barcode] = p
		}
	}
	return out, rows.Err()
}
