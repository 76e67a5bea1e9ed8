package events

import (
	"time"

	"ektamall/shared/gst"
	"ektamall/shared/money"
)

// EInvoiceGenerated is routed from the hub to a mall when finance imports
// the e-invoice portal's response for one of the mall's documents: the
// mall prints the IRN and the signed QR code on the invoice (issue 19).
const EInvoiceGenerated = "einvoice.generated"

// EInvoiceIRN is the payload of einvoice.generated.
type EInvoiceIRN struct {
	DocType  string    `json:"doc_type"` // INV (the sale) or CRN (the credit note)
	DocID    string    `json:"doc_id"`   // sale id or return id
	DocNo    string    `json:"doc_no"`
	IRN      string    `json:"irn"`
	AckNo    string    `json:"ack_no"`
	AckAt    time.Time `json:"ack_at"`
	SignedQR string    `json:"signed_qr"`
}

// TransferDocument is the tax document a transfer between two malls
// moves under (issue 19): a tax invoice from the sender's GSTIN to the
// receiver's when they are in different States (a supply between distinct
// persons, IGST on the transfer value), a delivery challan within one
// State (no tax). Optional in transfer.sent; the hub books a tax
// invoice's IGST and reports it in the sender's GSTR-1.
type TransferDocument struct {
	Kind      string                 `json:"kind"` // tax_invoice, delivery_challan
	Number    string                 `json:"number"`
	At        time.Time              `json:"at"`
	FromGSTIN string                 `json:"from_gstin"`
	ToGSTIN   string                 `json:"to_gstin"`
	ToState   string                 `json:"to_state"`
	Taxable   money.Amount           `json:"taxable_value"`
	IGST      money.Amount           `json:"igst"`
	Lines     []TransferDocumentLine `json:"lines"`
	// EWayBill is the e-way bill the goods left with, where one was
	// required (optional: older events and smaller consignments have none).
	EWayBill *TransferEWayBill `json:"eway_bill,omitempty"`
}

// TransferEWayBill is a dispatched transfer's e-way bill: the portal's
// number and validity, and Part B as the zone manager entered it.
type TransferEWayBill struct {
	Number        string    `json:"number"`
	ValidUntil    time.Time `json:"valid_until"`
	VehicleNo     string    `json:"vehicle_no,omitempty"`
	TransporterID string    `json:"transporter_id,omitempty"`
	DistanceKm    int       `json:"distance_km,omitempty"`
}

// TransferDocumentLine is one SKU's value on the document.
type TransferDocumentLine struct {
	SKU     string       `json:"sku"`
	HSN     string       `json:"hsn"`
	Qty     int64        `json:"qty"`
	GSTRate gst.Rate     `json:"gst_rate"`
	Taxable money.Amount `json:"taxable_value"`
	IGST    money.Amount `json:"igst"`
}
