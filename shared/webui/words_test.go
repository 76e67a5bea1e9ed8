package webui

import "testing"

func TestAcceptLanguage(t *testing.T) {
	offered := Languages("")
	for header, want := range map[string]string{
		"":                               "",
		"hi-IN,hi;q=0.9,en-US;q=0.8":     "hi",
		"fr-FR, kn;q=0.5, en;q=0.4":      "kn",
		"en-GB;q=0.5,en;q=0.6,hi;q=0.95": "hi",
		"de, fr;q=0.8":                   "",
		"KN":                             "kn",
		"hi;q=abc, en;q=0.1":             "en",
		"ta-IN,ta;q=0.9":                 "",
	} {
		if got := AcceptLanguage(header, offered); got != want {
			t.Errorf("Accept-Language %q: %q, want %q", header, got, want)
		}
	}
}

func TestWordsIn(t *testing.T) {
	hi := WordsIn("hi")
	if got := hi.T("trace.bought", "Mall", hi.State("UP", "Uttar Pradesh"), "07-12-2026"); got != "Mall, उत्तर प्रदेश से 07-12-2026 को ख़रीदा गया।" {
		t.Errorf("Hindi: %q", got)
	}
	if w := WordsIn("<script>"); w.Lang != "en" || w.T("trace.title") != "Where your purchase came from" {
		t.Errorf("an unknown language reads %q %q, want English", w.Lang, w.T("trace.title"))
	}
	if got := WordsIn("kn").District("NO-SUCH", "Somewhere"); got != "Somewhere" {
		t.Errorf("an unnamed district: %q", got)
	}
	if Local("KA") != "kn" || Local("UP") != "hi" || Local("") != "hi" {
		t.Errorf("local languages KA %q UP %q", Local("KA"), Local("UP"))
	}
}
