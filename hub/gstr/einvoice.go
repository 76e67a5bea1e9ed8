package gstr

import (
	"archive/zip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"ektamall/hub/ledger"
	"ektamall/shared/catalog"
	"ektamall/shared/errs"
	"ektamall/shared/invoice"
)

// E-invoice statuses.
const (
	StatusPending       = "pending"        // no IRN yet
	StatusGenerated     = "generated"      // the portal's IRN imported
	StatusCancelPending = "cancel_pending" // voided at the mall: cancel the IRN on the portal
	StatusCancelled     = "cancelled"      // the portal's cancellation imported
	StatusVoided        = "voided"         // cancelled before it had an IRN: nothing to send
)

// EDoc is one business document to e-invoice, as finance lists it.
type EDoc struct {
	Mall      string     `json:"mall"`
	InvoiceNo string     `json:"invoice_no"` // the document's number (a credit note's too)
	DocType   string     `json:"doc_type"`   // INV, CRN
	DocID     string     `json:"doc_id"`
	Date      time.Time  `json:"date"`
	Status    string     `json:"status"`
	IRN       string     `json:"irn"` // as the portal will compute it
	AckNo     string     `json:"ack_no,omitempty"`
	AckAt     *time.Time `json:"ack_at,omitempty"`
	Doc       EInvoice   `json:"doc"`
	// Errors are the schema rules the document breaks (empty: ready to
	// upload); finance fixes the master data and downloads again.
	Errors []string `json:"errors"`
}

type eline struct {
	name, hsn      string
	qty, rateBP    int64
	txval, i, c, s int64
}

type ebuyer struct{ gstin, name, address, state, pin string }

type edoc struct {
	typ, id, no      string
	at               time.Time
	b                ebuyer
	pos              string
	roundOff         int64
	lines            []eline
	origNo           string
	origAt           time.Time
	voided           bool
	irn, ackNo       string
	ackAt, cancelled time.Time
}

// EInvoices lists a mall's business documents with their e-invoice status
// (status "" or "all": every one), oldest first.
func (s *Service) EInvoices(ctx context.Context, mallID, status string) ([]EDoc, error) {
	switch status {
	case "", "all", StatusPending, StatusGenerated, StatusCancelPending, StatusCancelled, StatusVoided:
	default:
		return nil, errs.Field("status", "status is pending, generated, cancel_pending, cancelled, voided or all, not %q", status)
	}
	q := s.DB.Reader()
	m, err := LoadMall(ctx, q, mallID)
	if err != nil {
		return nil, err
	}
	docs, err := loadEDocs(ctx, q, m.ID, !s.NoTransferEInvoices)
	if err != nil {
		return nil, err
	}
	out := []EDoc{}
	for _, d := range docs {
		e := d.listing(m)
		if status == "" || status == "all" || e.Status == status {
			out = append(out, e)
		}
	}
	return out, nil
}

func (d *edoc) status() string {
	switch {
	case d.irn == "" && d.voided:
		return StatusVoided
	case d.irn == "":
		return StatusPending
	case !d.cancelled.IsZero():
		return StatusCancelled
	case d.voided:
		return StatusCancelPending
	}
	return StatusGenerated
}

func (d *edoc) listing(m Mall) EDoc {
	e := EDoc{Mall: m.ID, InvoiceNo: d.no, DocType: d.typ, DocID: d.id, Date: d.at, Status: d.status(),
		IRN: IRN(m.GSTIN, d.at, d.typ, d.no), AckNo: d.ackNo, Doc: d.inv01(m)}
	if !d.ackAt.IsZero() {
		at := d.ackAt
		e.AckAt = &at
	}
	if e.Errors = ValidateINV01(e.Doc); e.Errors == nil {
		e.Errors = []string{}
	}
	return e
}

func einvDate(t time.Time) string { return t.In(invoice.IST).Format("02/01/2006") }

// inv01 builds the INV-01 document. Prices are tax-inclusive at the
// counter, so each line's assessable value is its taxable value as the
// mall computed it (after discount; no separate discount) and its unit
// price is that over the quantity, to three decimals.
func (d *edoc) inv01(m Mall) EInvoice {
	sellerState, _ := catalog.StateByCode(m.State)
	buyerState := d.b.state
	if buyerState == "" && len(d.b.gstin) >= 2 {
		if st, ok := catalog.StateByGSTCode(d.b.gstin[:2]); ok {
			buyerState = st.Code
		}
	}
	bst, _ := catalog.StateByCode(buyerState)
	e := EInvoice{Version: "1.1",
		TranDtls: TranDtls{TaxSch: "GST", SupTyp: "B2B", RegRev: "N", IgstOnIntra: "N"},
		DocDtls:  DocDtls{Typ: d.typ, No: d.no, Dt: einvDate(d.at)},
		SellerDtls: Party{Gstin: m.GSTIN, LglNm: m.Name, Addr1: clip(m.Address, 100), Loc: locality(m.Address, sellerState.Name),
			Pin: pinOf(m.Pincode, m.Address), Stcd: sellerState.GSTCode},
		BuyerDtls: Party{Gstin: d.b.gstin, LglNm: clip(d.b.name, 100), Pos: gstCode(d.pos), Addr1: clip(d.b.address, 100),
			Loc: locality(d.b.address, bst.Name), Pin: pinOf(d.b.pin, d.b.address), Stcd: bst.GSTCode},
	}
	var v ValDtls
	for i, l := range d.lines {
		it := EInvItem{SlNo: fmt.Sprint(i + 1), PrdDesc: clip(l.name, 300), IsServc: "N", HsnCd: l.hsn, Qty: l.qty, Unit: "NOS",
			TotAmt: Amt(l.txval), AssAmt: Amt(l.txval), GstRt: Rate(l.rateBP), IgstAmt: Amt(l.i), CgstAmt: Amt(l.c), SgstAmt: Amt(l.s),
			TotItemVal: Amt(l.txval + l.i + l.c + l.s)}
		if l.qty > 0 {
			it.UnitPrice = Price((l.txval*10*2 + l.qty) / (2 * l.qty)) // paise → thousandths, half up
		}
		e.ItemList = append(e.ItemList, it)
		v.AssVal += it.AssAmt
		v.IgstVal += it.IgstAmt
		v.CgstVal += it.CgstAmt
		v.SgstVal += it.SgstAmt
	}
	v.RndOffAmt = Amt(d.roundOff)
	v.TotInvVal = v.AssVal + v.IgstVal + v.CgstVal + v.SgstVal + v.RndOffAmt
	e.ValDtls = v
	if d.typ == "CRN" {
		e.RefDtls = &RefDtls{PrecDocDtls: []PrecDoc{{InvNo: d.origNo, InvDt: einvDate(d.origAt)}}}
	}
	return e
}

func clip(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) > n {
		return s[:n]
	}
	return s
}

// pinOf is the PIN code given, or the six digits that end the address.
func pinOf(pin, address string) int {
	if pin == "" {
		f := strings.Fields(strings.ReplaceAll(address, ",", " "))
		if len(f) > 0 {
			pin = f[len(f)-1]
		}
	}
	n := 0
	if len(pin) != 6 {
		return 0
	}
	for _, c := range pin {
		if c < '0' || c > '9' {
			return 0
		}
		n = n*10 + int(c-'0')
	}
	return n
}

// locality is the place in an address: its last comma-separated part
// without the PIN code ("Lucknow" of "12 Mall Avenue, Lucknow 226001"),
// or the State's name.
func locality(address, state string) string {
	parts := strings.Split(address, ",")
	for i := len(parts) - 1; i >= 0; i-- {
		var words []string
		for _, w := range strings.Fields(parts[i]) {
			if pinOf(w, "") == 0 {
				words = append(words, w)
			}
		}
		if loc := strings.Join(words, " "); len(loc) >= 3 {
			return clip(loc, 50)
		}
	}
	return clip(state, 50)
}

// loadEDocs reads a mall's B2B invoices and the credit notes against
// them, and with transfers its inter-State transfer tax invoices, with
// the portal's responses imported so far.
func loadEDocs(ctx context.Context, q Queryer, mall string, transfers bool) ([]*edoc, error) {
	byKey := map[string]*edoc{}
	var out []*edoc
	add := func(d *edoc) { byKey[d.typ+":"+d.id] = d; out = append(out, d) }
	rows, err := q.QueryContext(ctx, `SELECT s.sale_id, s.invoice_no, s.at, s.buyer_gstin, s.buyer_name, s.buyer_address, s.buyer_state,
			s.pos_state, s.round_off, (SELECT count(*) FROM hub_voids v WHERE v.mall = s.mall AND v.sale_id = s.sale_id)
		FROM hub_sales s WHERE s.mall = ? AND s.b2b = 1`, mall)
	if err != nil {
		return nil, fmt.Errorf("einvoices: %w", err)
	}
	for rows.Next() {
		d := &edoc{typ: "INV"}
		var at string
		var voided int
		if err := rows.Scan(&d.id, &d.no, &at, &d.b.gstin, &d.b.name, &d.b.address, &d.b.state, &d.pos, &d.roundOff, &voided); err != nil {
			rows.Close()
			return nil, err
		}
		d.at, _ = ledger.ParseTS(at)
		d.voided = voided > 0
		add(d)
	}
	rows.Close()
	rows, err = q.QueryContext(ctx, `SELECT r.return_id, r.credit_note_no, r.at, r.round_off, s.invoice_no, s.at, s.buyer_gstin, s.buyer_name,
			s.buyer_address, s.buyer_state, s.pos_state
		FROM hub_returns r JOIN hub_sales s ON s.mall = r.mall AND s.sale_id = r.sale_id WHERE r.mall = ? AND s.b2b = 1`, mall)
	if err != nil {
		return nil, fmt.Errorf("einvoices: %w", err)
	}
	for rows.Next() {
		d := &edoc{typ: "CRN"}
		var at, oat string
		if err := rows.Scan(&d.id, &d.no, &at, &d.roundOff, &d.origNo, &oat, &d.b.gstin, &d.b.name, &d.b.address, &d.b.state, &d.pos); err != nil {
			rows.Close()
			return nil, err
		}
		d.at, _ = ledger.ParseTS(at)
		d.origAt, _ = ledger.ParseTS(oat)
		add(d)
	}
	rows.Close()
	if err := eLines(ctx, q, mall, byKey); err != nil {
		return nil, err
	}
	if transfers {
		if err := transferEDocs(ctx, q, mall, add, byKey); err != nil {
			return nil, err
		}
	}
	rows, err = q.QueryContext(ctx, `SELECT doc_type, doc_id, irn, ack_no, ack_at, COALESCE(cancelled_at, '') FROM einvoices WHERE mall = ?`, mall)
	if err != nil {
		return nil, fmt.Errorf("einvoices: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var typ, id, irn, ack, ackAt, cancelled string
		if err := rows.Scan(&typ, &id, &irn, &ack, &ackAt, &cancelled); err != nil {
			return nil, err
		}
		if d := byKey[typ+":"+id]; d != nil {
			d.irn, d.ackNo = irn, ack
			d.ackAt, _ = ledger.ParseTS(ackAt)
			d.cancelled, _ = parseTS(cancelled)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].at.Before(out[j].at) })
	return out, nil
}

func eLines(ctx context.Context, q Queryer, mall string, byKey map[string]*edoc) error {
	for _, qr := range []struct{ typ, sql string }{
		{"INV", `SELECT l.sale_id, COALESCE(p.name, l.sku), l.hsn, l.qty, l.gst_rate_bp, l.taxable, l.igst, l.cgst, l.sgst
			FROM hub_sale_lines l JOIN hub_sales s ON s.mall = l.mall AND s.sale_id = l.sale_id LEFT JOIN products p ON p.sku = l.sku
			WHERE l.mall = ? AND s.b2b = 1 ORDER BY l.sale_id, l.line_no`},
		{"CRN", `SELECT rl.return_id, COALESCE(p.name, sl.sku), sl.hsn, rl.qty, sl.gst_rate_bp, rl.taxable, rl.igst, rl.cgst, rl.sgst
			FROM hub_return_lines rl JOIN hub_sales s ON s.mall = rl.mall AND s.sale_id = rl.sale_id
			JOIN hub_sale_lines sl ON sl.mall = rl.mall AND sl.sale_id = rl.sale_id AND sl.line_no = rl.sale_line_no
			LEFT JOIN products p ON p.sku = sl.sku WHERE rl.mall = ? AND s.b2b = 1 ORDER BY rl.return_id, rl.sale_line_no`},
	} {
		rows, err := q.QueryContext(ctx, qr.sql, mall)
		if err != nil {
			return fmt.Errorf("einvoice lines: %w", err)
		}
		for rows.Next() {
			var id string
			var l eline
			if err := rows.Scan(&id, &l.name, &l.hsn, &l.qty, &l.rateBP, &l.txval, &l.i, &l.c, &l.s); err != nil {
				rows.Close()
				return err
			}
			if d := byKey[qr.typ+":"+id]; d != nil {
				d.lines = append(d.lines, l)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}

// transferEDocs adds the tax invoices of a mall's inter-State transfers:
// B2B invoices to the receiving mall's GSTIN, IGST on every line. Their
// document id is the transfer's id.
func transferEDocs(ctx context.Context, q Queryer, mall string, add func(*edoc), byKey map[string]*edoc) error {
	rows, err := q.QueryContext(ctx, `SELECT d.transfer_id, d.number, d.at, CASE WHEN d.to_gstin = '' THEN COALESCE(r.gstin, '') ELSE d.to_gstin END,
			COALESCE(r.name, d.to_mall), COALESCE(r.address, ''), COALESCE(r.pincode, ''), d.to_state
		FROM hub_transfer_docs d LEFT JOIN malls r ON r.id = d.to_mall WHERE d.mall = ? AND d.kind = 'tax_invoice'`, mall)
	if err != nil {
		return fmt.Errorf("einvoices: transfers: %w", err)
	}
	for rows.Next() {
		d := &edoc{typ: "INV"}
		var at string
		if err := rows.Scan(&d.id, &d.no, &at, &d.b.gstin, &d.b.name, &d.b.address, &d.b.pin, &d.b.state); err != nil {
			rows.Close()
			return err
		}
		d.at, _ = ledger.ParseTS(at)
		d.pos = d.b.state
		add(d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	rows, err = q.QueryContext(ctx, `SELECT l.transfer_id, COALESCE(p.name, l.sku), l.hsn, l.qty, l.rate_bp, l.taxable, l.igst
		FROM hub_transfer_doc_lines l JOIN hub_transfer_docs d ON d.mall = l.mall AND d.transfer_id = l.transfer_id
		LEFT JOIN products p ON p.sku = l.sku WHERE l.mall = ? AND d.kind = 'tax_invoice' ORDER BY l.transfer_id, l.sku`, mall)
	if err != nil {
		return fmt.Errorf("einvoices: transfer lines: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var l eline
		if err := rows.Scan(&id, &l.name, &l.hsn, &l.qty, &l.rateBP, &l.txval, &l.i); err != nil {
			return err
		}
		if d := byKey["INV:"+id]; d != nil {
			d.lines = append(d.lines, l)
		}
	}
	return rows.Err()
}

// WriteEInvoiceZip writes one INV-01 JSON file per document, named by its
// type and number ("/" becomes "-").
func WriteEInvoiceZip(w io.Writer, list []EDoc) error {
	z := zip.NewWriter(w)
	for _, e := range list {
		f, err := z.Create(e.DocType + "_" + strings.ReplaceAll(e.InvoiceNo, "/", "-") + ".json")
		if err != nil {
			return err
		}
		b, err := json.MarshalIndent(e.Doc, "", "  ")
		if err != nil {
			return err
		}
		if _, err := f.Write(b); err != nil {
			return err
		}
	}
	return z.Close()
}
