package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"ektamall/cmd/ektamall/internal/demoseed"
	"ektamall/cmd/ektamall/internal/e2e"
	"ektamall/shared/gst"
	"ektamall/shared/invoice"
	"ektamall/shared/money"
	"ektamall/shared/sqlitedb"
)

// TestGSTR1OverDemoHistory writes a month of demo history (B2B sales,
// parcels to other States, returns, voids, LKO1's transfer to BLR1 in
// Karnataka on a tax invoice and to VNS1, the third Uttar Pradesh mall,
// on a delivery challan) and, for each mall and each month of it, fetches the GSTR-1
// from the hub over HTTP, validates every section's required fields and
// formats, and compares its totals with a recomputation from the mall's
// own invoices and credit notes in the mall's SQLite, to the paisa. The
// hub's check against its tax accounts must agree too.
func TestGSTR1OverDemoHistory(t *testing.T) {
	now := time.Now()
	d := startHistoryDemo(t, filepath.Join(t.TempDir(), "gst"), demoseed.Options{Seed: 11, Days: 31, SalesPerDay: 8, Now: now})
	defer d.Close()
	tok := e2e.Login(t, d.hub.URL, "finance", userPass(t, d, "finance"))
	sections := map[string]int{}
	for i, m := range d.malls {
		id, state := demoMalls[i].ID, demoMalls[i].State
		for p := now.AddDate(0, 0, -32).In(invoice.IST); !p.After(now.In(invoice.IST).AddDate(0, 1, 0)); p = p.AddDate(0, 1, 0) {
			period := p.Format("2006-01")
			if p.After(now) && p.Format("2006-01") != now.In(invoice.IST).Format("2006-01") {
				break
			}
			var raw json.RawMessage
			if code := e2e.Call(t, "GET", d.hub.URL+"/api/v1/gst/gstr1?mall="+id+"&period="+period, tok, nil, &raw); code != 200 {
				t.Fatalf("%s %s: GSTR-1 status %d", id, period, code)
			}
			ret := decodeReturn(t, raw)
			if problems := validateReturn(ret); len(problems) > 0 {
				t.Errorf("%s %s: the return breaks the portal's rules:\n%v", id, period, problems)
			}
			got := returnTotals(t, ret)
			want := mallOwnGSTR1(t, m.DB, state, p)
			if n := want["transfers.tax_invoices"]; n > 0 {
				sections["transfers.tax_invoices"] += int(n)
				delete(want, "transfers.tax_invoices")
			}
			for k, w := range want {
				if got[k] != w {
					t.Errorf("%s %s: %s = %d in the GSTR-1, %d from the mall's own documents", id, period, k, got[k], w)
				}
			}
			for k, g := range got {
				if _, ok := want[k]; !ok && g != 0 {
					t.Errorf("%s %s: %s = %d in the GSTR-1, nothing from the mall", id, period, k, g)
				}
				if g != 0 {
					sections[k]++
				}
			}
			var chk struct {
				OK   bool     `json:"ok"`
				Diff []string `json:"differences"`
			}
			e2e.Call(t, "GET", d.hub.URL+"/api/v1/gst/gstr1/check?mall="+id+"&period="+period, tok, nil, &chk)
			if !chk.OK {
				t.Errorf("%s %s: GSTR-1 against the hub's tax accounts: %v", id, period, chk.Diff)
			}
		}
	}
	// Both of LKO1's transfers arrived: the challan's in full at VNS1,
	// which the hub lists as a registered mall of Uttar Pradesh.
	var kinds []string
	rows, err := d.malls[0].DB.R.Query(`SELECT d.kind || ' to ' || t.to_mall || ': ' || t.status FROM transfers t
		JOIN transfer_documents d ON d.transfer_id = t.id ORDER BY d.kind`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var k string
		rows.Scan(&k)
		kinds = append(kinds, k)
	}
	rows.Close()
	if fmt.Sprint(kinds) != "[delivery_challan to VNS1: received tax_invoice to BLR1: received]" {
		t.Errorf("LKO1's transfers: %v", kinds)
	}
	// The tax invoice's goods were worth over ₹50,000: they left with an
	// e-way bill, which finance sees at the hub.
	var docs []struct {
		Kind     string `json:"kind"`
		EWayBill *struct {
			Number string `json:"number"`
		} `json:"eway_bill"`
	}
	e2e.Call(t, "GET", d.hub.URL+"/api/v1/gst/transfers?mall=LKO1", tok, nil, &docs)
	ewb := map[string]bool{}
	for _, x := range docs {
		ewb[x.Kind] = x.EWayBill != nil && len(x.EWayBill.Number) == 12
	}
	if len(docs) != 2 || !ewb["tax_invoice"] {
		t.Errorf("LKO1's transfer documents at the hub: %d, e-way bills %v; want the tax invoice's", len(docs), ewb)
	}
	var vnsState string
	d.hub.Store.Reader().QueryRowContext(context.Background(), `SELECT state FROM malls WHERE id = 'VNS1'`).Scan(&vnsState)
	if vnsState != "UP" {
		t.Errorf("VNS1 at the hub: state %q, want UP", vnsState)
	}
	for _, k := range []string{"b2b.count", "b2cs.igst", "b2cs.cgst", "cdnr.count", "docs.cancelled", "docs.notes", "docs.12", "transfers.tax_invoices"} {
		if sections[k] == 0 {
			t.Errorf("the history never produced %s: the test proves less than it says", k)
		}
	}
}

func userPass(t *testing.T, d *demo, name string) string {
	t.Helper()
	for _, u := range d.info.Users {
		if u.Username == name {
			return u.Password
		}
	}
	t.Fatalf("no demo user %s", name)
	return ""
}

// decodeReturn reads the JSON as plain maps, numbers kept exact.
func decodeReturn(t *testing.T, raw []byte) map[string]any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var r map[string]any
	if err := dec.Decode(&r); err != nil {
		t.Fatal(err)
	}
	return r
}

func objs(v any) []map[string]any {
	var out []map[string]any
	list, _ := v.([]any)
	for _, x := range list {
		if m, ok := x.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

// paiseOf reads a money field (a number with at most two decimals) as paise; -1 when absent.
func paiseOf(m map[string]any, k string) int64 {
	n, ok := m[k].(json.Number)
	if !ok {
		return -1
	}
	a, err := money.Parse(n.String())
	if err != nil {
		return -1
	}
	return a.Paise()
}

var (
	dateRE = regexp.MustCompile(`^\d{2}-\d{2}-\d{4}$`)
	posRE  = regexp.MustCompile(`^\d{2}$`)
	numRE  = regexp.MustCompile(`^[A-Z0-9][A-Z0-9/-]{0,15}$`)
	fpRE   = regexp.MustCompile(`^(0[1-9]|1[0-2])\d{4}$`)
)

// validateReturn checks each section's required fields and formats, as
// the offline tool's schema asks (research/gst_compliance.md §5).
func validateReturn(r map[string]any) []string {
	var bad []string
	req := func(where string, m map[string]any, keys ...string) {
		for _, k := range keys {
			if _, ok := m[k]; !ok {
				bad = append(bad, where+": no "+k)
			}
		}
	}
	str := func(m map[string]any, k string) string { s, _ := m[k].(string); return s }
	check := func(where string, ok bool, what string) {
		if !ok {
			bad = append(bad, where+": "+what)
		}
	}
	if err := gst.ValidGSTIN(str(r, "gstin")); err != nil {
		bad = append(bad, "gstin: "+err.Error())
	}
	check("fp", fpRE.MatchString(str(r, "fp")), "fp must be MMYYYY")
	req("return", r, "b2b", "b2cl", "b2cs", "cdnr", "cdnur", "hsn", "doc_issue")
	items := func(where string, m map[string]any) {
		its := objs(m["itms"])
		check(where, len(its) > 0, "no items")
		for _, it := range its {
			req(where+" item", it, "num", "itm_det")
			det, _ := it["itm_det"].(map[string]any)
			req(where+" itm_det", det, "rt", "txval", "csamt")
			_, i := det["iamt"]
			_, c := det["camt"]
			check(where, i || c, "no tax head")
		}
	}
	for _, p := range objs(r["b2b"]) {
		check("b2b ctin", gst.ValidGSTIN(str(p, "ctin")) == nil, "bad ctin "+str(p, "ctin"))
		for _, inv := range objs(p["inv"]) {
			req("b2b inv", inv, "inum", "idt", "val", "pos", "rchrg", "inv_typ", "itms")
			check("b2b inv", numRE.MatchString(str(inv, "inum")) && dateRE.MatchString(str(inv, "idt")) && posRE.MatchString(str(inv, "pos")),
				fmt.Sprintf("bad number/date/pos %v", inv))
			items("b2b "+str(inv, "inum"), inv)
		}
	}
	for _, p := range objs(r["b2cl"]) {
		check("b2cl pos", posRE.MatchString(str(p, "pos")), "bad pos")
		for _, inv := range objs(p["inv"]) {
			req("b2cl inv", inv, "inum", "idt", "val", "itms")
			check("b2cl inv", paiseOf(inv, "val") > 100000_00, "an invoice of ₹1 lakh or less in b2cl")
			items("b2cl "+str(inv, "inum"), inv)
		}
	}
	for _, row := range objs(r["b2cs"]) {
		req("b2cs", row, "sply_ty", "typ", "pos", "rt", "txval", "csamt")
		check("b2cs", posRE.MatchString(str(row, "pos")) && (str(row, "sply_ty") == "INTRA" || str(row, "sply_ty") == "INTER"), fmt.Sprint(row))
	}
	for _, p := range objs(r["cdnr"]) {
		check("cdnr ctin", gst.ValidGSTIN(str(p, "ctin")) == nil, "bad ctin")
		for _, n := range objs(p["nt"]) {
			req("cdnr nt", n, "ntty", "nt_num", "nt_dt", "val", "pos", "rchrg", "inv_typ", "itms")
			check("cdnr nt", numRE.MatchString(str(n, "nt_num")) && dateRE.MatchString(str(n, "nt_dt")), fmt.Sprint(n))
			items("cdnr "+str(n, "nt_num"), n)
		}
	}
	for _, n := range objs(r["cdnur"]) {
		req("cdnur", n, "typ", "ntty", "nt_num", "nt_dt", "val", "pos", "itms")
		items("cdnur "+str(n, "nt_num"), n)
	}
	hsn, _ := r["hsn"].(map[string]any)
	req("hsn", hsn, "hsn_b2b", "hsn_b2c")
	for _, k := range []string{"hsn_b2b", "hsn_b2c"} {
		for _, row := range objs(hsn[k]) {
			req(k, row, "num", "hsn_sc", "desc", "uqc", "qty", "rt", "txval", "iamt", "camt", "samt", "csamt")
			check(k, gst.ValidHSN(str(row, "hsn_sc")) == nil, "bad HSN "+str(row, "hsn_sc"))
		}
	}
	di, _ := r["doc_issue"].(map[string]any)
	for _, det := range objs(di["doc_det"]) {
		req("doc_det", det, "doc_num", "docs")
		for _, dr := range objs(det["docs"]) {
			req("docs", dr, "num", "from", "to", "totnum", "cancel", "net_issue")
			t, c, n := paiseOf(dr, "totnum"), paiseOf(dr, "cancel"), paiseOf(dr, "net_issue")
			check("docs", n == t-c && str(dr, "from") <= str(dr, "to"), fmt.Sprint(dr))
		}
	}
	return bad
}

// returnTotals adds up the return's sections: counts and heads in paise.
func returnTotals(t *testing.T, r map[string]any) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	addDet := func(sec string, det map[string]any) {
		for _, h := range [][2]string{{"txval", "txval"}, {"iamt", "igst"}, {"camt", "cgst"}, {"samt", "sgst"}} {
			if v := paiseOf(det, h[0]); v != -1 {
				out[sec+"."+h[1]] += v
			}
		}
	}
	docItems := func(sec string, doc map[string]any) {
		out[sec+".count"]++
		for _, it := range objs(doc["itms"]) {
			det, _ := it["itm_det"].(map[string]any)
			addDet(sec, det)
		}
	}
	for _, p := range objs(r["b2b"]) {
		for _, inv := range objs(p["inv"]) {
			docItems("b2b", inv)
		}
	}
	for _, p := range objs(r["b2cl"]) {
		for _, inv := range objs(p["inv"]) {
			docItems("b2cl", inv)
		}
	}
	for _, row := range objs(r["b2cs"]) {
		addDet("b2cs", row)
	}
	for _, p := range objs(r["cdnr"]) {
		for _, n := range objs(p["nt"]) {
			docItems("cdnr", n)
		}
	}
	for _, n := range objs(r["cdnur"]) {
		docItems("cdnur", n)
	}
	di, _ := r["doc_issue"].(map[string]any)
	for _, det := range objs(di["doc_det"]) {
		num := paiseOf(det, "doc_num") / 100
		for _, dr := range objs(det["docs"]) {
			switch num {
			case 1:
				out["docs.invoices"] += paiseOf(dr, "totnum") / 100
				out["docs.cancelled"] += paiseOf(dr, "cancel") / 100
			case 5:
				out["docs.notes"] += paiseOf(dr, "totnum") / 100
			default:
				out[fmt.Sprintf("docs.%d", num)] += paiseOf(dr, "totnum") / 100
			}
		}
	}
	return out
}

// mallOwnGSTR1 recomputes what a return must hold from the mall's own
// invoices and credit notes, with none of the hub's code: B2B invoices;
// inter-State invoices to unregistered buyers over ₹1 lakh (b2cl); the
// other B2C invoices less their credit notes (b2cs); credit notes to
// registered buyers (cdnr) and against b2cl invoices (cdnur); documents
// issued and cancelled.
func mallOwnGSTR1(t *testing.T, db *sqlitedb.DB, mallState string, month time.Time) map[string]int64 {
	t.Helper()
	inMonth := func(at string) bool {
		tm, err := time.Parse(time.RFC3339Nano, at)
		if err != nil {
			t.Fatalf("mall time %q: %v", at, err)
		}
		return tm.In(invoice.IST).Format("2006-01") == month.Format("2006-01")
	}
	type inv struct {
		b2b, cancelled, large bool
		inter                 bool
	}
	sales := map[string]inv{}
	out := map[string]int64{}
	rows, err := db.R.Query(`SELECT id, at, status, b2b, pos_state, total_paise + round_off_paise FROM sales`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id, at, status, pos string
		var b2b int
		var val int64
		rows.Scan(&id, &at, &status, &b2b, &pos, &val)
		s := inv{b2b: b2b == 1, cancelled: status == "cancelled", inter: pos != "" && pos != mallState}
		s.large = !s.b2b && s.inter && val > 100000_00
		sales[id] = s
		if inMonth(at) {
			out["docs.invoices"]++
			if s.cancelled {
				out["docs.cancelled"]++
			}
		}
	}
	rows.Close()
	sec := func(s inv, note bool) string {
		switch {
		case s.b2b && note:
			return "cdnr"
		case s.b2b:
			return "b2b"
		case s.large && note:
			return "cdnur"
		case s.large:
			return "b2cl"
		}
		return "b2cs"
	}
	add := func(k string, sign, txval, i, c, s int64) {
		out[k+".txval"] += sign * txval
		out[k+".igst"] += sign * i
		out[k+".cgst"] += sign * c
		out[k+".sgst"] += sign * s
	}
	rows, err = db.R.Query(`SELECT s.id, s.at, l.taxable_paise, l.igst_paise, l.cgst_paise, l.sgst_paise FROM sale_lines l JOIN sales s ON s.id = l.sale_id`)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for rows.Next() {
		var id, at string
		var txval, i, c, s int64
		rows.Scan(&id, &at, &txval, &i, &c, &s)
		sale := sales[id]
		if !inMonth(at) || sale.cancelled {
			continue
		}
		k := sec(sale, false)
		if !seen[id] && k != "b2cs" {
			out[k+".count"]++
		}
		seen[id] = true
		add(k, 1, txval, i, c, s)
	}
	rows.Close()
	rows, err = db.R.Query(`SELECT r.id, r.sale_id, r.at, l.taxable_paise, l.igst_paise, l.cgst_paise, l.sgst_paise
		FROM return_lines l JOIN returns r ON r.id = l.return_id`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id, sale, at string
		var txval, i, c, s int64
		rows.Scan(&id, &sale, &at, &txval, &i, &c, &s)
		if !inMonth(at) {
			continue
		}
		k := sec(sales[sale], true)
		if !seen[id] {
			out["docs.notes"]++
			if k != "b2cs" {
				out[k+".count"]++
			}
		}
		seen[id] = true
		add(k, -1, txval, i, c, s)
	}
	rows.Close()
	// Transfers to another State's mall are tax invoices to its GSTIN
	// (b2b); within a State, delivery challans (documents issued only).
	rows, err = db.R.Query(`SELECT kind, at, taxable_paise, igst_paise FROM transfer_documents WHERE dispatched_at IS NOT NULL`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var kind, at string
		var txval, i int64
		rows.Scan(&kind, &at, &txval, &i)
		if !inMonth(at) {
			continue
		}
		if kind == "delivery_challan" {
			out["docs.12"]++
			continue
		}
		out["docs.invoices"]++
		out["b2b.count"]++
		out["b2b.txval"] += txval
		out["b2b.igst"] += i
		out["transfers.tax_invoices"]++
	}
	rows.Close()
	// Notes are subtracted where the return nets them (b2cs); cdnr and
	// cdnur list them with positive values.
	for _, k := range []string{"cdnr", "cdnur"} {
		for _, h := range []string{"txval", "igst", "cgst", "sgst"} {
			if v, ok := out[k+"."+h]; ok {
				out[k+"."+h] = -v
			}
		}
	}
	for k, v := range out {
		if v == 0 {
			delete(out, k)
		}
	}
	return out
}
