package producer

import (
	"embed"
	"encoding/csv"
	"encoding/json"
	"html/template"
	"io"
	"strconv"
	"time"

	"ektamall/shared/webui"
)

// WriteCSV writes the statement as CSV: one row per entry, then the
// opening and closing balances, so a spreadsheet can re-add it.
func (st Statement) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	rows := [][]string{
		{"producer", st.Producer.ProducerID, st.Producer.Name},
		{"period_from", st.From.In(IST).Format(time.RFC3339), "period_to", st.To.In(IST).Format(time.RFC3339)},
		{"date", "kind", "mall", "reference", "credit", "debit", "balance"},
		{"", "opening_balance", "", "", "", "", st.Opening.String()},
	}
	for _, l := range st.Lines {
		rows = append(rows, []string{l.At.In(IST).Format("2006-01-02 15:04"), l.Kind, l.Mall, l.Ref, l.Credit.String(), l.Debit.String(), l.Balance.String()})
	}
	rows = append(rows, []string{"", "closing_balance", "", "", st.Credits.String(), st.Debits.String(), st.Closing.String()},
		[]string{"", "lines", strconv.Itoa(len(st.Lines))})
	for i, r := range rows { // every row as wide as the header, for strict readers
		for len(r) < 7 {
			r = append(r, "")
		}
		rows[i] = r
	}
	if err := cw.WriteAll(rows); err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

//go:embed templates/*.html
var templates embed.FS

var pages = template.Must(template.New("").Funcs(template.FuncMap{
	"day": func(v any) string {
		switch t := v.(type) {
		case time.Time:
			return t.In(IST).Format("2 January 2006")
		case *time.Time:
			if t != nil {
				return t.In(IST).Format("2 January 2006")
			}
		}
		return ""
	},
	"when": func(t time.Time) string { return t.In(IST).Format("02 Jan 2006 15:04") },
	"kind": kindLabel,
	// dayIn is a date for a reader of w: "2 January 2006" in English,
	// "02-01-2006" in the others (the month names are English only).
	"dayIn": func(w webui.Words, v any) string {
		var t time.Time
		switch x := v.(type) {
		case time.Time:
			t = x
		case *time.Time:
			if x == nil {
				return ""
			}
			t = *x
		default:
			return ""
		}
		if w.Lang == "en" {
			return t.In(IST).Format("2 January 2006")
		}
		return t.In(IST).Format("02-01-2006")
	},
	// nameIn is a product's name in the reader's language when the catalog
	// has it (names: JSON {"hi": "…"}), else its name of record.
	"nameIn": func(w webui.Words, name, names string) string {
		var m map[string]string
		if json.Unmarshal([]byte(names), &m) == nil && m[w.Lang] != "" {
			return m[w.Lang]
		}
		return name
	},
	// kindIn names an entry's kind in the reader's language.
	"kindIn": func(w webui.Words, k string) string {
		if w.Has("prod.kind." + k) {
			return w.T("prod.kind." + k)
		}
		return k
	},
}).ParseFS(templates, "templates/*.html"))

// kindLabel names an entry's kind for people, in English and Hindi (the
// pages use kindIn, in the reader's language).
func kindLabel(k string) string {
	switch k {
	case "sale":
		return "Sale / बिक्री"
	case "return":
		return "Return / वापसी"
	case "void":
		return "Cancelled sale / रद्द बिक्री"
	case "payout":
		return "Payout sent / भुगतान भेजा"
	case "payout_paid":
		return "Bank confirmed / बैंक ने पुष्टि की"
	case "payout_failed":
		return "Payout failed, owed again / भुगतान विफल"
	case "damage":
		return "Damage the mall bears / मॉल द्वारा वहन की गई क्षति"
	case "payout_returned":
		return "Payout returned by bank / बैंक ने लौटाया"
	}
	return k
}

// WriteHTML writes the statement as a print-ready page (A4, no script);
// base is the hub's URL, for its style sheet (the page is opened from a
// blob, where a relative link would not resolve).
func (st Statement) WriteHTML(w io.Writer, base string) error { return st.WriteHTMLIn(w, base, "en") }

// WriteHTMLIn writes the page in lang (en, hi, kn; any other reads English).
func (st Statement) WriteHTMLIn(w io.Writer, base, lang string) error {
	return pages.ExecuteTemplate(w, "statement.html", struct {
		S    Statement
		Base string
		W    webui.Words
	}{st, base, webui.WordsIn(lang)})
}
