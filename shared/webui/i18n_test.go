package webui

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"ektamall/shared/catalog"
)

// problems lists what is wrong with a set of dictionaries: a key that one
// language has and another lacks, an empty text, or a text whose {n}
// placeholders differ from English's (a value would go missing).
func problems(dicts map[string]map[string]string) []string {
	var out []string
	all := map[string]bool{}
	for _, d := range dicts {
		for k := range d {
			all[k] = true
		}
	}
	ph := regexp.MustCompile(`\{\d\}`)
	for lang, d := range dicts {
		for k := range all {
			v, ok := d[k]
			switch {
			case !ok:
				out = append(out, lang+": missing "+k)
			case strings.TrimSpace(v) == "":
				out = append(out, lang+": empty "+k)
			case dicts["en"] != nil:
				want, got := ph.FindAllString(dicts["en"][k], -1), ph.FindAllString(v, -1)
				sort.Strings(want)
				sort.Strings(got)
				if !slices.Equal(want, got) {
					out = append(out, lang+": "+k+" has placeholders "+strings.Join(got, ",")+", English has "+strings.Join(want, ","))
				}
			}
		}
	}
	sort.Strings(out)
	return out
}

func loadAll(t *testing.T) map[string]map[string]string {
	t.Helper()
	dicts := map[string]map[string]string{}
	for _, l := range Translated() {
		d, err := Dict(l)
		if err != nil {
			t.Fatal(err)
		}
		dicts[l] = d
	}
	for _, want := range []string{"en", "hi", "kn"} {
		if dicts[want] == nil {
			t.Fatalf("no translation file for %s; have %v", want, Translated())
		}
	}
	return dicts
}

// TestTranslations fails when a key is missing (or empty, or loses a value)
// in any language.
func TestTranslations(t *testing.T) {
	for _, p := range problems(loadAll(t)) {
		t.Error(p)
	}
}

// TestTranslationCheckCatches shows the check above is not a formality.
func TestTranslationCheckCatches(t *testing.T) {
	got := problems(map[string]map[string]string{
		"en": {"a": "A {0}", "b": "B"},
		"hi": {"a": "ए"},
		"kn": {"a": "ಎ {0}", "b": " "},
	})
	want := []string{"hi: a has placeholders , English has {0}", "hi: missing b", "kn: empty b"}
	if !slices.Equal(got, want) {
		t.Fatalf("problems = %q, want %q", got, want)
	}
}

// keyUses finds the keys the screens name literally: data-i18n* attributes
// in HTML and JS, and t('key', …) calls.
var keyUses = []*regexp.Regexp{
	regexp.MustCompile(`data-i18n(?:-ph|-title|-aria)?="([^"]+)"`),
	regexp.MustCompile(`'data-i18n(?:-ph|-title|-aria)?':\s*'([^']+)'`),
	regexp.MustCompile(`\bt\(\s*'([A-Za-z0-9_.]+)'\s*[,)]`),
}

// TestScreensUseKnownKeys fails when a screen of the mall or the hub asks
// for a key that English (and so every language) does not have.
func TestScreensUseKnownKeys(t *testing.T) {
	en, err := Dict("en")
	if err != nil {
		t.Fatal(err)
	}
	root := filepath.Join("..", "..") // the module's root, from shared/webui
	n := 0
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "testdata" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.Contains(filepath.ToSlash(p), "/static/") || !(strings.HasSuffix(p, ".js") || strings.HasSuffix(p, ".html")) {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, re := range keyUses {
			for _, m := range re.FindAllStringSubmatch(string(b), -1) {
				n++
				if _, ok := en[m[1]]; !ok {
					t.Errorf("%s uses key %q, which en.json lacks", p, m[1])
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 100 {
		t.Fatalf("found only %d key uses in the screens; is the walk looking in the right place?", n)
	}
}

func TestLanguages(t *testing.T) {
	if got := Languages("KA"); !slices.Equal(got, []string{"en", "hi", "kn"}) {
		t.Errorf("Karnataka offers %v", got)
	}
	if got := Languages("UP"); !slices.Equal(got, []string{"en", "hi"}) {
		t.Errorf("Uttar Pradesh offers %v", got)
	}
	if got := Languages(""); !slices.Equal(got, []string{"en", "hi", "kn"}) {
		t.Errorf("the hub offers %v", got)
	}
}

// TestEveryPlaceNamed fails when a State or a district of the seed catalog
// has no name in the translation files (state.<code>, district.<id>), or
// when English names it otherwise than the catalog does.
func TestEveryPlaceNamed(t *testing.T) {
	dicts := loadAll(t)
	seed, err := catalog.LoadSeed()
	if err != nil {
		t.Fatal(err)
	}
	places := map[string]string{}
	for _, s := range catalog.States() {
		places["state."+s.Code] = s.Name
	}
	for _, d := range seed.Districts {
		places["district."+d.ID] = d.Name
	}
	for key, name := range places {
		if got := dicts["en"][key]; got != name {
			t.Errorf("en: %s is %q, the catalog says %q", key, got, name)
		}
		for lang, d := range dicts {
			if d[key] == "" {
				t.Errorf("%s: no name for %s (%s)", lang, key, name)
			}
		}
	}
}
