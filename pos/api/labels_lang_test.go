package api_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
)

// Issue 21 item 15: shelf labels are read by customers, so their origin
// (district, State, GI) is in the mall's language beside English: Hindi
// at a UP mall, Kannada at a Karnataka one, from the screens' i18n files.
func TestLabelsInTheMallsLanguage(t *testing.T) {
	m := newInvMall(t)
	var g struct{ ID string }
	m.must(m.call("up", "POST", "/api/v1/zones/UP/receipts", map[string]any{"producer_id": upProd, "lines": []any{
		map[string]any{"sku": upSKU, "qty": 2}}}, &g), 201)
	sheet := func(layout string) string {
		t.Helper()
		req, _ := http.NewRequest("GET", m.url+"/api/v1/receipts/"+g.ID+"/labels?layout="+layout, nil)
		req.Header.Set("Authorization", "Bearer "+m.tokens["up"])
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		if res.StatusCode != 200 {
			t.Fatalf("labels: %d %s", res.StatusCode, b)
		}
		return string(b)
	}
	for _, layout := range []string{"a4", "roll"} {
		s := sheet(layout)
		if strings.Count(s, `<span class="l-local" lang="hi">मुरादाबाद, उत्तर प्रदेश · भौगोलिक संकेत</span>`) != 2 ||
			strings.Count(s, `Moradabad<span class="l-state">, Uttar Pradesh</span>`) != 2 || !strings.Contains(s, `title="Geographical Indication / भौगोलिक संकेत">GI<`) {
			t.Fatalf("%s labels at a UP mall, not Hindi and English: %.1500s", layout, s)
		}
	}
	if _, err := m.db.W.ExecContext(context.Background(), `UPDATE mall SET state = 'KA'`); err != nil {
		t.Fatal(err)
	}
	if s := sheet("a4"); !strings.Contains(s, `<span class="l-local" lang="kn">ಮೊರಾದಾಬಾದ್, ಉತ್ತರ ಪ್ರದೇಶ · ಭೌಗೋಳಿಕ ಸೂಚಕ</span>`) || !strings.Contains(s, "Moradabad") {
		t.Fatalf("labels at a Karnataka mall, not Kannada and English: %.1500s", s)
	}
}
