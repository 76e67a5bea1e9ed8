package ledger

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"time"

	"ektamall/shared/errs"
	"ektamall/shared/ids"
	"ektamall/shared/sqldb"
	"ektamall/shared/text"
)

// Commission scopes, from the least to the most specific.
const (
	ScopeDefault  = "default"
	ScopeState    = "state"
	ScopeCategory = "category"
	ScopeProducer = "producer"
)

// Rule is one commission rule. RateBP is the commission in basis points of
// the taxable value; GSTBP the GST charged on the commission (0: none).
type Rule struct {
	ID            string    `json:"id"`
	Scope         string    `json:"scope"`
	Key           string    `json:"key,omitempty"`
	RateBP        int64     `json:"rate_bp"`
	GSTBP         int64     `json:"gst_bp"`
	EffectiveFrom time.Time `json:"effective_from"`
	CreatedAt     time.Time `json:"created_at"`
	CreatedBy     string    `json:"created_by,omitempty"`
	Note          string    `json:"note,omitempty"`
}

// Limits on rules: a commission above half the taxable value or GST on it
// above the highest services slab is a typo, and the limits keep the
// producer's share of a line from going negative.
const (
	MaxRateBP = 5000
	MaxGSTBP  = 2800
)

// ruleFor is the rule in force at time at for a line: the most specific
// scope that has a rule effective by then, and within it the latest.
func (bk *booker) ruleFor(ctx context.Context, producer, category, state string, at time.Time) (Rule, error) {
	ts := TS(at)
	for _, k := range []ruleKey{{ScopeProducer, producer}, {ScopeCategory, category}, {ScopeState, state}, {ScopeDefault, ""}} {
		rs, err := bk.rulesOf(ctx, k)
		if err != nil {
			return Rule{}, err
		}
		for _, r := range rs {
			if r.from <= ts {
				return r.Rule, nil
			}
		}
	}
	return Rule{}, errs.E(errs.NotFound, "no commission rule in force at %s", ts)
}

// rulesOf is every rule of one scope and key, latest effective first. A
// key has a handful of rules, so they are sorted here: an index seek costs
// SQLite a third of a backward walk of the index, and one query over all
// four scopes needed a sort per line.
func (bk *booker) rulesOf(ctx context.Context, k ruleKey) ([]storedRule, error) {
	if rs, ok := bk.rules[k]; ok {
		return rs, nil
	}
	rows, err := bk.tx.QueryContext(ctx, `SELECT id, scope, key, rate_bp, gst_bp, effective_from FROM commission_rules
		WHERE scope = ? AND key = ?`, k.scope, k.key)
	if err != nil {
		return nil, fmt.Errorf("commission rule: %w", err)
	}
	defer rows.Close()
	var rs []storedRule
	for rows.Next() {
		var r storedRule
		if err := rows.Scan(&r.ID, &r.Scope, &r.Key, &r.RateBP, &r.GSTBP, &r.from); err != nil {
			return nil, fmt.Errorf("commission rule: %w", err)
		}
		r.EffectiveFrom, _ = ParseTS(r.from)
		rs = append(rs, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("commission rule: %w", err)
	}
	sort.Slice(rs, func(i, j int) bool { return rs[i].from > rs[j].from })
	bk.rules[k] = rs
	return rs, nil
}

// bpOf is round-half-up(v × bp / 10000) for v ≥ 0: the one rounding rule
// for commission and its GST (research/ledger_gst.md §1.4).
func bpOf(v, bp int64) int64 { return (v*bp + 5000) / 10000 }

// CreateRule validates and stores a new rule. Rules are never edited; a
// new effective_from supersedes. It is a conflict to add a rule that takes
// effect before a settlement run already closed, because that run paid
// lines under the old rule.
func CreateRule(ctx context.Context, tx sqldb.Tx, r Rule, now time.Time) (Rule, error) {
	switch r.Scope {
	case ScopeDefault:
		if r.Key != "" {
			return Rule{}, errs.Field("key", "a default rule has no key")
		}
	case ScopeState, ScopeCategory, ScopeProducer:
		if r.Key == "" {
			return Rule{}, errs.Field("key", "a %s rule needs a key", r.Scope)
		}
	default:
		return Rule{}, errs.Field("scope", "scope %q: want default, state, category or producer", r.Scope)
	}
	if r.RateBP < 0 || r.RateBP > MaxRateBP {
		return Rule{}, errs.Field("rate_bp", "commission must be 0 to %d basis points", MaxRateBP)
	}
	if r.GSTBP < 0 || r.GSTBP > MaxGSTBP {
		return Rule{}, errs.Field("gst_bp", "GST on commission must be 0 to %d basis points", MaxGSTBP)
	}
	note, err := text.Clean("note", r.Note, text.Rule{Max: 500, Multiline: true})
	if err != nil {
		return Rule{}, err
	}
	r.Note = note
	if r.EffectiveFrom.IsZero() {
		r.EffectiveFrom = now
	}
	var known int
	var q string
	switch r.Scope {
	case ScopeState:
		q = `SELECT count(*) FROM states WHERE code = ?`
	case ScopeCategory:
		q = `SELECT count(*) FROM products WHERE category = ?`
	case ScopeProducer:
		q = `SELECT count(*) FROM producers WHERE id = ?`
	}
	if q != "" {
		if err := tx.QueryRowContext(ctx, q, r.Key).Scan(&known); err != nil {
			return Rule{}, fmt.Errorf("commission rule: %w", err)
		}
		if known == 0 {
			return Rule{}, errs.Field("key", "unknown %s %q", r.Scope, r.Key)
		}
	}
	// A rule reaching back behind sales already booked would make the
	// books disagree with the rule table; back-dating is refused.
	var booked int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM hub_sale_lines WHERE at >= ?`, TS(r.EffectiveFrom)).Scan(&booked); err != nil {
		return Rule{}, fmt.Errorf("commission rule: %w", err)
	}
	if booked > 0 {
		return Rule{}, errs.E(errs.Conflict, "%d sale lines at or after %s are already booked under the old rule; choose a later effective_from", booked, TS(r.EffectiveFrom))
	}
	r.ID, r.CreatedAt = ids.New(), now.UTC()
	_, err = tx.ExecContext(ctx, `INSERT INTO commission_rules (id, scope, key, rate_bp, gst_bp, effective_from, created_at, created_by, note)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, r.ID, r.Scope, r.Key, r.RateBP, r.GSTBP, TS(r.EffectiveFrom), TS(now), r.CreatedBy, r.Note)
	if err != nil {
		if sqldb.IsUnique(err) {
			return Rule{}, errs.E(errs.Conflict, "a %s rule for %q effective %s already exists", r.Scope, r.Key, TS(r.EffectiveFrom))
		}
		return Rule{}, fmt.Errorf("commission rule: %w", err)
	}
	r.EffectiveFrom = r.EffectiveFrom.UTC()
	return r, nil
}

// ListRules returns every rule, newest effective first within each scope.
func ListRules(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}) ([]Rule, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, scope, key, rate_bp, gst_bp, effective_from, created_at, created_by, note
		FROM commission_rules ORDER BY scope, key, effective_from DESC`)
	if err != nil {
		return nil, fmt.Errorf("list rules: %w", err)
	}
	defer rows.Close()
	out := []Rule{}
	for rows.Next() {
		var r Rule
		var eff, cr string
		if err := rows.Scan(&r.ID, &r.Scope, &r.Key, &r.RateBP, &r.GSTBP, &eff, &cr, &r.CreatedBy, &r.Note); err != nil {
			return nil, err
		}
		r.EffectiveFrom, _ = ParseTS(eff)
		r.CreatedAt, _ = ParseTS(cr)
		out = append(out, r)
	}
	return out, rows.Err()
}
