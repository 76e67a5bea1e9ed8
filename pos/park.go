package pos

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"ektamall/shared/errs"
	"ektamall/shared/idem"
	"ektamall/shared/ids"
	"ektamall/shared/text"
)

// MaxParked bounds the carts waiting at one counter.
const MaxParked = 20

// ParkedCart is a cart put aside at a counter (the customer went to fetch
// something) to be recalled there later, by this shift or the next.
type ParkedCart struct {
	ID       string        `json:"id"`
	Counter  string        `json:"counter"`
	UserID   string        `json:"user_id"`
	Note     string        `json:"note,omitempty"`
	Lines    []LineRequest `json:"lines"`
	ParkedAt time.Time     `json:"parked_at"`
}

// Park puts a cart aside at the counter of an open shift. Its lines are
// checked now (known SKUs, quantities, discounts) but priced only when it
// is rung up. key is the client's Idempotency-Key: a retry returns the
// cart the first request parked (replay is true) instead of a second one.
func (s *Service) Park(ctx context.Context, a Actor, key, shiftID string, lines []LineRequest, note string) (_ ParkedCart, replay bool, err error) {
	if err := idem.Require(key); err != nil {
		return ParkedCart{}, false, err
	}
	c, existing, err := s.park(ctx, a, idem.New("park", key, a.User.ID, []any{shiftID, lines, note}), shiftID, lines, note)
	if err != nil || existing == "" {
		return c, false, err
	}
	c, err = scanParked(s.db.R.QueryRowContext(ctx, `SELECT id, counter, user_id, note, lines, parked_at FROM parked_carts WHERE id = ?`, existing))
	if errors.Is(err, sql.ErrNoRows) {
		return ParkedCart{}, false, errs.E(errs.Conflict, "Idempotency-Key %s parked cart %s, which has been recalled since; send a new key to park again", key, existing)
	}
	return c, true, err
}

// park writes the cart, or answers the id of the one ik already parked.
func (s *Service) park(ctx context.Context, a Actor, ik idem.Request, shiftID string, lines []LineRequest, note string) (ParkedCart, string, error) {
	note, err := text.Clean("note", note, text.Rule{Max: 200})
	if err != nil {
		return ParkedCart{}, "", err
	}
	if len(lines) == 0 || len(lines) > MaxLines {
		return ParkedCart{}, "", errs.Field("lines", "a cart needs 1 to %d lines", MaxLines)
	}
	codes := make([]string, len(lines))
	for i, l := range lines {
		if l.Qty < 1 || l.Qty > MaxQty {
			return ParkedCart{}, "", errs.Field(fmt.Sprintf("lines[%d].qty", i), "quantity must be a whole number from 1 to %d", MaxQty)
		}
		if _, err := ParseDiscount(l.Discount); err != nil {
			return ParkedCart{}, "", errs.Field(fmt.Sprintf("lines[%d].discount", i), "%v", err)
		}
		codes[i] = l.SKU
	}
	products, err := lookupProducts(ctx, s.db.R, codes)
	if err != nil {
		return ParkedCart{}, "", err
	}
	for i, l := range lines {
		if _, ok := products[l.SKU]; !ok {
			return ParkedCart{}, "", errs.Field(fmt.Sprintf("lines[%d].sku", i), "unknown SKU or barcode %q", l.SKU)
		}
	}
	raw, err := json.Marshal(lines)
	if err != nil {
		return ParkedCart{}, "", err
	}
	now := s.now()
	c := ParkedCart{ID: ids.New(), UserID: a.User.ID, Note: note, Lines: lines, ParkedAt: now}
	var existing string
	err = s.db.Transact(ctx, func(tx *sql.Tx) error {
		id, err := ik.Replay(ctx, tx)
		if err != nil || id != "" {
			existing = id
			return err
		}
		sh, err := usableShift(ctx, tx, a.User, shiftID)
		if err != nil {
			return err
		}
		c.Counter = sh.Counter
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM parked_carts WHERE counter = ?`, sh.Counter).Scan(&n); err != nil {
			return err
		}
		if n >= MaxParked {
			return errs.E(errs.Conflict, "counter %s already has %d parked carts; recall some first", sh.Counter, n)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO parked_carts (id, counter, user_id, note, lines, parked_at) VALUES (?, ?, ?, ?, ?, ?)`,
			c.ID, c.Counter, a.User.ID, note, string(raw), now.Format(timeFmt)); err != nil {
			return err
		}
		return ik.Remember(ctx, tx, c.ID, now)
	})
	if err != nil {
		return ParkedCart{}, "", fmt.Errorf("park cart: %w", err)
	}
	return c, existing, nil
}

// ListParked lists the carts parked at a counter, oldest first.
func (s *Service) ListParked(ctx context.Context, a Actor, counter string) ([]ParkedCart, error) {
	if err := canRing(a.User); err != nil {
		return nil, err
	}
	if !counterRE.MatchString(counter) {
		return nil, errs.Field("counter", "counter must be a letter and two digits, e.g. C01")
	}
	rows, err := s.db.R.QueryContext(ctx, `SELECT id, counter, user_id, note, lines, parked_at FROM parked_carts WHERE counter = ? ORDER BY parked_at`, counter)
	if err != nil {
		return nil, fmt.Errorf("list parked: %w", err)
	}
	defer rows.Close()
	out := []ParkedCart{}
	for rows.Next() {
		c, err := scanParked(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

func scanParked(sc interface{ Scan(...any) error }) (ParkedCart, error) {
	var (
		c         ParkedCart
		raw, when string
	)
	if err := sc.Scan(&c.ID, &c.Counter, &c.UserID, &c.Note, &raw, &when); err != nil {
		return ParkedCart{}, err
	}
	if err := json.Unmarshal([]byte(raw), &c.Lines); err != nil {
		return ParkedCart{}, fmt.Errorf("parked cart %s: %w", c.ID, err)
	}
	c.ParkedAt = parseTime(when)
	return c, nil
}

// Recall takes a parked cart back at the same counter (the caller's open
// shift there) and removes it from the parked list.
func (s *Service) Recall(ctx context.Context, a Actor, id, shiftID string) (ParkedCart, error) {
	var c ParkedCart
	err := s.db.Transact(ctx, func(tx *sql.Tx) error {
		sh, err := usableShift(ctx, tx, a.User, shiftID)
		if err != nil {
			return err
		}
		c, err = scanParked(tx.QueryRowContext(ctx, `SELECT id, counter, user_id, note, lines, parked_at FROM parked_carts WHERE id = ?`, id))
		if errors.Is(err, sql.ErrNoRows) {
			return errs.E(errs.NotFound, "no parked cart %q (already recalled?)", id)
		}
		if err != nil {
			return err
		}
		if c.Counter != sh.Counter {
			return errs.E(errs.Conflict, "cart %s is parked at counter %s, not %s", id, c.Counter, sh.Counter)
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM parked_carts WHERE id = ?`, id)
		return err
	})
	if err != nil {
		return ParkedCart{}, fmt.Errorf("recall cart: %w", err)
	}
	return c, nil
}
