package catalog

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"ektamall/shared/errs"
	"ektamall/shared/gst"
	"ektamall/shared/text"
)

// skuRE is the SKU form: state code, three district letters, serial.
var skuRE = regexp.MustCompile(`^[A-Z]{2}-[A-Z]{3}-[0-9]{3}$`)

// nameLangRE is a language code of a translated name.
var nameLangRE = regexp.MustCompile(`^[a-z]{2}$`)

// MaxNameLen bounds product names so they fit a receipt line or two.
const MaxNameLen = 120

// Validate checks each field on its own (cross-references to districts
// and producers are LoadSeed's and the store's job). It reports every bad
// field at once, each as an errs.Field error naming the field, so an edit
// form can mark them all.
func (p Product) Validate() error {
	var bad []error
	field := func(name, format string, args ...any) {
		bad = append(bad, errs.Field(name, "product %q: "+format, append([]any{p.SKU}, args...)...))
	}

	if !skuRE.MatchString(p.SKU) {
		field("sku", "SKU must look like UP-MBD-001 (state code, 3 capital letters, 3 digits)")
	} else if p.State != "" && p.SKU[:2] != p.State {
		field("sku", "SKU starts with %s but the product's state is %s", p.SKU[:2], p.State)
	}
	if name := strings.TrimSpace(p.Name); name == "" {
		field("name", "name is empty")
	} else if utf8.RuneCountInString(name) > MaxNameLen {
		field("name", "name is longer than %d characters", MaxNameLen)
	} else if _, err := text.Clean("name", name, text.Rule{Max: MaxNameLen}); err != nil {
		// The name prints on invoices in every mall: plain text only.
		field("name", "%s", errs.Public(err).Message)
	} else if name != p.Name {
		field("name", "name has leading or trailing spaces")
	}
	if err := ValidEAN13(p.Barcode); err != nil {
		field("barcode", "%v", err)
	}
	if err := gst.ValidHSN(p.HSN); err != nil {
		field("hsn", "%v", err)
	}
	if !p.MRP.IsPositive() {
		field("mrp", "MRP must be more than zero, got %s", p.MRP)
	}
	if _, ok := StateByCode(p.State); !ok {
		field("state", "unknown State/UT code %q", p.State)
	}
	if !strings.HasPrefix(p.DistrictID, p.State+"-") || len(p.DistrictID) <= 3 {
		field("district_id", "district %q must be a district of %s (its id starts with %s-)", p.DistrictID, p.State, p.State)
	}
	if p.ProducerID == "" {
		field("producer_id", "producer is missing")
	}
	if !knownCategory(p.Category) {
		field("category", "category %q is not one of %v", p.Category, categories)
	}
	for lang, name := range p.Names {
		if !nameLangRE.MatchString(lang) {
			field("names", "names are keyed by a two-letter language code such as hi, got %q", lang)
		} else if _, err := text.Clean("names."+lang, name, text.Rule{Max: MaxNameLen}); err != nil || strings.TrimSpace(name) == "" || utf8.RuneCountInString(name) > MaxNameLen {
			field("names", "the %s name must be plain text of 1 to %d characters", lang, MaxNameLen)
		}
	}
	for _, e := range p.giProblems() {
		field(e[0], "%s", e[1])
	}
	return errors.Join(bad...)
}

var (
	giRegRE  = regexp.MustCompile(`^[1-9][0-9]{0,4}$`)
	giAuthRE = regexp.MustCompile(`^[A-Z0-9][A-Z0-9/-]{2,39}$`)
)

// giProblems checks the GI details: only a GI-tagged product has them; a
// registration number is the GI Registry's application number (digits)
// and comes with the registered name; an authorised-user number needs the
// GI it is registered under.
func (p Product) giProblems() [][2]string {
	var out [][2]string
	if !p.GI && (p.GIName != "" || p.GIReg != "" || p.GIAuthUser != "") {
		out = append(out, [2]string{"gi", "GI details are given but the product is not marked GI-tagged"})
	}
	if p.GIReg != "" && !giRegRE.MatchString(p.GIReg) {
		out = append(out, [2]string{"gi_reg", fmt.Sprintf("GI registration number %q must be the GI Registry's application number (digits, e.g. 55)", p.GIReg)})
	}
	if (p.GIReg == "") != (p.GIName == "") {
		out = append(out, [2]string{"gi_name", "a GI registration number and the registered GI name go together"})
	}
	if p.GIName != "" {
		if _, err := text.Clean("gi_name", p.GIName, text.Rule{Max: 80}); err != nil || strings.TrimSpace(p.GIName) != p.GIName {
			out = append(out, [2]string{"gi_name", "the GI name must be plain text of at most 80 characters"})
		}
	}
	if p.GIAuthUser != "" && (!giAuthRE.MatchString(p.GIAuthUser) || p.GIReg == "") {
		out = append(out, [2]string{"gi_authorised_user", fmt.Sprintf("authorised-user number %q must be 3-40 of A-Z, 0-9, '/' and '-', with the GI's registration number", p.GIAuthUser)})
	}
	return out
}
