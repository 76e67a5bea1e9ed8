package webui

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
)

// The screens' words live in static/i18n/<lang>.json, one flat JSON object
// per language (key → text, "{0}" marking a value). They are data: a
// translator edits them without touching code, and TestTranslations fails
// when one language lacks a key another has.

// regional is the language of a State's people where it is neither English
// nor Hindi and its translation file exists (a mall offers it beside both).
var regional = map[string]string{"KA": "kn"}

// Languages are the languages a process in state offers its users: English,
// Hindi and, where there is one, the State's own. The hub ("") serves every
// State (producers and finance from anywhere), so it offers them all.
func Languages(state string) []string {
	if state == "" {
		ls := []string{"en", "hi"}
		for _, l := range Translated() {
			if !slices.Contains(ls, l) {
				ls = append(ls, l)
			}
		}
		return ls
	}
	ls := []string{"en", "hi"}
	if r, ok := regional[state]; ok && slices.Contains(Translated(), r) {
		ls = append(ls, r)
	}
	return ls
}

// Translated lists the languages that have a translation file.
func Translated() []string {
	es, _ := fs.ReadDir(Shared, "i18n")
	var ls []string
	for _, e := range es {
		if l, ok := strings.CutSuffix(e.Name(), ".json"); ok {
			ls = append(ls, l)
		}
	}
	return ls
}

// Dict reads one language's words.
func Dict(lang string) (map[string]string, error) {
	b, err := fs.ReadFile(Shared, path.Join("i18n", lang+".json"))
	if err != nil {
		return nil, fmt.Errorf("words of %q: %w", lang, err)
	}
	var d map[string]string
	if err := json.Unmarshal(b, &d); err != nil {
		return nil, fmt.Errorf("words of %q: %w", lang, err)
	}
	return d, nil
}

// ValidLang reports whether lang is one of offered.
func ValidLang(lang string, offered []string) bool { return slices.Contains(offered, lang) }
