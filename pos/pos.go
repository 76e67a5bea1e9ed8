// Package pos is a mall's point of sale: shifts with their cash, sales that
// issue GST tax invoices, cancellations (voids), returns that issue credit
// notes, parked carts, discount approvals and UPI payment requests.
//
// Every write is one SQLite transaction that commits the documents, their
// stock movements (inventory.SellOut / PutBack), their audit rows and their
// outbox event together. Amounts are money.Amount (integer paise in SQLite);
// tax is computed once per line with gst.Inclusive, stored, and only ever
// added up or allocated afterwards, never recomputed.
package pos

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"ektamall/shared/auth"
	"ektamall/shared/catalog"
	"ektamall/shared/catalogdb"
	"ektamall/shared/gst"
	"ektamall/shared/money"
	"ektamall/shared/sqlitedb"
)

// Config tunes the point of sale. Zero values take the defaults.
type Config struct {
	// DiscountLimitBP is the largest line discount, in basis points of
	// the line's value before discount, each role may give on its own.
	// Above it a mall_admin's approval is needed. A role not listed may
	// give no discount without approval. Default: cashier 10%, mall_admin
	// unlimited (they are the approvers).
	DiscountLimitBP map[auth.Role]int64
	// ApprovalTTL is how long an approval token may wait to be used.
	ApprovalTTL time.Duration
	// UPIVPA, UPIName and UPIMCC are the payee fields of dynamic UPI QR
	// codes: the mall's VPA, its name and merchant category code as given
	// by the acquirer.
	UPIVPA  string
	UPIName string
	UPIMCC  string
	// RoundOff rounds what a customer pays (default: the nearest rupee).
	RoundOff gst.RoundOff
	// Limits are the legal thresholds on large sales (zero: the default).
	Limits Limits
	// MaxChange is the most change a cash tender may ask for (default
	// ₹2000, the largest note in circulation): a customer never needs to
	// hand over more than the total plus one note, so more is a typo (an
	// extra zero) that would print absurd change and skew the tender
	// figures.
	MaxChange money.Amount
	// TraceBase is the hub's public web address (https://hub.example),
	// for the trace link each receipt's QR code carries (issue 20).
	TraceBase string
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Limits are the thresholds of the law on one sale, kept in configuration
// because the Income-tax Act 2025 and the Rules of 2026 renumber and may
// change them (gst_compliance.md §2).
type Limits struct {
	// CashFrom: cash of this much or more is refused (s.269ST of the
	// Income-tax Act 1961, s.186 of the 2025 Act). Default ₹2,00,000.
	CashFrom money.Amount
	// PANAbove: a sale above this needs the buyer's PAN or Form 60 (Rule
	// 114B). Default ₹2,00,000.
	PANAbove money.Amount
	// NamedFrom: an unregistered buyer's name, address and State are
	// required from this taxable value (CGST Rule 46(e)). Default ₹50,000.
	NamedFrom money.Amount
}

// DefaultLimits are the thresholds in force when this was written.
var DefaultLimits = Limits{CashFrom: money.MustParse("200000.00"), PANAbove: money.MustParse("200000.00"),
	NamedFrom: money.MustParse("50000.00")}

// Mall is the identity printed on every invoice.
type Mall struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Address   string `json:"address"`
	GSTIN     string `json:"gstin"`
	State     string `json:"state"`      // place of supply for counter sales
	StateName string `json:"state_name"` // e.g. "Uttar Pradesh"
	StateCode string `json:"state_code"` // GST state code, e.g. "09"
	UTGST     bool   `json:"utgst"`      // the state share is UTGST, not SGST
	// TraceBase is the hub's public address; a sale's trace link (its
	// receipt's QR code) is TraceBase/trace/<token>. Empty: no links.
	TraceBase string `json:"-"`
}

// DefaultMaxChange is Config.MaxChange when none is set: ₹2000, the
// largest note.
var DefaultMaxChange = money.MustParse("2000.00")

// Service is the point of sale of one mall.
type Service struct {
	db   *sqlitedb.DB
	auth *auth.Store
	cfg  Config
	mall Mall

	catalog catalogCache // products and tax bands (catalogcache.go)
}

// Actor is who asks, and the request id the audit log records.
type Actor struct {
	User      auth.User
	RequestID string
}

// New returns the point of sale of the mall whose database db is. The
// mall's identity must already be recorded (the app does it on first start).
func New(ctx context.Context, db *sqlitedb.DB, store *auth.Store, cfg Config) (*Service, error) {
	if cfg.DiscountLimitBP == nil {
		cfg.DiscountLimitBP = map[auth.Role]int64{auth.Cashier: 1000, auth.MallAdmin: 10000}
	}
	if cfg.ApprovalTTL <= 0 {
		cfg.ApprovalTTL = 5 * time.Minute
	}
	if cfg.UPIMCC == "" {
		cfg.UPIMCC = "5999"
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.RoundOff == "" {
		cfg.RoundOff = gst.DefaultRoundOff
	}
	if _, err := gst.ParseRoundOff(string(cfg.RoundOff)); err != nil {
		return nil, fmt.Errorf("pos: %w", err)
	}
	for _, l := range []struct {
		v *money.Amount
		d money.Amount
	}{{&cfg.Limits.CashFrom, DefaultLimits.CashFrom},
		{&cfg.Limits.PANAbove, DefaultLimits.PANAbove}, {&cfg.Limits.NamedFrom, DefaultLimits.NamedFrom}} {
		if l.v.IsZero() {
			*l.v = l.d
		}
	}
	if !cfg.MaxChange.IsPositive() {
		cfg.MaxChange = DefaultMaxChange
	}
	var m Mall
	err := db.R.QueryRowContext(ctx, `SELECT id, name, address, gstin, state FROM mall`).Scan(&m.ID, &m.Name, &m.Address, &m.GSTIN, &m.State)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errors.New("pos: the mall's identity is not recorded yet")
	}
	if err != nil {
		return nil, fmt.Errorf("pos: read mall: %w", err)
	}
	st, ok := catalog.StateByCode(m.State)
	if !ok {
		return nil, fmt.Errorf("pos: mall state %q is unknown", m.State)
	}
	m.StateName, m.StateCode = st.Name, st.GSTCode
	if m.UTGST, err = catalogdb.StateUsesUTGST(ctx, db.R, m.State); err != nil {
		return nil, fmt.Errorf("pos: %w", err)
	}
	m.TraceBase = strings.TrimRight(cfg.TraceBase, "/")
	if cfg.UPIVPA == "" {
		cfg.UPIVPA = "ektamall." + strings.ToLower(m.ID) + "@sbi"
	}
	if cfg.UPIName == "" {
		cfg.UPIName = m.Name
	}
	return &Service{db: db, auth: store, cfg: cfg, mall: m}, nil
}

// Mall is the identity printed on invoices.
func (s *Service) Mall() Mall { return s.mall }

// Rules are the mall's identity and the thresholds its till applies.
type Rules struct {
	Mall           Mall         `json:"mall"`
	RoundOff       gst.RoundOff `json:"round_off"`
	CashLimit      money.Amount `json:"cash_limit"`
	PANAbove       money.Amount `json:"pan_above"`
	NamedBuyerFrom money.Amount `json:"named_buyer_from"`
	// DiscountLimitBP is the largest line discount the caller may give
	// without a mall admin's approval, in basis points of the line's value
	// (10000: any), so the till can ask for approval when the discount is
	// applied rather than at payment.
	DiscountLimitBP int64 `json:"discount_limit_bp"`
}

// Rules says how this till rings for a user of role.
func (s *Service) Rules(role auth.Role) Rules {
	return Rules{Mall: s.mall, RoundOff: s.cfg.RoundOff, CashLimit: s.cfg.Limits.CashFrom, PANAbove: s.cfg.Limits.PANAbove,
		NamedBuyerFrom: s.cfg.Limits.NamedFrom, DiscountLimitBP: s.cfg.DiscountLimitBP[role]}
}

// RoundOff is how this mall rounds what a customer pays.
func (s *Service) RoundOff() gst.RoundOff { return s.cfg.RoundOff }

func (s *Service) now() time.Time { return s.cfg.Now().UTC() }

const timeFmt = time.RFC3339Nano

func parseTime(s string) time.Time {
	t, _ := time.Parse(timeFmt, s)
	return t.UTC()
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
