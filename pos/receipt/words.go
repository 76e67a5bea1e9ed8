package receipt

import (
	"fmt"
	"strconv"
	"strings"
	"sync"

	"ektamall/shared/catalog"
	"ektamall/shared/webui"
)

// words are a receipt's labels in one language, read from the screens'
// translation files (rcpt.* keys; state.* and district.* for places), so
// a translator edits one set of files and a test finds a missing word.
// English fills any gap.
type words struct{ lang, en map[string]string }

var (
	dictMu sync.Mutex
	dicts  = map[string]map[string]string{}
)

func dict(lang string) map[string]string {
	dictMu.Lock()
	defer dictMu.Unlock()
	if d, ok := dicts[lang]; ok {
		return d
	}
	d, err := webui.Dict(lang)
	if err != nil {
		d = nil // an unknown language reads as English
	}
	dicts[lang] = d
	return d
}

// wordsIn returns the labels in lang (en, hi, kn); any other reads English.
func wordsIn(lang string) words { return words{lang: dict(lang), en: dict("en")} }

// T is the label for key, "{0}", "{1}"… filled with args.
func (w words) T(key string, args ...any) string {
	v, ok := w.lang[key]
	if !ok || v == "" {
		v, ok = w.en[key]
	}
	if !ok {
		return key
	}
	for i, a := range args {
		v = strings.ReplaceAll(v, "{"+strconv.Itoa(i)+"}", fmt.Sprint(a))
	}
	return v
}

// place is a State's or district's name in the language, else name.
func (w words) place(key, name string) string {
	if v := w.lang[key]; v != "" {
		return v
	}
	return name
}

// state names a State by its code: "Karnataka", "ಕರ್ನಾಟಕ".
func (w words) state(code string) string {
	name := code
	if st, ok := catalog.StateByCode(code); ok {
		name = st.Name
	}
	return w.place("state."+code, name)
}

// district names a district by its catalog id, else as the sale recorded it.
func (w words) district(id, name string) string { return w.place("district."+id, name) }

// Method names a tender: Cash, UPI, Card.
func (w words) Method(m string) string {
	if _, ok := w.en["rcpt.method."+m]; ok {
		return w.T("rcpt.method." + m)
	}
	return m
}

// placeOfSupply names the place of supply recorded with a document
// ("Uttar Pradesh (09)") in the language, by its GST State code.
func (w words) placeOfSupply(label string) string {
	name, code, ok := strings.Cut(strings.TrimSuffix(label, ")"), " (")
	if !ok {
		return label
	}
	for _, st := range catalog.States() {
		if st.GSTCode == code && st.Name == name {
			return w.state(st.Code) + " (" + code + ")"
		}
	}
	return label
}
