package text

import (
	"strings"
	"testing"

	"ektamall/shared/errs"
)

func TestClean(t *testing.T) {
	reason := Rule{Max: 20, Required: true}
	note := Rule{Max: 20, Multiline: true}
	for _, c := range []struct {
		name, in string
		r        Rule
		want     string
		ok       bool
	}{
		{"plain", "customer changed mind", Rule{}, "customer changed mind", true},
		{"trimmed", "  damaged box \n", reason, "damaged box", true},
		{"Devanagari with joiners", "क्‍ष ग्राहक", reason, "क्‍ष ग्राहक", true},
		{"newline in a note", "line one\r\nline two", note, "line one\nline two", true},
		{"empty optional", "", note, "", true},
		{"blank required", " \u00a0 ", reason, "", false},
		{"empty required", "", reason, "", false},
		{"NUL", "bad\x00reason", reason, "", false},
		{"ESC sequence", "x\x1b[2J", reason, "", false},
		{"tab", "a\tb", reason, "", false},
		{"newline in a reason", "a\nb", reason, "", false},
		{"DEL", "a\x7fb", reason, "", false},
		{"C1 control", "a\u0085b", reason, "", false},
		{"RLO", "refund \u202eesion", reason, "", false},
		{"LRI", "a\u2066b", reason, "", false},
		{"PDI", "a\u2069b", reason, "", false},
		{"RLM", "a\u200fb", reason, "", false},
		{"ALM", "a\u061cb", reason, "", false},
		{"line separator", "a\u2028b", note, "", false},
		{"BOM", "\ufeffa", reason, "", false},
		{"invalid UTF-8", "a\xffb", reason, "", false},
		{"over the limit", strings.Repeat("क", 21), reason, "", false},
		{"at the limit", strings.Repeat("क", 20), reason, strings.Repeat("क", 20), true},
		{"huge", strings.Repeat("x", 1<<20), Rule{}, "", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := Clean("reason", c.in, c.r)
			if c.ok != (err == nil) {
				t.Fatalf("Clean(%q) error %v, want ok=%v", c.in, err, c.ok)
			}
			if err != nil {
				if errs.CodeOf(err) != errs.Invalid || !strings.Contains(err.Error(), "reason") {
					t.Errorf("error %v: want an invalid error naming the field", err)
				}
				if len(err.Error()) > 300 {
					t.Errorf("error message is %d bytes", len(err.Error()))
				}
				return
			}
			if got != c.want {
				t.Errorf("Clean(%q) = %q, want %q", c.in, got, c.want)
			}
		})
	}
}

func TestBound(t *testing.T) {
	if got := Bound("short", 10); got != "short" {
		t.Errorf("Bound kept %q", got)
	}
	got := Bound(strings.Repeat("क", 100), 10) // 3 bytes a rune
	if got != "कक…" && got != "ककक…" {
		t.Errorf("Bound cut to %q", got)
	}
	if len(Bound(strings.Repeat("x", 200000), 64)) > 70 {
		t.Error("Bound did not bound")
	}
}
