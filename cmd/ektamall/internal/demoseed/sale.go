package demoseed

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"time"

	"ektamall/pos"
	"ektamall/shared/gst"
	"ektamall/shared/money"
)

// saleRequest makes a customer's basket: one to three products the mall
// has, a discount now and then, paid in cash, by UPI, by card or split.
// It takes the units from the seeder's stock; false: nothing to sell.
func (s *mallSeeder) saleRequest(r *rand.Rand, shiftID string) (pos.SaleRequest, bool) {
	n := 1
	switch x := r.IntN(100); {
	case x >= 90:
		n = 3
	case x >= 62:
		n = 2
	}
	req := pos.SaleRequest{ShiftID: shiftID}
	total := money.Zero
	for tries := 0; len(req.Lines) < n && tries < 20; tries++ {
		it := s.items[sort.SearchFloat64s(s.cum, r.Float64()*s.cum[len(s.cum)-1])]
		qty := int64(1)
		if rupees(it.p) < 400 && r.IntN(4) == 0 {
			qty = 2
		}
		if it.avail < qty || slices.ContainsFunc(req.Lines, func(l pos.LineRequest) bool { return l.SKU == it.p.SKU }) {
			continue
		}
		disc := ""
		switch x := r.IntN(100); {
		case x < 3:
			disc = "10%"
		case x < 6:
			disc = "5%"
		case x < 8 && rupees(it.p)*float64(qty) >= 500:
			disc = "50.00"
		}
		d, _ := pos.ParseDiscount(disc)
		line, err := pos.PriceLine(len(req.Lines)+1, it.p, qty, d, pos.TaxContext{UT: s.pos.Mall().UTGST})
		if err != nil {
			continue
		}
		it.avail -= qty
		total = total.Add(line.Amount)
		req.Lines = append(req.Lines, pos.LineRequest{SKU: it.p.SKU, Qty: qty, Discount: disc})
	}
	if len(req.Lines) == 0 {
		return req, false
	}
	// Customers pay the payable amount (rounded as the mall rounds), and a
	// large basket names its buyer (CGST Rule 46(e) from ₹50,000 taxable).
	total, _ = s.pos.RoundOff().Apply(total)
	if total.Paise() >= 40_000_00 {
		req.Buyer = &pos.Buyer{Name: "Demo customer", Address: "Main Road", State: s.pos.Mall().State}
	}
	// Now and then a registered business buys (a B2B tax invoice).
	if bs := businesses[s.state]; len(bs) > 0 && r.IntN(1000) < 15 {
		b := bs[r.IntN(len(bs))]
		req.Buyer = &b
	}
	// One basket in fifty is sent to a customer in another State: the
	// place of supply is there, and the invoice charges IGST. (Counted, not
	// drawn, so the rest of the history stays as it was.)
	if far := farStates[s.state]; far.State != "" && s.sales%50 == 17 {
		d := far
		req.DeliverTo = &d
	}
	req.Tenders = tenders(r, total)
	return req, true
}

// tenders pays total: cash (often a round note or two, with change), UPI,
// card, or cash and UPI together.
func tenders(r *rand.Rand, total money.Amount) []pos.Tender {
	p := total.Paise()
	upiRef := func() string { return fmt.Sprintf("%012d", r.Int64N(1e12)) }
	switch x := r.IntN(100); {
	case x < 42:
		step := int64(10000) // ₹100
		if p > 100000 {
			step = 50000
		}
		paid := p
		if r.IntN(3) > 0 {
			paid = (p + step - 1) / step * step
		}
		return []pos.Tender{{Method: pos.Cash, Amount: money.FromPaise(paid)}}
	case x < 78:
		return []pos.Tender{{Method: pos.UPI, Amount: total, Ref: upiRef()}}
	case x < 95 || p < 40000:
		return []pos.Tender{{Method: pos.Card, Amount: total, Ref: fmt.Sprintf("AUTH%06d", r.IntN(1e6))}}
	}
	cash := p / 2 / 10000 * 10000
	return []pos.Tender{{Method: pos.Cash, Amount: money.FromPaise(cash)}, {Method: pos.UPI, Amount: money.FromPaise(p - cash), Ref: upiRef()}}
}

// businesses are fictional registered buyers near each demo mall: hotels
// and gifting firms buying for their guests and clients.
var businesses = map[string][]pos.Buyer{
	"UP": {
		{GSTIN: demoGSTIN("09", "AAWCH4821K"), Name: "Awadh Heritage Hotels Pvt Ltd", Address: "12 Mall Avenue, Lucknow 226001", State: "UP"},
		{GSTIN: demoGSTIN("09", "AALFL7305M"), Name: "Lucknow Corporate Gifts LLP", Address: "44 Hazratganj, Lucknow 226001", State: "UP"},
	},
	"KA": {
		{GSTIN: demoGSTIN("29", "AAKCK5190P"), Name: "Kaveri Hospitality Ltd", Address: "8 MG Road, Bengaluru 560001", State: "KA"},
		{GSTIN: demoGSTIN("29", "AABFB6634Q"), Name: "Bengaluru Tech Park Gifting LLP", Address: "21 Outer Ring Road, Bengaluru 560103", State: "KA"},
	},
}

// farStates are where each demo mall ships a customer's parcel.
var farStates = map[string]pos.Delivery{
	"UP": {Name: "Customer in Delhi", Address: "14 Janpath, New Delhi", State: "DL", Pincode: "110001"},
	"KA": {Name: "Customer in Chennai", Address: "9 Anna Salai, Chennai", State: "TN", Pincode: "600002"},
}

// demoGSTIN is a well-formed GSTIN (state code, PAN, entity 1, Z, check
// character) of no real registration.
func demoGSTIN(state, pan string) string {
	first14 := state + pan + "1Z"
	return first14 + string(gst.GSTINCheckChar(first14))
}

var returnReasons = []string{"size did not fit", "gift duplicate", "colour not as expected", "changed mind", "defect noticed at home"}

// takeReturn brings back one unit of a line of a sale from the last ten
// days, refunded to how it was paid or in cash; now and then it is
// damaged and goes to the damaged location.
func (s *mallSeeder) takeReturn(ctx context.Context, r *rand.Rand, d int, at time.Time, cashier, shiftID string) error {
	var cands, business []int
	for i, x := range s.sold {
		if x.day < d {
			cands = append(cands, i)
			if x.b2b {
				business = append(business, i)
			}
		}
	}
	if len(cands) == 0 {
		return nil
	}
	i := cands[r.IntN(len(cands))]
	if len(business) > 0 && d%2 == 0 { // businesses send back goods too (a credit note to a GSTIN)
		i = business[r.IntN(len(business))]
	}
	sale := s.sold[i]
	s.sold = slices.Delete(s.sold, i, i+1) // one return per invoice
	l := sale.lines[r.IntN(len(sale.lines))]
	req := pos.ReturnRequest{SaleID: sale.id, ShiftID: shiftID, Lines: []pos.ReturnLineRequest{{SKU: l.SKU, LineNo: l.LineNo, Qty: 1}},
		RefundMethod: pos.RefundOriginal, RestockTo: "backroom", Reason: returnReasons[r.IntN(len(returnReasons))]}
	if r.IntN(3) == 0 {
		req.RefundMethod = pos.Cash
	}
	if r.IntN(8) == 0 {
		req.RestockTo, req.Reason = "damaged", "damaged in use"
	}
	s.clock.Set(at)
	key := fmt.Sprintf("demo-return:%s:%s", s.m.ID, sale.id)
	if _, _, err := s.pos.Return(ctx, s.posActor(cashier), key, req); err != nil {
		return fmt.Errorf("return: %w", err)
	}
	if req.RestockTo == "backroom" {
		s.bySKU[l.SKU].avail++
	}
	return nil
}

// voidSale is the mall admin cancelling an invoice rung in error, a few
// minutes after it was rung.
func (s *mallSeeder) voidSale(ctx context.Context, sale pos.Sale) error {
	s.clock.Set(sale.At.Add(4 * time.Minute))
	if _, err := s.pos.Void(ctx, s.posActor(s.m.Admin), sale.ID, "rung up twice by mistake"); err != nil {
		return fmt.Errorf("void: %w", err)
	}
	for _, l := range sale.Lines {
		s.bySKU[l.SKU].avail += l.Qty
	}
	s.sold = slices.DeleteFunc(s.sold, func(x soldSale) bool { return x.id == sale.ID })
	return nil
}
