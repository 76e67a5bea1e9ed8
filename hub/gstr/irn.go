package gstr

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"ektamall/shared/invoice"
)

// IRN is the invoice reference number the IRP gives a document: the
// SHA-256, in hex, of the seller's GSTIN, the financial year of the
// document date (2026-27), the document type and its number
// (einv-apisandbox.nic.in/irn.html; research §4.3). Computed here, it is
// the key that matches the portal's response to the document.
func IRN(sellerGSTIN string, docDate time.Time, docType, docNo string) string {
	fy := invoice.FinancialYear(docDate)
	sum := sha256.Sum256([]byte(fmt.Sprintf("%s%d-%02d%s%s", sellerGSTIN, int(fy), (int(fy)+1)%100, docType, docNo)))
	return hex.EncodeToString(sum[:])
}
