package pos

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"

	"ektamall/shared/auth"
	"ektamall/shared/errs"
	"ektamall/shared/idem"
	"ektamall/shared/ids"
	"ektamall/shared/money"
	"ektamall/shared/text"
)

// counterRE: a letter and two digits ("C01"). Invoice series are the
// counter and credit-note series "CN" + counter, which keeps both within
// the 5 characters invoice.ValidSeries allows and never lets one counter's
// series collide with another's.
var counterRE = regexp.MustCompile(`^[A-Z][0-9]{2}$`)

// MaxFloat bounds an opening float or a cash movement: a counter drawer
// never holds ten lakh rupees, so anything more is a typo.
var MaxFloat = money.MustParse("1000000.00")

type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func canRing(u auth.User) error {
	if u.Role != auth.Cashier && u.Role != auth.MallAdmin {
		return errs.E(errs.Forbidden, "your role (%s) may not work a counter", u.Role)
	}
	return nil
}

// loadShift reads a shift by id.
func loadShift(ctx context.Context, q queryer, id string) (Shift, error) {
	var (
		sh      Shift
		opened  string
		float   int64
		closed  sql.NullString
		counted sql.NullInt64
	)
	err := q.QueryRowContext(ctx, `SELECT s.id, s.counter, s.user_id, u.username, s.status, s.opened_at, s.opening_float_paise,
			s.closed_at, s.counted_cash_paise
		FROM shifts s JOIN users u ON u.id = s.user_id WHERE s.id = ?`, id).
		Scan(&sh.ID, &sh.Counter, &sh.UserID, &sh.Cashier, &sh.Status, &opened, &float, &closed, &counted)
	if errors.Is(err, sql.ErrNoRows) {
		return Shift{}, errs.E(errs.NotFound, "no shift %q", id)
	}
	if err != nil {
		return Shift{}, fmt.Errorf("read shift: %w", err)
	}
	sh.OpenedAt, sh.OpeningFloat = parseTime(opened), money.FromPaise(float)
	if closed.Valid {
		t := parseTime(closed.String)
		sh.ClosedAt = &t
	}
	if counted.Valid {
		c := money.FromPaise(counted.Int64)
		sh.CountedCash = &c
	}
	return sh, nil
}

// usableShift is the open shift id that u may ring sales or returns on: a
// cashier only their own, a mall admin any open shift.
func usableShift(ctx context.Context, q queryer, u auth.User, id string) (Shift, error) {
	if err := canRing(u); err != nil {
		return Shift{}, err
	}
	sh, err := loadShift(ctx, q, id)
	if err != nil {
		return Shift{}, err
	}
	if u.Role == auth.Cashier && sh.UserID != u.ID {
		return Shift{}, errs.E(errs.Forbidden, "shift %s belongs to %s; use your own shift", id, sh.Cashier)
	}
	if sh.Status != "open" {
		return Shift{}, errs.E(errs.Conflict, "shift %s at counter %s is closed; open a new shift", id, sh.Counter)
	}
	return sh, nil
}

// visibleShift is a shift u may read: a cashier their own, an admin any.
func visibleShift(ctx context.Context, q queryer, u auth.User, id string) (Shift, error) {
	if err := canRing(u); err != nil {
		return Shift{}, err
	}
	sh, err := loadShift(ctx, q, id)
	if err != nil {
		return Shift{}, err
	}
	if u.Role == auth.Cashier && sh.UserID != u.ID {
		return Shift{}, errs.E(errs.Forbidden, "shift %s belongs to %s", id, sh.Cashier)
	}
	return sh, nil
}

// OpenShift opens a shift for the caller at a counter with an opening
// float. A counter has at most one open shift, and so does a person.
func (s *Service) OpenShift(ctx context.Context, a Actor, counter string, float money.Amount) (Shift, error) {
	if err := canRing(a.User); err != nil {
		return Shift{}, err
	}
	if !counterRE.MatchString(counter) {
		return Shift{}, errs.Field("counter", "counter must be a letter and two digits, e.g. C01")
	}
	if counter == OnlineCounter {
		return Shift{}, errs.Field("counter", "counter %s is the online orders' invoice series; choose another", OnlineCounter)
	}
	if float.IsNegative() || float.GreaterThan(MaxFloat) {
		return Shift{}, errs.Field("opening_float", "opening float must be from 0.00 to %s", MaxFloat)
	}
	now := s.now()
	sh := Shift{ID: ids.New(), Counter: counter, UserID: a.User.ID, Cashier: a.User.Username, Status: "open", OpenedAt: now, OpeningFloat: float}
	err := s.db.Transact(ctx, func(tx *sql.Tx) error {
		var other, otherCounter, otherUser string
		err := tx.QueryRowContext(ctx, `SELECT s.id, s.counter, u.username FROM shifts s JOIN users u ON u.id = s.user_id
			WHERE s.status = 'open' AND (s.counter = ? OR s.user_id = ?) LIMIT 1`, counter, a.User.ID).Scan(&other, &otherCounter, &otherUser)
		switch {
		case err == nil && otherCounter == counter:
			return errs.E(errs.Conflict, "counter %s already has an open shift (%s, by %s); close it first", counter, other, otherUser)
		case err == nil:
			return errs.E(errs.Conflict, "you already have an open shift (%s) at counter %s; close it first", other, otherCounter)
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO shifts (id, counter, user_id, status, opened_at, opening_float_paise) VALUES (?, ?, ?, 'open', ?, ?)`,
			sh.ID, counter, a.User.ID, now.Format(timeFmt), float.Paise()); err != nil {
			return fmt.Errorf("insert shift: %w", err)
		}
		return audit(ctx, tx, a, now, "shift_open", map[string]any{"shift_id": sh.ID, "counter": counter, "opening_float": float})
	})
	if err != nil {
		return Shift{}, fmt.Errorf("open shift: %w", err)
	}
	return sh, nil
}

// GetShift reads a shift the caller may see.
func (s *Service) GetShift(ctx context.Context, a Actor, id string) (Shift, error) {
	return visibleShift(ctx, s.db.R, a.User, id)
}

// CurrentShift is the caller's open shift.
func (s *Service) CurrentShift(ctx context.Context, a Actor) (Shift, error) {
	var id string
	err := s.db.R.QueryRowContext(ctx, `SELECT id FROM shifts WHERE user_id = ? AND status = 'open'`, a.User.ID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return Shift{}, errs.E(errs.NotFound, "you have no open shift; open one at your counter")
	}
	if err != nil {
		return Shift{}, fmt.Errorf("current shift: %w", err)
	}
	return loadShift(ctx, s.db.R, id)
}

// CashMove records cash paid into ("in") or out of ("out") the drawer of
// an open shift, with a reason. Paying out more than the drawer should
// hold is refused. key is the client's Idempotency-Key, required as for a
// sale: a retry returns the first move (replay is true) and moves no cash
// twice.
func (s *Service) CashMove(ctx context.Context, a Actor, key, shiftID, kind string, amount money.Amount, reason string) (m CashMove, replay bool, err error) {
	reason, terr := text.Clean("reason", reason, text.Rule{Max: 200, Required: true})
	switch {
	case kind != "in" && kind != "out":
		return CashMove{}, false, errs.Field("kind", "kind must be \"in\" or \"out\"")
	case !amount.IsPositive() || amount.GreaterThan(MaxFloat):
		return CashMove{}, false, errs.Field("amount", "amount must be more than 0.00 and at most %s", MaxFloat)
	case terr != nil:
		return CashMove{}, false, errs.Field("reason", "say why the cash moved (1 to 200 characters of plain text): %s", errs.Public(terr).Message)
	}
	if err := idem.Require(key); err != nil {
		return CashMove{}, false, err
	}
	ik := idem.New("cash_move", key, a.User.ID, []any{shiftID, kind, amount, reason})
	now := s.now()
	m = CashMove{ID: ids.New(), ShiftID: shiftID, Kind: kind, Amount: amount, Reason: reason, UserID: a.User.ID, At: now}
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
		if kind == "out" {
			r, err := buildReport(ctx, tx, s.mall, sh, now)
			if err != nil {
				return err
			}
			if amount.GreaterThan(r.ExpectedCash) {
				return errs.Field("amount", "the drawer should hold only %s; cannot pay out %s", r.ExpectedCash, amount)
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO cash_moves (id, shift_id, kind, amount_paise, reason, user_id, at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			m.ID, shiftID, kind, amount.Paise(), reason, a.User.ID, now.Format(timeFmt)); err != nil {
			return fmt.Errorf("insert cash move: %w", err)
		}
		if err := audit(ctx, tx, a, now, "cash_paid_"+kind, map[string]any{"shift_id": shiftID, "counter": sh.Counter, "amount": amount, "reason": reason, "cash_move_id": m.ID}); err != nil {
			return err
		}
		return ik.Remember(ctx, tx, m.ID, now)
	})
	if err != nil {
		return CashMove{}, false, fmt.Errorf("cash %s: %w", kind, err)
	}
	if existing != "" {
		m, err = readCashMove(ctx, s.db.R, existing)
		return m, true, err
	}
	return m, false, nil
}

// readCashMove reads one cash move back, for a replayed request.
func readCashMove(ctx context.Context, q queryer, id string) (CashMove, error) {
	var (
		m     CashMove
		paise int64
		at    string
	)
	err := q.QueryRowContext(ctx, `SELECT id, shift_id, kind, amount_paise, reason, user_id, at FROM cash_moves WHERE id = ?`, id).
		Scan(&m.ID, &m.ShiftID, &m.Kind, &paise, &m.Reason, &m.UserID, &at)
	if err != nil {
		return CashMove{}, fmt.Errorf("read cash move %s: %w", id, err)
	}
	m.Amount, m.At = money.FromPaise(paise), parseTime(at)
	return m, nil
}

// Denominations that may be counted into a drawer, in rupees.
var denominations = map[string]money.Amount{}

func init() {
	for _, d := range []string{"2000", "500", "200", "100", "50", "20", "10", "5", "2", "1"} {
		denominations[d] = money.MustParse(d)
	}
}

// countDenominations checks a denomination count and returns its value.
func countDenominations(d map[string]int64) (money.Amount, error) {
	total := money.Zero
	for k, n := range d {
		v, ok := denominations[k]
		if !ok {
			return money.Zero, errs.Field("denominations", "%q is not a rupee note or coin (2000, 500, 200, 100, 50, 20, 10, 5, 2, 1)", k)
		}
		if n < 0 || n > 100000 {
			return money.Zero, errs.Field("denominations", "count of %s must be from 0 to 100000", k)
		}
		total = total.Add(v.MulInt(n))
	}
	return total, nil
}

// CloseShift closes a shift with the cash counted in its drawer (and
// optionally the count by denomination, which must add up to it) and
// returns its Z report. The owner or a mall admin may close it.
func (s *Service) CloseShift(ctx context.Context, a Actor, id string, counted money.Amount, denoms map[string]int64) (Report, error) {
	if counted.IsNegative() || counted.GreaterThan(MaxFloat.MulInt(100)) {
		return Report{}, errs.Field("counted_cash", "counted cash must be from 0.00 to %s", MaxFloat.MulInt(100))
	}
	if len(denoms) > 0 {
		sum, err := countDenominations(denoms)
		if err != nil {
			return Report{}, err
		}
		if !sum.Equal(counted) {
			return Report{}, errs.Field("denominations", "the notes and coins add up to %s, not the counted cash %s", sum, counted)
		}
	}
	now := s.now()
	var rep Report
	err := s.db.Transact(ctx, func(tx *sql.Tx) error {
		sh, err := usableShift(ctx, tx, a.User, id)
		if err != nil {
			return err
		}
		if rep, err = buildReport(ctx, tx, s.mall, sh, now); err != nil {
			return err
		}
		rep.Kind, rep.ClosedAt, rep.ClosedBy = "Z", &now, a.User.Username
		over := counted.Sub(rep.ExpectedCash)
		rep.CountedCash, rep.OverShort, rep.Denominations = &counted, &over, denoms
		raw, err := json.Marshal(rep)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE shifts SET status = 'closed', closed_at = ?, closed_by = ?, counted_cash_paise = ?, z_report = ? WHERE id = ?`,
			now.Format(timeFmt), a.User.ID, counted.Paise(), string(raw), id); err != nil {
			return fmt.Errorf("close shift: %w", err)
		}
		if err := appendShiftClose(ctx, tx, s.mall.ID, rep); err != nil {
			return err
		}
		return audit(ctx, tx, a, now, "shift_close", map[string]any{"shift_id": id, "counter": sh.Counter,
			"expected_cash": rep.ExpectedCash, "counted_cash": counted, "over_short": over})
	})
	if err != nil {
		return Report{}, fmt.Errorf("close shift: %w", err)
	}
	return rep, nil
}

// XReport is the running report of a shift, changing nothing.
func (s *Service) XReport(ctx context.Context, a Actor, id string) (Report, error) {
	sh, err := visibleShift(ctx, s.db.R, a.User, id)
	if err != nil {
		return Report{}, err
	}
	if sh.Status != "open" {
		return s.ZReport(ctx, a, id)
	}
	return buildReport(ctx, s.db.R, s.mall, sh, s.now())
}

// ZReport is the report printed when the shift closed, as it was.
func (s *Service) ZReport(ctx context.Context, a Actor, id string) (Report, error) {
	if _, err := visibleShift(ctx, s.db.R, a.User, id); err != nil {
		return Report{}, err
	}
	var raw sql.NullString
	if err := s.db.R.QueryRowContext(ctx, `SELECT z_report FROM shifts WHERE id = ?`, id).Scan(&raw); err != nil {
		return Report{}, fmt.Errorf("read z report: %w", err)
	}
	if !raw.Valid {
		return Report{}, errs.E(errs.Conflict, "shift %s is still open: it has an X report, not a Z report", id)
	}
	var r Report
	if err := json.Unmarshal([]byte(raw.String), &r); err != nil {
		return Report{}, fmt.Errorf("decode z report: %w", err)
	}
	return r, nil
}
