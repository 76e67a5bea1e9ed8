package gstr

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"ektamall/hub"
	"ektamall/hub/ledger"
	"ektamall/shared/errs"
	"ektamall/shared/events"
	"ektamall/shared/invoice"
	"ektamall/shared/money"
	"ektamall/shared/sqldb"
)

// Response is one document's answer from the e-invoice portal, as its
// bulk tool or API returns it: a generated IRN (Status ACT) or a
// cancellation (Status CNL, CancelDate).
type Response struct {
	Irn           string          `json:"Irn"`
	AckNo         json.RawMessage `json:"AckNo,omitempty"` // a number or a string
	AckDt         string          `json:"AckDt,omitempty"` // "2026-11-20 12:34:56" (IST)
	SignedInvoice string          `json:"SignedInvoice,omitempty"`
	SignedQRCode  string          `json:"SignedQRCode,omitempty"`
	Status        string          `json:"Status,omitempty"`
	CancelDate    string          `json:"CancelDate,omitempty"`
}

// ImportResult counts what an import did.
type ImportResult struct {
	Generated int      `json:"generated"`
	Cancelled int      `json:"cancelled"`
	Unchanged int      `json:"unchanged"` // already imported: the same file twice changes nothing
	IRNs      []string `json:"irns"`
}

// QRData is the signed QR code's data claim: what the IRP signed.
type QRData struct {
	SellerGstin string      `json:"SellerGstin"`
	BuyerGstin  string      `json:"BuyerGstin"`
	DocNo       string      `json:"DocNo"`
	DocTyp      string      `json:"DocTyp"`
	DocDt       string      `json:"DocDt"`
	TotInvVal   json.Number `json:"TotInvVal"`
	ItemCnt     int         `json:"ItemCnt"`
	MainHsnCode string      `json:"MainHsnCode"`
	Irn         string      `json:"Irn"`
	IrnDt       string      `json:"IrnDt"`
}

// DecodeSignedQR reads the data claim of a signed QR code (a JWT). The
// IRP's signature is not verified here: that needs NIC's public key,
// which a deployment configures (VERIFY before go-live); the claim is
// checked against the hub's own document instead.
func DecodeSignedQR(jwt string) (QRData, error) {
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		return QRData{}, fmt.Errorf("the signed QR code is not a JWT (header.payload.signature)")
	}
	body, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return QRData{}, fmt.Errorf("the signed QR code's payload is not base64url: %v", err)
	}
	var claims struct {
		Data string `json:"data"`
	}
	if err := json.Unmarshal(body, &claims); err != nil || claims.Data == "" {
		return QRData{}, fmt.Errorf("the signed QR code has no data claim")
	}
	var d QRData
	if err := json.Unmarshal([]byte(claims.Data), &d); err != nil {
		return QRData{}, fmt.Errorf("the signed QR code's data: %v", err)
	}
	return d, nil
}

const portalTime = "2006-01-02 15:04:05"

func parsePortalTime(s string) (time.Time, error) {
	for _, f := range []string{portalTime, "02/01/2006 15:04:05", time.RFC3339} {
		if t, err := time.ParseInLocation(f, s, invoice.IST); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("time %q: want YYYY-MM-DD hh:mm:ss (IST)", s)
}

// ImportResponses records the portal's responses in one transaction: all
// of them or none. A generated IRN must be the one the hub computes for
// the document its signed QR code names, with the same buyer and value;
// it is then sent down to the mall, which prints it. A cancellation must
// be of a document voided at the mall.
func (s *Service) ImportResponses(ctx context.Context, by string, rs []Response) (ImportResult, error) {
	if len(rs) == 0 || len(rs) > 5000 {
		return ImportResult{}, errs.Field("responses", "give 1 to 5000 responses")
	}
	now := s.now().UTC().Truncate(time.Microsecond)
	var res ImportResult
	err := s.DB.Transact(ctx, func(tx sqldb.Tx) error {
		res = ImportResult{IRNs: []string{}}
		docs := map[string][]*edoc{}
		for i, r := range rs {
			where := fmt.Sprintf("responses[%d]", i)
			var err error
			if r.Status == "CNL" || r.CancelDate != "" {
				err = importCancel(ctx, tx, r, now, &res)
			} else {
				err = importGenerated(ctx, tx, r, by, now, !s.NoTransferEInvoices, docs, &res)
			}
			if err != nil {
				if e, ok := err.(*errs.Error); ok {
					return &errs.Error{Code: e.Code, Field: where, Message: where + ": " + e.Message}
				}
				return fmt.Errorf("%s: %w", where, err)
			}
		}
		return nil
	})
	return res, err
}

func importGenerated(ctx context.Context, tx sqldb.Tx, r Response, by string, now time.Time, transfers bool, cache map[string][]*edoc, res *ImportResult) error {
	qr, err := DecodeSignedQR(r.SignedQRCode)
	if err != nil {
		return errs.E(errs.Invalid, "%v", err)
	}
	if r.Irn == "" || qr.Irn != r.Irn {
		return errs.E(errs.Invalid, "Irn %q is not the IRN in its signed QR code (%q)", r.Irn, qr.Irn)
	}
	var mallID string
	if err := tx.QueryRowContext(ctx, `SELECT id FROM malls WHERE gstin = ?`, qr.SellerGstin).Scan(&mallID); err != nil {
		return errs.E(errs.Invalid, "seller GSTIN %s is no mall's registration", qr.SellerGstin)
	}
	m, err := LoadMall(ctx, tx, mallID)
	if err != nil {
		return err
	}
	list, ok := cache[mallID]
	if !ok {
		if list, err = loadEDocs(ctx, tx, mallID, transfers); err != nil {
			return err
		}
		cache[mallID] = list
	}
	var d *edoc
	for _, x := range list {
		if x.typ == qr.DocTyp && x.no == qr.DocNo {
			d = x
		}
	}
	if d == nil {
		return errs.E(errs.Invalid, "%s %s %s is not a business document of mall %s", qr.DocTyp, qr.DocNo, qr.DocDt, mallID)
	}
	if want := IRN(m.GSTIN, d.at, d.typ, d.no); want != r.Irn {
		return errs.E(errs.Invalid, "IRN %s is not the one for %s %s (%s): a different document was registered", r.Irn, d.typ, d.no, want)
	}
	val, err := money.Parse(qr.TotInvVal.String())
	doc := d.inv01(m)
	if err != nil || val.Paise() != int64(doc.ValDtls.TotInvVal) || qr.BuyerGstin != d.b.gstin {
		return errs.E(errs.Invalid, "%s %s: the portal registered value %s for buyer %s; the hub's document is %s for %s",
			d.typ, d.no, qr.TotInvVal, qr.BuyerGstin, doc.ValDtls.TotInvVal, d.b.gstin)
	}
	ack := strings.Trim(string(r.AckNo), `"`)
	if ack == "" || r.AckDt == "" {
		return errs.E(errs.Invalid, "%s %s: AckNo and AckDt are required", d.typ, d.no)
	}
	ackAt, err := parsePortalTime(r.AckDt)
	if err != nil {
		return errs.E(errs.Invalid, "AckDt: %v", err)
	}
	if d.irn != "" {
		if d.ackNo == ack {
			res.Unchanged++
			return nil
		}
		return errs.E(errs.Conflict, "%s %s already has IRN acknowledgement %s, not %s", d.typ, d.no, d.ackNo, ack)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO einvoices (mall, doc_type, doc_id, doc_no, irn, ack_no, ack_at, signed_qr, signed_invoice,
		imported_at, imported_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, mallID, d.typ, d.id, d.no, r.Irn, ack, ledger.TS(ackAt),
		r.SignedQRCode, r.SignedInvoice, ledger.TS(now), by); err != nil {
		return fmt.Errorf("record IRN: %w", err)
	}
	d.irn, d.ackNo, d.ackAt = r.Irn, ack, ackAt
	res.Generated++
	res.IRNs = append(res.IRNs, r.Irn)
	return routeIRN(ctx, tx, mallID, events.EInvoiceIRN{DocType: d.typ, DocID: d.id, DocNo: d.no, IRN: r.Irn, AckNo: ack, AckAt: ackAt,
		SignedQR: r.SignedQRCode}, now)
}

// routeIRN queues the IRN for the mall on the downlink (routed events).
func routeIRN(ctx context.Context, tx sqldb.Tx, mall string, p events.EInvoiceIRN, now time.Time) error {
	return hub.RouteToMall(ctx, tx, mall, mall, events.EInvoiceGenerated, p, now)
}

func importCancel(ctx context.Context, tx sqldb.Tx, r Response, now time.Time, res *ImportResult) error {
	var mall, typ, id, no, cancelled string
	err := tx.QueryRowContext(ctx, `SELECT mall, doc_type, doc_id, doc_no, COALESCE(cancelled_at, '') FROM einvoices WHERE irn = ?`, r.Irn).
		Scan(&mall, &typ, &id, &no, &cancelled)
	if err != nil {
		return errs.E(errs.Invalid, "cancellation of IRN %q, which the hub has not imported", r.Irn)
	}
	if cancelled != "" {
		res.Unchanged++
		return nil
	}
	var voided int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM hub_voids WHERE mall = ? AND sale_id = ?`, mall, id).Scan(&voided); err != nil {
		return err
	}
	if typ != "INV" || voided == 0 {
		return errs.E(errs.Invalid, "IRN %s (%s %s) was cancelled on the portal but the document stands at the mall; void it there first", r.Irn, typ, no)
	}
	at := now
	if r.CancelDate != "" {
		if at, err = parsePortalTime(r.CancelDate); err != nil {
			return errs.E(errs.Invalid, "CancelDate: %v", err)
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE einvoices SET cancelled_at = ? WHERE irn = ? AND cancelled_at IS NULL`, ledger.TS(at), r.Irn); err != nil {
		return err
	}
	res.Cancelled++
	return nil
}
