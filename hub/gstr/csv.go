package gstr

import (
	"archive/zip"
	"encoding/csv"
	"fmt"
	"io"
	"time"

	"ektamall/shared/catalog"
)

// The section CSVs accountants load into the offline tool, one file per
// section, with the template's column headings (offline tool templates;
// VERIFY against the current tool's version). Dates are dd-Mmm-yyyy and
// places of supply "09-Uttar Pradesh", as the templates write them.

func csvDate(s string) string {
	t, err := time.Parse("02-01-2006", s)
	if err != nil {
		return s
	}
	return t.Format("02-Jan-2006")
}

func posLabel(code string) string {
	if st, ok := catalog.StateByGSTCode(code); ok {
		return code + "-" + st.Name
	}
	return code
}

type Table struct {
	name string
	head []string
	rows [][]string
}

func headsOf(t Tax) (iamt, camt, samt string) {
	f := func(a *Amt) string {
		if a == nil {
			return ""
		}
		return a.String()
	}
	return f(t.Iamt), f(t.Camt), f(t.Samt)
}

// Tables lays a return out as the offline tool's CSV tables.
func Tables(r Return) []Table {
	names := r.names
	b2b := Table{name: "b2b", head: []string{"GSTIN/UIN of Recipient", "Receiver Name", "Invoice Number", "Invoice date", "Invoice Value",
		"Place Of Supply", "Reverse Charge", "Applicable % of Tax Rate", "Invoice Type", "E-Commerce GSTIN", "Rate", "Taxable Value", "Cess Amount"}}
	for _, p := range r.B2B {
		for _, inv := range p.Inv {
			for _, it := range inv.Itms {
				b2b.rows = append(b2b.rows, []string{p.CTIN, names[p.CTIN], inv.Inum, csvDate(inv.Idt), inv.Val.String(), posLabel(inv.Pos),
					inv.Rchrg, "", "Regular B2B", "", it.ItmDet.Rt.String(), it.ItmDet.Txval.String(), it.ItmDet.Csamt.String()})
			}
		}
	}
	b2cl := Table{name: "b2cl", head: []string{"Invoice Number", "Invoice date", "Invoice Value", "Place Of Supply", "Applicable % of Tax Rate",
		"Rate", "Taxable Value", "Cess Amount", "E-Commerce GSTIN"}}
	for _, p := range r.B2CL {
		for _, inv := range p.Inv {
			for _, it := range inv.Itms {
				b2cl.rows = append(b2cl.rows, []string{inv.Inum, csvDate(inv.Idt), inv.Val.String(), posLabel(p.Pos), "",
					it.ItmDet.Rt.String(), it.ItmDet.Txval.String(), it.ItmDet.Csamt.String(), ""})
			}
		}
	}
	b2cs := Table{name: "b2cs", head: []string{"Type", "Place Of Supply", "Applicable % of Tax Rate", "Rate", "Taxable Value", "Cess Amount",
		"E-Commerce GSTIN"}}
	for _, row := range r.B2CS {
		b2cs.rows = append(b2cs.rows, []string{row.Typ, posLabel(row.Pos), "", row.Rt.String(), row.Txval.String(), row.Csamt.String(), ""})
	}
	cdnr := Table{name: "cdnr", head: []string{"GSTIN/UIN of Recipient", "Receiver Name", "Note Number", "Note Date", "Note Type",
		"Place Of Supply", "Reverse Charge", "Note Supply Type", "Note Value", "Applicable % of Tax Rate", "Rate", "Taxable Value", "Cess Amount"}}
	for _, p := range r.CDNR {
		for _, n := range p.Nt {
			for _, it := range n.Itms {
				cdnr.rows = append(cdnr.rows, []string{p.CTIN, names[p.CTIN], n.NtNum, csvDate(n.NtDt), n.Ntty, posLabel(n.Pos), n.Rchrg,
					"Regular B2B", n.Val.String(), "", it.ItmDet.Rt.String(), it.ItmDet.Txval.String(), it.ItmDet.Csamt.String()})
			}
		}
	}
	cdnur := Table{name: "cdnur", head: []string{"UR Type", "Note Number", "Note Date", "Note Type", "Place Of Supply", "Note Value",
		"Applicable % of Tax Rate", "Rate", "Taxable Value", "Cess Amount"}}
	for _, n := range r.CDNUR {
		for _, it := range n.Itms {
			cdnur.rows = append(cdnur.rows, []string{n.Typ, n.NtNum, csvDate(n.NtDt), n.Ntty, posLabel(n.Pos), n.Val.String(), "",
				it.ItmDet.Rt.String(), it.ItmDet.Txval.String(), it.ItmDet.Csamt.String()})
		}
	}
	hsnHead := []string{"HSN", "Description", "UQC", "Total Quantity", "Total Value", "Rate", "Taxable Value", "Integrated Tax Amount",
		"Central Tax Amount", "State/UT Tax Amount", "Cess Amount"}
	hsn := func(name string, rows []HSNRow) Table {
		t := Table{name: name, head: hsnHead}
		for _, h := range rows {
			total := h.Txval + h.Iamt + h.Camt + h.Samt + h.Csamt
			t.rows = append(t.rows, []string{h.HSNSc, h.Desc, h.UQC + "-NUMBERS", fmt.Sprint(h.Qty), total.String(), h.Rt.String(),
				h.Txval.String(), h.Iamt.String(), h.Camt.String(), h.Samt.String(), h.Csamt.String()})
		}
		return t
	}
	docs := Table{name: "docs", head: []string{"Nature of Document", "Sr. No. From", "Sr. No. To", "Total Number", "Cancelled"}}
	for _, d := range r.DocIssue.DocDet {
		for _, rg := range d.Docs {
			docs.rows = append(docs.rows, []string{d.DocTyp, rg.From, rg.To, fmt.Sprint(rg.TotNum), fmt.Sprint(rg.Cancel)})
		}
	}
	return []Table{b2b, b2cl, b2cs, cdnr, cdnur, hsn("hsn(b2b)", r.HSN.B2B), hsn("hsn(b2c)", r.HSN.B2C), docs}
}

// WriteZip writes the tables as a zip of CSV files named like the
// offline tool's templates (b2b.csv, hsn(b2c).csv, …), prefixed with the
// GSTIN and period.
func WriteZip(w io.Writer, prefix string, ts []Table) error {
	z := zip.NewWriter(w)
	for _, t := range ts {
		f, err := z.Create(prefix + t.name + ".csv")
		if err != nil {
			return err
		}
		cw := csv.NewWriter(f)
		if err := cw.Write(t.head); err != nil {
			return err
		}
		if err := cw.WriteAll(t.rows); err != nil {
			return err
		}
	}
	return z.Close()
}
