package events

import "time"

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
