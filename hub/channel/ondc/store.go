package ondc

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"ektamall/hub"
	"ektamall/hub/channel"
	"ektamall/hub/ledger"
	"ektamall/shared/errs"
	"ektamall/shared/ids"
	"ektamall/shared/sqldb"
)

func encodeKey(k []byte) string { return base64.StdEncoding.EncodeToString(k) }

// LoadKey answers the hub's signing key, making one on first use. Every
// hub node reads the same key from the database.
func LoadKey(ctx context.Context, db hub.Store, now time.Time) (uniqueKeyID string, key ed25519.PrivateKey, err error) {
	read := func() error {
		var priv string
		err := db.Reader().QueryRowContext(ctx, `SELECT unique_key_id, private_key FROM ondc_keys ORDER BY created_at DESC, unique_key_id LIMIT 1`).
			Scan(&uniqueKeyID, &priv)
		if err != nil {
			return err
		}
		key, err = ParsePrivateKey(priv)
		return err
	}
	if err = read(); !errors.Is(err, sql.ErrNoRows) {
		return uniqueKeyID, key, err
	}
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return "", nil, err
	}
	h := sha256.Sum256(pub)
	id := "k" + hex.EncodeToString(h[:4])
	if err := db.Transact(ctx, func(tx sqldb.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM ondc_keys`).Scan(&n); err != nil || n > 0 {
			return err // another node made one first: use it
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO ondc_keys (unique_key_id, private_key, created_at) VALUES (?, ?, ?)`,
			id, encodeKey(priv), ledger.TS(now))
		return err
	}); err != nil {
		return "", nil, fmt.Errorf("ondc: signing key: %w", err)
	}
	return uniqueKeyID, key, read()
}

// remember ties a confirmed order to its buyer app and transaction, with
// the status on_confirm reports as already pushed.
func (s *Seller) remember(ctx context.Context, b *buyer, c Context, o channel.Order) error {
	fp, final, err := s.fingerprint(ctx, o)
	if err != nil {
		return err
	}
	return s.db.Transact(ctx, func(tx sqldb.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO ondc_orders (channel, order_id, bap_id, transaction_id, domain, city, pushed, open)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (channel, order_id) DO NOTHING`,
			b.Channel, o.OrderID, b.SubscriberID, c.TransactionID, c.Domain, c.City, fp, boolInt(!final))
		return err
	})
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// settled is whether no part of o can take another fulfilment step: every
// part handed to the courier, cancelled, re-allocated, returned or never
// allocated. Its last status pushed, the sweep stops looking at it.
func settled(o channel.Order) bool {
	for _, l := range o.Lines {
		switch l.Status {
		case "allocated", "reserved", "picked", "packed":
			return false
		}
	}
	return true
}

// fingerprint is a digest of what on_status would say of o, and whether
// o takes no more steps (settled).
func (s *Seller) fingerprint(ctx context.Context, o channel.Order) (string, bool, error) {
	out, err := s.toOrder(ctx, o, nil, nil)
	if err != nil {
		return "", false, err
	}
	fp, err := digest(out)
	return fp, settled(o), err
}

// digest is the fingerprint of an on_status order as toOrder built it,
// leaving out the time it was built.
func digest(out Order) (string, error) {
	out.UpdatedAt = ""
	b, err := json.Marshal(out)
	if err != nil {
		return "", err
	}
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:]), nil
}

// Sweep pushes an unsolicited on_status for every open ONDC order whose
// status changed since it was last pushed (a mall picked, packed or handed
// it over, or a line was cancelled or re-allocated), and answers how many
// it pushed. A push that fails is tried again on the next sweep.
func (s *Seller) Sweep(ctx context.Context) (int, error) {
	s.sweep.Lock()
	defer s.sweep.Unlock()
	type open struct{ channel, order, bap, txn, domain, city, pushed string }
	rows, err := s.db.Reader().QueryContext(ctx, `SELECT channel, order_id, bap_id, transaction_id, domain, city, pushed
		FROM ondc_orders WHERE open = 1 ORDER BY channel, order_id`)
	if err != nil {
		return 0, err
	}
	var all []open
	for rows.Next() {
		var o open
		if err := rows.Scan(&o.channel, &o.order, &o.bap, &o.txn, &o.domain, &o.city, &o.pushed); err != nil {
			rows.Close()
			return 0, err
		}
		all = append(all, o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	pushed := 0
	var firstErr error
	for _, r := range all {
		b := s.buyerOf(r.bap, r.channel)
		if b == nil {
			continue // the buyer app was removed from the table
		}
		o, err := s.ch.Get(ctx, r.channel, r.order)
		if err != nil {
			return pushed, err
		}
		msg, err := s.toOrder(ctx, o, nil, nil)
		if err != nil {
			return pushed, err
		}
		fp, err := digest(msg)
		if err != nil {
			return pushed, err
		}
		if fp == r.pushed {
			continue
		}
		final := settled(o)
		c := s.reply(Context{Domain: r.domain, Country: "IND", City: r.city, BapID: b.SubscriberID, BapURI: b.SubscriberURL,
			TransactionID: r.txn, MessageID: ids.New()}, "on_status")
		body, err := json.Marshal(Callback{Context: c, Message: OrderMsg{Order: msg}})
		if err != nil {
			return pushed, err
		}
		if err := s.send(ctx, b.SubscriberURL+"/on_status", body); err != nil {
			if firstErr == nil {
				firstErr = fmt.Errorf("ondc: on_status of %s to %s: %w", r.order, b.SubscriberID, err)
			}
			continue
		}
		if err := s.db.Transact(ctx, func(tx sqldb.Tx) error {
			_, err := tx.ExecContext(ctx, `UPDATE ondc_orders SET pushed = ?, open = ? WHERE channel = ? AND order_id = ?`,
				fp, boolInt(!final), r.channel, r.order)
			return err
		}); err != nil {
			return pushed, err
		}
		pushed++
	}
	return pushed, firstErr
}

func (s *Seller) buyerOf(bap, channel string) *buyer {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, b := range s.buyers {
		if b.SubscriberID == bap && b.Channel == channel {
			return b
		}
	}
	return nil
}

// Run sweeps every interval until ctx ends or the seller is closed.
func (s *Seller) Run(ctx context.Context, every time.Duration) {
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-s.ctx.Done():
				return
			case <-t.C:
				if _, err := s.Sweep(s.ctx); err != nil && s.ctx.Err() == nil {
					s.cfg.Log.Warn("ondc: status push", "err", err)
				}
			}
		}
	}()
}

// cancel is on_cancel: the whole order is cancelled if no part of it has
// been handed to the courier; the reservations at the malls are released.
func (s *Seller) cancel(ctx context.Context, b *buyer, m CancelMsg) (any, *Error, error) {
	if m.OrderID == "" {
		return nil, nil, schemaErr("message.order_id is required")
	}
	reason := "buyer app cancelled"
	if m.CancellationReasonID != "" {
		reason += " (reason " + m.CancellationReasonID + ")"
	}
	o, err := s.ch.Cancel(ctx, b.Channel, m.OrderID, nil, reason)
	switch errs.CodeOf(err) {
	case "":
	case errs.NotFound:
		return nil, &Error{Type: "DOMAIN-ERROR", Code: CodeOrderNotFound, Message: errs.Public(err).Message}, nil
	case errs.Conflict, errs.Invalid:
		return nil, &Error{Type: "DOMAIN-ERROR", Code: CodeCancelNotAllowed, Message: errs.Public(err).Message}, nil
	default:
		return nil, nil, err
	}
	out, err := s.toOrder(ctx, o, nil, nil)
	if err != nil {
		return nil, nil, err
	}
	// on_cancel reports the change: on_status need not repeat it.
	if fp, err := digest(out); err == nil {
		err = s.db.Transact(ctx, func(tx sqldb.Tx) error {
			_, err := tx.ExecContext(ctx, `UPDATE ondc_orders SET pushed = ?, open = ? WHERE channel = ? AND order_id = ?`,
				fp, boolInt(!settled(o)), b.Channel, m.OrderID)
			return err
		})
		if err != nil {
			return nil, nil, err
		}
	}
	out.Cancellation = &Cancellation{CancelledBy: b.SubscriberID, Reason: &Descriptor{Code: m.CancellationReasonID}}
	return OrderMsg{Order: out}, nil, nil
}
