package inventory

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"ektamall/shared/catalog"
	"ektamall/shared/errs"
	"ektamall/shared/events"
	"ektamall/shared/gst"
	"ektamall/shared/invoice"
	"ektamall/shared/money"
)

// DefaultEWayLimit is the consignment value (tax included) above which
// goods move only with an e-way bill (Rule 138: ₹50,000; States set their
// own limits for intra-State movement: EWayLimits).
const DefaultEWayLimit = 50000_00

// Transfer valuations (Rule 28): a transfer's taxable value is the
// open-market value, the catalog price net of tax (the default), or, for
// goods the receiving mall resells as such, 90% of it (the price charged
// to unrelated customers, Rule 28 second option). Which one is a tax
// adviser's call (README, VERIFY).
const (
	ValueOpenMarket = "open-market"
	ValueResale90   = "resale-90"
)

// Document series: transfer tax invoices and delivery challans each have
// their own consecutive series per financial year.
const (
	seriesTransferInvoice = "TRI"
	seriesChallan         = "DC"
)

// TransferDocument is the document a transfer moves under: between
// States a tax invoice from this mall's GSTIN to the receiver's with IGST
// on the transfer value (Rule 28: the catalog price net of tax, the
// open-market value by default); within a State a delivery challan
// (Rule 55) with no tax.
type TransferDocument struct {
	Kind      string            `json:"kind"` // tax_invoice, delivery_challan
	Number    string            `json:"number"`
	At        time.Time         `json:"at"`
	FromGSTIN string            `json:"from_gstin"`
	ToGSTIN   string            `json:"to_gstin"`
	ToState   string            `json:"to_state"`
	Taxable   money.Amount      `json:"taxable_value"`
	IGST      money.Amount      `json:"igst"`
	Total     money.Amount      `json:"total"`
	Lines     []TransferDocLine `json:"lines"`
	// IRN is a tax invoice's e-invoice registration once the hub sends it
	// down (finance imported the portal's response); nil before.
	IRN *TransferIRN `json:"irn,omitempty"`
}

// TransferIRN is what the e-invoice portal gave a transfer's tax invoice,
// printed on it.
type TransferIRN struct {
	IRN      string `json:"irn"`
	AckNo    string `json:"ack_no"`
	AckAt    string `json:"ack_at"`
	SignedQR string `json:"signed_qr"`
}

// TransferDocLine is one SKU's value on the document.
type TransferDocLine struct {
	SKU     string       `json:"sku"`
	HSN     string       `json:"hsn"`
	Qty     int64        `json:"qty"`
	GSTRate gst.Rate     `json:"gst_rate"`
	Taxable money.Amount `json:"taxable_value"`
	IGST    money.Amount `json:"igst"`
}

// EWayBill is a transfer's e-way bill: the bulk-generation JSON (Part A
// from the document, Part B as entered), and the number and validity the
// portal gave. Goods wait until the number is in (Status).
type EWayBill struct {
	Status        string          `json:"status"` // part_b_needed, awaiting_number, generated
	JSON          json.RawMessage `json:"json"`
	Number        string          `json:"number,omitempty"`
	ValidUntil    *time.Time      `json:"valid_until,omitempty"`
	VehicleNo     string          `json:"vehicle_no,omitempty"`
	TransporterID string          `json:"transporter_id,omitempty"`
	DistanceKm    int             `json:"distance_km,omitempty"`
}

// issueDocument writes the document of transfer id (its lines already
// written) and says whether its dispatch waits for an e-way bill.
func (s *Service) issueDocument(ctx context.Context, tx *sql.Tx, id, toMall string, at time.Time, ev *events.Transfer) (held bool, err error) {
	var fromState, fromGSTIN, toState, toGSTIN string
	if err := tx.QueryRowContext(ctx, `SELECT state, gstin FROM mall`).Scan(&fromState, &fromGSTIN); err != nil {
		return false, fmt.Errorf("transfer document: this mall: %w", err)
	}
	if err := tx.QueryRowContext(ctx, `SELECT state, gstin FROM peer_malls WHERE id = ?`, toMall).Scan(&toState, &toGSTIN); err != nil {
		return false, fmt.Errorf("transfer document: mall %s: %w", toMall, err)
	}
	inter := fromState != toState
	kind, series := "delivery_challan", seriesChallan
	if inter {
		kind, series = "tax_invoice", seriesTransferInvoice
	}
	fy := invoice.FinancialYear(at)
	var seq int64
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) + 1 FROM transfer_documents WHERE series = ? AND fy = ?`, series, int(fy)).Scan(&seq); err != nil {
		return false, err
	}
	no, err := invoice.Format(series, fy, seq)
	if err != nil {
		return false, err
	}
	doc := events.TransferDocument{Kind: kind, Number: no, At: at, FromGSTIN: fromGSTIN, ToGSTIN: toGSTIN, ToState: toState}
	var taxable, igst int64
	for _, l := range ev.Lines {
		var hsn string
		var mrp, rateBP int64
		if err := tx.QueryRowContext(ctx, `SELECT hsn, mrp_paise, gst_rate_bp FROM products WHERE sku = ?`, l.SKU).Scan(&hsn, &mrp, &rateBP); err != nil {
			return false, fmt.Errorf("transfer document: %s: %w", l.SKU, err)
		}
		rate, err := gst.RateFromBasisPoints(rateBP)
		if err != nil {
			return false, err
		}
		gross := money.FromPaise(mrp * l.Qty)
		tv := gst.TaxableOf(gross, rate) // the catalog price net of tax
		var tax money.Amount
		switch {
		case s.TransferValue == ValueResale90:
			tv = money.FromPaise((tv.Paise()*90 + 50) / 100)
			if inter {
				tax = money.FromPaise((tv.Paise()*rateBP + 5000) / 10000)
			}
		case inter:
			tax = gross.Sub(tv)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO transfer_document_lines (transfer_id, sku, hsn, qty, rate_bp, taxable_paise, igst_paise)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, id, l.SKU, hsn, l.Qty, rateBP, tv.Paise(), tax.Paise()); err != nil {
			return false, fmt.Errorf("transfer document line: %w", err)
		}
		doc.Lines = append(doc.Lines, events.TransferDocumentLine{SKU: l.SKU, HSN: hsn, Qty: l.Qty, GSTRate: rate, Taxable: tv, IGST: tax})
		taxable += tv.Paise()
		igst += tax.Paise()
	}
	doc.Taxable, doc.IGST = money.FromPaise(taxable), money.FromPaise(igst)
	ev.Document = &doc
	required := taxable+igst > s.EWayLimits.For(fromState, inter)
	var heldJSON string
	var dispatched any = formatTime(at)
	if required {
		b, err := json.Marshal(ev)
		if err != nil {
			return false, err
		}
		heldJSON, dispatched = string(b), nil
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO transfer_documents (transfer_id, kind, number, series, fy, seq, at, from_gstin, to_gstin, to_state,
		taxable_paise, igst_paise, eway_required, held_event, dispatched_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, kind, no, series, int(fy), seq, formatTime(at), fromGSTIN, toGSTIN, toState, taxable, igst, b2i(required), heldJSON, dispatched)
	if err != nil {
		return false, fmt.Errorf("transfer document: %w", err)
	}
	return required, nil
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// readDocument attaches a transfer's document and, where required, its
// e-way bill. Transfers from before documents were issued have neither.
func readDocument(ctx context.Context, q queryer, t *Transfer) error {
	var d TransferDocument
	var at, validUntil, ewayNo string
	var taxable, igst int64
	var required int
	var dispatched sql.NullString
	var e EWayBill
	err := q.QueryRowContext(ctx, `SELECT kind, number, at, from_gstin, to_gstin, to_state, taxable_paise, igst_paise, eway_required,
			vehicle_no, transporter_id, distance_km, eway_no, eway_valid_until, dispatched_at
		FROM transfer_documents WHERE transfer_id = ?`, t.ID).Scan(&d.Kind, &d.Number, &at, &d.FromGSTIN, &d.ToGSTIN, &d.ToState, &taxable,
		&igst, &required, &e.VehicleNo, &e.TransporterID, &e.DistanceKm, &ewayNo, &validUntil, &dispatched)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read transfer document: %w", err)
	}
	d.At, d.Taxable, d.IGST = parseTime(at), money.FromPaise(taxable), money.FromPaise(igst)
	d.Total = d.Taxable.Add(d.IGST)
	rows, err := q.QueryContext(ctx, `SELECT sku, hsn, qty, rate_bp, taxable_paise, igst_paise FROM transfer_document_lines
		WHERE transfer_id = ? ORDER BY sku`, t.ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var l TransferDocLine
		var bp, tv, ig int64
		if err := rows.Scan(&l.SKU, &l.HSN, &l.Qty, &bp, &tv, &ig); err != nil {
			return err
		}
		l.GSTRate, _ = gst.RateFromBasisPoints(bp)
		l.Taxable, l.IGST = money.FromPaise(tv), money.FromPaise(ig)
		d.Lines = append(d.Lines, l)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	var irn TransferIRN
	err = q.QueryRowContext(ctx, `SELECT irn, ack_no, ack_at, signed_qr FROM einvoice_irns WHERE doc_id = ? AND doc_type = 'INV'`, t.ID).
		Scan(&irn.IRN, &irn.AckNo, &irn.AckAt, &irn.SignedQR)
	switch {
	case err == nil:
		d.IRN = &irn
	case !errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("read transfer IRN: %w", err)
	}
	t.Document = &d
	if required == 0 {
		return nil
	}
	e.Number = ewayNo
	if validUntil != "" {
		v := parseTime(validUntil)
		e.ValidUntil = &v
	}
	switch {
	case e.Number != "":
		e.Status = "generated"
	case e.VehicleNo == "" && e.TransporterID == "":
		e.Status = "part_b_needed"
	default:
		e.Status = "awaiting_number"
	}
	if !dispatched.Valid {
		t.Status = "awaiting_eway_bill"
	}
	var mallName, mallAddr, toName string
	q.QueryRowContext(ctx, `SELECT name, address FROM mall`).Scan(&mallName, &mallAddr)
	q.QueryRowContext(ctx, `SELECT name FROM peer_malls WHERE id = ?`, t.ToMall).Scan(&toName)
	if e.JSON, err = json.Marshal(ewayJSON(d, e, mallName, mallAddr, toName)); err != nil {
		return err
	}
	t.EWayBill = &e
	return nil
}

func stateNum(code string) int {
	st, ok := catalog.StateByCode(code)
	if !ok {
		return 0
	}
	n := 0
	fmt.Sscan(st.GSTCode, &n)
	return n
}

func pinIn(address string) int {
	f := strings.Fields(strings.ReplaceAll(address, ",", " "))
	if len(f) == 0 {
		return 0
	}
	n := 0
	if last := f[len(f)-1]; len(last) == 6 {
		fmt.Sscan(last, &n)
	}
	return n
}

// ewayJSON is the bulk-generation file of one e-way bill, in the NIC bulk
// tool's field names (research/gst_compliance.md §6.4; VERIFY the version
// string against the current tool). Amounts are numbers with two decimals.
func ewayJSON(d TransferDocument, e EWayBill, fromName, fromAddr, toName string) map[string]any {
	num := func(a money.Amount) json.Number { return json.Number(a.String()) }
	fromState := d.FromGSTIN
	if len(fromState) >= 2 {
		fromState = fromState[:2]
	}
	fromCode := 0
	fmt.Sscan(fromState, &fromCode)
	docType, sub := "CHL", 5 // a challan: goods for own use (a branch transfer)
	if d.Kind == "tax_invoice" {
		docType, sub = "INV", 1
	}
	var items []map[string]any
	for i, l := range d.Lines {
		hsn := 0
		fmt.Sscan(l.HSN, &hsn)
		it := map[string]any{"itemNo": i + 1, "productName": l.SKU, "productDesc": l.SKU, "hsnCode": hsn, "quantity": l.Qty, "qtyUnit": "NOS",
			"taxableAmount": num(l.Taxable), "igstRate": 0, "cgstRate": 0, "sgstRate": 0, "cessRate": 0, "cessNonAdvol": 0}
		if d.Kind == "tax_invoice" {
			it["igstRate"] = json.Number(l.GSTRate.String())
		}
		items = append(items, it)
	}
	bill := map[string]any{"userGstin": d.FromGSTIN, "supplyType": "O", "subSupplyType": sub, "subSupplyDesc": "", "docType": docType,
		"docNo": d.Number, "docDate": d.At.In(invoice.IST).Format("02/01/2006"), "transType": 1,
		"fromGstin": d.FromGSTIN, "fromTrdName": fromName, "fromAddr1": fromAddr, "fromAddr2": "", "fromPlace": "", "fromPincode": pinIn(fromAddr),
		"fromStateCode": fromCode, "actFromStateCode": fromCode,
		"toGstin": d.ToGSTIN, "toTrdName": toName, "toAddr1": "", "toAddr2": "", "toPlace": "", "toPincode": 0,
		"toStateCode": stateNum(d.ToState), "actToStateCode": stateNum(d.ToState),
		"totalValue": num(d.Taxable), "cgstValue": 0, "sgstValue": 0, "igstValue": num(d.IGST), "cessValue": 0, "cessNonAdvolValue": 0,
		"otherValue": 0, "totInvValue": num(d.Total), "transMode": 1, "transDistance": e.DistanceKm, "transporterId": e.TransporterID,
		"transporterName": "", "transDocNo": "", "transDocDate": "", "vehicleNo": e.VehicleNo, "vehicleType": "R", "itemList": items}
	return map[string]any{"version": "1.0.0621", "billLists": []any{bill}}
}

// EWayInput is what the zone manager enters: Part B (a vehicle number or
// a transporter's id, and the distance), and then the e-way bill number
// and its validity from the portal.
type EWayInput struct {
	VehicleNo     string     `json:"vehicle_no,omitempty"`
	TransporterID string     `json:"transporter_id,omitempty"`
	DistanceKm    int        `json:"distance_km,omitempty"`
	Number        string     `json:"number,omitempty"`
	ValidUntil    *time.Time `json:"valid_until,omitempty"`
}

var (
	vehicleRE = regexp.MustCompile(`^[A-Z]{2}[0-9]{1,2}[A-Z]{0,3}[0-9]{4}$`)
	ewayNoRE  = regexp.MustCompile(`^[0-9]{12}$`)
)

// SetEWayBill records Part B and, once given, the e-way bill's number and
// validity; with the number in, the held transfer is dispatched (its
// transfer.sent goes to the outbox).
func (s *Service) SetEWayBill(ctx context.Context, a Actor, id string, in EWayInput) (Transfer, error) {
	in.VehicleNo = strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(in.VehicleNo), " ", ""))
	switch {
	case in.VehicleNo != "" && !vehicleRE.MatchString(in.VehicleNo):
		return Transfer{}, errs.Field("vehicle_no", "vehicle number %q: want a registration such as UP32AB1234", in.VehicleNo)
	case in.TransporterID != "" && len(in.TransporterID) != 15:
		return Transfer{}, errs.Field("transporter_id", "a transporter id has 15 characters (a GSTIN or TRANSIN)")
	case in.DistanceKm < 0 || in.DistanceKm > 4000:
		return Transfer{}, errs.Field("distance_km", "distance is 0 to 4000 km")
	case in.Number != "" && !ewayNoRE.MatchString(in.Number):
		return Transfer{}, errs.Field("number", "an e-way bill number has 12 digits")
	case in.Number != "" && in.ValidUntil == nil:
		return Transfer{}, errs.Field("valid_until", "give the e-way bill's validity with its number")
	}
	now := s.now()
	err := s.DB.Transact(ctx, func(tx *sql.Tx) error {
		t, err := readTransfer(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := a.CanManage(t.Zone); err != nil {
			return err
		}
		if t.Direction != "out" || t.EWayBill == nil {
			return errs.E(errs.Conflict, "transfer %s needs no e-way bill from this mall", id)
		}
		e := t.EWayBill
		if e.Number != "" {
			return errs.E(errs.Conflict, "transfer %s already has e-way bill %s", id, e.Number)
		}
		if in.VehicleNo != "" || in.TransporterID != "" {
			e.VehicleNo, e.TransporterID = in.VehicleNo, in.TransporterID
		}
		if in.DistanceKm > 0 {
			e.DistanceKm = in.DistanceKm
		}
		if in.Number != "" {
			if e.VehicleNo == "" && e.TransporterID == "" {
				return errs.Field("vehicle_no", "enter Part B (the vehicle number or the transporter) before the e-way bill number")
			}
			if !in.ValidUntil.After(now) {
				return errs.Field("valid_until", "the e-way bill expired at %s", in.ValidUntil.Format(time.RFC3339))
			}
		}
		var until string
		if in.ValidUntil != nil {
			until = formatTime(*in.ValidUntil)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE transfer_documents SET vehicle_no = ?, transporter_id = ?, distance_km = ?, eway_no = ?,
			eway_valid_until = ? WHERE transfer_id = ?`, e.VehicleNo, e.TransporterID, e.DistanceKm, in.Number, until, id); err != nil {
			return err
		}
		if in.Number == "" {
			return nil
		}
		return dispatchHeld(ctx, tx, s.MallID, id, now)
	})
	if err != nil {
		return Transfer{}, err
	}
	return s.GetTransfer(ctx, a, id)
}

// dispatchHeld sends a transfer held for its e-way bill: its transfer.sent
// goes to the outbox now.
func dispatchHeld(ctx context.Context, tx *sql.Tx, mall, id string, now time.Time) error {
	var held string
	if err := tx.QueryRowContext(ctx, `SELECT held_event FROM transfer_documents WHERE transfer_id = ? AND dispatched_at IS NULL`, id).Scan(&held); err != nil {
		return err
	}
	var ev events.Transfer
	if err := json.Unmarshal([]byte(held), &ev); err != nil {
		return fmt.Errorf("held transfer %s: %w", id, err)
	}
	if ev.Document != nil { // the hub lists each e-way bill for finance
		var e events.TransferEWayBill
		var until string
		if err := tx.QueryRowContext(ctx, `SELECT eway_no, eway_valid_until, vehicle_no, transporter_id, distance_km FROM transfer_documents
			WHERE transfer_id = ?`, id).Scan(&e.Number, &until, &e.VehicleNo, &e.TransporterID, &e.DistanceKm); err != nil {
			return fmt.Errorf("held transfer %s: %w", id, err)
		}
		e.ValidUntil = parseTime(until)
		ev.Document.EWayBill = &e
	}
	if _, err := tx.ExecContext(ctx, `UPDATE transfer_documents SET dispatched_at = ?, held_event = '' WHERE transfer_id = ?`, formatTime(now), id); err != nil {
		return err
	}
	_, err := events.Append(ctx, tx, mall, events.TransferSent, now, ev)
	return err
}
