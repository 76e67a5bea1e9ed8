// Package catalog holds the geography (States/UTs, ODOP districts) and the
// product catalog the hub owns and sends down to malls, together with the
// seed data embedded from seed/*.csv (see seed/README.md for sources and
// every GST-rate decision).
//
// States and zones are fixed facts, parsed once from the embedded
// states.csv; everything else comes from LoadSeed, which validates and
// cross-references the whole seed before returning it.
package catalog

import (
	"bytes"
	"cmp"
	"encoding/csv"
	"fmt"
	"io"
	"regexp"
	"slices"

	"ektamall/shared/gst"
	"ektamall/shared/money"
)

// State is an Indian State or Union Territory.
type State struct {
	Code    string `json:"code"`     // ISO 3166-2:IN suffix, e.g. "UP"
	GSTCode string `json:"gst_code"` // first two digits of a GSTIN, e.g. "09"
	Name    string `json:"name"`
	UT      bool   `json:"ut"`
}

// utgstCodes are the Union Territories without a legislature. There the
// state share of GST is UTGST; Delhi, Puducherry and Jammu and Kashmir have
// legislatures and levy SGST like a State.
var utgstCodes = map[string]bool{"AN": true, "CH": true, "DH": true, "LA": true, "LD": true}

// UsesUTGST reports whether an intra-state sale here splits tax into CGST +
// UTGST rather than CGST + SGST.
func (s State) UsesUTGST() bool { return utgstCodes[s.Code] }

// District is a district with its ODOP (One District One Product) product.
type District struct {
	ID          string `json:"id"` // stable slug, e.g. "UP-MORADABAD"
	State       string `json:"state"`
	Name        string `json:"name"`
	ODOPProduct string `json:"odop_product"`
	Category    string `json:"category"`
	GI          bool   `json:"gi"` // the ODOP product has a GI registration (evidence found)
	// Source cites where the ODOP assignment comes from.
	Source string `json:"source,omitempty"`
}

// Producer is who a district's goods are bought from and settled to.
type Producer struct {
	ID         string `json:"id"` // stable, e.g. "PR-UP-MORADABAD-01"
	Name       string `json:"name"`
	DistrictID string `json:"district_id"`
	State      string `json:"state"`
}

// Product is one sellable SKU. MRP is tax-inclusive.
type Product struct {
	SKU        string       `json:"sku"`
	Name       string       `json:"name"`
	Barcode    string       `json:"barcode"`
	HSN        string       `json:"hsn"`
	GSTRate    gst.Rate     `json:"gst_rate"`
	MRP        money.Amount `json:"mrp"`
	State      string       `json:"state"`
	DistrictID string       `json:"district_id"`
	ProducerID string       `json:"producer_id"`
	GI         bool         `json:"gi"`
	Category   string       `json:"category"`
	// RateBasis names the documented reason for GSTRate (seed/README.md);
	// seed products always carry one, products created later may not.
	RateBasis string `json:"rate_basis,omitempty"`
	// FlatRate: the rate is fixed by the product's own entry whatever its
	// price (a handmade shawl under the handicraft table), so price bands
	// of its HSN heading do not apply.
	FlatRate bool `json:"flat_rate,omitempty"`
	// Generated marks demo products synthesised from a district's ODOP
	// entry rather than taken from the curated sample.
	Generated bool `json:"generated,omitempty"`
	// Names are the product's name in other languages, by language code
	// ("hi": Hindi, "kn": Kannada), shown on screens in that language and
	// matched by search. Name stays the name of record (invoices).
	Names map[string]string `json:"names,omitempty"`
	// GI details of a GI-tagged product (issue 20): the Geographical
	// Indication's registration (application) number and registered name
	// at the GI Registry, and the producer's authorised-user registration
	// number where they hold one. Receipts print the first two per line.
	GIName     string `json:"gi_name,omitempty"`
	GIReg      string `json:"gi_reg,omitempty"`
	GIAuthUser string `json:"gi_authorised_user,omitempty"`
}

// TaxBands are the price bands of one HSN heading (gst.Band), with the
// notification they come from.
type TaxBands struct {
	HSN   string    `json:"hsn"`
	Bands gst.Bands `json:"bands"`
	Basis string    `json:"basis,omitempty"`
}

// Zone is a mall's shelf zone for one State/UT; its Code is the state code.
type Zone struct {
	Code string `json:"code"`
	Name string `json:"name"` // e.g. "Uttar Pradesh zone"
}

// categories are the product/district categories of the ODOP lists.
var categories = []string{"agri", "food", "handicraft", "mineral", "other", "textile"}

// Categories returns the known categories, sorted.
func Categories() []string { return slices.Clone(categories) }

func knownCategory(c string) bool { return slices.Contains(categories, c) }

var (
	stateCodeRE = regexp.MustCompile(`^[A-Z]{2}$`)
	gstCodeRE   = regexp.MustCompile(`^[0-9]{2}$`)
)

// stateList and stateByCode are parsed once from the embedded states.csv.
// The data is compiled in, so a malformed file is a build defect: it panics
// at start-up and the package tests catch it first.
var stateList, stateByCode = mustParseStates()

func mustParseStates() ([]State, map[string]State) {
	b, err := seedFS.ReadFile("seed/states.csv")
	if err != nil {
		panic(err)
	}
	list, err := parseStates(b)
	if err != nil {
		panic(err)
	}
	idx := make(map[string]State, len(list))
	for _, s := range list {
		idx[s.Code] = s
	}
	return list, idx
}

func parseStates(b []byte) ([]State, error) {
	rows, err := readCSV("states.csv", b, []string{"code", "gst_state_code", "name", "kind"})
	if err != nil {
		return nil, err
	}
	var out []State
	codes, gstCodes := map[string]bool{}, map[string]bool{}
	for _, r := range rows {
		s := State{Code: r.get("code"), GSTCode: r.get("gst_state_code"), Name: r.get("name")}
		switch k := r.get("kind"); k {
		case "state":
		case "ut":
			s.UT = true
		default:
			return nil, r.errorf("kind %q: want state or ut", k)
		}
		switch {
		case !stateCodeRE.MatchString(s.Code):
			return nil, r.errorf("code %q: want two capital letters", s.Code)
		case !gstCodeRE.MatchString(s.GSTCode):
			return nil, r.errorf("gst_state_code %q: want two digits", s.GSTCode)
		case s.Name == "":
			return nil, r.errorf("empty name")
		case codes[s.Code]:
			return nil, r.errorf("duplicate code %s", s.Code)
		case gstCodes[s.GSTCode]:
			return nil, r.errorf("duplicate gst_state_code %s", s.GSTCode)
		case utgstCodes[s.Code] && !s.UT:
			return nil, r.errorf("%s levies UTGST but is not marked ut", s.Code)
		}
		codes[s.Code], gstCodes[s.GSTCode] = true, true
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b State) int { return cmp.Compare(a.Code, b.Code) })
	return out, nil
}

// States returns all 36 States and UTs sorted by code. The slice is a copy.
func States() []State { return slices.Clone(stateList) }

// StateByCode looks a State/UT up by its ISO code ("UP").
func StateByCode(code string) (State, bool) {
	s, ok := stateByCode[code]
	return s, ok
}

// Zones returns one shelf zone per State/UT, sorted by code: every mall has
// all of them, even where the seed has no products for a state yet.
func Zones() []Zone {
	out := make([]Zone, len(stateList))
	for i, s := range stateList {
		out[i] = Zone{Code: s.Code, Name: s.Name + " zone"}
	}
	return out
}

// csvRow is one data row with its header and position, for readable errors.
type csvRow struct {
	file   string
	line   int
	fields map[string]string
}

func (r csvRow) get(col string) string { return r.fields[col] }

func (r csvRow) errorf(format string, args ...any) error {
	return fmt.Errorf("seed/%s line %d: %s", r.file, r.line, fmt.Sprintf(format, args...))
}

// readCSV reads a CSV whose header must be exactly want, so a reordered or
// renamed column fails loudly instead of shifting values.
func readCSV(file string, b []byte, want []string) ([]csvRow, error) {
	cr := csv.NewReader(bytes.NewReader(b))
	cr.FieldsPerRecord = len(want)
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("seed/%s: header: %w", file, err)
	}
	if !slices.Equal(head, want) {
		return nil, fmt.Errorf("seed/%s: header is %v, want %v", file, head, want)
	}
	var rows []csvRow
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return rows, nil
		}
		if err != nil {
			return nil, fmt.Errorf("seed/%s: %w", file, err)
		}
		line, _ := cr.FieldPos(0)
		f := make(map[string]string, len(want))
		for j, col := range want {
			f[col] = rec[j]
		}
		rows = append(rows, csvRow{file: file, line: line, fields: f})
	}
}
