package receipt

import (
	"html/template"

	"ektamall/pos"
	"ektamall/shared/qrsvg"
)

// einv is an e-invoiced document's registration as printed: the IRN,
// the acknowledgement and the portal's signed QR code (Rule 48(4)).
type einv struct {
	IRN, AckNo, AckDate string
	QR                  template.HTML // an inline SVG of the signed QR code
	Cancel              string        // the IRN is being cancelled (a void within 24 hours)
}

func einvOf(w words, r *pos.IRN) *einv {
	if r == nil {
		return nil
	}
	e := &einv{IRN: r.IRN, AckNo: r.AckNo, AckDate: when(r.AckAt)}
	if svg, err := qrsvg.SVG(r.SignedQR); err == nil {
		e.QR = template.HTML(svg) // our own SVG of the portal's text, no markup from outside
	}
	if r.CancelAsked != nil {
		e.Cancel = w.T("rcpt.irnCancel", when(*r.CancelAsked))
	}
	return e
}
