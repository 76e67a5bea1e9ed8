package api

import (
	"bytes"
	"html/template"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"ektamall/inventory"
	"ektamall/shared/auth"
	"ektamall/shared/httpx"
)

// A damage write-off and a return to the producer need a mall admin's
// approval (inventory/stockreq.go). A zone manager's request answers 202
// with the pending request; with "approver": {"username", "password"} (a
// mall admin typing on the zone manager's screen, as at the till) or from
// a mall admin it is made at once and answers 201 with the movement.

// credentials are a mall admin's, typed on a colleague's screen.
type credentials struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

// approver checks typed credentials (nil: none were typed).
func (h *invHandlers) approver(c *gin.Context, cr *credentials) (*auth.User, error) {
	if cr == nil || (cr.Username == "" && cr.Password == "") {
		return nil, nil
	}
	u, err := h.auth.VerifyApprover(c.Request.Context(), httpx.User(c), cr.Username, cr.Password, auth.MallAdmin, httpx.RequestID(c))
	if err != nil {
		return nil, err
	}
	return &u, nil
}

// requested answers a request: 201 with the movement once made, 202 with
// the request while it waits, 200 for a replay.
func requested(c *gin.Context, r inventory.StockRequest, err error) {
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	switch {
	case r.Movement != nil && !r.Replay:
		m := *r.Movement
		m.Request = r.ID
		c.JSON(http.StatusCreated, m)
	case r.Replay:
		c.JSON(http.StatusOK, r)
	default:
		c.JSON(http.StatusAccepted, r)
	}
}

// POST /zones/{zone}/producer-returns {"producer_id", "from": "shelf"|"backroom"|"damaged", "reason", "lines", "approver"?}
// → 202 pending, or 201: consignment handed back to its producer.
func (h *invHandlers) producerReturn(c *gin.Context) {
	var in struct {
		inventory.ProducerReturnInput
		Approver *credentials `json:"approver"`
	}
	if err := httpx.Decode(c, &in); err != nil {
		httpx.Fail(c, err)
		return
	}
	ap, err := h.approver(c, in.Approver)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	r, err := h.svc.RequestProducerReturn(c.Request.Context(), actor(c), c.Param("zone"), in.ProducerReturnInput, ap)
	requested(c, r, err)
}

// POST /zones/{zone}/damage {"from": "shelf"|"backroom", "reason", "cause"?, "lines", "approver"?} → 202 pending, or 201.
func (h *invHandlers) damage(c *gin.Context) {
	var in struct {
		inventory.DamageInput
		Approver *credentials `json:"approver"`
	}
	if err := httpx.Decode(c, &in); err != nil {
		httpx.Fail(c, err)
		return
	}
	ap, err := h.approver(c, in.Approver)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	r, err := h.svc.RequestDamage(c.Request.Context(), actor(c), c.Param("zone"), in.DamageInput, ap)
	requested(c, r, err)
}

// GET /stock-requests?status=pending|approved|rejected
func (h *invHandlers) stockRequests(c *gin.Context) {
	rs, err := h.svc.StockRequests(c.Request.Context(), actor(c), c.Query("status"))
	respond(c, http.StatusOK, rs, err)
}

// GET /stock-requests/{id}
func (h *invHandlers) stockRequest(c *gin.Context) {
	r, err := h.svc.StockRequest(c.Request.Context(), actor(c), c.Param("id"))
	respond(c, http.StatusOK, r, err)
}

// POST /stock-requests/{id}/approve {"approver"?}: a mall admin approves
// their own way; a zone manager's screen sends the admin's credentials.
func (h *invHandlers) approveRequest(c *gin.Context) {
	var in struct {
		Approver *credentials `json:"approver"`
	}
	if c.Request.ContentLength != 0 {
		if err := httpx.Decode(c, &in); err != nil {
			httpx.Fail(c, err)
			return
		}
	}
	ap, err := h.approver(c, in.Approver)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	u := httpx.User(c)
	if ap == nil {
		ap = &u // a mall admin approving themselves; anyone else is refused by the service
	}
	r, err := h.svc.ApproveRequest(c.Request.Context(), actor(c), c.Param("id"), *ap)
	respond(c, http.StatusOK, r, err)
}

// POST /stock-requests/{id}/reject {"note"}
func (h *invHandlers) rejectRequest(c *gin.Context) {
	var in struct {
		Note string `json:"note"`
	}
	if err := httpx.Decode(c, &in); err != nil {
		httpx.Fail(c, err)
		return
	}
	r, err := h.svc.RejectRequest(c.Request.Context(), actor(c), c.Param("id"), in.Note)
	respond(c, http.StatusOK, r, err)
}

// GET /stock-requests/{id}/note: the printable return note of an approved
// return to the producer, signed by both sides at handover.
func (h *invHandlers) returnNote(c *gin.Context) {
	n, err := h.svc.ReturnNote(c.Request.Context(), actor(c), c.Param("id"))
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	var b bytes.Buffer
	if err := returnNotePage.Execute(&b, n); err != nil {
		httpx.Fail(c, err)
		return
	}
	c.Data(http.StatusOK, "text/html; charset=utf-8", b.Bytes())
}

var returnNotePage = template.Must(template.New("note").Funcs(template.FuncMap{
	"day": func(t any) string {
		switch v := t.(type) {
		case time.Time:
			return v.In(ist).Format("2 January 2006, 15:04")
		case *time.Time:
			if v != nil {
				return v.In(ist).Format("2 January 2006, 15:04")
			}
		}
		return ""
	},
}).Parse(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Return note {{.MovementID}}</title>
<style>body{font-family:sans-serif;margin:2rem;max-width:48rem}table{border-collapse:collapse;width:100%}td,th{border:1px solid #999;padding:.4rem;text-align:left}
.num{text-align:right}.sign{display:flex;gap:3rem;margin-top:4rem}.sign div{flex:1;border-top:1px solid #000;padding-top:.3rem}</style></head><body>
<h1>Return of consignment to the producer</h1>
<p><b>{{.MallName}}</b>, {{.MallAddress}} · zone {{.Zone}}</p>
<p>Document <b>{{.MovementID}}</b> · {{day .DecidedAt}}</p>
<p>To: <b>{{.ProducerName}}</b> ({{.ProducerID}})</p>
<p>Reason: {{.Reason}} · taken from the {{.From}}</p>
<table><thead><tr><th>SKU</th><th>Product</th><th class="num">Quantity</th></tr></thead><tbody>
{{range .Items}}<tr><td>{{.SKU}}</td><td>{{.Name}}</td><td class="num">{{.Qty}}</td></tr>{{end}}
</tbody></table>
<p>Asked by {{.RequestedBy}} on {{day .RequestedAt}}; approved by {{.DecidedBy}}.</p>
<div class="sign"><div>Handed over by (for the mall)</div><div>Received by (for the producer)</div></div>
</body></html>`))

// ist is India's time, for the dates people read on a return note.
var ist = time.FixedZone("IST", 5*3600+1800)
