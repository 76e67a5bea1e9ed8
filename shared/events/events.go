// Package events is the contract between malls and the hub: the envelope
// every outbox row becomes, and the versioned payloads inside it. The hub
// and the malls never import each other; they meet only here.
//
// Compatibility rule: a payload type only gains optional fields within a
// version. A change a reader could misread gets a new Version and the hub
// keeps reading the old one.
package events

import (
	"encoding/json"
	"fmt"
	"time"

	"ektamall/shared/gst"
	"ektamall/shared/money"
)

// Version of the envelope and payload schema written by this binary.
const Version = 1

// Types of event.
const (
	SaleCompleted   = "sale.completed"
	SaleVoided      = "sale.voided"
	ReturnCompleted = "return.completed"
	StockMoved      = "stock.moved"
	ShiftClosed     = "shift.closed"
	TransferSent    = "transfer.sent"
	// StockLow: a SKU's shelf + backroom fell to or below its reorder point.
	StockLow = "stock.low"
	// TransferReceived: the receiving mall counted a transfer in; the hub
	// routes it back to the sender, which clears its transit stock.
	TransferReceived = "transfer.received"
)

// Envelope is one event as it crosses from a mall to the hub.
type Envelope struct {
	ID      string          `json:"id"`   // UUIDv7, also the Nats-Msg-Id
	Mall    string          `json:"mall"` // mall id, e.g. "LKO1"
	Seq     int64           `json:"seq"`  // per-mall sequence, gapless from 1 within an epoch (epoch.go)
	Type    string          `json:"type"`
	At      time.Time       `json:"at"`
	Version int             `json:"v"`
	Payload json.RawMessage `json:"payload"`
}

// Validate checks the envelope's own fields (not the payload).
func (e Envelope) Validate() error {
	switch {
	case e.ID == "":
		return fmt.Errorf("event: missing id")
	case e.Mall == "":
		return fmt.Errorf("event %s: missing mall", e.ID)
	case e.Seq < 1:
		return fmt.Errorf("event %s: seq %d must be positive", e.ID, e.Seq)
	case e.Version < 1 || e.Version > Version:
		return fmt.Errorf("event %s: unsupported version %d", e.ID, e.Version)
	case e.At.IsZero():
		return fmt.Errorf("event %s: missing time", e.ID)
	}
	if !Known(e.Type) {
		return fmt.Errorf("event %s: unknown type %q", e.ID, e.Type)
	}
	return nil
}

// Sale is the payload of sale.completed: the invoice as issued.
type Sale struct {
	SaleID    string       `json:"sale_id"`
	InvoiceNo string       `json:"invoice_no"`
	ShiftID   string       `json:"shift_id"`
	Counter   string       `json:"counter"`
	CashierID string       `json:"cashier_id"`
	At        time.Time    `json:"at"`
	Lines     []SaleLine   `json:"lines"`
	Tenders   []Tender     `json:"tenders"`
	Total     money.Amount `json:"total"`
	Change    money.Amount `json:"change"`
	// Optional (issue 18; events from older malls decode with zeros):
	// the round-off line (tenders − change = total + round_off), the place
	// of supply (State code; empty means the mall's State), the buyer and
	// the delivery State.
	RoundOff money.Amount `json:"round_off,omitzero"`
	POSState string       `json:"pos_state,omitempty"`
	B2B      bool         `json:"b2b,omitempty"`
	EInvoice string       `json:"einvoice,omitempty"`
	Buyer    *Buyer       `json:"buyer,omitempty"`
	ShipTo   string       `json:"ship_state,omitempty"`
	// TraceToken (issue 20; optional) names the sale on the hub's public
	// trace page that the receipt's QR code opens.
	TraceToken string `json:"trace_token,omitempty"`
}

// Buyer is the recipient recorded on an invoice (PAN in full: the hub
// files Form 61 and SFT returns from it).
type Buyer struct {
	GSTIN   string `json:"gstin,omitempty"`
	Name    string `json:"name,omitempty"`
	Address string `json:"address,omitempty"`
	State   string `json:"state,omitempty"`
	PAN     string `json:"pan,omitempty"`
	Form60  string `json:"form60,omitempty"`
}

// SaleLine is one invoice line; amounts are tax-inclusive line totals after
// discount, with the tax inside them as computed and stored by the mall.
type SaleLine struct {
	LineNo     int          `json:"line_no"`
	SKU        string       `json:"sku"`
	ProducerID string       `json:"producer_id"`
	DistrictID string       `json:"district_id"`
	State      string       `json:"state"` // origin state (the shelf zone)
	HSN        string       `json:"hsn"`
	Qty        int64        `json:"qty"`
	UnitPrice  money.Amount `json:"unit_price"`
	Discount   money.Amount `json:"discount"`
	Amount     money.Amount `json:"amount"`
	Taxable    money.Amount `json:"taxable_value"`
	GSTRate    gst.Rate     `json:"gst_rate"`
	CGST       money.Amount `json:"cgst"`
	SGST       money.Amount `json:"sgst"` // UTGST when UTGST is true
	UTGST      bool         `json:"utgst,omitempty"`
	// Optional: IGST of an inter-State supply (CGST and SGST are then
	// zero), and the price band that set the rate.
	IGST     money.Amount `json:"igst,omitzero"`
	BandNote string       `json:"band_note,omitempty"`
}

// Tender is one payment of a sale or refund of a return.
type Tender struct {
	Method string       `json:"method"` // cash, upi, card
	Amount money.Amount `json:"amount"`
	Ref    string       `json:"ref,omitempty"`
}

// Void is the payload of sale.voided: the invoice is cancelled in full.
type Void struct {
	SaleID    string    `json:"sale_id"`
	InvoiceNo string    `json:"invoice_no"`
	By        string    `json:"by"`
	Reason    string    `json:"reason"`
	At        time.Time `json:"at"`
}

// Return is the payload of return.completed: a credit note against one
// invoice. Line amounts are positive and are to be subtracted.
type Return struct {
	ReturnID     string       `json:"return_id"`
	CreditNoteNo string       `json:"credit_note_no"`
	SaleID       string       `json:"sale_id"`
	InvoiceNo    string       `json:"invoice_no"`
	ShiftID      string       `json:"shift_id"`
	At           time.Time    `json:"at"`
	Lines        []ReturnLine `json:"lines"`
	Refunds      []Tender     `json:"refunds"`
	Total        money.Amount `json:"total"`
	// Optional: the round-off given back (refunds = total + round_off).
	RoundOff money.Amount `json:"round_off,omitzero"`
}

// ReturnLine reverses (part of) one sale line.
type ReturnLine struct {
	SaleLineNo int          `json:"sale_line_no"`
	SKU        string       `json:"sku"`
	ProducerID string       `json:"producer_id"`
	DistrictID string       `json:"district_id"`
	State      string       `json:"state"`
	Qty        int64        `json:"qty"`
	Amount     money.Amount `json:"amount"`
	Taxable    money.Amount `json:"taxable_value"`
	GSTRate    gst.Rate     `json:"gst_rate"`
	CGST       money.Amount `json:"cgst"`
	SGST       money.Amount `json:"sgst"`
	UTGST      bool         `json:"utgst,omitempty"`
	IGST       money.Amount `json:"igst,omitzero"`
}

// StockMove is the payload of stock.moved: one movement in the mall's
// stock ledger (from and to are location codes such as "UP/backroom").
type StockMove struct {
	MoveID string    `json:"move_id"`
	Kind   string    `json:"kind"` // receipt, sale, return, restock, transfer_out, transfer_in, adjustment, damage, void
	SKU    string    `json:"sku"`
	Zone   string    `json:"zone"`
	Qty    int64     `json:"qty"`
	From   string    `json:"from,omitempty"`
	To     string    `json:"to,omitempty"`
	Ref    string    `json:"ref,omitempty"`
	UserID string    `json:"user_id,omitempty"`
	At     time.Time `json:"at"`
	// Note (optional) is the move's reason as recorded: why goods were
	// written off as damaged or returned to their producer.
	Note string `json:"note,omitempty"`
	// Cause (optional, damage only) is whose loss the damage is by
	// default: "in_store" or "on_arrival" (absent: in_store).
	Cause string `json:"cause,omitempty"`
}

// ShiftClose is the payload of shift.closed: the Z report's figures, which
// finance reconciles against what the hub ingested.
type ShiftClose struct {
	ShiftID        string                  `json:"shift_id"`
	Counter        string                  `json:"counter"`
	OpenedAt       time.Time               `json:"opened_at"`
	ClosedAt       time.Time               `json:"closed_at"`
	SalesCount     int64                   `json:"sales_count"`
	SalesTotal     money.Amount            `json:"sales_total"`
	ReturnsCount   int64                   `json:"returns_count"`
	ReturnsTotal   money.Amount            `json:"returns_total"`
	VoidsCount     int64                   `json:"voids_count"`
	Tenders        map[string]money.Amount `json:"tenders"` // net per method
	ExpectedCash   money.Amount            `json:"expected_cash"`
	CountedCash    money.Amount            `json:"counted_cash"`
	FirstInvoiceNo string                  `json:"first_invoice_no,omitempty"`
	LastInvoiceNo  string                  `json:"last_invoice_no,omitempty"`
	// Optional (added with the POS): what else makes up expected cash, the
	// value of cancelled invoices, and the credit notes issued.
	OpeningFloat      money.Amount `json:"opening_float,omitzero"`
	PaidIn            money.Amount `json:"paid_in,omitzero"`
	PaidOut           money.Amount `json:"paid_out,omitzero"`
	VoidsTotal        money.Amount `json:"voids_total,omitzero"`
	FirstCreditNoteNo string       `json:"first_credit_note_no,omitempty"`
	LastCreditNoteNo  string       `json:"last_credit_note_no,omitempty"`
	// Optional (issue 18): net round-off of the shift's sales and returns,
	// and its net tax by head ("cgst", "sgst", "utgst", "igst").
	RoundOff money.Amount            `json:"round_off,omitzero"`
	TaxHeads map[string]money.Amount `json:"tax_heads,omitempty"`
}

// Transfer is the payload of transfer.sent: stock leaving one mall for
// another. The hub routes it to the receiving mall, which records it as an
// incoming transfer to receive (with any shortage reported on receipt).
type Transfer struct {
	TransferID string         `json:"transfer_id"`
	FromMall   string         `json:"from_mall"`
	ToMall     string         `json:"to_mall"`
	Zone       string         `json:"zone"`
	Lines      []TransferLine `json:"lines"`
	By         string         `json:"by"`
	At         time.Time      `json:"at"`
	// Optional (issue 19): the tax invoice or delivery challan it moves under.
	Document *TransferDocument `json:"document,omitempty"`
}

// TransferLine is one SKU of a transfer.
type TransferLine struct {
	SKU string `json:"sku"`
	Qty int64  `json:"qty"`
}

// LowStock is the payload of stock.low: sent once when a SKU crosses its
// reorder point on the way down (not again until it has been above it).
type LowStock struct {
	SKU          string    `json:"sku"`
	Zone         string    `json:"zone"`
	Available    int64     `json:"available"` // shelf + backroom after the move
	ReorderPoint int64     `json:"reorder_point"`
	MoveID       string    `json:"move_id"` // the move that crossed it
	At           time.Time `json:"at"`
}

// TransferReceipt is the payload of transfer.received: what the receiving
// mall actually counted in. Lines with Received < Sent are shortages.
type TransferReceipt struct {
	TransferID string                `json:"transfer_id"`
	FromMall   string                `json:"from_mall"`
	ToMall     string                `json:"to_mall"`
	Zone       string                `json:"zone"`
	Lines      []TransferReceiptLine `json:"lines"`
	By         string                `json:"by"`
	At         time.Time             `json:"at"`
}

// TransferReceiptLine is one SKU of a received transfer.
type TransferReceiptLine struct {
	SKU      string `json:"sku"`
	Sent     int64  `json:"sent"`
	Received int64  `json:"received"`
}
