package gstr

import (
	"fmt"
	"regexp"

	"ektamall/shared/gst"
)

// The INV-01 rules checked before a document goes to the portal: the
// schema's required fields, lengths and formats, and the value checks the
// IRP applies (research §4.2: AssAmt = TotAmt − Discount, TotItemVal =
// AssAmt + taxes, header totals = sums of lines, TotInvVal = values +
// round-off, round-off within ±99.99).
var (
	docNoRE  = regexp.MustCompile(`^[1-9A-Z][0-9A-Z/-]{0,15}$`)
	einvDtRE = regexp.MustCompile(`^(0[1-9]|[12][0-9]|3[01])/(0[1-9]|1[0-2])/20[0-9]{2}$`)
	stcdRE   = regexp.MustCompile(`^[0-9]{2}$`)
	hsnCdRE  = regexp.MustCompile(`^[0-9]{4}([0-9]{2}){0,2}$`)
	gstRates = map[Rate]bool{0: true, 10: true, 25: true, 50: true, 100: true, 150: true, 300: true, 500: true, 600: true, 750: true,
		1200: true, 1800: true, 2800: true, 4000: true}
	supTypes = map[string]bool{"B2B": true, "SEZWP": true, "SEZWOP": true, "EXPWP": true, "EXPWOP": true, "DEXP": true}
	docTypes = map[string]bool{"INV": true, "CRN": true, "DBN": true}
	yesNo    = map[string]bool{"Y": true, "N": true}
)

// ValidateINV01 lists what in e breaks the schema (nil: none).
func ValidateINV01(e EInvoice) []string {
	var bad []string
	fail := func(f string, a ...any) { bad = append(bad, fmt.Sprintf(f, a...)) }
	length := func(field, s string, lo, hi int) {
		if len(s) < lo || len(s) > hi {
			fail("%s must have %d to %d characters (has %d)", field, lo, hi, len(s))
		}
	}
	if e.Version != "1.1" {
		fail("Version must be 1.1")
	}
	if e.TranDtls.TaxSch != "GST" || !supTypes[e.TranDtls.SupTyp] || !yesNo[e.TranDtls.RegRev] || !yesNo[e.TranDtls.IgstOnIntra] {
		fail("TranDtls: TaxSch GST, SupTyp B2B/SEZ/EXP/DEXP, RegRev and IgstOnIntra Y or N")
	}
	if !docTypes[e.DocDtls.Typ] {
		fail("DocDtls.Typ must be INV, CRN or DBN")
	}
	if !docNoRE.MatchString(e.DocDtls.No) {
		fail("DocDtls.No %q: 1-16 of 0-9, A-Z, / and -, not starting with 0, / or -", e.DocDtls.No)
	}
	if !einvDtRE.MatchString(e.DocDtls.Dt) {
		fail("DocDtls.Dt %q must be DD/MM/YYYY", e.DocDtls.Dt)
	}
	party := func(who string, p Party, buyer bool) {
		if err := gst.ValidGSTIN(p.Gstin); err != nil {
			fail("%s.Gstin: %v", who, err)
		}
		length(who+".LglNm", p.LglNm, 3, 100)
		length(who+".Addr1", p.Addr1, 1, 100)
		length(who+".Loc", p.Loc, 3, 50)
		if p.Pin < 100000 || p.Pin > 999999 {
			fail("%s.Pin must be a 6-digit PIN code (add it to the address)", who)
		}
		if !stcdRE.MatchString(p.Stcd) {
			fail("%s.Stcd must be a 2-digit State code", who)
		}
		if buyer && !stcdRE.MatchString(p.Pos) {
			fail("%s.Pos (place of supply) must be a 2-digit State code", who)
		}
	}
	party("SellerDtls", e.SellerDtls, false)
	party("BuyerDtls", e.BuyerDtls, true)
	if e.SellerDtls.Gstin == e.BuyerDtls.Gstin {
		fail("the buyer's GSTIN is the seller's")
	}
	if len(e.ItemList) < 1 || len(e.ItemList) > 1000 {
		fail("ItemList must have 1 to 1000 items")
	}
	var sum ValDtls
	for i, it := range e.ItemList {
		w := fmt.Sprintf("ItemList[%d]", i)
		if it.SlNo == "" || !yesNo[it.IsServc] || it.Unit == "" {
			fail("%s: SlNo, IsServc (Y/N) and Unit are required", w)
		}
		if !hsnCdRE.MatchString(it.HsnCd) {
			fail("%s.HsnCd %q must have 4, 6 or 8 digits", w, it.HsnCd)
		}
		length(w+".PrdDesc", it.PrdDesc, 3, 300)
		if !gstRates[it.GstRt] {
			fail("%s.GstRt %s is not a GST rate", w, it.GstRt)
		}
		if it.Qty <= 0 || it.UnitPrice < 0 || it.AssAmt < 0 {
			fail("%s: quantity must be positive and values not negative", w)
		}
		if it.AssAmt != it.TotAmt-it.Discount {
			fail("%s: AssAmt %s is not TotAmt − Discount", w, it.AssAmt)
		}
		if it.TotItemVal != it.AssAmt+it.IgstAmt+it.CgstAmt+it.SgstAmt+it.CesAmt+it.OthChrg {
			fail("%s: TotItemVal %s is not AssAmt + taxes", w, it.TotItemVal)
		}
		if it.IgstAmt != 0 && (it.CgstAmt != 0 || it.SgstAmt != 0) {
			fail("%s: IGST together with CGST/SGST", w)
		}
		sum.AssVal += it.AssAmt
		sum.IgstVal += it.IgstAmt
		sum.CgstVal += it.CgstAmt
		sum.SgstVal += it.SgstAmt
		sum.CesVal += it.CesAmt
	}
	v := e.ValDtls
	if v.AssVal != sum.AssVal || v.IgstVal != sum.IgstVal || v.CgstVal != sum.CgstVal || v.SgstVal != sum.SgstVal || v.CesVal != sum.CesVal {
		fail("ValDtls: header totals are not the sums of the items")
	}
	if v.RndOffAmt < -9999 || v.RndOffAmt > 9999 {
		fail("ValDtls.RndOffAmt %s is outside ±99.99", v.RndOffAmt)
	}
	if v.TotInvVal != v.AssVal+v.IgstVal+v.CgstVal+v.SgstVal+v.CesVal+v.OthChrg-v.Discount+v.RndOffAmt {
		fail("ValDtls.TotInvVal %s is not the values plus round-off", v.TotInvVal)
	}
	if e.DocDtls.Typ != "INV" && (e.RefDtls == nil || len(e.RefDtls.PrecDocDtls) == 0) {
		fail("a credit or debit note must name the invoice it adjusts (RefDtls.PrecDocDtls)")
	}
	return bad
}
