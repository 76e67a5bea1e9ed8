package gstr_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"testing"
	"time"

	"ektamall/hub"
	"ektamall/hub/gstr"
	"ektamall/hub/ledger"
	"ektamall/hub/ledger/ledgertest"
	"ektamall/shared/catalog"
	"ektamall/shared/events"
	"ektamall/shared/gst"
	"ektamall/shared/invoice"
	"ektamall/shared/money"
	"ektamall/shared/sqldb/pgtest"
)

const mallGSTIN = "09AAACE1234F1Z5"

// TestMain runs these tests on SQLite, and on PostgreSQL too when
// EKTAMALL_TEST_PG asks for it.
func TestMain(m *testing.M) { pgtest.Main(m) }

// clock is the hub's booking clock and the service's now, moved by hand.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

type fixture struct {
	ctx  context.Context
	db   hub.Store
	a    *ledger.Applier
	clk  *clock
	svc  *gstr.Service
	mall *ledgertest.Mall
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	db := ledgertest.Open(t)
	gstin := mallGSTIN[:14] + string(gst.GSTINCheckChar(mallGSTIN[:14]))
	if _, err := db.Writer().ExecContext(context.Background(), `UPDATE malls SET gstin = ?, address = 'Awadh Shilpgram, Lucknow', pincode = '226010' WHERE id = 'LKO1'`, gstin); err != nil {
		t.Fatal(err)
	}
	clk := &clock{t: time.Date(2026, 11, 30, 23, 0, 0, 0, invoice.IST)}
	return &fixture{ctx: context.Background(), db: db, a: ledger.NewApplier(clk.now), clk: clk,
		svc: &gstr.Service{DB: db, Now: clk.now}, mall: ledgertest.NewMall("LKO1")}
}

func (f *fixture) apply(t *testing.T, typ string, at time.Time, p any) {
	t.Helper()
	if err := ledgertest.Apply(f.ctx, f.db, f.a, f.mall.Envelope(typ, at, p)); err != nil {
		t.Fatalf("apply %s: %v", typ, err)
	}
}

// interState turns a sale's tax into IGST, delivered to state.
func interState(s *events.Sale, state string) {
	for i := range s.Lines {
		l := &s.Lines[i]
		l.IGST, l.CGST, l.SGST = l.CGST.Add(l.SGST), money.Zero, money.Zero
	}
	s.POSState, s.ShipTo = state, state
}

func (f *fixture) sale(t *testing.T, at time.Time, p catalog.Product, qty int64, edit func(*events.Sale)) events.Sale {
	t.Helper()
	s := f.mall.Sale("SH1", at, []ledgertest.Item{{Product: p, Qty: qty}}, nil)
	if edit != nil {
		edit(&s)
		s.Tenders[0].Amount = s.Total
	}
	f.apply(t, events.SaleCompleted, at, s)
	return s
}

func (f *fixture) ret(t *testing.T, at time.Time, s events.Sale, qty int64) events.Return {
	t.Helper()
	inter := s.Lines[0].IGST.IsPositive()
	if inter { // ledgertest returns CGST and SGST: split the IGST to compute, then join it back
		s.Lines = append([]events.SaleLine(nil), s.Lines...)
		for i := range s.Lines {
			l := &s.Lines[i]
			l.CGST = money.FromPaise(l.IGST.Paise() / 2)
			l.SGST = l.IGST.Sub(l.CGST)
		}
	}
	r := f.mall.Return(s, ledgertest.ReturnState{}, map[int]int64{1: qty}, "upi", at)
	if inter {
		for i := range r.Lines {
			l := &r.Lines[i]
			l.IGST, l.CGST, l.SGST = l.CGST.Add(l.SGST), money.Zero, money.Zero
		}
	}
	f.apply(t, events.ReturnCompleted, at, r)
	return r
}

func buyer(s *events.Sale) {
	s.B2B, s.EInvoice = true, "pending"
	s.Buyer = &events.Buyer{GSTIN: "27AAPFU0939F1ZV", Name: "Unique Traders LLP", Address: "Pune", State: "MH"}
}

// TestGSTR1Sections books a month of one mall's documents of every kind
// and checks where each lands, that the liability equals the ledger's tax
// accounts and the test's own sums, and that the CSVs carry the sections.
func TestGSTR1Sections(t *testing.T) {
	f := newFixture(t)
	ps := ledgertest.Products(t, 20)
	p := ps[3]
	day := func(d int) time.Time { return time.Date(2026, 11, d, 11, 0, 0, 0, invoice.IST) }
	b2b := f.sale(t, day(2), p, 3, buyer)
	small := f.sale(t, day(3), p, 2, nil)
	bigQty := 100000_00/p.MRP.Paise() + 1 // over ₹1 lakh
	large := f.sale(t, day(4), p, bigQty, func(s *events.Sale) { interState(s, "KA") })
	f.sale(t, day(5), p, 1, func(s *events.Sale) { interState(s, "KA") })
	voided := f.sale(t, day(6), p, 1, nil)
	f.apply(t, events.SaleVoided, day(6), events.Void{SaleID: voided.SaleID, InvoiceNo: voided.InvoiceNo, By: "admin", Reason: "wrong item", At: day(6)})
	f.ret(t, day(7), b2b, 1)
	f.ret(t, day(8), small, 2)
	f.ret(t, day(9), large, 1)
	// December's sale is not November's.
	f.sale(t, time.Date(2026, 12, 1, 0, 30, 0, 0, invoice.IST), p, 1, nil)

	nov := gstr.Period{Year: 2026, Month: time.November}
	f.clk.t = time.Date(2026, 12, 2, 10, 0, 0, 0, invoice.IST)
	r, info, err := f.svc.GSTR1(f.ctx, "LKO1", nov)
	if err != nil {
		t.Fatal(err)
	}
	if info.FiledAt != nil || r.FP != "112026" || r.GSTIN == "" {
		t.Fatalf("return header: %+v %q %q", info, r.FP, r.GSTIN)
	}
	if len(r.B2B) != 1 || r.B2B[0].CTIN != "27AAPFU0939F1ZV" || len(r.B2B[0].Inv) != 1 || r.B2B[0].Inv[0].Inum != b2b.InvoiceNo {
		t.Errorf("b2b: %+v", r.B2B)
	}
	if inv := r.B2B[0].Inv[0]; inv.Pos != "09" || inv.Itms[0].ItmDet.Camt == nil || inv.Itms[0].ItmDet.Iamt != nil || inv.Idt != "02-11-2026" {
		t.Errorf("b2b invoice: pos %s, date %s, heads %+v", inv.Pos, inv.Idt, inv.Itms[0].ItmDet)
	}
	if len(r.B2CL) != 1 || r.B2CL[0].Pos != "29" || r.B2CL[0].Inv[0].Inum != large.InvoiceNo {
		t.Errorf("b2cl: %+v", r.B2CL)
	}
	if len(r.CDNR) != 1 || len(r.CDNR[0].Nt) != 1 || len(r.CDNUR) != 1 || r.CDNUR[0].Typ != "B2CL" {
		t.Errorf("cdnr %+v, cdnur %+v", r.CDNR, r.CDNUR)
	}
	var types []string
	for _, row := range r.B2CS {
		types = append(types, row.SplyTy+"/"+row.Pos)
	}
	if len(r.B2CS) != 2 || types[0] != "INTRA/09" || types[1] != "INTER/29" {
		t.Errorf("b2cs rows %v, want INTRA/09 (the small sale netted with its return) and INTER/29", types)
	}
	if len(r.HSN.B2B) != 1 || len(r.HSN.B2C) != 1 || r.HSN.B2B[0].Qty != 2 {
		t.Errorf("hsn: %+v", r.HSN)
	}
	var inv, cn gstr.DocRange
	for _, d := range r.DocIssue.DocDet {
		switch d.DocNum {
		case 1:
			inv = d.Docs[0]
		case 5:
			cn = d.Docs[0]
		}
	}
	if inv.TotNum != 5 || inv.Cancel != 1 || inv.NetIssue != 4 || cn.TotNum != 3 {
		t.Errorf("doc_issue: invoices %+v, credit notes %+v", inv, cn)
	}

	// The test's own sums over what it booked in November.
	want := map[string]int64{}
	sumHeads(t, f.db, want)
	c, err := f.svc.Check(f.ctx, "LKO1", nov)
	if err != nil {
		t.Fatal(err)
	}
	if !c.OK {
		t.Fatalf("check: %+v", c.Diff)
	}
	got := gstr.Summarize(r).Liability
	if got.IGST.Paise() != want["igst"] || got.CGST.Paise() != want["cgst"] || got.SGST.Paise() != want["sgst"] || want["igst"] == 0 {
		t.Errorf("liability %+v, want %v", got, want)
	}

	var buf bytes.Buffer
	if err := gstr.WriteZip(&buf, "x_", gstr.Tables(r)); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][][]string{}
	for _, zf := range zr.File {
		rc, _ := zf.Open()
		recs, err := csv.NewReader(rc).ReadAll()
		rc.Close()
		if err != nil {
			t.Fatalf("%s: %v", zf.Name, err)
		}
		files[zf.Name] = recs
	}
	if b := files["x_b2b.csv"]; len(b) != 2 || b[1][0] != "27AAPFU0939F1ZV" || b[1][5] != "09-Uttar Pradesh" || b[1][3] != "02-Nov-2026" {
		t.Errorf("b2b.csv: %v", b)
	}
	if d := files["x_docs.csv"]; len(d) != 3 || d[1][4] != "1" {
		t.Errorf("docs.csv: %v", d)
	}
}

// sumHeads is the test's own count of November's net output tax, read
// from the facts it booked (sales not voided, less credit notes).
func sumHeads(t *testing.T, db hub.Store, want map[string]int64) {
	t.Helper()
	var i, c, s, ri, rc, rs int64
	from, to := ledger.TS(time.Date(2026, 11, 1, 0, 0, 0, 0, invoice.IST)), ledger.TS(time.Date(2026, 12, 1, 0, 0, 0, 0, invoice.IST))
	if err := db.Reader().QueryRowContext(context.Background(), `SELECT COALESCE(SUM(igst),0), COALESCE(SUM(cgst),0), COALESCE(SUM(sgst),0) FROM hub_sale_lines l
		WHERE mall = 'LKO1' AND at >= ? AND at < ? AND NOT EXISTS (SELECT 1 FROM hub_voids v WHERE v.mall = l.mall AND v.sale_id = l.sale_id)`,
		from, to).Scan(&i, &c, &s); err != nil {
		t.Fatal(err)
	}
	if err := db.Reader().QueryRowContext(context.Background(), `SELECT COALESCE(SUM(igst),0), COALESCE(SUM(cgst),0), COALESCE(SUM(sgst),0) FROM hub_return_lines
		WHERE mall = 'LKO1' AND at >= ? AND at < ?`, from, to).Scan(&ri, &rc, &rs); err != nil {
		t.Fatal(err)
	}
	want["igst"], want["cgst"], want["sgst"] = i-ri, c-rc, s-rs
}

// TestGSTR1FiledPeriodAndAmendments files November, then books a late
// B2B invoice and a late credit note dated in November: November's return
// stays as filed, December's carries them in b2ba and b2csa, and
// November's books still check against the ledger.
func TestGSTR1FiledPeriodAndAmendments(t *testing.T) {
	f := newFixture(t)
	p := ledgertest.Products(t, 20)[3]
	nov := gstr.Period{Year: 2026, Month: time.November}
	dec := nov.Next()
	at := time.Date(2026, 11, 20, 12, 0, 0, 0, invoice.IST)
	f.sale(t, at, p, 2, nil)
	inter := f.sale(t, at, p, 2, func(s *events.Sale) { interState(s, "KA") })

	f.clk.t = time.Date(2026, 11, 25, 9, 0, 0, 0, invoice.IST)
	if _, err := f.svc.File(f.ctx, "LKO1", nov, "finance", ""); err == nil {
		t.Error("a month that has not ended was marked filed")
	}
	f.clk.t = time.Date(2026, 12, 3, 9, 0, 0, 0, invoice.IST)
	before, _, err := f.svc.GSTR1(f.ctx, "LKO1", nov)
	if err != nil {
		t.Fatal(err)
	}
	filing, err := f.svc.File(f.ctx, "LKO1", nov, "finance", "AA0912260000001")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.File(f.ctx, "LKO1", nov, "finance", ""); err == nil {
		t.Error("the same period was filed twice")
	}

	f.clk.t = time.Date(2026, 12, 4, 9, 0, 0, 0, invoice.IST) // the mall was offline: these arrive now
	late := f.sale(t, time.Date(2026, 11, 29, 15, 0, 0, 0, invoice.IST), p, 1, buyer)
	f.ret(t, time.Date(2026, 11, 30, 15, 0, 0, 0, invoice.IST), inter, 1)

	after, info, err := f.svc.GSTR1(f.ctx, "LKO1", nov)
	if err != nil {
		t.Fatal(err)
	}
	bj, _ := json.Marshal(before)
	aj, _ := json.Marshal(after)
	if info.FiledAt == nil || !info.FiledAt.Equal(filing.At) || !bytes.Equal(bj, aj) {
		t.Errorf("November changed after it was filed:\n%s\n%s", bj, aj)
	}
	d, _, err := f.svc.GSTR1(f.ctx, "LKO1", dec)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.B2B) != 0 || len(d.B2BA) != 1 || d.B2BA[0].Inv[0].OInum != late.InvoiceNo || d.B2BA[0].Inv[0].Idt != "29-11-2026" {
		t.Errorf("December: b2b %+v, b2ba %+v", d.B2B, d.B2BA)
	}
	if len(d.B2CSA) != 1 || d.B2CSA[0].Omon != "112026" || d.B2CSA[0].Pos != "29" || d.B2CSA[0].SplyTy != "INTER" {
		t.Errorf("December b2csa %+v", d.B2CSA)
	}
	c, err := f.svc.Check(f.ctx, "LKO1", nov)
	if err != nil || !c.OK || c.FiledAt == nil {
		t.Errorf("November's books against the ledger: %+v %v", c.Diff, err)
	}
	if c.Filed.IGST.Equal(c.GSTR1.IGST) {
		t.Errorf("the late credit note did not change the books' IGST (%s) from the filed (%s)", c.GSTR1.IGST, c.Filed.IGST)
	}
	// Once December is filed too, January carries nothing of November.
	f.clk.t = time.Date(2027, 1, 2, 9, 0, 0, 0, invoice.IST)
	if _, err := f.svc.File(f.ctx, "LKO1", dec, "finance", ""); err != nil {
		t.Fatal(err)
	}
	j, _, err := f.svc.GSTR1(f.ctx, "LKO1", dec.Next())
	if err != nil || len(j.B2BA)+len(j.B2CSA) != 0 {
		t.Errorf("January repeats November's amendments: %+v %+v %v", j.B2BA, j.B2CSA, err)
	}
}
