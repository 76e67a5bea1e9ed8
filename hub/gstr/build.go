package gstr

import (
	"sort"
	"time"

	"ektamall/shared/invoice"
)

// Offline tool version and hash the files carry (third-party generators
// write these; VERIFY against the current tool, research §5.2).
const (
	toolVersion = "GST3.2.1"
	toolHash    = "hash"
)

func date(t time.Time) string { return t.In(invoice.IST).Format("02-01-2006") }

func amt(p int64) *Amt { a := Amt(p); return &a }

// sums adds lines into a Tax, with the heads the supply carries.
type sums struct{ txval, i, c, s, ces int64 }

func (x *sums) add(l line, sign int64) {
	x.txval += sign * l.Txval
	x.i += sign * l.I
	x.c += sign * l.C
	x.s += sign * l.S
	x.ces += sign * l.Ces
}

func (x sums) tax(inter bool) Tax {
	t := Tax{Txval: Amt(x.txval), Csamt: Amt(x.ces)}
	if inter || x.i != 0 {
		t.Iamt = amt(x.i)
	}
	if !inter || x.c != 0 || x.s != 0 {
		t.Camt, t.Samt = amt(x.c), amt(x.s)
	}
	return t
}

// items is a document's lines by rate, lowest first, numbered from 1.
func items(d *doc) []Item {
	by := map[int64]*sums{}
	for _, l := range d.Lines {
		if by[l.RateBP] == nil {
			by[l.RateBP] = &sums{}
		}
		by[l.RateBP].add(l, 1)
	}
	rates := make([]int64, 0, len(by))
	for r := range by {
		rates = append(rates, r)
	}
	sort.Slice(rates, func(i, j int) bool { return rates[i] < rates[j] })
	out := make([]Item, len(rates))
	for i, r := range rates {
		out[i] = Item{Num: i + 1, ItmDet: ItmDet{Rt: Rate(r), Tax: by[r].tax(d.Inter)}}
	}
	return out
}

// section is where a document goes in the return.
func section(d *doc) string {
	switch {
	case d.Kind == "inv" && d.B2B:
		return "b2b"
	case d.Kind == "inv" && d.Inter && d.Value > b2clLimit(d.At):
		return "b2cl"
	case d.Kind == "inv":
		return "b2cs"
	case d.B2B:
		return "cdnr"
	case d.OrigLarge:
		return "cdnur"
	}
	return "b2cs" // a credit note against a small B2C invoice nets into b2cs
}

func splyTy(inter bool) string {
	if inter {
		return "INTER"
	}
	return "INTRA"
}

type b2csKey struct {
	inter bool
	pos   string
	rate  int64
}

// build makes the regular sections of period p from its documents as
// they stood at asOf.
func build(m Mall, p Period, docs []*doc, asOf time.Time) Return {
	r := Return{GSTIN: m.GSTIN, FP: p.FP(), Version: toolVersion, Hash: toolHash, B2B: []B2BParty{}, B2CL: []B2CLPlace{},
		B2CS: []B2CSRow{}, CDNR: []CDNRParty{}, CDNUR: []CDNURNote{}, HSN: HSN{B2B: []HSNRow{}, B2C: []HSNRow{}}, names: map[string]string{}}
	b2b := map[string]*B2BParty{}
	b2cl := map[string]*B2CLPlace{}
	cdnr := map[string]*CDNRParty{}
	b2cs := map[b2csKey]*sums{}
	hsn := newHSNTable()
	var live []*doc
	for _, d := range docs {
		exists, cancelled := d.asOf(asOf)
		if !exists {
			continue
		}
		live = append(live, d)
		if d.CTIN != "" && d.Name != "" {
			r.names[d.CTIN] = d.Name
		}
		if cancelled || d.Kind == "dc" {
			continue
		}
		sign := int64(1)
		if d.Kind == "cn" {
			sign = -1
		}
		hsn.add(d, sign)
		switch section(d) {
		case "b2b":
			pt := b2b[d.CTIN]
			if pt == nil {
				pt = &B2BParty{CTIN: d.CTIN}
				b2b[d.CTIN] = pt
			}
			pt.Inv = append(pt.Inv, b2bInv(d))
		case "b2cl":
			pl := b2cl[d.POS]
			if pl == nil {
				pl = &B2CLPlace{Pos: gstCode(d.POS)}
				b2cl[d.POS] = pl
			}
			pl.Inv = append(pl.Inv, B2CLInv{Inum: d.No, Idt: date(d.At), Val: Amt(d.Value), Itms: items(d)})
		case "cdnr":
			pt := cdnr[d.CTIN]
			if pt == nil {
				pt = &CDNRParty{CTIN: d.CTIN}
				cdnr[d.CTIN] = pt
			}
			pt.Nt = append(pt.Nt, cdnrNote(d))
		case "cdnur":
			r.CDNUR = append(r.CDNUR, cdnurNote(d))
		default:
			for _, l := range d.Lines {
				k := b2csKey{d.Inter, d.POS, l.RateBP}
				if b2cs[k] == nil {
					b2cs[k] = &sums{}
				}
				b2cs[k].add(l, sign)
			}
		}
	}
	for _, k := range sortedKeys(b2b) {
		r.B2B = append(r.B2B, *b2b[k])
	}
	for _, k := range sortedKeys(b2cl) {
		r.B2CL = append(r.B2CL, *b2cl[k])
	}
	for _, k := range sortedKeys(cdnr) {
		r.CDNR = append(r.CDNR, *cdnr[k])
	}
	r.B2CS = b2csRows(b2cs)
	r.HSN = hsn.rows()
	r.DocIssue = docIssue(live, asOf)
	return r
}

func b2bInv(d *doc) B2BInv {
	return B2BInv{Inum: d.No, Idt: date(d.At), Val: Amt(d.Value), Pos: gstCode(d.POS), Rchrg: "N", InvTyp: "R", Itms: items(d)}
}

func cdnrNote(d *doc) CDNRNote {
	return CDNRNote{Ntty: "C", NtNum: d.No, NtDt: date(d.At), Val: Amt(d.Value), Pos: gstCode(d.POS), Rchrg: "N", InvTyp: "R", Itms: items(d)}
}

func cdnurNote(d *doc) CDNURNote {
	return CDNURNote{Typ: "B2CL", Ntty: "C", NtNum: d.No, NtDt: date(d.At), Val: Amt(d.Value), Pos: gstCode(d.POS), Itms: items(d)}
}

func b2csRows(m map[b2csKey]*sums) []B2CSRow {
	keys := make([]b2csKey, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if a.inter != b.inter {
			return !a.inter
		}
		if a.pos != b.pos {
			return gstCode(a.pos) < gstCode(b.pos)
		}
		return a.rate < b.rate
	})
	out := []B2CSRow{}
	for _, k := range keys {
		out = append(out, B2CSRow{SplyTy: splyTy(k.inter), Typ: "OE", Pos: gstCode(k.pos), Rt: Rate(k.rate), Tax: m[k].tax(k.inter)})
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// hsnTable sums Table 12 by B2B/B2C, HSN and rate (one unit: pieces).
type hsnTable struct {
	by map[bool]map[hsnKey]*HSNRow
}

type hsnKey struct {
	hsn  string
	rate int64
}

func newHSNTable() *hsnTable {
	return &hsnTable{by: map[bool]map[hsnKey]*HSNRow{true: {}, false: {}}}
}

func (h *hsnTable) add(d *doc, sign int64) {
	for _, l := range d.Lines {
		k := hsnKey{l.HSN, l.RateBP}
		row := h.by[d.B2B][k]
		if row == nil {
			row = &HSNRow{HSNSc: l.HSN, Desc: l.Desc, UQC: "NOS", Rt: Rate(l.RateBP)}
			h.by[d.B2B][k] = row
		}
		row.Qty += sign * l.Qty
		row.Txval += Amt(sign * l.Txval)
		row.Iamt += Amt(sign * l.I)
		row.Camt += Amt(sign * l.C)
		row.Samt += Amt(sign * l.S)
		row.Csamt += Amt(sign * l.Ces)
	}
}

func (h *hsnTable) list(b2b bool) []HSNRow {
	keys := make([]hsnKey, 0, len(h.by[b2b]))
	for k := range h.by[b2b] {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].hsn != keys[j].hsn {
			return keys[i].hsn < keys[j].hsn
		}
		return keys[i].rate < keys[j].rate
	})
	out := []HSNRow{}
	for i, k := range keys {
		row := *h.by[b2b][k]
		row.Num = i + 1
		out = append(out, row)
	}
	return out
}

func (h *hsnTable) rows() HSN { return HSN{B2B: h.list(true), B2C: h.list(false)} }

// docIssue is Table 13: per nature of document and series, the first and
// last number, how many were issued and how many were cancelled.
func docIssue(docs []*doc, asOf time.Time) DocIssue {
	type acc struct {
		from, to      string
		total, cancel int64
	}
	kinds := []struct {
		kind string
		num  int
		typ  string
	}{{"inv", 1, "Invoices for outward supply"}, {"cn", 5, "Credit Note"},
		{"dc", 12, "Delivery Challan in cases other than by way of supply"}}
	out := DocIssue{DocDet: []DocDet{}}
	for _, k := range kinds {
		by := map[string]*acc{}
		for _, d := range docs {
			if d.Kind != k.kind {
				continue
			}
			s := series(d.No)
			a := by[s]
			if a == nil {
				a = &acc{from: d.No, to: d.No}
				by[s] = a
			}
			a.from, a.to = min(a.from, d.No), max(a.to, d.No)
			a.total++
			if _, c := d.asOf(asOf); c {
				a.cancel++
			}
		}
		if len(by) == 0 {
			continue
		}
		det := DocDet{DocNum: k.num, DocTyp: k.typ}
		for i, s := range sortedKeys(by) {
			a := by[s]
			det.Docs = append(det.Docs, DocRange{Num: i + 1, From: a.from, To: a.to, TotNum: a.total, Cancel: a.cancel, NetIssue: a.total - a.cancel})
		}
		out.DocDet = append(out.DocDet, det)
	}
	return out
}
