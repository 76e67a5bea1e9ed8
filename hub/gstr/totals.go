package gstr

import (
	"ektamall/shared/money"
)

// Heads are tax totals: taxable value and each head (SGST includes UTGST,
// as the return's samt does).
type Heads struct {
	Txval money.Amount `json:"txval"`
	IGST  money.Amount `json:"igst"`
	CGST  money.Amount `json:"cgst"`
	SGST  money.Amount `json:"sgst"`
	Cess  money.Amount `json:"cess"`
}

type heads struct{ txval, i, c, s, ces int64 }

func (h *heads) addTax(t Tax, sign int64) {
	h.txval += sign * int64(t.Txval)
	h.ces += sign * int64(t.Csamt)
	if t.Iamt != nil {
		h.i += sign * int64(*t.Iamt)
	}
	if t.Camt != nil {
		h.c += sign * int64(*t.Camt)
	}
	if t.Samt != nil {
		h.s += sign * int64(*t.Samt)
	}
}

func (h heads) out() Heads {
	return Heads{Txval: money.FromPaise(h.txval), IGST: money.FromPaise(h.i), CGST: money.FromPaise(h.c), SGST: money.FromPaise(h.s),
		Cess: money.FromPaise(h.ces)}
}

// SectionTotal is one section's documents (or rows) and heads.
type SectionTotal struct {
	Count int64 `json:"count"`
	Heads
}

// Summary is a return's totals by section and its net liability:
// b2b + b2cl + b2cs − cdnr − cdnur (b2cs is already net of its credit
// notes). Amendments restate earlier periods and are not in it.
type Summary struct {
	Sections  map[string]SectionTotal `json:"sections"`
	Liability Heads                   `json:"liability"`
	Documents int64                   `json:"documents"` // issued, cancelled included (Table 13)
	Cancelled int64                   `json:"cancelled"`
}

// Summarize totals a built return.
func Summarize(r Return) Summary {
	sec := map[string]*heads{}
	count := map[string]int64{}
	var net heads
	add := func(name string, itms []Item, sign int64) {
		if sec[name] == nil {
			sec[name] = &heads{}
		}
		count[name]++
		for _, it := range itms {
			sec[name].addTax(it.ItmDet.Tax, 1)
			net.addTax(it.ItmDet.Tax, sign)
		}
	}
	for _, name := range []string{"b2b", "b2cl", "b2cs", "cdnr", "cdnur"} {
		sec[name] = &heads{}
	}
	for _, p := range r.B2B {
		for _, inv := range p.Inv {
			add("b2b", inv.Itms, 1)
		}
	}
	for _, p := range r.B2CL {
		for _, inv := range p.Inv {
			add("b2cl", inv.Itms, 1)
		}
	}
	for _, row := range r.B2CS {
		add("b2cs", []Item{{ItmDet: ItmDet{Rt: row.Rt, Tax: row.Tax}}}, 1)
	}
	for _, p := range r.CDNR {
		for _, n := range p.Nt {
			add("cdnr", n.Itms, -1)
		}
	}
	for _, n := range r.CDNUR {
		add("cdnur", n.Itms, -1)
	}
	s := Summary{Sections: map[string]SectionTotal{}, Liability: net.out()}
	for name, h := range sec {
		s.Sections[name] = SectionTotal{Count: count[name], Heads: h.out()}
	}
	for _, d := range r.DocIssue.DocDet {
		for _, rg := range d.Docs {
			s.Documents += rg.TotNum
			s.Cancelled += rg.Cancel
		}
	}
	return s
}
