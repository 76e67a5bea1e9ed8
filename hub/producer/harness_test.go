package producer_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"ektamall/hub"
	"ektamall/hub/api"
	"ektamall/hub/ledger/ledgertest"
	"ektamall/hub/producer"
	"ektamall/hub/settle"
	"ektamall/shared/auth"
	"ektamall/shared/sqldb"
)

// hubAt is a real hub database and its API on 127.0.0.1, with a finance
// user "fin" and a hub admin "admin", its clock at now until advance.
type hubAt struct {
	t     *testing.T
	clock atomic.Int64 // the hub's time, Unix nanoseconds
	db    hub.Store
	store *auth.Store
	srv   *httptest.Server
	anon  client
}

func newHub(t *testing.T, now time.Time) *hubAt {
	t.Helper()
	ctx := context.Background()
	db := ledgertest.Open(t)
	ledgertest.BankAccounts(t, db)
	h := &hubAt{t: t, db: db}
	h.clock.Store(now.UnixNano())
	clock := func() time.Time { return time.Unix(0, h.clock.Load()).UTC() }
	store := auth.NewStoreOn(db, auth.Policy{BcryptCost: bcrypt.MinCost})
	if err := db.Transact(ctx, func(tx sqldb.Tx) error {
		if _, err := store.CreateUser(ctx, tx, "fin", "finance-pass", "Finance", auth.Finance, ""); err != nil {
			return err
		}
		_, err := store.CreateUser(ctx, tx, "admin", "admin-pass1", "Admin", auth.HubAdmin, "")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc := settle.New(db, settle.Config{}, clock, log)
	prod := producer.New(db, store, clock)
	srv := httptest.NewServer(api.New(api.Deps{DB: db, Auth: store, Log: log, Ledger: api.LedgerDeps{Settle: svc, Now: clock}, Producer: prod}))
	t.Cleanup(srv.Close)
	h.store, h.srv, h.anon = store, srv, client{t: t, base: srv.URL}
	return h
}

// advance moves the hub's clock on.
func (h *hubAt) advance(d time.Duration) { h.clock.Add(int64(d)) }

func (h *hubAt) login(user, pass string) client {
	h.t.Helper()
	var out struct{ Token string }
	h.anon.json("POST", "/api/v1/auth/login", map[string]string{"username": user, "password": pass}, http.StatusOK, &out)
	return client{t: h.t, base: h.srv.URL, token: out.Token}
}

type client struct {
	t     *testing.T
	base  string
	token string
}

func (c client) do(method, path, accept string, body io.Reader) (*http.Response, []byte) {
	c.t.Helper()
	req, err := http.NewRequest(method, c.base+path, body)
	if err != nil {
		c.t.Fatal(err)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, b
}

// json sends in (a string as is, else as JSON), wants the status and
// decodes the answer into out.
func (c client) json(method, path string, in any, want int, out any) []byte {
	c.t.Helper()
	var body io.Reader
	if s, ok := in.(string); ok {
		body = strings.NewReader(s)
	} else if in != nil {
		b, _ := json.Marshal(in)
		body = bytes.NewReader(b)
	}
	res, b := c.do(method, path, "", body)
	if res.StatusCode != want {
		c.t.Fatalf("%s %s: status %d, want %d: %s", method, path, res.StatusCode, want, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			c.t.Fatalf("%s %s: %v: %s", method, path, err, b)
		}
	}
	return b
}
