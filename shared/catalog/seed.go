package catalog

import (
	"cmp"
	"embed"
	"errors"
	"fmt"
	"regexp"
	"slices"

	"ektamall/shared/gst"
	"ektamall/shared/money"
)

// seedFS holds copies of the seed CSVs; nothing is read from disk at run
// time, so every binary carries the same catalog.
//
//go:embed seed/*.csv
var seedFS embed.FS

// Seed is the whole embedded catalog, validated and cross-referenced.
type Seed struct {
	States    []State
	Districts []District
	Producers []Producer
	Products  []Product
	TaxBands  []TaxBands
}

// rateBasis is one documented reason for a GST rate. Every seed product
// names one, and LoadSeed checks the product's rate (and, for apparel, its
// price band) against it, so a rate cannot drift from its stated basis.
type rateBasis struct {
	rate string
	// upTo (inclusive) and above (exclusive) bound the MRP in paise where
	// the rate depends on the sale value (apparel, made-ups and footwear:
	// ₹2,500 per piece). Zero means no bound.
	upTo, above int64
	note        string
}

// rateBases: rates in force from 22 Sep 2025 (56th GST Council; CBIC
// Notif. 09/2025-CT(Rate), and 13/2025-CT(Rate) for handicrafts).
// seed/README.md gives the per-product reasoning and its confidence.
var rateBases = map[string]rateBasis{
	"handicraft-2025": {rate: "5", note: "Handicraft goods table of Notif. 21/2018-CT(Rate) as substituted by 13/2025-CT(Rate): " +
		"handbags, wood/stone/clay/ceramic art ware, glass art ware (7020), brass art ware (7419), bells and statuettes " +
		"of base metal (8306), handmade carpets and lace, hand embroidery, basketwork, worked horn/bone (9601), " +
		"hand paintings (9701): 12% → 5%"},
	"toys-sports-2025": {rate: "5", note: "Toys (9503) and sports goods (9506): 12% → 5%"},
	"apparel-upto-2500": {rate: "5", upTo: 2500_00, note: "Apparel (ch. 61/62), made-ups (ch. 63) and footwear (64) " +
		"of sale value up to ₹2,500 per piece/pair: 5%"},
	"apparel-above-2500": {rate: "18", above: 2500_00, note: "Apparel, made-ups and footwear above ₹2,500 per piece/pair: 18%"},
	"food-cut-2025": {rate: "5", note: "Processed foods cut to 5%: ghee (0405), nuts and dried fruit, namkeen and chips, " +
		"ch. 20 pickles/preserves/jams/juices/pulp, biscuits and rusk (1905), pasta (1902), sauces (2103), " +
		"prepared meat/fish (1602/1604/1605), fruit drinks (2202)"},
	"metalware-2025": {rate: "5", note: "Copper and aluminium tableware/kitchenware (7418, 7615): 12% → 5%"},
	"five-unchanged": {rate: "5", note: "5% before and after the 2025 reform: tea, coffee, spices, pre-packaged and labelled " +
		"rice, pulses, flours, poha, jaggery; honey; edible oils; hing; silk and cotton fabric; sweetmeats"},
	"jewellery-3": {rate: "3", note: "Jewellery of precious metal, with or without stones (7113): 3%"},
	"nil-exempt": {rate: "0", note: "Nil-rated: fresh fruit, betel leaves, papad, bindi/kumkum, " +
		"indigenous handmade musical instruments"},
	"standard-18": {rate: "18", note: "No concession applies: perfumes/attar (3303), essential oils (3301), " +
		"locks (8301), wooden furniture (9403)"},
}

// RateBasisNote explains a rate-basis code used by seed products.
func RateBasisNote(code string) (string, bool) {
	b, ok := rateBases[code]
	return b.note, ok
}

var (
	districtIDRE = regexp.MustCompile(`^[A-Z]{2}(-[A-Z0-9]+)+$`)
	producerIDRE = regexp.MustCompile(`^PR-[A-Z]{2}(-[A-Z0-9]+)+-[0-9]{2}$`)
)

// parseFlag reads a yes/no column. The ODOP lists say "unknown" rather than
// "no" for GI (absence of evidence), which reads as false.
func parseFlag(r csvRow, col string, no ...string) (bool, error) {
	v := r.get(col)
	if v == "yes" {
		return true, nil
	}
	if slices.Contains(no, v) {
		return false, nil
	}
	return false, r.errorf("%s %q: want yes or one of %v", col, v, no)
}

// LoadSeed parses the embedded CSVs, validates every row, checks every
// cross-reference and returns the catalog sorted by id/SKU, so two calls
// (or two binaries) produce identical output. It reports all problems at
// once, not just the first.
func LoadSeed() (*Seed, error) {
	var problems []error
	bad := func(err error) { problems = append(problems, err) }
	read := func(name string, cols ...string) []csvRow {
		b, err := seedFS.ReadFile("seed/" + name)
		if err != nil {
			bad(err)
			return nil
		}
		rows, err := readCSV(name, b, cols)
		if err != nil {
			bad(err)
		}
		return rows
	}

	s := &Seed{States: States()}

	districts := map[string]District{}
	districtNames := map[[2]string]bool{}
	for _, r := range read("districts.csv", "id", "state_code", "district", "product", "category", "gi_tagged", "source") {
		gi, err := parseFlag(r, "gi_tagged", "no", "unknown")
		if err != nil {
			bad(err)
		}
		d := District{ID: r.get("id"), State: r.get("state_code"), Name: r.get("district"),
			ODOPProduct: r.get("product"), Category: r.get("category"), GI: gi, Source: r.get("source")}
		switch {
		case !districtIDRE.MatchString(d.ID) || d.ID[:3] != d.State+"-":
			bad(r.errorf("district id %q: want STATE-NAME, e.g. UP-MORADABAD, starting with %s-", d.ID, d.State))
		case !knownState(d.State):
			bad(r.errorf("unknown state %q", d.State))
		case d.Name == "" || d.ODOPProduct == "":
			bad(r.errorf("district %s: empty name or product", d.ID))
		case !knownCategory(d.Category):
			bad(r.errorf("district %s: category %q is not one of %v", d.ID, d.Category, categories))
		case districts[d.ID].ID != "":
			bad(r.errorf("duplicate district id %s", d.ID))
		case districtNames[[2]string{d.State, d.Name}]:
			bad(r.errorf("duplicate district %s in %s", d.Name, d.State))
		default:
			districts[d.ID] = d
			districtNames[[2]string{d.State, d.Name}] = true
			s.Districts = append(s.Districts, d)
		}
	}

	producers := map[string]Producer{}
	for _, r := range read("producers.csv", "id", "name", "state_code", "district_id") {
		p := Producer{ID: r.get("id"), Name: r.get("name"), State: r.get("state_code"), DistrictID: r.get("district_id")}
		d, ok := districts[p.DistrictID]
		switch {
		case !producerIDRE.MatchString(p.ID):
			bad(r.errorf("producer id %q: want the form PR-UP-MORADABAD-01", p.ID))
		case p.Name == "":
			bad(r.errorf("producer %s: empty name", p.ID))
		case !ok:
			bad(r.errorf("producer %s: unknown district %q", p.ID, p.DistrictID))
		case d.State != p.State:
			bad(r.errorf("producer %s: state %s, but district %s is in %s", p.ID, p.State, d.ID, d.State))
		case producers[p.ID].ID != "":
			bad(r.errorf("duplicate producer id %s", p.ID))
		default:
			producers[p.ID] = p
			s.Producers = append(s.Producers, p)
		}
	}

	skus, barcodes, sold := map[string]bool{}, map[string]string{}, map[string]bool{}
	for _, r := range read("products.csv", "sku", "name", "state_code", "district_id", "producer_id", "hsn",
		"gst_rate_percent", "rate_basis", "mrp_inr", "gi_tagged", "category", "generated") {
		p, err := productFromRow(r)
		if err != nil {
			bad(err)
			continue
		}
		if err := p.Validate(); err != nil {
			bad(r.errorf("%v", err))
			continue
		}
		if d, ok := districts[p.DistrictID]; !ok {
			bad(r.errorf("product %s: unknown district %q", p.SKU, p.DistrictID))
			continue
		} else if d.State != p.State {
			bad(r.errorf("product %s: state %s, but district %s is in %s", p.SKU, p.State, d.ID, d.State))
			continue
		}
		if pr, ok := producers[p.ProducerID]; !ok {
			bad(r.errorf("product %s: unknown producer %q", p.SKU, p.ProducerID))
			continue
		} else if pr.DistrictID != p.DistrictID {
			bad(r.errorf("product %s: producer %s is from %s, not %s", p.SKU, pr.ID, pr.DistrictID, p.DistrictID))
			continue
		}
		if skus[p.SKU] {
			bad(r.errorf("duplicate SKU %s", p.SKU))
			continue
		}
		if other, dup := barcodes[p.Barcode]; dup {
			bad(r.errorf("product %s: barcode %s already used by %s", p.SKU, p.Barcode, other))
			continue
		}
		skus[p.SKU], barcodes[p.Barcode], sold[p.ProducerID] = true, p.SKU, true
		s.Products = append(s.Products, p)
	}
	addNames(s.Products, read("product_names.csv", "sku", "lang", "name"), bad)
	addGI(s.Products, read("gi.csv", "sku", "gi_name", "gi_reg", "gi_authorised_user"), bad)
	for _, p := range s.Producers {
		if !sold[p.ID] {
			bad(fmt.Errorf("seed/producers.csv: producer %s has no products", p.ID))
		}
	}
	s.TaxBands = readBands(read("tax_bands.csv", "hsn", "upto_inr", "rate_percent", "basis"), bad)
	for _, p := range s.Products {
		if err := bandAgrees(p, s.TaxBands); err != nil {
			bad(err)
		}
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("catalog seed: %w", errors.Join(problems...))
	}

	slices.SortFunc(s.Districts, func(a, b District) int { return cmp.Compare(a.ID, b.ID) })
	slices.SortFunc(s.Producers, func(a, b Producer) int { return cmp.Compare(a.ID, b.ID) })
	slices.SortFunc(s.Products, func(a, b Product) int { return cmp.Compare(a.SKU, b.SKU) })
	return s, nil
}

func knownState(code string) bool {
	_, ok := StateByCode(code)
	return ok
}

// productFromRow parses one products.csv row and checks its rate against
// the named basis; field rules are left to Product.Validate.
func productFromRow(r csvRow) (Product, error) {
	p := Product{SKU: r.get("sku"), Name: r.get("name"), HSN: r.get("hsn"), State: r.get("state_code"),
		DistrictID: r.get("district_id"), ProducerID: r.get("producer_id"), Category: r.get("category"),
		RateBasis: r.get("rate_basis")}
	p.FlatRate = p.RateBasis == "handicraft-2025"
	var err error
	if p.GI, err = parseFlag(r, "gi_tagged", "no", "unknown"); err != nil {
		return p, err
	}
	if p.Generated, err = parseFlag(r, "generated", "no"); err != nil {
		return p, err
	}
	if p.GSTRate, err = gst.ParseRate(r.get("gst_rate_percent")); err != nil {
		return p, r.errorf("product %s: %v", p.SKU, err)
	}
	if p.MRP, err = money.Parse(r.get("mrp_inr")); err != nil {
		return p, r.errorf("product %s: mrp_inr: %v", p.SKU, err)
	}
	if p.Barcode, err = BarcodeForSKU(p.SKU); err != nil {
		return p, r.errorf("%v", err)
	}
	b, ok := rateBases[p.RateBasis]
	if !ok {
		return p, r.errorf("product %s: unknown rate_basis %q (see seed/README.md)", p.SKU, p.RateBasis)
	}
	if want := gst.MustRate(b.rate); p.GSTRate.BasisPoints() != want.BasisPoints() {
		return p, r.errorf("product %s: rate %s%% contradicts its basis %s (%s%%)", p.SKU, p.GSTRate, p.RateBasis, b.rate)
	}
	if mrp := p.MRP.Paise(); (b.upTo > 0 && mrp > b.upTo) || (b.above > 0 && mrp <= b.above) {
		return p, r.errorf("product %s: MRP %s is outside the price band of basis %s", p.SKU, p.MRP, p.RateBasis)
	}
	return p, nil
}

// addNames attaches the translated names of product_names.csv (one row
// per product and language) to products, checking each as Validate does.
func addNames(products []Product, rows []csvRow, bad func(error)) {
	at := map[string]int{}
	for i, p := range products {
		at[p.SKU] = i
	}
	for _, r := range rows {
		i, ok := at[r.get("sku")]
		if !ok {
			bad(r.errorf("product name: unknown SKU %q", r.get("sku")))
			continue
		}
		p := &products[i]
		if _, dup := p.Names[r.get("lang")]; dup {
			bad(r.errorf("product %s: a second %s name", p.SKU, r.get("lang")))
			continue
		}
		if p.Names == nil {
			p.Names = map[string]string{}
		}
		p.Names[r.get("lang")] = r.get("name")
		if err := p.Validate(); err != nil {
			bad(r.errorf("%v", err))
			delete(p.Names, r.get("lang"))
		}
	}
}

// addGI attaches the GI details of gi.csv (one row per product) to
// products, checking each as Validate does.
func addGI(products []Product, rows []csvRow, bad func(error)) {
	at := map[string]int{}
	for i, p := range products {
		at[p.SKU] = i
	}
	for _, r := range rows {
		i, ok := at[r.get("sku")]
		if !ok {
			bad(r.errorf("GI details: unknown SKU %q", r.get("sku")))
			continue
		}
		p := &products[i]
		p.GIName, p.GIReg, p.GIAuthUser = r.get("gi_name"), r.get("gi_reg"), r.get("gi_authorised_user")
		if err := p.Validate(); err != nil {
			bad(r.errorf("%v", err))
			p.GIName, p.GIReg, p.GIAuthUser = "", "", ""
		}
	}
}
