package catalog

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"ektamall/shared/errs"
	"ektamall/shared/gst"
	"ektamall/shared/money"
)

func TestStates(t *testing.T) {
	st := States()
	if len(st) != 36 {
		t.Fatalf("got %d States/UTs, want 36 (28 states + 8 UTs)", len(st))
	}
	if !slices.IsSortedFunc(st, func(a, b State) int { return strings.Compare(a.Code, b.Code) }) {
		t.Error("States() is not sorted by code")
	}
	codes, gstCodes := map[string]bool{}, map[string]bool{}
	uts := 0
	for _, s := range st {
		if codes[s.Code] || gstCodes[s.GSTCode] {
			t.Errorf("duplicate code in %+v", s)
		}
		codes[s.Code], gstCodes[s.GSTCode] = true, true
		if !stateCodeRE.MatchString(s.Code) || !gstCodeRE.MatchString(s.GSTCode) || s.Name == "" {
			t.Errorf("malformed state %+v", s)
		}
		if s.UT {
			uts++
		}
	}
	if uts != 8 {
		t.Errorf("got %d UTs, want 8", uts)
	}
	// The post-2023 ISO codes and the post-merger/bifurcation GST codes.
	for code, want := range map[string]string{
		"UP": "09", "AP": "37", "TS": "36", "CG": "22", "UK": "05", "OD": "21",
		"DH": "26", "LA": "38", "JK": "01", "DL": "07", "PY": "34", "LD": "31",
	} {
		s, ok := StateByCode(code)
		if !ok || s.GSTCode != want {
			t.Errorf("StateByCode(%q) = %+v, %v; want GST code %s", code, s, ok, want)
		}
	}
	for _, old := range []string{"CT", "TG", "UT", "OR", "DD", "DN", "up", "", "XX"} {
		if _, ok := StateByCode(old); ok {
			t.Errorf("StateByCode(%q) found a state; outdated or invalid codes must not resolve", old)
		}
	}
	// States returns a copy: callers cannot corrupt the table.
	st[0].Name = "changed"
	if States()[0].Name == "changed" {
		t.Error("States() exposes the package's table")
	}
}

func TestUsesUTGST(t *testing.T) {
	var got []string
	for _, s := range States() {
		if s.UsesUTGST() {
			got = append(got, s.Code)
			if !s.UT {
				t.Errorf("%s uses UTGST but is not a UT", s.Code)
			}
		}
	}
	if want := []string{"AN", "CH", "DH", "LA", "LD"}; !slices.Equal(got, want) {
		t.Errorf("UTGST codes = %v, want %v", got, want)
	}
	// UTs with a legislature levy SGST.
	for _, code := range []string{"DL", "PY", "JK"} {
		s, _ := StateByCode(code)
		if !s.UT || s.UsesUTGST() {
			t.Errorf("%s: UT=%v UsesUTGST=%v, want a UT with SGST", code, s.UT, s.UsesUTGST())
		}
	}
}

func TestZones(t *testing.T) {
	z := Zones()
	st := States()
	if len(z) != len(st) {
		t.Fatalf("%d zones for %d states", len(z), len(st))
	}
	for i := range z {
		if z[i].Code != st[i].Code || z[i].Name != st[i].Name+" zone" {
			t.Errorf("zone %d = %+v for state %+v", i, z[i], st[i])
		}
	}
	if !slices.Contains(z, Zone{Code: "UP", Name: "Uttar Pradesh zone"}) {
		t.Error("no Uttar Pradesh zone")
	}
}

func TestEAN13Vectors(t *testing.T) {
	for _, v := range []struct{ body, want string }{
		{"400638133393", "4006381333931"},
		{"590123412345", "5901234123457"}, // GS1's own example
		{"978030640615", "9780306406157"}, // an ISBN-13
		{"890103086527", "8901030865275"},
		{"890123456789", "8901234567890"}, // check digit 0
		{"000000000000", "0000000000000"},
	} {
		got, err := EAN13(v.body)
		if err != nil || got != v.want {
			t.Errorf("EAN13(%q) = %q, %v; want %q", v.body, got, err, v.want)
		}
		if err := ValidEAN13(v.want); err != nil {
			t.Errorf("ValidEAN13(%q) = %v", v.want, err)
		}
	}
	for _, bad := range []string{
		"4006381333932", // wrong check digit
		"8901030865278", // wrong check digit (want 5)
		"5901234123456",
		"400638133393", // 12 digits
		"40063813339310",
		"400638133393A",
		" 4006381333931",
		"",
		"٤٠٠٦٣٨١٣٣٣٩٣١", // Arabic-Indic digits are not barcode digits
	} {
		if err := ValidEAN13(bad); err == nil {
			t.Errorf("ValidEAN13(%q) accepted", bad)
		}
	}
	for _, bad := range []string{"", "40063813339", "4006381333931", "40063813339x"} {
		if _, err := EAN13(bad); err == nil {
			t.Errorf("EAN13(%q) accepted", bad)
		}
	}
}

// The mod-10 check with weights 1 and 3 catches every single-digit error.
func TestEAN13CatchesSingleDigitErrors(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 200 {
		body := fmt.Sprintf("%012d", r.Int64N(1_000_000_000_000))
		code, err := EAN13(body)
		if err != nil {
			t.Fatal(err)
		}
		pos := r.IntN(13)
		d := byte('0' + (int(code[pos]-'0')+1+r.IntN(9))%10)
		mutated := code[:pos] + string(d) + code[pos+1:]
		if ValidEAN13(mutated) == nil {
			t.Fatalf("%s → %s (digit %d changed) still validates", code, mutated, pos)
		}
	}
}

func TestBarcodeForSKU(t *testing.T) {
	a, err := BarcodeForSKU("UP-MBD-001")
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := BarcodeForSKU("UP-MBD-001"); again != a {
		t.Errorf("not deterministic: %s then %s", a, again)
	}
	if !strings.HasPrefix(a, "890") || ValidEAN13(a) != nil {
		t.Errorf("barcode %s: want a valid EAN-13 with India's GS1 prefix 890", a)
	}
	for _, bad := range []string{"", "up-mbd-001", "UP-MB-001", "UP-MBD-01", "XX-ABC-001", "UP-MBD-0011"} {
		if b, err := BarcodeForSKU(bad); err == nil {
			t.Errorf("BarcodeForSKU(%q) = %s, want an error", bad, b)
		}
	}
	// One-to-one over every state and a spread of district letters and
	// serials, including the extremes.
	seen := map[string]string{}
	letters := "ABMZ"
	for _, s := range States() {
		for _, c1 := range letters {
			for _, c2 := range letters {
				for _, c3 := range letters {
					for _, serial := range []string{"000", "001", "002", "999"} {
						sku := fmt.Sprintf("%s-%c%c%c-%s", s.Code, c1, c2, c3, serial)
						b, err := BarcodeForSKU(sku)
						if err != nil {
							t.Fatal(err)
						}
						if prev, dup := seen[b]; dup {
							t.Fatalf("%s and %s share barcode %s", prev, sku, b)
						}
						seen[b] = sku
					}
				}
			}
		}
	}
}

func loadSeed(t *testing.T) *Seed {
	t.Helper()
	s, err := LoadSeed()
	if err != nil {
		t.Fatalf("LoadSeed: %v", err)
	}
	return s
}

func TestLoadSeed(t *testing.T) {
	s := loadSeed(t)
	if len(s.States) != 36 || len(s.Districts) != 401 {
		t.Errorf("%d states, %d districts; want 36 and the 401 ODOP rows", len(s.States), len(s.Districts))
	}

	districts := map[string]District{}
	for _, d := range s.Districts {
		districts[d.ID] = d
	}
	producers := map[string]Producer{}
	for _, p := range s.Producers {
		if d, ok := districts[p.DistrictID]; !ok || d.State != p.State {
			t.Errorf("producer %+v: district missing or in another state", p)
		}
		if p.ID != "PR-"+p.DistrictID+"-01" {
			t.Errorf("producer id %s: want PR-<district id>-01", p.ID)
		}
		producers[p.ID] = p
	}

	skus, barcodes := map[string]bool{}, map[string]string{}
	curated, generated := 0, 0
	curatedDistricts := map[string]bool{}
	statesWithProducts := map[string]bool{}
	for _, p := range s.Products {
		if err := p.Validate(); err != nil {
			t.Errorf("seed product does not validate: %v", err)
		}
		if skus[p.SKU] {
			t.Errorf("duplicate SKU %s", p.SKU)
		}
		skus[p.SKU] = true
		if other, dup := barcodes[p.Barcode]; dup {
			t.Errorf("%s and %s share barcode %s", other, p.SKU, p.Barcode)
		}
		barcodes[p.Barcode] = p.SKU
		if want, _ := BarcodeForSKU(p.SKU); p.Barcode != want {
			t.Errorf("%s: barcode %s, want %s", p.SKU, p.Barcode, want)
		}
		d, ok := districts[p.DistrictID]
		if !ok || d.State != p.State {
			t.Errorf("%s: district %q missing or not in %s", p.SKU, p.DistrictID, p.State)
		}
		pr, ok := producers[p.ProducerID]
		if !ok || pr.DistrictID != p.DistrictID {
			t.Errorf("%s: producer %q missing or from another district", p.SKU, p.ProducerID)
		}
		if _, ok := RateBasisNote(p.RateBasis); !ok {
			t.Errorf("%s: undocumented rate basis %q", p.SKU, p.RateBasis)
		}
		if _, err := gst.ParseRate(p.GSTRate.String()); err != nil {
			t.Errorf("%s: %v", p.SKU, err)
		}
		if p.Generated {
			generated++
		} else {
			curated++
			curatedDistricts[p.DistrictID] = true
		}
		statesWithProducts[p.State] = true
	}
	if curated != 70 {
		t.Errorf("%d curated products, want the 70 of products_sample.csv", curated)
	}
	if generated == 0 {
		t.Error("no generated products")
	}
	// Generated products only fill districts the curated sample leaves empty.
	perDistrict := map[string]int{}
	for _, p := range s.Products {
		if p.Generated {
			perDistrict[p.DistrictID]++
			if curatedDistricts[p.DistrictID] || perDistrict[p.DistrictID] > 1 {
				t.Errorf("generated %s lands in district %s that already has a product", p.SKU, p.DistrictID)
			}
		}
	}
	// Every state with ODOP districts shows goods; the rest are the
	// documented empty zones.
	var empty []string
	for _, z := range Zones() {
		if !statesWithProducts[z.Code] {
			empty = append(empty, z.Code)
		}
	}
	if want := []string{"AN", "CH", "DH", "DL", "JH", "LD", "MN", "NL", "PY", "TR"}; !slices.Equal(empty, want) {
		t.Errorf("zones without products = %v, want %v", empty, want)
	}

	for name, sorted := range map[string]bool{
		"districts": slices.IsSortedFunc(s.Districts, func(a, b District) int { return strings.Compare(a.ID, b.ID) }),
		"producers": slices.IsSortedFunc(s.Producers, func(a, b Producer) int { return strings.Compare(a.ID, b.ID) }),
		"products":  slices.IsSortedFunc(s.Products, func(a, b Product) int { return strings.Compare(a.SKU, b.SKU) }),
	} {
		if !sorted {
			t.Errorf("%s are not sorted", name)
		}
	}
}

func TestLoadSeedDeterministic(t *testing.T) {
	a, b := loadSeed(t), loadSeed(t)
	if !reflect.DeepEqual(a, b) {
		t.Error("two LoadSeed calls differ")
	}
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	if string(ja) != string(jb) {
		t.Error("two LoadSeed calls marshal differently")
	}
}

// Facts from products_sample.csv survive, and each rate the sample left
// "unknown" has the decided value (seed/README.md explains each).
func TestSeedFacts(t *testing.T) {
	s := loadSeed(t)
	bySKU := map[string]Product{}
	for _, p := range s.Products {
		bySKU[p.SKU] = p
	}
	mbd := bySKU["UP-MBD-001"]
	if mbd.HSN != "7419" || mbd.MRP.String() != "1450.00" || mbd.DistrictID != "UP-MORADABAD" ||
		!mbd.GI || mbd.GSTRate.String() != "5" || mbd.ProducerID != "PR-UP-MORADABAD-01" || mbd.Generated {
		t.Errorf("UP-MBD-001 = %+v", mbd)
	}
	for sku, want := range map[string]string{
		"UP-FZD-001": "5", "UP-FZD-002": "5", "UP-KNJ-001": "18", "UP-ALG-001": "18",
		"UP-PRT-001": "5", "UP-HTR-001": "5", "UP-MZN-001": "5", "UP-BND-001": "3",
		"UP-SBL-001": "5", "UP-AMR-001": "0", "UP-PBT-001": "0", "OD-PUR-001": "5",
		"BR-DBG-001": "5", "AP-VZM-001": "5", "MH-KLP-001": "5", "PB-ASR-001": "5",
		"UP-LKO-002": "18", "MH-RTN-001": "0",
	} {
		p, ok := bySKU[sku]
		if !ok || p.GSTRate.String() != want {
			t.Errorf("%s: rate %v (found %v), want %s%%", sku, p.GSTRate, ok, want)
		}
	}
	// The price-band rule behind UP-LKO-002's 18%.
	if p := bySKU["UP-LKO-002"]; p.RateBasis != "apparel-above-2500" || !p.MRP.GreaterThan(money.MustParse("2500")) {
		t.Errorf("UP-LKO-002 = %+v", p)
	}
}

func validProduct(t *testing.T) Product {
	t.Helper()
	bc, err := BarcodeForSKU("UP-MBD-001")
	if err != nil {
		t.Fatal(err)
	}
	return Product{
		SKU: "UP-MBD-001", Name: "Moradabad brass vase", Barcode: bc, HSN: "7419",
		GSTRate: gst.MustRate("5"), MRP: money.MustParse("1450"), State: "UP",
		DistrictID: "UP-MORADABAD", ProducerID: "PR-UP-MORADABAD-01", Category: "handicraft",
	}
}

// badFields lists the Field of every errs.Error joined into err.
func badFields(err error) []string {
	var out []string
	var walk func(error)
	walk = func(e error) {
		if j, ok := e.(interface{ Unwrap() []error }); ok {
			for _, x := range j.Unwrap() {
				walk(x)
			}
			return
		}
		var fe *errs.Error
		if errors.As(e, &fe) {
			out = append(out, fe.Field)
		}
	}
	walk(err)
	return out
}

func TestProductValidate(t *testing.T) {
	if err := validProduct(t).Validate(); err != nil {
		t.Fatalf("valid product rejected: %v", err)
	}
	cases := []struct {
		name  string
		edit  func(*Product)
		field string
	}{
		{"lower-case SKU", func(p *Product) { p.SKU = "up-mbd-001" }, "sku"},
		{"short SKU", func(p *Product) { p.SKU = "UP-MB-001" }, "sku"},
		{"SKU without serial", func(p *Product) { p.SKU = "UP-MBD" }, "sku"},
		{"SKU of another state", func(p *Product) { p.SKU = "MP-MBD-001" }, "sku"},
		{"empty name", func(p *Product) { p.Name = "" }, "name"},
		{"blank name", func(p *Product) { p.Name = "   " }, "name"},
		{"padded name", func(p *Product) { p.Name = " Brass vase" }, "name"},
		{"long name", func(p *Product) { p.Name = strings.Repeat("a", MaxNameLen+1) }, "name"},
		{"wrong check digit", func(p *Product) { p.Barcode = p.Barcode[:12] + string('0'+(p.Barcode[12]-'0'+1)%10) }, "barcode"},
		{"12-digit barcode", func(p *Product) { p.Barcode = p.Barcode[:12] }, "barcode"},
		{"empty barcode", func(p *Product) { p.Barcode = "" }, "barcode"},
		{"3-digit HSN", func(p *Product) { p.HSN = "741" }, "hsn"},
		{"chapter 00 HSN", func(p *Product) { p.HSN = "0041" }, "hsn"},
		{"HSN with letters", func(p *Product) { p.HSN = "74AB" }, "hsn"},
		{"zero MRP", func(p *Product) { p.MRP = money.Zero }, "mrp"},
		{"negative MRP", func(p *Product) { p.MRP = money.MustParse("-1") }, "mrp"},
		{"unknown state", func(p *Product) { p.State, p.SKU, p.DistrictID = "XX", "XX-MBD-001", "XX-MORADABAD" }, "state"},
		{"district of another state", func(p *Product) { p.DistrictID = "MP-BHOPAL" }, "district_id"},
		{"no district", func(p *Product) { p.DistrictID = "" }, "district_id"},
		{"no producer", func(p *Product) { p.ProducerID = "" }, "producer_id"},
		{"unknown category", func(p *Product) { p.Category = "electronics" }, "category"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := validProduct(t)
			c.edit(&p)
			err := p.Validate()
			if err == nil {
				t.Fatalf("accepted %+v", p)
			}
			if got := badFields(err); !slices.Equal(got, []string{c.field}) {
				t.Errorf("bad fields %v, want [%s]: %v", got, c.field, err)
			}
			if errs.CodeOf(err) != errs.Invalid {
				t.Errorf("code %s, want invalid", errs.CodeOf(err))
			}
		})
	}

	// All problems are reported together.
	p := validProduct(t)
	p.Name, p.HSN, p.MRP = "", "1", money.Zero
	if got := badFields(p.Validate()); !slices.Equal(got, []string{"name", "hsn", "mrp"}) {
		t.Errorf("bad fields %v, want [name hsn mrp]", got)
	}
}

func TestProductJSON(t *testing.T) {
	b, err := json.Marshal(validProduct(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"mrp":"1450.00"`, `"gst_rate":"5"`, `"sku":"UP-MBD-001"`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("%s lacks %s", b, want)
		}
	}
}

// The loader's own checks, fed deliberately broken rows.
func TestSeedRowChecks(t *testing.T) {
	if _, err := readCSV("x.csv", []byte("b,a\n1,2\n"), []string{"a", "b"}); err == nil {
		t.Error("reordered header accepted")
	}
	if _, err := readCSV("x.csv", []byte("a,b\n1,2,3\n"), []string{"a", "b"}); err == nil {
		t.Error("row with an extra field accepted")
	}
	if _, err := parseStates([]byte("code,gst_state_code,name,kind\nUP,09,Uttar Pradesh,state\nMP,09,Madhya Pradesh,state\n")); err == nil {
		t.Error("duplicate GST state code accepted")
	}
	if _, err := parseStates([]byte("code,gst_state_code,name,kind\nLA,38,Ladakh,state\n")); err == nil {
		t.Error("a UTGST territory marked as a state was accepted")
	}

	row := func(edit map[string]string) csvRow {
		f := map[string]string{
			"sku": "UP-LKO-002", "name": "Chikankari kurta", "state_code": "UP", "district_id": "UP-LUCKNOW",
			"producer_id": "PR-UP-LUCKNOW-01", "hsn": "6204", "gst_rate_percent": "18", "rate_basis": "apparel-above-2500",
			"mrp_inr": "4200", "gi_tagged": "yes", "category": "textile", "generated": "no",
		}
		for k, v := range edit {
			f[k] = v
		}
		return csvRow{file: "products.csv", line: 2, fields: f}
	}
	if _, err := productFromRow(row(nil)); err != nil {
		t.Fatalf("good row rejected: %v", err)
	}
	for name, edit := range map[string]map[string]string{
		"rate contradicts basis":  {"gst_rate_percent": "5"},
		"MRP outside price band":  {"mrp_inr": "2500"},
		"apparel 5% above 2,500":  {"gst_rate_percent": "5", "rate_basis": "apparel-upto-2500"},
		"unknown basis":           {"rate_basis": "because"},
		"rate not a slab":         {"gst_rate_percent": "12"},
		"MRP with 3 decimals":     {"mrp_inr": "4200.001"},
		"MRP as float exponent":   {"mrp_inr": "4.2e3"},
		"GI neither yes nor no":   {"gi_tagged": "maybe"},
		"generated not yes or no": {"generated": "unknown"},
	} {
		if _, err := productFromRow(row(edit)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// Issue 20 item 4: GI details are checked wherever a product enters the
// catalog (the seed, the hub's catalog API, catalog changes at a mall).
func TestGIDetailsValidated(t *testing.T) {
	seed, err := LoadSeed()
	if err != nil {
		t.Fatal(err)
	}
	var kurta Product
	for _, p := range seed.Products {
		if p.SKU == "UP-LKO-001" {
			kurta = p
		}
	}
	if kurta.GIName != "Lucknow Chikan Craft" || kurta.GIReg != "55" || !kurta.GI {
		t.Fatalf("seed GI details of UP-LKO-001: %+v", kurta)
	}
	for _, tc := range []struct {
		name      string
		gi        bool
		giName    string
		reg, au   string
		wantField string
	}{
		{"ok with authorised user", true, "Lucknow Chikan Craft", "55", "AU/1234/GI/55", ""},
		{"ok without", true, "Lucknow Chikan Craft", "55", "", ""},
		{"not GI-tagged", false, "Lucknow Chikan Craft", "55", "", "gi"},
		{"registration not a number", true, "Lucknow Chikan Craft", "GI-55", "", "gi_reg"},
		{"registration without name", true, "", "55", "", "gi_name"},
		{"name without registration", true, "Lucknow Chikan Craft", "", "", "gi_name"},
		{"authorised user without GI", true, "", "", "AU/1", "gi_authorised_user"},
		{"authorised user malformed", true, "Lucknow Chikan Craft", "55", "au 12<b>", "gi_authorised_user"},
		{"control character in name", true, "Lucknow\x07Chikan", "55", "", "gi_name"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := kurta
			p.GI, p.GIName, p.GIReg, p.GIAuthUser = tc.gi, tc.giName, tc.reg, tc.au
			err := p.Validate()
			if tc.wantField == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantField) {
				t.Fatalf("error %v, want one about %s", err, tc.wantField)
			}
		})
	}
}
