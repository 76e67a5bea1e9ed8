package receipt

import (
	"strings"

	"ektamall/shared/catalog"
	"ektamall/shared/webui"
)

// words are a receipt's labels in one language, read from the screens'
// translation files (rcpt.* keys; state.* and district.* for places)
// through webui.Words, so a translator edits one set of files and a test
// finds a missing word. English fills any gap.
type words struct{ webui.Words }

// wordsIn returns the labels in lang (en, hi, kn); any other reads English.
func wordsIn(lang string) words { return words{webui.WordsIn(lang)} }

// state names a State by its code: "Karnataka", "ಕರ್ನಾಟಕ".
func (w words) state(code string) string {
	name := code
	if st, ok := catalog.StateByCode(code); ok {
		name = st.Name
	}
	return w.Words.State(code, name)
}

// Method names a tender: Cash, UPI, Card.
func (w words) Method(m string) string {
	if w.Has("rcpt.method." + m) {
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
