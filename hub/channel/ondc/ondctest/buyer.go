// Package ondctest is a buyer-app (BAP) simulator for tests: it signs its
// calls as ONDC says, runs its callback server on 127.0.0.1, accepts only
// callbacks signed by the seller app's key, and lets a test wait for them.
package ondctest

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"ektamall/hub/channel/ondc"
)

// Buyer is one simulated buyer app.
type Buyer struct {
	ID, KeyID string
	Key       ed25519.PrivateKey
	// Seller is the seller app's base URL (…/ondc) and SellerKey its
	// signing public key: callbacks not signed by it are refused (401).
	Seller    string
	SellerKey ed25519.PublicKey
	// Now is the clock the buyer signs with (default time.Now).
	Now func() time.Time
	srv *httptest.Server

	mu       sync.Mutex
	got      []ondc.Callback
	actions  []string
	refused  int
	received chan struct{}
}

// New starts a buyer app's callback server; the test's cleanup stops it.
func New(t testing.TB, id string) *Buyer {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	b := &Buyer{ID: id, KeyID: "k1", Key: priv, Now: time.Now, received: make(chan struct{}, 1)}
	b.srv = httptest.NewServer(http.HandlerFunc(b.serve))
	t.Cleanup(b.srv.Close)
	return b
}

// URL is the buyer app's subscriber URL (its bap_uri).
func (b *Buyer) URL() string { return b.srv.URL }

// App is the entry of the seller's table of known buyer apps for b.
func (b *Buyer) App(channel string) ondc.BuyerApp {
	return ondc.BuyerApp{SubscriberID: b.ID, UniqueKeyID: b.KeyID, Channel: channel, SubscriberURL: b.URL(),
		SigningPublicKey: base64.StdEncoding.EncodeToString(b.Key.Public().(ed25519.PublicKey))}
}

func (b *Buyer) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	h, err := ondc.ParseHeader(r.Header.Get("Authorization"))
	if err == nil {
		err = h.Verify(body, b.SellerKey, time.Now())
	}
	var cb ondc.Callback
	if err == nil {
		err = json.Unmarshal(body, &cb)
	}
	if err == nil && "/"+cb.Context.Action != r.URL.Path {
		err = fmt.Errorf("action %s posted to %s", cb.Context.Action, r.URL.Path)
	}
	b.mu.Lock()
	if err != nil {
		b.refused++
		b.mu.Unlock()
		http.Error(w, err.Error(), http.StatusUnauthorized)
		return
	}
	b.got = append(b.got, cb)
	b.mu.Unlock()
	select {
	case b.received <- struct{}{}:
	default:
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write([]byte(`{"message":{"ack":{"status":"ACK"}}}`))
}

// Context is a request context from b for action in transaction txn.
func (b *Buyer) Context(action, txn string) ondc.Context {
	return ondc.Context{Domain: "ONDC:RET14", Country: "IND", City: "std:080", Action: action, CoreVersion: ondc.CoreVersion,
		BapID: b.ID, BapURI: b.URL(), TransactionID: txn, MessageID: fmt.Sprintf("%s-%s-%d", txn, action, time.Now().UnixNano()),
		Timestamp: time.Now().UTC().Format(time.RFC3339Nano), TTL: "PT30S"}
}

// Post sends a signed call and answers the HTTP status and the ACK/NACK.
func (b *Buyer) Post(t testing.TB, action, txn string, msg any) (int, ondc.Ack) {
	t.Helper()
	body, err := json.Marshal(map[string]any{"context": b.Context(action, txn), "message": msg})
	if err != nil {
		t.Fatal(err)
	}
	return b.PostRaw(t, action, body, ondc.Signer{SubscriberID: b.ID, UniqueKeyID: b.KeyID, Key: b.Key}.Sign(body, b.Now()))
}

// PostRaw sends body with the Authorization header given ("" for none).
func (b *Buyer) PostRaw(t testing.TB, action string, body []byte, authorization string) (int, ondc.Ack) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, strings.TrimRight(b.Seller, "/")+"/"+action, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var a ondc.Ack
	if err := json.NewDecoder(resp.Body).Decode(&a); err != nil {
		t.Fatalf("%s: the answer is not an ACK/NACK: %v", action, err)
	}
	return resp.StatusCode, a
}

// Call sends a call that must be ACKed and waits for its callback.
func (b *Buyer) Call(t testing.TB, action, txn string, msg any) ondc.Callback {
	t.Helper()
	before := b.count(txn, "on_"+action)
	st, a := b.Post(t, action, txn, msg)
	if st != http.StatusOK || a.Message.Ack.Status != "ACK" {
		t.Fatalf("%s: %d %s %+v", action, st, a.Message.Ack.Status, a.Error)
	}
	return b.Await(t, txn, "on_"+action, before)
}

// Await waits (up to 10 s) for callback number n+1 (0-based n) of action
// in transaction txn.
func (b *Buyer) Await(t testing.TB, txn, action string, n int) ondc.Callback {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		b.mu.Lock()
		i := 0
		for _, cb := range b.got {
			if cb.Context.TransactionID == txn && cb.Context.Action == action {
				if i == n {
					b.mu.Unlock()
					return cb
				}
				i++
			}
		}
		b.mu.Unlock()
		select {
		case <-b.received:
		case <-deadline:
			t.Fatalf("no %s (number %d) for transaction %s within 10 s", action, n+1, txn)
		}
	}
}

// AwaitMatch waits (up to 30 s) for a callback of action in txn for which
// ok holds, and answers it: how a test hears the on_status the seller
// pushes when an order changes.
func (b *Buyer) AwaitMatch(t testing.TB, txn, action string, what string, ok func(ondc.Callback) bool) ondc.Callback {
	t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		for _, cb := range b.Callbacks(txn, action) {
			if ok(cb) {
				return cb
			}
		}
		select {
		case <-b.received:
		case <-deadline:
			t.Fatalf("no %s in transaction %s within 30 s: %s", action, txn, what)
		}
	}
}

// Callbacks answers the callbacks of action in txn received so far.
func (b *Buyer) Callbacks(txn, action string) []ondc.Callback {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []ondc.Callback
	for _, cb := range b.got {
		if cb.Context.TransactionID == txn && cb.Context.Action == action {
			out = append(out, cb)
		}
	}
	return out
}

func (b *Buyer) count(txn, action string) int { return len(b.Callbacks(txn, action)) }

// Refused is how many callbacks failed the signature check.
func (b *Buyer) Refused() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.refused
}

// Order decodes a callback's order.
func Order(t testing.TB, cb ondc.Callback) ondc.Order {
	t.Helper()
	raw, err := json.Marshal(cb.Message)
	if err != nil {
		t.Fatal(err)
	}
	var m ondc.OrderMsg
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	return m.Order
}

// Catalog decodes on_search's catalog.
func Catalog(t testing.TB, cb ondc.Callback) ondc.Catalog {
	t.Helper()
	raw, err := json.Marshal(cb.Message)
	if err != nil {
		t.Fatal(err)
	}
	var m ondc.CatalogMsg
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	return m.Catalog
}

// Items builds order items of sku → qty pairs.
func Items(pairs ...any) []ondc.Item {
	var out []ondc.Item
	for i := 0; i+1 < len(pairs); i += 2 {
		n := int64(pairs[i+1].(int))
		out = append(out, ondc.Item{ID: pairs[i].(string), Quantity: &ondc.Quantity{Count: &n}})
	}
	return out
}

// OrderTo is an order of items delivered to name at pincode in state.
func OrderTo(id string, items []ondc.Item, name, state, pincode string) ondc.Order {
	return ondc.Order{ID: id, Provider: &ondc.Provider{ID: ondc.ProviderID}, Items: items,
		Billing: &ondc.Billing{Name: name, Phone: "9999999999"},
		Fulfillments: []ondc.Fulfillment{{Type: "Delivery", End: &ondc.Stop{
			Location: &ondc.Location{Address: &ondc.Address{Name: name, Building: "12 Temple Road", Locality: "Malleswaram", City: "Bengaluru", State: state, AreaCode: pincode}},
			Contact:  &ondc.Contact{Phone: "9999999999"}}}}}
}
