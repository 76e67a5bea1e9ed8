// Package text is the one validator for free text people type: void and
// cash-move reasons, notes, display names, producer references, product
// names. Such text is stored, audited, synced to the hub and printed on
// invoices in every mall, so it must be plain: valid UTF-8, no control
// characters (a NUL breaks SQLite CHECKs and C strings, an ESC drives a
// terminal or a thermal printer), and no bidirectional overrides, which can
// make a printed reason or product name read differently from what is
// stored ("Trojan Source", CVE-2021-42574).
package text

import (
	"strings"
	"unicode/utf8"

	"ektamall/shared/errs"
)

// Rule says what a field accepts.
type Rule struct {
	// Max is the most characters (runes) allowed after trimming; 0 means
	// DefaultMax.
	Max int
	// Required refuses a value that is empty after trimming.
	Required bool
	// Multiline allows line feeds (a note, an address); carriage returns
	// are normalised to line feeds first.
	Multiline bool
}

// DefaultMax bounds a field whose rule names no maximum.
const DefaultMax = 200

// Clean checks s against r and returns it trimmed of surrounding white
// space. The error is an errs.Field on field with a message a person at
// a counter can act on.
func Clean(field, s string, r Rule) (string, error) {
	max := r.Max
	if max <= 0 {
		max = DefaultMax
	}
	// Checked before anything else so that a huge value costs little and
	// never reaches a log line whole.
	if len(s) > 4*max+64 {
		return "", errs.Field(field, "%s is too long: at most %d characters", field, max)
	}
	if !utf8.ValidString(s) {
		return "", errs.Field(field, "%s is not valid UTF-8 text", field)
	}
	if r.Multiline {
		s = strings.ReplaceAll(s, "\r\n", "\n")
		s = strings.ReplaceAll(s, "\r", "\n")
	}
	s = strings.TrimSpace(s)
	for _, c := range s {
		if what := forbidden(c, r.Multiline); what != "" {
			return "", errs.Field(field, "%s contains %s (U+%04X); type plain text", field, what, c)
		}
	}
	if n := utf8.RuneCountInString(s); n > max {
		return "", errs.Field(field, "%s is too long: %d characters, at most %d", field, n, max)
	}
	if r.Required && s == "" {
		return "", errs.Field(field, "%s is required and cannot be blank", field)
	}
	return s, nil
}

// Valid reports whether s would pass Clean unchanged apart from trimming;
// for values that arrive from trusted code paths (seed data, events) and
// are checked rather than cleaned.
func Valid(s string, r Rule) bool {
	_, err := Clean("text", s, r)
	return err == nil
}

// forbidden names what is wrong with c, or "" when c may appear.
func forbidden(c rune, multiline bool) string {
	switch {
	case c == '\n' && multiline:
		return ""
	case c == '\t':
		return "a tab"
	case c < 0x20 || c == 0x7f:
		return "a control character"
	case c >= 0x80 && c <= 0x9f:
		return "a control character"
	case c >= 0x202a && c <= 0x202e, c >= 0x2066 && c <= 0x2069:
		return "a bidirectional control"
	case c == 0x200e || c == 0x200f || c == 0x061c:
		// Directional marks: invisible, and enough to reorder a short
		// mixed-direction string. Zero-width (non-)joiners, which Indic
		// scripts need, stay allowed.
		return "a bidirectional mark"
	case c == 0x2028 || c == 0x2029:
		return "a line separator"
	case c == 0xfeff:
		return "a byte order mark"
	case c >= 0xfff9 && c <= 0xfffb, c == 0xfffe || c == 0xffff:
		return "a non-character"
	}
	return ""
}

// Bound shortens s to at most n bytes on a rune boundary, marking the cut;
// for values written to logs and the audit log before they are validated
// (a 200 KB username must not become a 200 KB audit row).
func Bound(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
