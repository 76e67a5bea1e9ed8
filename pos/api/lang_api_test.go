package api_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	"ektamall/pos/api"
	"ektamall/pos/postest"
	"ektamall/shared/sqlitedb"
)

// TestUserLanguage: a user's language choice is kept on the server and
// comes back with their next login, on any device; a mall in Karnataka
// offers Kannada, one in Uttar Pradesh does not.
func TestUserLanguage(t *testing.T) {
	p := newPOSServer(t, sqlitedb.Options{})
	login := func() (lang string, langs []string) {
		var out struct {
			Lang  string   `json:"lang"`
			Langs []string `json:"langs"`
		}
		st, raw := p.do("", "POST", "/api/v1/auth/login", map[string]string{"username": "cashier1", "password": postest.Password}, nil)
		if st != 200 || json.Unmarshal(raw, &out) != nil {
			t.Fatalf("login: %d %s", st, raw)
		}
		return out.Lang, out.Langs
	}
	if l, ls := login(); l != "" || !slices.Equal(ls, []string{"en", "hi"}) {
		t.Fatalf("first login: lang %q, offered %v; want none yet, en and hi (the test mall is in UP)", l, ls)
	}
	if st, raw := p.do("cashier1", "PUT", "/api/v1/me/lang", map[string]string{"lang": "kn"}, nil); st != 400 {
		t.Fatalf("Kannada at a UP mall: %d %s, want 400", st, raw)
	}
	if st, raw := p.do("cashier1", "PUT", "/api/v1/me/lang", map[string]string{"lang": "hi"}, nil); st != 200 {
		t.Fatalf("choose Hindi: %d %s", st, raw)
	}
	if l, _ := login(); l != "hi" {
		t.Fatalf("after choosing Hindi the login says %q", l)
	}
	if st, _ := p.do("", "PUT", "/api/v1/me/lang", map[string]string{"lang": "hi"}, nil); st != 401 {
		t.Fatalf("without a login: %d, want 401", st)
	}
}

func TestKarnatakaOffersKannada(t *testing.T) {
	m := postest.Open(t, sqlitedb.Options{})
	srv := httptest.NewServer(api.New(api.Deps{MallID: "BLR1", State: "KA", DB: m.DB, Auth: m.Auth, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}))
	t.Cleanup(srv.Close)
	b, _ := json.Marshal(map[string]string{"username": "cashier1", "password": postest.Password})
	resp, err := http.Post(srv.URL+"/api/v1/auth/login", "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Langs []string `json:"langs"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || !slices.Equal(out.Langs, []string{"en", "hi", "kn"}) {
		t.Fatalf("BLR1 offers %v (%v), want en, hi, kn", out.Langs, err)
	}
}
