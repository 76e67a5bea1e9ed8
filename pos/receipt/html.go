package receipt

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"html/template"

	"ektamall/pos"
	"ektamall/shared/qrsvg"
	"ektamall/shared/webui"
)

// InvoiceHTML renders a tax invoice as a printable HTML page in lang (en,
// hi, kn; any other is English). Numbers, GSTIN, HSN and IRN stay as they
// are in every language.
func InvoiceHTML(m pos.Mall, s pos.Sale, lang string) ([]byte, error) {
	return render(lang, saleDoc(wordsIn(lang), m, s))
}

// CreditNoteHTML renders a credit note as a printable HTML page in lang.
func CreditNoteHTML(m pos.Mall, r pos.Return, lang string) ([]byte, error) {
	return render(lang, returnDoc(wordsIn(lang), m, r))
}

// css is the page's only style, inline so that a saved receipt prints
// alike; CSP names it by its hash (StyleHash), so no other inline style or
// script can run.
const css = `body{font:13px/1.35 system-ui,sans-serif;margin:1.5em auto;max-width:60em;color:#111}
h1{font-size:1.3em;margin:0}h2{font-size:1.1em;letter-spacing:.1em;text-align:center}
table{border-collapse:collapse;width:100%;margin:.6em 0}th,td{border:1px solid #999;padding:.25em .4em;vertical-align:top}
td.n,th.n{text-align:right;white-space:nowrap}.origin{color:#444;font-size:.9em}.cancel{color:#b00;font-weight:bold;text-align:center;font-size:1.3em}
dl{display:grid;grid-template-columns:max-content auto;gap:.1em 1em;margin:.4em 0}dt{font-weight:600}dd{margin:0}
.trace{display:flex;gap:1em;align-items:center;margin:.6em 0}.trace img{width:30mm;height:30mm}
.einv{display:flex;gap:1em;align-items:center;border:1px solid #999;padding:.4em;margin:.6em 0}.einv .qr svg{width:9em;height:9em}
.irn{font-family:monospace;word-break:break-all}
@media print{body{margin:0;max-width:none}button{display:none}}
`

// StyleHash is the CSP source of the receipt's inline style.
var StyleHash = func() string {
	h := sha256.Sum256([]byte(css))
	return "'sha256-" + base64.StdEncoding.EncodeToString(h[:]) + "'"
}()

// CSP is the Content-Security-Policy of a printable receipt: its own
// style, this origin's print script, nothing else, never framed.
var CSP = "default-src 'none'; style-src " + StyleHash + "; script-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

type page struct {
	doc
	Lang string
	CSS  template.CSS
	// TraceQR is the trace link's QR code as a data: URI (the receipt's
	// policy allows images from data:, nothing from elsewhere).
	TraceQR template.URL
}

func render(lang string, d doc) ([]byte, error) {
	var b bytes.Buffer
	pg := page{doc: d, Lang: webui.WordsIn(lang).Lang, CSS: template.CSS(css)}
	if d.TraceURL != "" {
		svg, err := qrsvg.SVG(d.TraceURL)
		if err != nil {
			return nil, err
		}
		pg.TraceQR = template.URL("data:image/svg+xml;base64," + base64.StdEncoding.EncodeToString([]byte(svg)))
	}
	if err := pageTmpl.Execute(&b, pg); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

var pageTmpl = template.Must(template.New("doc").Parse(`<!doctype html>
<html lang="{{.Lang}}"><head><meta charset="utf-8">
<title>{{.Title}} {{.Number}}</title>
<style>{{.CSS}}</style></head><body>{{$w := .W}}
<header><h1>{{.Mall.Name}}</h1><div>{{.Mall.Address}}</div><div>GSTIN {{.Mall.GSTIN}} · {{$w.T "rcpt.state"}} {{.MallState}} ({{.Mall.StateCode}})</div></header>
<h2>{{.Title}}</h2>
{{if .Cancelled}}<p class="cancel">{{$w.T "rcpt.cancelled"}} — {{.Cancelled}}</p>{{end}}
<dl><dt>{{.NumberLabel}}</dt><dd>{{.Number}}</dd><dt>{{$w.T "rcpt.date"}}</dt><dd>{{.Date}}</dd>
{{range .Refs}}<dt>{{index . 0}}</dt><dd>{{index . 1}}</dd>{{end}}</dl>
{{with .EInv}}<section class="einv"><div class="qr">{{.QR}}</div><dl><dt>IRN</dt><dd class="irn">{{.IRN}}</dd><dt>{{$w.T "rcpt.ackNo"}}</dt><dd>{{.AckNo}}</dd><dt>{{$w.T "rcpt.ackDate"}}</dt><dd>{{.AckDate}}</dd></dl>{{if .Cancel}}<p class="cancel">{{.Cancel}}</p>{{end}}</section>{{end}}
<table><thead><tr><th>#</th><th>{{$w.T "rcpt.description"}}</th><th>HSN</th><th class="n">{{$w.T "rcpt.qty"}}</th><th class="n">{{$w.T "rcpt.rate"}}</th><th class="n">{{$w.T "rcpt.value"}}</th>
<th class="n">{{$w.T "rcpt.discount"}}</th><th class="n">{{$w.T "rcpt.taxable"}}</th><th class="n">GST</th>{{if .Inter}}<th class="n">IGST</th>{{else}}<th class="n">CGST</th><th class="n">{{.StateLabel}}</th>{{end}}<th class="n">{{$w.T "rcpt.amount"}}</th></tr></thead>
<tbody>{{$inter := .Inter}}{{range .Lines}}<tr><td>{{.No}}</td>
<td>{{.Name}}<div class="origin">{{.District}}, {{.State}}{{if .GI}} · {{$w.T "rcpt.giTagged"}}{{end}}{{if .GIReg}}<br>{{$w.GI .GIName .GIReg}}{{end}}</div>{{if .BandNote}}<div class="band">{{$w.T "rcpt.priceBand" .BandNote}}</div>{{end}}</td>
<td>{{.HSN}}</td><td class="n">{{.Qty}}</td><td class="n">{{.UnitPrice}}</td><td class="n">{{.Gross}}</td>
<td class="n">{{if .Discount.IsPositive}}{{.Discount}}{{if .DiscNote}} ({{.DiscNote}}){{end}}{{end}}</td>
<td class="n">{{.Taxable}}</td><td class="n">{{.Rate}}%</td>{{if $inter}}<td class="n">{{.IGST}} @{{.Rate}}%</td>{{else}}<td class="n">{{.CGST}} @{{.HalfRate}}</td><td class="n">{{.SGST}} @{{.HalfRate}}</td>{{end}}
<td class="n">{{.Amount}}</td></tr>{{end}}</tbody>
<tfoot><tr><th colspan="7">{{$w.T "rcpt.total"}}</th><th class="n">{{.Taxable}}</th><th></th>{{if .Inter}}<th class="n">{{.IGST}}</th>{{else}}<th class="n">{{.CGST}}</th><th class="n">{{.SGST}}</th>{{end}}<th class="n">{{.Total}}</th></tr>
{{if not .RoundOff.IsZero}}<tr><th colspan="{{if .Inter}}10{{else}}11{{end}}">{{$w.T "rcpt.roundOff"}}</th><th class="n round-off">{{.RoundOff}}</th></tr>
<tr><th colspan="{{if .Inter}}10{{else}}11{{end}}">{{.PayableName}} (INR)</th><th class="n payable">{{.Payable}}</th></tr>{{end}}</tfoot></table>
<table><caption>{{$w.T "rcpt.gstSummary"}}</caption><thead><tr><th>{{$w.T "rcpt.rate"}}</th><th class="n">{{$w.T "rcpt.taxable"}}</th>{{if .Inter}}<th class="n">IGST</th>{{else}}<th class="n">CGST</th><th class="n">{{.StateLabel}}</th>{{end}}</tr></thead>
<tbody>{{range .Tax}}<tr><td>{{.Rate}}%</td><td class="n">{{.Taxable}}</td>{{if $inter}}<td class="n">{{.IGST}}</td>{{else}}<td class="n">{{.CGST}}</td><td class="n">{{.SGST}}</td>{{end}}</tr>{{end}}</tbody></table>
<table><tbody>{{$pl := .PayLabel}}{{range .Payments}}<tr><td>{{$pl}} {{$w.Method .Method}}{{if .Ref}} ({{$w.T "rcpt.ref" .Ref}}){{end}}</td><td class="n">{{.Amount}}</td></tr>{{end}}
{{if .Change}}<tr><td>{{$w.T "rcpt.change"}}</td><td class="n">{{.Change}}</td></tr>{{end}}</tbody></table>
<p>{{.Footer}}</p>
{{if .TraceQR}}<figure class="trace"><img src="{{.TraceQR}}" width="120" height="120" alt="{{$w.T "rcpt.traceAlt"}}">
<figcaption>{{$w.T "rcpt.traceScan"}} <a href="{{.TraceURL}}">{{.TraceURL}}</a></figcaption></figure>{{end}}
<button type="button" id="print">{{$w.T "rcpt.print"}}</button>
<script src="/assets/print.js"></script>
</body></html>
`))
