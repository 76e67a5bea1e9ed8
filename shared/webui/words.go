package webui

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
)

// Words are the screens' words in one language for pages the server
// renders (printable statements, the public trace page, shelf labels):
// the same translation files as the screens, English filling any gap.
type Words struct {
	Lang     string
	lang, en map[string]string
}

var (
	wordsMu sync.Mutex
	dicts   = map[string]map[string]string{}
)

func cached(lang string) map[string]string {
	wordsMu.Lock()
	defer wordsMu.Unlock()
	if d, ok := dicts[lang]; ok {
		return d
	}
	d, err := Dict(lang)
	if err != nil {
		d = nil // an unknown language reads as English
	}
	dicts[lang] = d
	return d
}

// WordsIn returns the words of lang; a language without a translation
// file reads as English.
func WordsIn(lang string) Words {
	if cached(lang) == nil {
		lang = "en"
	}
	return Words{Lang: lang, lang: cached(lang), en: cached("en")}
}

// T is the text of key, "{0}", "{1}"… filled with args; the key itself
// when no language has it (a test keeps that from shipping).
func (w Words) T(key string, args ...any) string {
	v := w.lang[key]
	if v == "" {
		v = w.en[key]
	}
	if v == "" {
		return key
	}
	for i, a := range args {
		v = strings.ReplaceAll(v, "{"+strconv.Itoa(i)+"}", fmt.Sprint(a))
	}
	return v
}

// Has reports whether key is a known word.
func (w Words) Has(key string) bool { return w.en[key] != "" }

// Place names a State (state.<code>) or district (district.<id>) in the
// language, else as name.
func (w Words) Place(key, name string) string {
	if v := w.lang[key]; v != "" {
		return v
	}
	return name
}

// State names a State by its code, else name.
func (w Words) State(code, name string) string { return w.Place("state."+code, name) }

// District names a district by its catalog id, else name.
func (w Words) District(id, name string) string { return w.Place("district."+id, name) }

// Local is the language a mall in state shows its customers beside
// English: the State's own where there is one (Kannada in Karnataka),
// else Hindi.
func Local(state string) string {
	if r, ok := regional[state]; ok && cached(r) != nil {
		return r
	}
	return "hi"
}

// AcceptLanguage picks the first of offered the browser's Accept-Language
// header asks for (by weight, then order; "hi-IN" matches "hi"), else "".
func AcceptLanguage(header string, offered []string) string {
	best, bestQ := "", 0.0
	for _, part := range strings.Split(header, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				continue
			}
			q = f
		}
		base, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(tag)), "-")
		if q > bestQ && ValidLang(base, offered) {
			best, bestQ = base, q
		}
	}
	return best
}
