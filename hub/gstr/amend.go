package gstr

import (
	"context"
	"sort"
	"time"
)

// amend adds to r (period p's return as of asOf) what changed since
// their filing in earlier filed periods: documents booked after the
// period was filed (a mall that was offline, a credit note dated in the
// period that arrived late) and cancellations booked after it.
//
// Changes to a filed period q are reported once, in the first period
// after q that was still open when the hub booked them: so q's changes
// land in p when every period between q and p is filed, and only those
// booked after the latest of those filings (and by asOf).
func amend(ctx context.Context, q Queryer, m Mall, p Period, asOf time.Time, fs map[Period]Filing, r *Return) error {
	var filed []Period
	for fp := range fs {
		if fp.Before(p) {
			filed = append(filed, fp)
		}
	}
	sort.Slice(filed, func(i, j int) bool { return filed[i].Before(filed[j]) })
	for _, qp := range filed {
		base, ok := baseline(qp, p, fs)
		if !ok || !base.Before(asOf) {
			continue
		}
		docs, err := loadDocs(ctx, q, m, qp.Start(), qp.End())
		if err != nil {
			return err
		}
		amendPeriod(m, qp, docs, base, asOf, r)
	}
	return nil
}

// baseline is the time up to which q's changes were already reported:
// the latest filing among q and the periods between q and p. ok is false
// when one of those is still open (the changes belong to it).
func baseline(q, p Period, fs map[Period]Filing) (time.Time, bool) {
	var base time.Time
	for x := q; x.Before(p); x = x.Next() {
		f, ok := fs[x]
		if !ok {
			return time.Time{}, false
		}
		if f.At.After(base) {
			base = f.At
		}
	}
	return base, true
}

// changed: the document was booked, or cancelled, in (base, asOf].
func changed(d *doc, base, asOf time.Time) bool {
	in := func(t time.Time) bool { return !t.IsZero() && t.After(base) && !t.After(asOf) }
	return in(d.Ingested) || in(d.CancelledAt)
}

func amendPeriod(m Mall, qp Period, docs []*doc, base, asOf time.Time, r *Return) {
	b2ba := map[string]*B2BParty{}
	b2cla := map[string]*B2CLPlace{}
	cdnra := map[string]*CDNRParty{}
	dirty := map[b2csKey]bool{} // rate unused: a place of supply is restated whole
	for _, d := range docs {
		if !changed(d, base, asOf) || d.Kind == "dc" {
			continue
		}
		_, cancelled := d.asOf(asOf)
		switch section(d) {
		case "b2b":
			inv := b2bInv(d)
			inv.OInum, inv.OIdt = inv.Inum, inv.Idt
			if cancelled {
				zero(&inv.Val, inv.Itms)
			}
			if b2ba[d.CTIN] == nil {
				b2ba[d.CTIN] = &B2BParty{CTIN: d.CTIN}
			}
			b2ba[d.CTIN].Inv = append(b2ba[d.CTIN].Inv, inv)
		case "b2cl":
			inv := B2CLInv{OInum: d.No, OIdt: date(d.At), Inum: d.No, Idt: date(d.At), Val: Amt(d.Value), Itms: items(d)}
			if cancelled {
				zero(&inv.Val, inv.Itms)
			}
			if b2cla[d.POS] == nil {
				b2cla[d.POS] = &B2CLPlace{Pos: gstCode(d.POS)}
			}
			b2cla[d.POS].Inv = append(b2cla[d.POS].Inv, inv)
		case "cdnr":
			n := cdnrNote(d)
			n.ONtNum, n.ONtDt = n.NtNum, n.NtDt
			if cdnra[d.CTIN] == nil {
				cdnra[d.CTIN] = &CDNRParty{CTIN: d.CTIN}
			}
			cdnra[d.CTIN].Nt = append(cdnra[d.CTIN].Nt, n)
		case "cdnur":
			n := cdnurNote(d)
			n.ONtNum, n.ONtDt = n.NtNum, n.NtDt
			r.CDNURA = append(r.CDNURA, n)
		default:
			dirty[b2csKey{inter: d.Inter, pos: d.POS}] = true
		}
	}
	for _, k := range sortedKeys(b2ba) {
		r.B2BA = append(r.B2BA, *b2ba[k])
	}
	for _, k := range sortedKeys(b2cla) {
		r.B2CLA = append(r.B2CLA, *b2cla[k])
	}
	for _, k := range sortedKeys(cdnra) {
		r.CDNRA = append(r.CDNRA, *cdnra[k])
	}
	if len(dirty) == 0 {
		return
	}
	// Table 10 restates the month's figures for each place of supply
	// touched, as they stand now.
	now := build(m, qp, docs, asOf)
	groups := map[b2csKey]*B2CSAGroup{}
	var order []b2csKey
	for _, row := range now.B2CS {
		k := b2csKey{inter: row.SplyTy == "INTER", pos: row.Pos}
		if !dirtyCode(dirty, k) {
			continue
		}
		if groups[k] == nil {
			groups[k] = &B2CSAGroup{Omon: qp.FP(), SplyTy: row.SplyTy, Typ: row.Typ, Pos: row.Pos}
			order = append(order, k)
		}
		groups[k].Itms = append(groups[k].Itms, ItmDet{Rt: row.Rt, Tax: row.Tax})
	}
	for _, k := range order {
		r.B2CSA = append(r.B2CSA, *groups[k])
	}
}

// dirtyCode matches a b2cs row (keyed by GST code) against the dirty
// places (keyed by State).
func dirtyCode(dirty map[b2csKey]bool, k b2csKey) bool {
	for d := range dirty {
		if d.inter == k.inter && gstCode(d.pos) == k.pos {
			return true
		}
	}
	return false
}

// zero restates a cancelled document at nil value.
func zero(val *Amt, itms []Item) {
	*val = 0
	for i := range itms {
		t := &itms[i].ItmDet.Tax
		t.Txval, t.Csamt = 0, 0
		for _, h := range []*Amt{t.Iamt, t.Camt, t.Samt} {
			if h != nil {
				*h = 0
			}
		}
	}
}
