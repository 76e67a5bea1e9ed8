package ondc_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/crypto/bcrypt"

	"ektamall/hub"
	"ektamall/hub/channel"
	"ektamall/hub/channel/ondc"
	"ektamall/hub/channel/ondc/ondctest"
	"ektamall/hub/ledger"
	"ektamall/hub/ledger/ledgertest"
	"ektamall/hub/producer"
	"ektamall/shared/auth"
	"ektamall/shared/catalog"
	"ektamall/shared/events"
	"ektamall/shared/ids"
	"ektamall/shared/sqldb/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// seller is a hub serving the ONDC endpoints over real HTTP, with one
// known buyer app.
type seller struct {
	t      *testing.T
	ctx    context.Context
	db     hub.Store
	ch     *channel.Service
	s      *ondc.Seller
	buyer  *ondctest.Buyer
	a      *ledger.Applier
	malls  map[string]*ledgertest.Mall
	clock  time.Time
	p1, p2 catalog.Product
}

func newSeller(t *testing.T) *seller {
	h := &seller{t: t, ctx: context.Background(), db: ledgertest.Open(t), clock: time.Now().UTC().Add(-time.Hour)}
	now := func() time.Time { return h.clock }
	store := auth.NewStoreOn(h.db, auth.Policy{BcryptCost: bcrypt.MinCost})
	h.ch = channel.New(h.db, now, producer.New(h.db, store, now).CatchUpStock)
	h.a = ledger.NewApplier(now)
	h.malls = map[string]*ledgertest.Mall{"LKO1": ledgertest.NewMall("LKO1"), "BLR1": ledgertest.NewMall("BLR1")}
	ps := ledgertest.Products(t, 2)
	h.p1, h.p2 = ps[0], ps[1]
	h.receive("LKO1", h.p1, 4) // 3 offered (1 kept back)
	h.receive("BLR1", h.p2, 3) // 2 offered

	h.buyer = ondctest.New(t, "buyer.example")
	uk, key, err := ondc.LoadKey(h.ctx, h.db, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	r := gin.New()
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	h.s, err = ondc.New(h.ctx, ondc.Config{SubscriberID: "hub.ektamall.test", UniqueKeyID: uk, Key: key, URI: srv.URL + "/ondc",
		Buyers: []ondc.BuyerApp{h.buyer.App("ondc-buyer")}}, h.ch, h.db)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(h.s.Close) // runs before srv.Close: callbacks stop first
	h.s.Register(r)
	h.buyer.Seller, h.buyer.SellerKey = srv.URL+"/ondc", h.s.PublicKey()
	return h
}

func (h *seller) receive(mall string, p catalog.Product, qty int64) {
	h.t.Helper()
	h.clock = h.clock.Add(time.Second)
	mv := events.StockMove{MoveID: ids.New(), Kind: "receipt", SKU: p.SKU, Zone: p.State, Qty: qty, To: "backroom", At: h.clock}
	if err := ledgertest.Apply(h.ctx, h.db, h.a, h.malls[mall].Envelope(events.StockMoved, h.clock, mv)); err != nil {
		h.t.Fatal(err)
	}
}

func tag(tags []ondc.Tag, group, code string) string {
	for _, g := range tags {
		if g.Code == group {
			for _, kv := range g.List {
				if kv.Code == code {
					return kv.Value
				}
			}
		}
	}
	return ""
}

// The buyer app searches, selects, inits and confirms an order of two
// products that two malls hold; the same confirm again makes no second
// order; status reports each mall's fulfillment.
func TestSearchSelectInitConfirmStatus(t *testing.T) {
	h := newSeller(t)
	b := h.buyer
	const txn = "txn-1"

	cat := ondctest.Catalog(t, b.Call(t, "search", txn, ondc.SearchMsg{}))
	if len(cat.Providers) != 1 {
		t.Fatalf("providers %d, want 1", len(cat.Providers))
	}
	var found *ondc.Item
	for i, it := range cat.Providers[0].Items {
		if it.ID == h.p1.SKU {
			found = &cat.Providers[0].Items[i]
		}
	}
	if found == nil {
		t.Fatalf("on_search has no %s", h.p1.SKU)
	}
	if found.Quantity.Available.Count != "3" || found.Price.Value != h.p1.MRP.String() {
		t.Errorf("%s offered %s at %s, want 3 at %s", h.p1.SKU, found.Quantity.Available.Count, found.Price.Value, h.p1.MRP)
	}
	if tag(found.Tags, "origin", "state") != h.p1.State || tag(found.Tags, "origin", "district") == "" {
		t.Errorf("provenance tags %+v, want origin state %s and a district", found.Tags, h.p1.State)
	}

	items := ondctest.Items(h.p1.SKU, 2, h.p2.SKU, 1)
	order := ondctest.OrderTo("ORD-1", items, "Asha Rao", "Karnataka", "560003")
	sel := b.Call(t, "select", txn, ondc.OrderMsg{Order: ondc.Order{Provider: order.Provider, Items: items, Fulfillments: order.Fulfillments}})
	if sel.Error != nil {
		t.Fatalf("on_select error %+v", sel.Error)
	}
	want := h.p1.MRP.MulInt(2).Add(h.p2.MRP)
	if q := ondctest.Order(t, sel).Quote; q == nil || q.Price.Value != want.String() {
		t.Fatalf("on_select quote %+v, want %s", q, want)
	}
	short := b.Call(t, "select", txn, ondc.OrderMsg{Order: ondc.Order{Items: ondctest.Items(h.p1.SKU, 9)}})
	if short.Error == nil || short.Error.Code != ondc.CodeQtyUnavailable {
		t.Errorf("selecting 9 of 3: error %+v, want %s", short.Error, ondc.CodeQtyUnavailable)
	}
	ini := ondctest.Order(t, b.Call(t, "init", txn, ondc.OrderMsg{Order: order}))
	if ini.Payment == nil || ini.Payment.Params.Amount != want.String() {
		t.Errorf("on_init payment %+v, want %s", ini.Payment, want)
	}

	conf := b.Call(t, "confirm", txn, ondc.OrderMsg{Order: order})
	if conf.Error != nil {
		t.Fatalf("on_confirm error %+v", conf.Error)
	}
	o := ondctest.Order(t, conf)
	if o.ID != "ORD-1" || o.State != "Accepted" || len(o.Fulfillments) != 2 {
		t.Fatalf("on_confirm order %s state %s, %d fulfillments; want ORD-1 Accepted over 2 malls", o.ID, o.State, len(o.Fulfillments))
	}
	malls := map[string]bool{}
	for _, it := range o.Items {
		malls[it.FulfillmentID] = true
	}
	if !malls["LKO1"] || !malls["BLR1"] {
		t.Errorf("items ship from %v, want LKO1 and BLR1", malls)
	}
	if o.Quote.Price.Value != want.String() {
		t.Errorf("on_confirm quote %s, want %s", o.Quote.Price.Value, want)
	}

	again := ondctest.Order(t, b.Call(t, "confirm", txn, ondc.OrderMsg{Order: order}))
	if again.ID != "ORD-1" || again.Quote.Price.Value != want.String() {
		t.Errorf("the second confirm answered %s %s", again.ID, again.Quote.Price.Value)
	}
	var n int
	if err := h.db.Reader().QueryRowContext(h.ctx, `SELECT COUNT(*) FROM channel_orders`).Scan(&n); err != nil || n != 1 {
		t.Errorf("%d orders after the same confirm twice (err %v), want 1", n, err)
	}
	if f, _ := h.ch.Catalog(h.ctx, ""); avail(f, h.p1.SKU) != 1 {
		t.Errorf("after the order %s offers %d, want 1 (3 less the 2 held)", h.p1.SKU, avail(f, h.p1.SKU))
	}

	st := ondctest.Order(t, b.Call(t, "status", txn, ondc.StatusMsg{OrderID: "ORD-1"}))
	if st.State != "Accepted" || len(st.Fulfillments) != 2 || st.Fulfillments[0].State.Descriptor.Code != "Pending" {
		t.Errorf("on_status %s %+v", st.State, st.Fulfillments)
	}
	unknown := b.Call(t, "status", txn, ondc.StatusMsg{OrderID: "NOPE"})
	if unknown.Error == nil || unknown.Error.Code != ondc.CodeOrderNotFound {
		t.Errorf("status of an unknown order: %+v", unknown.Error)
	}
	if pushed, err := h.s.Sweep(h.ctx); err != nil || pushed != 0 {
		t.Errorf("sweep of an unchanged order pushed %d (err %v), want 0", pushed, err)
	}
	if b.Refused() != 0 {
		t.Errorf("the buyer refused %d callbacks as badly signed", b.Refused())
	}
}

func avail(f channel.Feed, sku string) int64 {
	for _, it := range f.Items {
		if it.SKU == sku {
			return it.Available
		}
	}
	return -1
}

// Unsigned, expired, tampered and unknown-key requests are refused with a
// 401 NACK; a request naming another callback URL than the buyer app's
// registered one is refused too; none of them places an order.
func TestRefusesBadSignatures(t *testing.T) {
	h := newSeller(t)
	b := h.buyer
	order := ondctest.OrderTo("ORD-X", ondctest.Items(h.p1.SKU, 1), "Asha Rao", "KA", "560003")
	body := func(ctx ondc.Context) []byte {
		raw, _ := json.Marshal(map[string]any{"context": ctx, "message": ondc.OrderMsg{Order: order}})
		return raw
	}
	good := body(b.Context("confirm", "txn-x"))
	sign := func(s ondc.Signer, raw []byte, at time.Time) string { return s.Sign(raw, at) }
	me := ondc.Signer{SubscriberID: b.ID, UniqueKeyID: b.KeyID, Key: b.Key}
	stranger := ondctest.New(t, "stranger.example")
	tampered := append([]byte{}, good...)
	tampered[len(tampered)-3] ^= 1

	cases := []struct {
		name   string
		body   []byte
		auth   string
		status int
	}{
		{"unsigned", good, "", http.StatusUnauthorized},
		{"not a signature", good, "Bearer abc", http.StatusUnauthorized},
		{"expired", good, sign(me, good, time.Now().Add(-time.Hour)), http.StatusUnauthorized},
		{"from the future", good, sign(me, good, time.Now().Add(time.Hour)), http.StatusUnauthorized},
		{"tampered body", tampered, sign(me, good, time.Now()), http.StatusUnauthorized},
		{"unknown key", good, sign(ondc.Signer{SubscriberID: stranger.ID, UniqueKeyID: stranger.KeyID, Key: stranger.Key}, good, time.Now()), http.StatusUnauthorized},
		{"key of another subscriber id", good, sign(ondc.Signer{SubscriberID: b.ID, UniqueKeyID: b.KeyID, Key: stranger.Key}, good, time.Now()), http.StatusUnauthorized},
	}
	other := b.Context("confirm", "txn-y")
	other.BapURI = stranger.URL()
	redirected := body(other)
	cases = append(cases, struct {
		name   string
		body   []byte
		auth   string
		status int
	}{"callback to another URL", redirected, sign(me, redirected, time.Now()), http.StatusBadRequest})

	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st, a := b.PostRaw(t, "confirm", c.body, c.auth)
			if st != c.status || a.Message.Ack.Status != "NACK" || a.Error == nil {
				t.Fatalf("answered %d %s %+v, want %d NACK", st, a.Message.Ack.Status, a.Error, c.status)
			}
		})
	}
	var n int
	if err := h.db.Reader().QueryRowContext(h.ctx, `SELECT COUNT(*) FROM channel_orders`).Scan(&n); err != nil || n != 0 {
		t.Errorf("%d orders placed by refused requests (err %v)", n, err)
	}
	// The same request properly signed is taken: the refusals were for
	// the signature, not the order.
	if st, a := b.PostRaw(t, "confirm", good, sign(me, good, time.Now())); st != http.StatusOK || a.Message.Ack.Status != "ACK" {
		t.Fatalf("a good confirm: %d %+v", st, a.Error)
	}
	b.Await(t, "txn-x", "on_confirm", 0)
}

// The buyer app cancels a confirmed order: on_cancel says Cancelled and
// what the order held is offered again.
func TestCancel(t *testing.T) {
	h := newSeller(t)
	b := h.buyer
	const txn = "txn-c"
	order := ondctest.OrderTo("ORD-C", ondctest.Items(h.p1.SKU, 2), "Asha Rao", "KA", "560003")
	if cb := b.Call(t, "confirm", txn, ondc.OrderMsg{Order: order}); cb.Error != nil {
		t.Fatalf("on_confirm: %+v", cb.Error)
	}
	if f, _ := h.ch.Catalog(h.ctx, ""); avail(f, h.p1.SKU) != 1 {
		t.Fatalf("after the order %d offered, want 1", avail(f, h.p1.SKU))
	}
	cb := b.Call(t, "cancel", txn, ondc.CancelMsg{OrderID: "ORD-C", CancellationReasonID: "001"})
	if cb.Error != nil {
		t.Fatalf("on_cancel: %+v", cb.Error)
	}
	if o := ondctest.Order(t, cb); o.State != "Cancelled" || o.Cancellation == nil || o.Quote.Price.Value != "0.00" {
		t.Fatalf("on_cancel order %s %+v quote %s, want Cancelled at 0.00", o.State, o.Cancellation, o.Quote.Price.Value)
	}
	if f, _ := h.ch.Catalog(h.ctx, ""); avail(f, h.p1.SKU) != 3 {
		t.Errorf("after the cancellation %d offered, want 3 again", avail(f, h.p1.SKU))
	}
	if pushed, err := h.s.Sweep(h.ctx); err != nil || pushed != 0 {
		t.Errorf("on_status pushed %d after on_cancel told it (err %v), want 0", pushed, err)
	}
	if unknown := b.Call(t, "cancel", txn, ondc.CancelMsg{OrderID: "NOPE"}); unknown.Error == nil || unknown.Error.Code != ondc.CodeOrderNotFound {
		t.Errorf("cancel of an unknown order: %+v", unknown.Error)
	}
}
