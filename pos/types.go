package pos

import (
	"time"

	"ektamall/shared/gst"
	"ektamall/shared/money"
)

// Tender methods.
const (
	Cash = "cash"
	UPI  = "upi"
	Card = "card"
)

// Methods lists the tender methods in the order reports show them.
var Methods = []string{Cash, UPI, Card}

// Sale statuses.
const (
	StatusCompleted = "completed"
	StatusCancelled = "cancelled"
)

// SaleRequest is what a counter sends to ring a sale. Lines name a SKU or
// a barcode; Discount is "" or an amount ("50.00") or a percentage ("10%").
type SaleRequest struct {
	ShiftID  string        `json:"shift_id"`
	Lines    []LineRequest `json:"lines"`
	Tenders  []Tender      `json:"tenders"`
	Approval string        `json:"approval_token,omitempty"`
	// Buyer, when given, is printed on the invoice: a GSTIN makes it a B2B
	// tax invoice; PAN or Form 60 is required above the PAN threshold.
	Buyer *Buyer `json:"buyer,omitempty"`
	// DeliverTo, when given, is where the goods go: in another State the
	// place of supply is that State and the tax is IGST.
	DeliverTo *Delivery `json:"deliver_to,omitempty"`
}

// Buyer is the recipient recorded on an invoice. State is the two-letter
// code ("KA"). On a returned invoice PAN is masked to its last four.
type Buyer struct {
	GSTIN   string `json:"gstin,omitempty"`
	Name    string `json:"name,omitempty"`
	Address string `json:"address,omitempty"`
	State   string `json:"state,omitempty"`
	PAN     string `json:"pan,omitempty"`
	Form60  string `json:"form60,omitempty"`
}

// Delivery is where goods sold at the counter are sent.
type Delivery struct {
	Name    string `json:"name,omitempty"`
	Address string `json:"address"`
	State   string `json:"state"`
	Pincode string `json:"pincode,omitempty"`
}

// LineRequest is one line of a SaleRequest or a parked cart.
type LineRequest struct {
	SKU      string `json:"sku"`
	Qty      int64  `json:"qty"`
	Discount string `json:"discount,omitempty"`
}

// Tender is one payment (or, on a credit note, one refund).
type Tender struct {
	Method string       `json:"method"`
	Amount money.Amount `json:"amount"`
	Ref    string       `json:"ref,omitempty"`
}

// Sale is a tax invoice.
type Sale struct {
	ID        string       `json:"id"`
	InvoiceNo string       `json:"invoice_no"`
	Status    string       `json:"status"`
	At        time.Time    `json:"at"`
	ShiftID   string       `json:"shift_id"`
	Counter   string       `json:"counter"`
	CashierID string       `json:"cashier_id"`
	Cashier   string       `json:"cashier"`
	Lines     []SaleLine   `json:"lines"`
	Tenders   []Tender     `json:"tenders"`
	Discount  money.Amount `json:"discount"`
	Taxable   money.Amount `json:"taxable_value"`
	CGST      money.Amount `json:"cgst"`
	SGST      money.Amount `json:"sgst"`
	UTGST     money.Amount `json:"utgst"`
	IGST      money.Amount `json:"igst"`
	Total     money.Amount `json:"total"`
	// RoundOff brings the total to what the customer pays (Payable), a
	// separate line outside the taxable value and the tax.
	RoundOff money.Amount `json:"round_off"`
	Payable  money.Amount `json:"payable"`
	Tendered money.Amount `json:"tendered"`
	Change   money.Amount `json:"change"`
	// PlaceOfSupply is "Uttar Pradesh (09)": the mall's State for goods
	// handed over at the counter, the delivery State for goods sent.
	PlaceOfSupply string `json:"place_of_supply"`
	// POSState is the place of supply's State code; Supply is "intra"
	// (CGST + SGST/UTGST) or "inter" (IGST).
	POSState string `json:"pos_state"`
	Supply   string `json:"supply"`
	// DocType is "tax_invoice"; B2B marks an invoice to a registered buyer
	// (GSTR-1 B2B), EInvoice its e-invoicing state ("pending" until sent).
	DocType  string `json:"doc_type"`
	B2B      bool   `json:"b2b"`
	EInvoice string `json:"einvoice,omitempty"`
	// IRN is the e-invoice registration once the portal's response has
	// come down from the hub (printed with its signed QR code).
	IRN       *IRN      `json:"irn,omitempty"`
	Buyer     *Buyer    `json:"buyer,omitempty"`
	DeliverTo *Delivery `json:"deliver_to,omitempty"`
	// ut: the mall's state share is UTGST (kept in the SGST column).
	ut           bool
	ApprovedBy   string     `json:"approved_by,omitempty"`
	CancelledAt  *time.Time `json:"cancelled_at,omitempty"`
	CancelledBy  string     `json:"cancelled_by,omitempty"`
	CancelReason string     `json:"cancel_reason,omitempty"`
	// TraceURL is the public page at the hub that the receipt's QR code
	// opens: where each line came from and, once paid, that the producer
	// was paid. traceToken is its unguessable part.
	TraceURL   string `json:"trace_url,omitempty"`
	traceToken string
	// CreditNotes are the returns against this invoice, oldest first.
	CreditNotes []CreditNoteRef `json:"credit_notes"`
	// Warnings are for the cashier, on the answer to the checkout only:
	// e.g. a card reference already on another sale today.
	Warnings []string `json:"warnings,omitempty"`
}

// CreditNoteRef points from an invoice to a return against it.
type CreditNoteRef struct {
	ID           string       `json:"id"`
	CreditNoteNo string       `json:"credit_note_no"`
	At           time.Time    `json:"at"`
	Total        money.Amount `json:"total"`
}

// SaleLine is one invoice line with the product as sold (name, HSN, rate
// and provenance are snapshots, so reprints never change).
type SaleLine struct {
	LineNo        int          `json:"line_no"`
	SKU           string       `json:"sku"`
	Name          string       `json:"name"`
	HSN           string       `json:"hsn"`
	Qty           int64        `json:"qty"`
	UnitPrice     money.Amount `json:"unit_price"`
	DiscountInput string       `json:"discount_input,omitempty"`
	Discount      money.Amount `json:"discount"`
	Amount        money.Amount `json:"amount"`
	Taxable       money.Amount `json:"taxable_value"`
	GSTRate       gst.Rate     `json:"gst_rate"`
	CGST          money.Amount `json:"cgst"`
	SGST          money.Amount `json:"sgst"`
	UTGST         money.Amount `json:"utgst"`
	IGST          money.Amount `json:"igst"`
	// BandNote says which price band set the rate ("5% (up to ₹2500.00 a
	// piece)"); empty when the rate does not depend on the price.
	BandNote   string `json:"band_note,omitempty"`
	State      string `json:"state"`
	DistrictID string `json:"district_id"`
	District   string `json:"district"`
	ProducerID string `json:"producer_id"`
	GI         bool   `json:"gi"`
	// GIName and GIReg are the registered GI name and its registration
	// number, printed on the line (issue 20); empty when the product has
	// none on file.
	GIName string `json:"gi_name,omitempty"`
	GIReg  string `json:"gi_reg,omitempty"`
	// Returned is how many units have come back on credit notes.
	Returned int64 `json:"returned"`

	discount Discount
}

// Shift is a cashier's session at a counter.
type Shift struct {
	ID           string        `json:"id"`
	Counter      string        `json:"counter"`
	UserID       string        `json:"user_id"`
	Cashier      string        `json:"cashier"`
	Status       string        `json:"status"`
	OpenedAt     time.Time     `json:"opened_at"`
	OpeningFloat money.Amount  `json:"opening_float"`
	ClosedAt     *time.Time    `json:"closed_at,omitempty"`
	CountedCash  *money.Amount `json:"counted_cash,omitempty"`
}

// CashMove is cash paid into or out of a drawer outside a sale.
type CashMove struct {
	ID      string       `json:"id"`
	ShiftID string       `json:"shift_id"`
	Kind    string       `json:"kind"` // in, out
	Amount  money.Amount `json:"amount"`
	Reason  string       `json:"reason"`
	UserID  string       `json:"user_id"`
	At      time.Time    `json:"at"`
}

// ReturnRequest asks for a credit note against an invoice. Lines name a
// SKU of the invoice (and a line_no when the SKU is on several lines).
// RefundMethod is "cash", "original" (back to the tenders the customer
// paid with, in proportion), "upi" or "card". RestockTo is "backroom"
// (default) or "damaged".
type ReturnRequest struct {
	SaleID       string              `json:"sale_id"`
	ShiftID      string              `json:"shift_id,omitempty"`
	Lines        []ReturnLineRequest `json:"lines"`
	RefundMethod string              `json:"refund_method"`
	RestockTo    string              `json:"restock_to,omitempty"`
	Reason       string              `json:"reason,omitempty"`
}

// ReturnLineRequest is one line of a ReturnRequest.
type ReturnLineRequest struct {
	SKU    string `json:"sku"`
	LineNo int    `json:"line_no,omitempty"`
	Qty    int64  `json:"qty"`
}

// Return is a credit note. Its amounts are positive and are subtracted
// from the original invoice's.
type Return struct {
	ID           string       `json:"id"`
	CreditNoteNo string       `json:"credit_note_no"`
	At           time.Time    `json:"at"`
	SaleID       string       `json:"sale_id"`
	InvoiceNo    string       `json:"invoice_no"`
	InvoiceAt    time.Time    `json:"invoice_at"`
	ShiftID      string       `json:"shift_id"`
	Counter      string       `json:"counter"`
	UserID       string       `json:"user_id"`
	Cashier      string       `json:"cashier"`
	Lines        []ReturnLine `json:"lines"`
	Refunds      []Tender     `json:"refunds"`
	Taxable      money.Amount `json:"taxable_value"`
	CGST         money.Amount `json:"cgst"`
	SGST         money.Amount `json:"sgst"`
	UTGST        money.Amount `json:"utgst"`
	IGST         money.Amount `json:"igst"`
	Total        money.Amount `json:"total"`
	// RoundOff: the credit note that completes an invoice gives back its
	// round-off, so Refund (= Total + RoundOff) adds up to what was paid.
	RoundOff  money.Amount `json:"round_off"`
	Refund    money.Amount `json:"refund"`
	RestockTo string       `json:"restock_to"`
	Reason    string       `json:"reason,omitempty"`
	// PlaceOfSupply is as on the invoice.
	PlaceOfSupply string `json:"place_of_supply"`
	Buyer         *Buyer `json:"buyer,omitempty"`
	// IRN: a credit note to a registered buyer is e-invoiced too.
	IRN *IRN `json:"irn,omitempty"`
	ut  bool
}

// ReturnLine reverses qty units of one invoice line.
type ReturnLine struct {
	LineNo     int          `json:"line_no"`
	SaleLineNo int          `json:"sale_line_no"`
	SKU        string       `json:"sku"`
	Name       string       `json:"name"`
	HSN        string       `json:"hsn"`
	Qty        int64        `json:"qty"`
	UnitPrice  money.Amount `json:"unit_price"`
	Amount     money.Amount `json:"amount"`
	Taxable    money.Amount `json:"taxable_value"`
	GSTRate    gst.Rate     `json:"gst_rate"`
	CGST       money.Amount `json:"cgst"`
	SGST       money.Amount `json:"sgst"`
	UTGST      money.Amount `json:"utgst"`
	IGST       money.Amount `json:"igst"`
	BandNote   string       `json:"band_note,omitempty"`
	State      string       `json:"state"`
	DistrictID string       `json:"district_id"`
	District   string       `json:"district"`
	ProducerID string       `json:"producer_id"`
	GI         bool         `json:"gi"`
}
