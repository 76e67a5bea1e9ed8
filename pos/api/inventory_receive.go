package api

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/gin-gonic/gin"

	"ektamall/inventory"
	"ektamall/shared/errs"
	"ektamall/shared/httpx"
)

// MaxImportBody is the largest consignment CSV accepted (the JSON limit,
// httpx.MaxBody, is far smaller).
const MaxImportBody = 16 << 20

func (h *invHandlers) grns(c *gin.Context) {
	gs, err := h.svc.GRNs(c.Request.Context(), actor(c), c.Param("zone"))
	respond(c, http.StatusOK, gs, err)
}

func (h *invHandlers) grn(c *gin.Context) {
	g, err := h.svc.GetGRN(c.Request.Context(), actor(c), c.Param("id"))
	respond(c, http.StatusOK, g, err)
}

// POST /zones/{zone}/receipts {"producer_id", "lines": [{"sku", "qty"}]} → 201 GRN.
func (h *invHandlers) receive(c *gin.Context) {
	var in inventory.ReceiptInput
	if err := httpx.Decode(c, &in); err != nil {
		httpx.Fail(c, err)
		return
	}
	g, err := h.svc.Receive(c.Request.Context(), actor(c), c.Param("zone"), in)
	created(c, g, g.Replay, err)
}

// POST /zones/{zone}/receipts/import?producer_id=PR-...&producer_ref=&note=
// with a text/csv body, or multipart/form-data with a "file" part (and
// optionally producer_id, producer_ref, note fields). All rows or none:
// a bad file answers 400 with every bad row and its line number.
func (h *invHandlers) importCSV(c *gin.Context) {
	meta := inventory.ReceiptInput{ProducerID: c.Query("producer_id"), ProducerRef: c.Query("producer_ref"), Note: c.Query("note")}
	body, err := readCSVBody(c, &meta)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	log := httpx.Log(c)
	progress := func(done, total int) {
		if done == total || done%max(total/10, 1) == 0 {
			log.Debug("csv import", "done", done, "total", total)
		}
	}
	g, err := h.svc.ImportCSV(c.Request.Context(), actor(c), c.Param("zone"), meta, bytes.NewReader(body), progress)
	var ie *inventory.ImportError
	if errors.As(err, &ie) {
		log.Info("request refused", "err", err, "code", errs.Invalid, "bad_rows", ie.Total)
		c.AbortWithStatusJSON(http.StatusBadRequest, gin.H{"error": gin.H{
			"code": errs.Invalid, "message": ie.Error(), "bad_rows": ie.Total, "rows": ie.Rows,
		}})
		return
	}
	if err == nil {
		log.Info("csv import", "grn", g.No, "lines", len(g.Lines), "units", g.TotalQty)
	}
	created(c, g, g.Replay, err)
}

// importTypes are the bodies the import reads; the route's one limit is
// MaxImportBody whichever is declared.
var importTypes = []string{"text/csv", "text/plain", "application/csv", "application/octet-stream", "multipart/form-data"}

func readCSVBody(c *gin.Context, meta *inventory.ReceiptInput) ([]byte, error) {
	switch c.ContentType() {
	case "text/csv", "text/plain", "application/csv", "application/octet-stream", "":
		return readLimited(c.Request.Body)
	case "multipart/form-data":
		mr, err := c.Request.MultipartReader()
		if err != nil {
			return nil, errs.E(errs.Invalid, "malformed multipart body: %v", err)
		}
		var file []byte
		for {
			part, err := mr.NextPart()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return nil, tooLargeOr(err, "malformed multipart body")
			}
			switch part.FormName() {
			case "file":
				if file, err = readLimited(part); err != nil {
					return nil, err
				}
			case "producer_id", "producer_ref", "note":
				v, err := io.ReadAll(io.LimitReader(part, 1024))
				if err != nil {
					return nil, tooLargeOr(err, "malformed multipart body")
				}
				switch part.FormName() {
				case "producer_id":
					meta.ProducerID = string(v)
				case "producer_ref":
					meta.ProducerRef = string(v)
				default:
					meta.Note = string(v)
				}
			}
		}
		if file == nil {
			return nil, errs.Field("file", "the multipart body has no \"file\" part")
		}
		return file, nil
	}
	return nil, errs.E(errs.Invalid, "send the CSV as a text/csv body or as the \"file\" field of multipart/form-data")
}

func readLimited(r io.Reader) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxImportBody+1))
	if err != nil {
		return nil, tooLargeOr(err, "could not read the CSV")
	}
	if len(b) > MaxImportBody {
		return nil, errs.E(errs.TooLarge, "the CSV is over %d bytes; split the consignment", MaxImportBody)
	}
	return b, nil
}

func tooLargeOr(err error, msg string) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return errs.E(errs.TooLarge, "the upload is over %d bytes", mbe.Limit)
	}
	return fmt.Errorf("%s: %w", msg, errs.E(errs.Invalid, "%s", msg))
}

// POST /zones/{zone}/restock {"lines": [{"sku", "qty"}]} → 201; backroom → shelf.
func (h *invHandlers) restock(c *gin.Context) {
	var in inventory.RestockInput
	if err := httpx.Decode(c, &in); err != nil {
		httpx.Fail(c, err)
		return
	}
	m, err := h.svc.Restock(c.Request.Context(), actor(c), c.Param("zone"), in)
	created(c, m, m.Replay, err)
}
