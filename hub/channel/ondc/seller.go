// Package ondc makes the hub an ONDC seller app (a Beckn BPP) over the
// channel service: search, select, init, confirm, status and cancel, each
// acknowledged at once and answered by a signed on_* callback to the
// buyer app's registered URL. Requests are verified against a configured
// table of known buyer apps, which stands in for the ONDC registry lookup.
package ondc

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"ektamall/hub"
	"ektamall/hub/channel"
	"ektamall/shared/errs"
)

// BuyerApp is one known buyer app (BAP): what the ONDC registry would say
// of it, and the hub channel its orders are placed under.
type BuyerApp struct {
	SubscriberID string `json:"subscriber_id"`
	UniqueKeyID  string `json:"unique_key_id"`
	// SigningPublicKey is the base64 ed25519 public key it signs with.
	SigningPublicKey string `json:"signing_public_key"`
	// SubscriberURL is its registered URL: requests must name it as
	// bap_uri, and callbacks go to SubscriberURL + "/on_<action>".
	SubscriberURL string `json:"subscriber_url"`
	// Channel is the hub channel (channels.id) its orders belong to;
	// created when missing.
	Channel string `json:"channel"`
}

// Config is the seller app's identity and the buyer apps it trusts.
type Config struct {
	// SubscriberID and UniqueKeyID name the hub's signing key (bpp_id).
	SubscriberID string
	UniqueKeyID  string
	Key          ed25519.PrivateKey
	// URI is the hub's ONDC base URL as buyer apps reach it (bpp_uri).
	URI    string
	Buyers []BuyerApp
	// Client sends callbacks (default: a client with a 10 s timeout).
	Client *http.Client
	Log    *slog.Logger
	Now    func() time.Time
}

type buyer struct {
	BuyerApp
	key ed25519.PublicKey
}

// Seller serves the ONDC endpoints.
type Seller struct {
	cfg    Config
	signer Signer
	ch     *channel.Service
	db     hub.Store
	mu     sync.RWMutex // guards buyers
	buyers map[KeyID]*buyer
	ctx    context.Context // cancelled by Close: stops callbacks in flight
	stop   context.CancelFunc
	wg     sync.WaitGroup
	sweep  sync.Mutex
}

// maxBody bounds an inbound message.
const maxBody = 1 << 20

// New checks the configuration and builds the seller app. It creates the
// channel of each buyer app that has none yet.
func New(ctx context.Context, cfg Config, ch *channel.Service, db hub.Store) (*Seller, error) {
	if cfg.SubscriberID == "" || cfg.UniqueKeyID == "" || len(cfg.Key) != ed25519.PrivateKeySize {
		return nil, errs.E(errs.Invalid, "ondc: the seller app needs a subscriber id, a unique key id and an ed25519 key")
	}
	if cfg.Client == nil {
		cfg.Client = &http.Client{Timeout: 10 * time.Second}
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	s := &Seller{cfg: cfg, ch: ch, db: db, buyers: map[KeyID]*buyer{},
		signer: Signer{SubscriberID: cfg.SubscriberID, UniqueKeyID: cfg.UniqueKeyID, Key: cfg.Key}}
	for i, b := range cfg.Buyers {
		if err := s.AddBuyer(ctx, b); err != nil {
			return nil, fmt.Errorf("ondc: buyer app %d: %w", i+1, err)
		}
	}
	s.ctx, s.stop = context.WithCancel(context.Background())
	return s, nil
}

// AddBuyer adds a buyer app to the table of known ones (its channel is
// created when missing); a buyer app already known is a Conflict.
func (s *Seller) AddBuyer(ctx context.Context, b BuyerApp) error {
	key, err := ParsePublicKey(b.SigningPublicKey)
	if err != nil {
		return fmt.Errorf("%s: %w", b.SubscriberID, err)
	}
	if b.SubscriberID == "" || b.UniqueKeyID == "" || b.Channel == "" {
		return errs.E(errs.Invalid, "a buyer app needs subscriber_id, unique_key_id and channel")
	}
	if !strings.HasPrefix(b.SubscriberURL, "http://") && !strings.HasPrefix(b.SubscriberURL, "https://") {
		return errs.E(errs.Invalid, "buyer app %s: subscriber_url %q is not an http(s) URL", b.SubscriberID, b.SubscriberURL)
	}
	b.SubscriberURL = strings.TrimRight(b.SubscriberURL, "/")
	if _, err := s.ch.Create(ctx, b.Channel); err != nil && errs.CodeOf(err) != errs.Conflict {
		return fmt.Errorf("channel of buyer app %s: %w", b.SubscriberID, err)
	}
	k := KeyID{b.SubscriberID, b.UniqueKeyID}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, dup := s.buyers[k]; dup {
		return errs.E(errs.Conflict, "buyer app %s|%s is already known", b.SubscriberID, b.UniqueKeyID)
	}
	s.buyers[k] = &buyer{BuyerApp: b, key: key}
	return nil
}

// Close stops the callbacks in flight and waits for them.
func (s *Seller) Close() {
	s.stop()
	s.wg.Wait()
}

// PublicKey is the hub's signing public key, for buyer apps to register.
func (s *Seller) PublicKey() ed25519.PublicKey { return s.cfg.Key.Public().(ed25519.PublicKey) }

// Actions are the calls a buyer app may make.
var Actions = []string{"search", "select", "init", "confirm", "status", "cancel"}

// Register adds POST /ondc/<action> for each action, and GET
// /ondc/subscriber: the hub's subscriber id, key id and public key.
func (s *Seller) Register(r gin.IRouter) {
	g := r.Group("/ondc")
	for _, a := range Actions {
		g.POST("/"+a, s.handle(a))
	}
	g.GET("/subscriber", func(c *gin.Context) {
		c.JSON(http.StatusOK, gin.H{"subscriber_id": s.cfg.SubscriberID, "unique_key_id": s.cfg.UniqueKeyID,
			"signing_public_key": encodeKey(s.PublicKey()), "subscriber_url": s.cfg.URI})
	})
}

// handle verifies, acknowledges and answers one call: the work that
// changes state (confirm, cancel) is done before the ACK, so an ACKed
// confirm has placed its order; the on_* callback is sent afterwards.
func (s *Seller) handle(action string) gin.HandlerFunc {
	return func(c *gin.Context) {
		body, err := io.ReadAll(io.LimitReader(c.Request.Body, maxBody+1))
		if err != nil || len(body) > maxBody {
			c.JSON(http.StatusRequestEntityTooLarge, nack(Error{Type: "CONTEXT-ERROR", Code: CodeInvalidRequest, Message: "the message is over 1 MiB or unreadable"}))
			return
		}
		b, err := s.authenticate(c.GetHeader("Authorization"), body)
		if err != nil {
			c.Header("WWW-Authenticate", `Signature realm="`+s.cfg.SubscriberID+`",headers="(created) (expires) digest"`)
			c.JSON(http.StatusUnauthorized, nack(Error{Type: "POLICY-ERROR", Code: CodeAuthFailed, Message: errs.Public(err).Message}))
			return
		}
		var req Request
		if err := json.Unmarshal(body, &req); err != nil {
			c.JSON(http.StatusBadRequest, nack(Error{Type: "JSON-SCHEMA-ERROR", Code: CodeInvalidRequest, Message: "the body is not a Beckn message: " + err.Error()}))
			return
		}
		if msg := s.checkContext(req.Context, action, b); msg != "" {
			c.JSON(http.StatusBadRequest, nack(Error{Type: "CONTEXT-ERROR", Code: CodeInvalidRequest, Message: msg}))
			return
		}
		ctx := c.Request.Context()
		msg, berr, err := s.answer(ctx, action, b, req)
		if err != nil {
			var p *protoErr
			if errors.As(err, &p) {
				c.JSON(http.StatusBadRequest, nack(p.e))
				return
			}
			s.cfg.Log.Error("ondc: answer", "action", action, "transaction", req.Context.TransactionID, "err", err)
			c.JSON(http.StatusInternalServerError, nack(Error{Type: "CORE-ERROR", Code: CodeInternal, Message: "the seller app could not process the message; send it again"}))
			return
		}
		c.JSON(http.StatusOK, ack())
		s.callback(b, req.Context, "on_"+action, msg, berr)
	}
}

// protoErr is a schema error found while answering: a NACK.
type protoErr struct{ e Error }

func (p *protoErr) Error() string { return p.e.Message }

func schemaErr(format string, args ...any) error {
	return &protoErr{e: Error{Type: "JSON-SCHEMA-ERROR", Code: CodeInvalidRequest, Message: fmt.Sprintf(format, args...)}}
}

// authenticate finds the buyer app that signed body.
func (s *Seller) authenticate(header string, body []byte) (*buyer, error) {
	if header == "" {
		return nil, unauthorized("the request is not signed: send an ONDC Authorization header")
	}
	h, err := ParseHeader(header)
	if err != nil {
		return nil, err
	}
	s.mu.RLock()
	b, ok := s.buyers[h.KeyID]
	s.mu.RUnlock()
	if !ok {
		return nil, unauthorized("unknown buyer app key %s|%s", h.KeyID.SubscriberID, h.KeyID.UniqueKeyID)
	}
	if err := h.Verify(body, b.key, s.cfg.Now()); err != nil {
		return nil, err
	}
	return b, nil
}

func (s *Seller) checkContext(c Context, action string, b *buyer) string {
	switch {
	case c.Action != action:
		return fmt.Sprintf("context.action is %q on /%s", c.Action, action)
	case c.BapID != b.SubscriberID:
		return "context.bap_id is not the subscriber that signed the request"
	case strings.TrimRight(c.BapURI, "/") != b.SubscriberURL:
		return "context.bap_uri is not the buyer app's registered subscriber_url"
	case c.BppID != "" && c.BppID != s.cfg.SubscriberID:
		return fmt.Sprintf("context.bpp_id %q is not this seller app (%s)", c.BppID, s.cfg.SubscriberID)
	case c.TransactionID == "" || len(c.TransactionID) > 100:
		return "context.transaction_id is required (at most 100 characters)"
	case c.MessageID == "" || len(c.MessageID) > 100:
		return "context.message_id is required (at most 100 characters)"
	case c.CoreVersion != "" && !strings.HasPrefix(c.CoreVersion, "1."):
		return fmt.Sprintf("core_version %q is not supported (this seller app speaks %s)", c.CoreVersion, CoreVersion)
	}
	return ""
}

// reply is the context of a callback to c.
func (s *Seller) reply(c Context, action string) Context {
	c.Action = action
	c.CoreVersion = CoreVersion
	c.BppID, c.BppURI = s.cfg.SubscriberID, s.cfg.URI
	c.Timestamp = s.cfg.Now().UTC().Format("2006-01-02T15:04:05.000Z")
	return c
}

// callback sends a signed on_* message in the background, trying a few
// times; Close stops it.
func (s *Seller) callback(b *buyer, c Context, action string, msg any, berr *Error) {
	body, err := json.Marshal(Callback{Context: s.reply(c, action), Message: msg, Error: berr})
	if err != nil {
		s.cfg.Log.Error("ondc: encode callback", "action", action, "err", err)
		return
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		if err := s.send(s.ctx, b.SubscriberURL+"/"+action, body); err != nil {
			s.cfg.Log.Warn("ondc: callback not delivered", "action", action, "bap", b.SubscriberID, "transaction", c.TransactionID, "err", err)
		}
	}()
}

// send posts body signed, up to three times with a growing pause; a 4xx
// answer is final.
func (s *Seller) send(ctx context.Context, url string, body []byte) error {
	var last error
	for try := range 3 {
		if try > 0 {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(time.Duration(try) * 500 * time.Millisecond):
			}
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", s.signer.Sign(body, s.cfg.Now()))
		resp, err := s.cfg.Client.Do(req)
		if err != nil {
			last = err
			continue
		}
		io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
		resp.Body.Close()
		switch {
		case resp.StatusCode < 300:
			return nil
		case resp.StatusCode < 500:
			return fmt.Errorf("%s answered %s", url, resp.Status)
		}
		last = fmt.Errorf("%s answered %s", url, resp.Status)
	}
	return last
}
