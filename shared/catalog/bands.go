package catalog

import (
	"fmt"
	"strings"

	"ektamall/shared/gst"
	"ektamall/shared/money"
)

// readBands groups tax_bands.csv rows by HSN heading, in file order (the
// lowest ceiling first, an empty upto_inr for the open top band).
func readBands(rows []csvRow, bad func(error)) []TaxBands {
	var out []TaxBands
	for _, r := range rows {
		hsn := r.get("hsn")
		if len(hsn) < 2 || len(hsn) > 8 || strings.Trim(hsn, "0123456789") != "" {
			bad(r.errorf("tax band: HSN heading %q must be 2 to 8 digits", hsn))
			continue
		}
		rate, err := gst.ParseRate(r.get("rate_percent"))
		if err != nil {
			bad(r.errorf("tax band %s: %v", hsn, err))
			continue
		}
		b := gst.Band{Rate: rate, Open: r.get("upto_inr") == ""}
		if !b.Open {
			if b.UpTo, err = money.Parse(r.get("upto_inr")); err != nil {
				bad(r.errorf("tax band %s: upto_inr: %v", hsn, err))
				continue
			}
		}
		if n := len(out); n > 0 && out[n-1].HSN == hsn {
			out[n-1].Bands = append(out[n-1].Bands, b)
		} else {
			out = append(out, TaxBands{HSN: hsn, Bands: gst.Bands{b}, Basis: r.get("basis")})
		}
	}
	seen := map[string]bool{}
	for _, tb := range out {
		if err := tb.Bands.Validate(); err != nil {
			bad(fmt.Errorf("seed/tax_bands.csv: heading %s: %w", tb.HSN, err))
		}
		if seen[tb.HSN] {
			bad(fmt.Errorf("seed/tax_bands.csv: heading %s appears in two places", tb.HSN))
		}
		seen[tb.HSN] = true
	}
	return out
}

// BandsFor returns the bands of the longest heading that prefixes hsn.
func BandsFor(all []TaxBands, hsn string) (TaxBands, bool) {
	var best TaxBands
	for _, tb := range all {
		if strings.HasPrefix(hsn, tb.HSN) && len(tb.HSN) > len(best.HSN) {
			best = tb
		}
	}
	return best, best.HSN != ""
}

// bandAgrees checks a seed product's rate against the band its MRP falls
// in, so the seed rate (the rate at full price) and the band table agree.
func bandAgrees(p Product, all []TaxBands) error {
	tb, ok := BandsFor(all, p.HSN)
	if !ok || p.FlatRate {
		return nil
	}
	if b, _ := tb.Bands.Choose(p.MRP); b.Rate.BasisPoints() != p.GSTRate.BasisPoints() {
		return fmt.Errorf("seed: product %s at MRP %s falls in the %s%% band of heading %s, but its rate is %s%%",
			p.SKU, p.MRP, b.Rate, tb.HSN, p.GSTRate)
	}
	return nil
}

// StateByGSTCode finds a State/UT by its 2-digit GST code ("09").
func StateByGSTCode(code string) (State, bool) {
	for _, s := range stateList {
		if s.GSTCode == code {
			return s, true
		}
	}
	return State{}, false
}
