package api_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"ektamall/hub/api"
	"ektamall/hub/channel"
	"ektamall/hub/ledger"
	"ektamall/hub/ledger/ledgertest"
	"ektamall/hub/producer"
	"ektamall/hub/settle"
	"ektamall/shared/apiclient"
	"ektamall/shared/auth"
	"ektamall/shared/events"
	"ektamall/shared/ids"
	"ektamall/shared/sqldb"
)

// channelHub is a hub serving the channel API over real HTTP, with the
// stock the malls' receipts put there.
type channelHub struct {
	t     *testing.T
	ctx   context.Context
	db    sqldb.DB
	srv   *httptest.Server
	ch    *channel.Service
	a     *ledger.Applier
	malls map[string]*ledgertest.Mall
	clock time.Time
}

func newChannelHub(t *testing.T) *channelHub {
	h := &channelHub{t: t, ctx: context.Background(), db: ledgertest.Open(t), clock: time.Date(2026, 12, 1, 6, 0, 0, 0, time.UTC)}
	now := func() time.Time { return h.clock }
	store := auth.NewStoreOn(h.db, auth.Policy{BcryptCost: bcrypt.MinCost})
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	h.ch = channel.New(h.db, now, producer.New(h.db, store, now).CatchUpStock)
	h.srv = httptest.NewServer(api.New(api.Deps{DB: h.db, Auth: store, Log: log,
		Ledger: api.LedgerDeps{Settle: settle.New(h.db, settle.Config{}, now, log), Now: now}, Channel: h.ch}))
	t.Cleanup(h.srv.Close)
	h.a = ledger.NewApplier(now)
	h.malls = map[string]*ledgertest.Mall{"LKO1": ledgertest.NewMall("LKO1"), "BLR1": ledgertest.NewMall("BLR1")}
	return h
}

// receive books a goods receipt at a mall (into the backroom), as the
// mall's stock.moved event.
func (h *channelHub) receive(mall, sku, zone string, qty int64) {
	h.t.Helper()
	h.clock = h.clock.Add(time.Minute)
	mv := events.StockMove{MoveID: ids.New(), Kind: "receipt", SKU: sku, Zone: zone, Qty: qty, To: "backroom", At: h.clock}
	if err := ledgertest.Apply(h.ctx, h.db, h.a, h.malls[mall].Envelope(events.StockMoved, h.clock, mv)); err != nil {
		h.t.Fatal(err)
	}
}

func (h *channelHub) client(key string) *apiclient.Client {
	c := apiclient.New(h.srv.URL, nil)
	c.Token = key
	return c
}

// catalog reads the feed (since "" = all) and answers it with its ETag.
func (h *channelHub) catalog(c *apiclient.Client, since string) (channel.Feed, string) {
	h.t.Helper()
	path := "/api/v1/channel/catalog"
	if since != "" {
		path += "?since=" + since
	}
	resp, err := c.Send(h.ctx, "GET", path, nil)
	if err != nil {
		h.t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	var f channel.Feed
	if err := json.NewDecoder(resp.Body).Decode(&f); err != nil {
		h.t.Fatal(err)
	}
	return f, resp.Header.Get("ETag")
}

func availableOf(f channel.Feed, sku string) (int64, bool) {
	for _, it := range f.Items {
		if it.SKU == sku {
			return it.Available, true
		}
	}
	return 0, false
}

func order(id, sku string, qty int64, state string) map[string]any {
	return map[string]any{"order_id": id, "lines": []map[string]any{{"sku": sku, "qty": qty}},
		"deliver_to": map[string]any{"name": "R. Rao", "address": "4 Church St", "state": state, "pincode": "560001"}}
}

// TestChannelCatalogAndOrders: a buyer app with its key reads the catalog
// (availability = the malls' stock less a safety buffer per zone, with an
// ETag and a changes feed), places orders that go to the mall nearest the
// buyer first, gets the same answer for the same order id, and sees what
// no mall holds refused.
func TestChannelCatalogAndOrders(t *testing.T) {
	h := newChannelHub(t)
	ps := ledgertest.Products(t, 4)
	p1, p2 := ps[0], ps[1]
	for _, p := range ps[1:] {
		if p.State != p1.State {
			p2 = p // another zone, so its buffer is its own
			break
		}
	}
	if p2.State == p1.State {
		t.Fatal("no two seed products of different zones")
	}
	h.receive("LKO1", p1.SKU, p1.State, 5)
	h.receive("BLR1", p1.SKU, p1.State, 3)
	h.receive("BLR1", p2.SKU, p2.State, 1) // only the buffer's one piece

	key, err := h.ch.Create(h.ctx, "buyerapp")
	if err != nil {
		t.Fatal(err)
	}
	other, err := h.ch.Create(h.ctx, "othermarket")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.ch.Create(h.ctx, "buyerapp"); err == nil {
		t.Fatal("a second channel under the same id was created")
	}
	if _, err := h.client("ch_wrong").Call(h.ctx, "GET", "/api/v1/channel/catalog", nil, nil); apiclient.Status(err) != http.StatusUnauthorized {
		t.Fatalf("catalog with a wrong key: %v, want 401", err)
	}
	c := h.client(key)

	// The catalog: LKO1 4 (5 less 1) + BLR1 2 (3 less 1) of p1; none of p2.
	f, etag := h.catalog(c, "")
	if n, ok := availableOf(f, p1.SKU); !ok || n != 6 {
		t.Fatalf("p1 available %d (listed %v), want 6 (5+3 less a buffer of 1 per mall)", n, ok)
	}
	if n, ok := availableOf(f, p2.SKU); !ok || n != 0 {
		t.Fatalf("p2 available %d (listed %v), want 0: the only piece is the buffer", n, ok)
	}
	if etag == "" || f.Cursor == "" {
		t.Fatalf("no ETag (%q) or cursor (%q)", etag, f.Cursor)
	}
	_, err = c.Call(h.ctx, "GET", "/api/v1/channel/catalog", nil, nil, apiclient.Header("If-None-Match", etag))
	if apiclient.Status(err) != http.StatusNotModified {
		t.Fatalf("unchanged catalog with its ETag: %v, want 304", err)
	}
	if g, _ := h.catalog(c, f.Cursor); len(g.Items) != 0 || g.Cursor != f.Cursor {
		t.Fatalf("changes since %s with nothing changed: %d items, cursor %s", f.Cursor, len(g.Items), g.Cursor)
	}

	// An order for Karnataka: BLR1 gives what it can (2), LKO1 the rest.
	var o channel.Order
	st, err := c.Call(h.ctx, "POST", "/api/v1/channel/orders", order("BA-1001", p1.SKU, 3, "KA"), &o)
	if err != nil || st != http.StatusCreated {
		t.Fatalf("order: %d %v", st, err)
	}
	want := []channel.Line{{SKU: p1.SKU, Qty: 2, Mall: "BLR1", Zone: p1.State, Status: "allocated"},
		{SKU: p1.SKU, Qty: 1, Mall: "LKO1", Zone: p1.State, Status: "allocated"}}
	if o.Placement != channel.Accepted || !sameLines(o.Lines, want) {
		t.Fatalf("order for KA: %s %+v, want accepted %+v", o.Status, o.Lines, want)
	}
	var again channel.Order
	st, err = c.Call(h.ctx, "POST", "/api/v1/channel/orders", order("BA-1001", p1.SKU, 3, "KA"), &again)
	if err != nil || st != http.StatusOK || !sameLines(again.Lines, want) {
		t.Fatalf("the same order again: %d %v %+v, want 200 and the same allocation", st, err, again.Lines)
	}
	if _, err := c.Call(h.ctx, "POST", "/api/v1/channel/orders", order("BA-1001", p1.SKU, 1, "KA"), nil); apiclient.Status(err) != http.StatusConflict {
		t.Fatalf("another order under a used id: %v, want 409", err)
	}

	// What the order holds is no longer offered: the changes feed says so.
	g, _ := h.catalog(c, f.Cursor)
	if n, ok := availableOf(g, p1.SKU); !ok || n != 3 || len(g.Items) != 1 {
		t.Fatalf("changes after the order: %+v, want only p1 at 3", g.Items)
	}

	// Uttar Pradesh wants 5: LKO1 has 3 left to give; 2 are refused.
	o = channel.Order{} // decode afresh: zone is omitted where empty
	st, err = c.Call(h.ctx, "POST", "/api/v1/channel/orders", order("BA-1002", p1.SKU, 5, "UP"), &o)
	want = []channel.Line{{SKU: p1.SKU, Qty: 3, Mall: "LKO1", Zone: p1.State, Status: "allocated"}, {SKU: p1.SKU, Qty: 2, Status: "unavailable"}}
	if err != nil || st != http.StatusCreated || o.Placement != channel.Partial || !sameLines(o.Lines, want) {
		t.Fatalf("order for UP: %d %v %s %+v, want partial %+v", st, err, o.Status, o.Lines, want)
	}
	st, err = c.Call(h.ctx, "POST", "/api/v1/channel/orders", order("BA-1003", p2.SKU, 1, "KA"), &o)
	if err != nil || st != http.StatusCreated || o.Placement != channel.Refused {
		t.Fatalf("order of the buffer's piece: %d %v %s, want refused", st, err, o.Status)
	}

	// Reading an order back; another channel cannot see it.
	if err := c.Do(h.ctx, "GET", "/api/v1/channel/orders/BA-1002", nil, &o); err != nil || o.Placement != channel.Partial || o.DeliverTo.State != "UP" {
		t.Fatalf("GET order: %v %+v", err, o)
	}
	if err := h.client(other).Do(h.ctx, "GET", "/api/v1/channel/orders/BA-1002", nil, nil); apiclient.Status(err) != http.StatusNotFound {
		t.Fatalf("another channel's order: %v, want 404", err)
	}

	// A zone's buffer set to 0 and new stock arriving both show in the feed.
	cur := g.Cursor
	if err := h.ch.SetBuffer(h.ctx, p1.State, 0); err != nil {
		t.Fatal(err)
	}
	h.receive("BLR1", p2.SKU, p2.State, 4)
	g, _ = h.catalog(c, cur)
	n1, _ := availableOf(g, p1.SKU)
	n2, _ := availableOf(g, p2.SKU)
	if n1 != 2 || n2 != 4 {
		t.Fatalf("after buffer 0 for %s and 4 more of p2: p1 %d (want 2), p2 %d (want 4: 5 less 1)", p1.State, n1, n2)
	}
}

// TestChannelOrderBadInput: what a channel sends wrong is refused with a
// field and a message, and nothing is placed.
func TestChannelOrderBadInput(t *testing.T) {
	h := newChannelHub(t)
	p := ledgertest.Products(t, 1)[0]
	key, err := h.ch.Create(h.ctx, "buyerapp")
	if err != nil {
		t.Fatal(err)
	}
	c := h.client(key)
	for name, tc := range map[string]struct {
		body   map[string]any
		status int
	}{
		"unknown state": {order("X-1", p.SKU, 1, "XX"), 400},
		"zero qty":      {order("X-2", p.SKU, 0, "KA"), 400},
		"bad order id":  {order("bad id!", p.SKU, 1, "KA"), 400},
		"unknown sku":   {order("X-3", "NO-SUCH-SKU", 1, "KA"), 404},
		"unknown field": {map[string]any{"order_id": "X-4", "price": "1.00"}, 400},
		"no deliver_to": {map[string]any{"order_id": "X-5", "lines": []map[string]any{{"sku": p.SKU, "qty": 1}}}, 400},
	} {
		_, err := c.Call(h.ctx, "POST", "/api/v1/channel/orders", tc.body, nil)
		var ae *apiclient.Error
		if apiclient.Status(err) != tc.status || !errors.As(err, &ae) || ae.API.Code == "" || ae.API.Message == "" {
			t.Errorf("%s: %v, want %d with a code and message", name, err, tc.status)
		}
	}
	if err := c.Do(h.ctx, "GET", "/api/v1/channel/orders/X-3", nil, nil); apiclient.Status(err) != http.StatusNotFound {
		t.Fatalf("a refused request left an order: %v", err)
	}
}

func sameLines(a, b []channel.Line) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		if x.SKU != y.SKU || x.Qty != y.Qty || x.Mall != y.Mall || x.Zone != y.Zone || x.Status != y.Status {
			return false
		}
	}
	return true
}

// TestChannelOrdersDoNotOversell: orders racing for the last units get no
// more than the malls can give between them.
func TestChannelOrdersDoNotOversell(t *testing.T) {
	h := newChannelHub(t)
	p := ledgertest.Products(t, 1)[0]
	h.receive("LKO1", p.SKU, p.State, 3) // 2 to give
	h.receive("BLR1", p.SKU, p.State, 3) // 2 to give
	key, err := h.ch.Create(h.ctx, "buyerapp")
	if err != nil {
		t.Fatal(err)
	}
	c := h.client(key)
	const n = 8
	got := make(chan int64, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var o channel.Order
			if err := c.Do(h.ctx, "POST", "/api/v1/channel/orders", order(fmt.Sprintf("R-%d", i), p.SKU, 1, "MH"), &o); err != nil {
				t.Errorf("order %d: %v", i, err)
				return
			}
			for _, l := range o.Lines {
				if l.Status == "allocated" {
					got <- l.Qty
				}
			}
		}()
	}
	wg.Wait()
	close(got)
	var total int64
	for q := range got {
		total += q
	}
	if total != 4 {
		t.Fatalf("%d units allocated to racing orders, want exactly the 4 the malls can give", total)
	}
	f, _ := h.catalog(c, "")
	if a, _ := availableOf(f, p.SKU); a != 0 {
		t.Fatalf("after the race the catalog offers %d, want 0", a)
	}
}
