package ledger

import (
	"context"
	"fmt"
	"strings"
	"time"

	"ektamall/shared/errs"
	"ektamall/shared/events"
)

// Damaged consignment is settled by whose loss it is (issue 20 item 5).
// A mall writes damaged goods off with a cause: in_store (broken at the
// mall) or on_arrival (found damaged when the consignment came). The hub's
// DamagePolicy says who bears each cause. When the mall bears it, the mall
// owes the producer what the goods would have earned them: their taxable
// value at the MRP less the commission a sale would have carried (no GST
// on a commission never charged, and no output tax: nothing was sold).
// That is one entry, debit the mall's damage receivable, credit the
// producer's account, paid by the next settlement run (hub/settle). When
// the producer bears it no money moves; the write-off is recorded with its
// value so the producer's view shows it either way.

// MallDamageAccount is what a mall owes for damage it bears: the hub has
// paid (or will pay) the producer, and recovers it from the mall.
func MallDamageAccount(mall string) string { return "mall_damage:" + mall }

// DamageEntryID is the entry of one mall-borne damaged move.
func DamageEntryID(mall, move string) string { return "damage:" + mall + ":" + move }

// Who bears a damage.
const (
	BorneByMall     = "mall"
	BorneByProducer = "producer"
)

// DamagePolicy says who bears damage by its cause.
type DamagePolicy struct {
	InStore   string // default mall
	OnArrival string // default producer
}

// DefaultDamagePolicy: the mall bears in-store damage, the producer goods
// damaged on arrival.
var DefaultDamagePolicy = DamagePolicy{InStore: BorneByMall, OnArrival: BorneByProducer}

// ParseDamagePolicy reads "in_store=mall,on_arrival=producer" (either
// part may be left out; "" is the default).
func ParseDamagePolicy(s string) (DamagePolicy, error) {
	p := DefaultDamagePolicy
	for part := range strings.SplitSeq(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		if v != BorneByMall && v != BorneByProducer {
			return p, errs.Field("damage_borne_by", "%q: who bears damage is \"mall\" or \"producer\"", part)
		}
		switch strings.TrimSpace(k) {
		case "in_store":
			p.InStore = v
		case "on_arrival":
			p.OnArrival = v
		default:
			return p, errs.Field("damage_borne_by", "%q: the causes are in_store and on_arrival", part)
		}
	}
	return p, nil
}

// String is the policy as ParseDamagePolicy reads it.
func (p DamagePolicy) String() string { return "in_store=" + p.InStore + ",on_arrival=" + p.OnArrival }

func (p DamagePolicy) borneBy(cause string) string {
	if cause == "on_arrival" {
		return p.OnArrival
	}
	return p.InStore
}

// SetDamagePolicy sets who bears damage (default DefaultDamagePolicy).
// Set it before the applier books anything.
func (a *Applier) SetDamagePolicy(p DamagePolicy) { a.damage = p }

// applyDamage books one damage write-off (other stock moves are not money).
func applyDamage(ctx context.Context, bk *booker, policy DamagePolicy, ev events.Envelope, p events.StockMove, now time.Time) error {
	if p.Kind != "damage" || p.Qty <= 0 {
		return nil
	}
	cause := p.Cause
	if cause == "" {
		cause = "in_store"
	}
	if cause != "in_store" && cause != "on_arrival" {
		return errs.E(errs.Invalid, "damage %s: unknown cause %q", p.MoveID, p.Cause)
	}
	if policy.InStore == "" {
		policy = DefaultDamagePolicy
	}
	borne := policy.borneBy(cause)
	var producer, category string
	var mrp, rateBP int64
	if err := bk.tx.QueryRowContext(ctx, `SELECT producer_id, category, mrp_paise, gst_rate_bp FROM products WHERE sku = ?`, p.SKU).
		Scan(&producer, &category, &mrp, &rateBP); err != nil {
		return lookupErr("product", p.SKU, err)
	}
	at := businessTime(p.At, ev.At)
	// The taxable value at the MRP (which includes GST): MRP × qty ÷ (1 + rate), to the paisa.
	gross := mrp * p.Qty
	value := (gross*10000 + (10000+rateBP)/2) / (10000 + rateBP)
	r, err := bk.ruleFor(ctx, producer, category, p.Zone, at)
	if err != nil {
		return err
	}
	commission := bpOf(value, r.RateBP)
	var net int64
	if borne == BorneByMall {
		net = value - commission
	}
	if _, err := bk.tx.ExecContext(ctx, `INSERT INTO hub_damage (mall, move_id, ref, sku, producer_id, zone, qty, cause, borne_by, value, commission,
		producer_net, note, at, ingested_at, event_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		ev.Mall, p.MoveID, p.Ref, p.SKU, producer, p.Zone, p.Qty, cause, borne, value, commission, net, p.Note, TS(at), TS(now), ev.ID); err != nil {
		if isUnique(err) {
			return errs.E(errs.Invalid, "damage %s of mall %s was already booked by another event", p.MoveID, ev.Mall)
		}
		return fmt.Errorf("insert damage: %w", err)
	}
	if net == 0 {
		return nil
	}
	return bk.post(ctx, Entry{ID: DamageEntryID(ev.Mall, p.MoveID), Kind: "damage", Mall: ev.Mall, Ref: p.Ref, EventID: ev.ID, At: at,
		Postings: []Posting{D(MallDamageAccount(ev.Mall), net), C(ProducerAccount(producer), net)}}, now)
}

// damageChecks are Check's invariants of damage: a mall-borne damage's
// share and commission make up its value, and each has its entry.
var damageChecks = []struct{ what, sql string }{
	{"damage split loses paise", `SELECT mall || '/' || move_id FROM hub_damage
		WHERE borne_by = 'mall' AND producer_net + commission != value LIMIT 20`},
	{"mall-borne damage without its entry", `SELECT d.mall || '/' || d.move_id FROM hub_damage d
		WHERE d.producer_net > 0 AND NOT EXISTS (SELECT 1 FROM ledger_entries e WHERE e.id = 'damage:' || d.mall || ':' || d.move_id) LIMIT 20`},
}
