package pos

import (
	"fmt"
	"regexp"
	"strings"

	"ektamall/shared/catalog"
	"ektamall/shared/errs"
	"ektamall/shared/gst"
	"ektamall/shared/money"
	"ektamall/shared/text"
)

// supply is where a sale is supplied and to whom, decided before pricing.
type supply struct {
	state   catalog.State // the place of supply
	inter   bool          // another State than the mall's: IGST
	buyer   *Buyer        // cleaned; nil when none was given
	deliver *Delivery
	b2b     bool
}

var pincodeRE = regexp.MustCompile(`^[1-9][0-9]{5}$`)

// planSupply validates the buyer and delivery address and decides the
// place of supply. Goods handed over at the counter are supplied in the
// mall's State (IGST Act s.10(1)(c)), to a registered buyer from another
// State too. For an unregistered buyer s.10(1)(ca) reads the address
// recorded on the invoice as the place of supply; the till records the
// counter (the mall) as the place of delivery and keeps the buyer's own
// address as contact details, the research note's default that counsel
// must confirm (README, tax decisions). Goods delivered elsewhere are
// supplied where the delivery ends (s.10(1)(a)): IGST in another State.
func (s *Service) planSupply(req SaleRequest) (supply, error) {
	home, _ := catalog.StateByCode(s.mall.State)
	sp := supply{state: home}
	if req.Buyer != nil {
		b, err := cleanBuyer(*req.Buyer)
		if err != nil {
			return supply{}, err
		}
		if b != (Buyer{}) {
			sp.buyer, sp.b2b = &b, b.GSTIN != ""
		}
	}
	if req.DeliverTo != nil {
		d, err := cleanDelivery(*req.DeliverTo)
		if err != nil {
			return supply{}, err
		}
		sp.deliver = &d
		sp.state, _ = catalog.StateByCode(d.State)
		sp.inter = d.State != s.mall.State
	}
	return sp, nil
}

// textField is free text printed on the invoice: the one validator for
// typed text (shared/text), one line.
func textField(field, v string, maxLen int) (string, error) {
	return text.Clean(field, v, text.Rule{Max: maxLen})
}

func stateField(field, code string) (string, error) {
	code = strings.ToUpper(strings.TrimSpace(code))
	if code == "" {
		return "", nil
	}
	if _, ok := catalog.StateByCode(code); !ok {
		return "", errs.Field(field, "%q is not a State/UT code such as UP, KA or DL", code)
	}
	return code, nil
}

func cleanBuyer(in Buyer) (Buyer, error) {
	var b Buyer
	var err error
	if b.Name, err = textField("buyer.name", in.Name, 100); err != nil {
		return b, err
	}
	if b.Address, err = textField("buyer.address", in.Address, 200); err != nil {
		return b, err
	}
	if b.Form60, err = textField("buyer.form60", in.Form60, 64); err != nil {
		return b, err
	}
	if b.State, err = stateField("buyer.state", in.State); err != nil {
		return b, err
	}
	if b.PAN = strings.ToUpper(strings.TrimSpace(in.PAN)); b.PAN != "" {
		if err := gst.ValidPAN(b.PAN); err != nil {
			return b, errs.Field("buyer.pan", "%v", err)
		}
	}
	if b.GSTIN = strings.ToUpper(strings.TrimSpace(in.GSTIN)); b.GSTIN == "" {
		return b, nil
	}
	if err := gst.ValidGSTIN(b.GSTIN); err != nil {
		return b, errs.Field("buyer.gstin", "%v", err)
	}
	st, ok := catalog.StateByGSTCode(b.GSTIN[:2])
	switch {
	case !ok:
		return b, errs.Field("buyer.gstin", "invalid GSTIN %q: %s is not a State/UT code", b.GSTIN, b.GSTIN[:2])
	case b.State == "":
		b.State = st.Code
	case b.State != st.Code:
		return b, errs.Field("buyer.state", "the GSTIN %s is registered in %s (%s), not %s", b.GSTIN, st.Name, st.GSTCode, b.State)
	}
	if b.Name == "" || b.Address == "" {
		return b, errs.Field("buyer", "a tax invoice to a registered buyer (GSTIN) must carry the buyer's legal name and address (Rule 46(d) of the CGST Rules)")
	}
	return b, nil
}

func cleanDelivery(in Delivery) (Delivery, error) {
	var d Delivery
	var err error
	if d.Name, err = textField("deliver_to.name", in.Name, 100); err != nil {
		return d, err
	}
	if d.Address, err = textField("deliver_to.address", in.Address, 200); err != nil {
		return d, err
	}
	if d.Address == "" {
		return d, errs.Field("deliver_to.address", "a delivery needs the address the goods go to")
	}
	if d.State, err = stateField("deliver_to.state", in.State); err != nil {
		return d, err
	}
	if d.State == "" {
		return d, errs.Field("deliver_to.state", "a delivery needs the State/UT code it goes to, e.g. KA")
	}
	if d.Pincode = strings.TrimSpace(in.Pincode); d.Pincode != "" && !pincodeRE.MatchString(d.Pincode) {
		return d, errs.Field("deliver_to.pincode", "a PIN code is 6 digits, not starting with 0")
	}
	return d, nil
}

// checkLimits applies the law on large sales, with the thresholds of the
// mall's configuration (defaults from the Income-tax Act and the CGST
// Rules; gst_compliance.md §1.4, §2).
func (s *Service) checkLimits(p *pendingSale, cashKept money.Amount) error {
	lim := s.cfg.Limits
	if lim.CashFrom.IsPositive() && !cashKept.LessThan(lim.CashFrom) {
		most := lim.CashFrom.Sub(money.FromPaise(1))
		return errs.Field("tenders", "By law we cannot accept %s or more in cash for one purchase (section 269ST of the Income-tax Act, 1961; "+
			"section 186 of the Income-tax Act, 2025). Please pay at least %s of the %s by UPI or card; cash can be at most %s.",
			inr(lim.CashFrom), inr(cashKept.Sub(most)), inr(p.payable), inr(most))
	}
	b := p.supply.buyer
	if lim.PANAbove.IsPositive() && p.payable.GreaterThan(lim.PANAbove) && (b == nil || (b.PAN == "" && b.Form60 == "")) {
		return errs.Field("buyer.pan", "A purchase above %s needs the buyer's PAN, or a signed Form 60 if the buyer has none, on the invoice "+
			"(Rule 114B of the Income-tax Rules, 1962)", inr(lim.PANAbove))
	}
	if lim.NamedFrom.IsPositive() && !p.supply.b2b && !p.taxable.LessThan(lim.NamedFrom) &&
		(b == nil || b.Name == "" || b.Address == "" || b.State == "") {
		return errs.Field("buyer", "An invoice with a taxable value of %s or more to a buyer without a GSTIN must carry the buyer's name, "+
			"address and State (Rule 46(e) of the CGST Rules); this one's taxable value is %s", inr(lim.NamedFrom), inr(p.taxable))
	}
	return nil
}

// inr formats an amount the Indian way: ₹2,00,000.00.
func inr(a money.Amount) string {
	s := a.String()
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, _ := strings.Cut(s, ".")
	grouped := whole
	if n := len(whole); n > 3 {
		head, parts := whole[:n-3], []string{whole[n-3:]}
		for len(head) > 2 {
			parts = append([]string{head[len(head)-2:]}, parts...)
			head = head[:len(head)-2]
		}
		grouped = strings.Join(append([]string{head}, parts...), ",")
	}
	out := "₹" + grouped + "." + frac
	if neg {
		out = "-" + out
	}
	return out
}

// stateLabel is "Karnataka (29)".
func stateLabel(st catalog.State) string { return fmt.Sprintf("%s (%s)", st.Name, st.GSTCode) }

// masked is the buyer as shown back: PAN to its last four characters.
func (b *Buyer) masked() *Buyer {
	if b == nil {
		return nil
	}
	c := *b
	c.PAN = gst.MaskPAN(c.PAN)
	return &c
}
