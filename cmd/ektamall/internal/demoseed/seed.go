// Package demoseed writes the demo's history: about six weeks of a real
// mall's life at each demo mall and the hub's settlements of it, through
// the same services a mall and the hub use (pos, inventory, the outbox,
// relay, sync and the hub's ledger), never over HTTP and never by writing
// rows itself.
//
// Consignments arrive in every zone, shelves are restocked, counters ring
// sales over two shifts a day (cash, UPI, card, some discounts), customers
// return goods, a mall admin voids an invoice, LKO1 sends stock to BLR1 and
// one unit goes missing on the way, a zone is counted and its variance
// posted. Each week the hub runs a settlement, pays it and imports the
// bank's response; one payout fails and the next run pays it again.
//
// History is written in the past: each service is given a Clock the seeder
// moves day by day, and the hub books every event at the end of the day it
// happened (its booking clock, hub app Config.Now), so each weekly run pays
// the lines old enough at its cutoff and the first run finance makes today
// still has a week of sales to pay. The same seed gives the same history
// for the same day.
package demoseed

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"sync"
	"time"

	"ektamall/hub/settle"
	"ektamall/shared/auth"
	"ektamall/shared/sqldb"
	"ektamall/shared/sqlitedb"
)

// IST is the malls' time zone: business days run in it.
var IST = time.FixedZone("IST", 5*3600+1800)

// Options shape the history.
type Options struct {
	Seed uint64
	// Days of history before today (default 42, at least 7; a seeded
	// settlement run needs 15).
	Days int
	// SalesPerDay is the first mall's sales on a weekday (default 80;
	// the second mall sells 15% less); weekends sell half as many again.
	SalesPerDay int
	// Now fixes "today" (default the real time): history ends the day
	// before Now's date in IST.
	Now time.Time
	Log *slog.Logger
	// Neighbour is a mall in the first mall's State that trades nothing:
	// it only receives a transfer from the first mall, which moves on a
	// delivery challan (a movement within one State, Rule 55), so the
	// history has an intra-State transfer beside the inter-State one.
	// The demo opens it while the history is written and never serves
	// it. Nil: no such transfer. It needs only an Admin.
	Neighbour *Mall
}

func (o *Options) defaults() {
	if o.Days <= 0 {
		o.Days = 42
	}
	o.Days = max(o.Days, 7)
	if o.SalesPerDay <= 0 {
		o.SalesPerDay = 80
	}
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	if o.Log == nil {
		o.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
}

// Mall is one demo mall and the people who work there, by username.
type Mall struct {
	ID   string
	DB   *sqlitedb.DB
	Auth *auth.Store
	// Cashiers work the counters; Admin approves, voids and covers the
	// zones that have no manager of their own; Managers run UP and KA.
	Cashiers [2]string
	Admin    string
	Managers map[string]string // zone → username
}

// Hub is the demo hub.
type Hub struct {
	// DB holds the hub's books (SQLite or PostgreSQL): the seeder reads
	// and writes them only through the store seam and the hub's services.
	DB sqldb.DB
	// Clock is the hub's booking clock (hub app Config.Now).
	Clock *Clock
	// Settle is the hub's settlement configuration.
	Settle settle.Config
	// Finance is the username that runs settlements.
	Finance string
}

// Seed writes the history. It refuses to run twice on the same data: the
// hub's audit log records that it started and that it finished.
func Seed(ctx context.Context, h Hub, malls []Mall, o Options) error {
	o.defaults()
	if st, err := State(ctx, h.DB, malls); err != nil {
		return err
	} else if st != Fresh {
		return fmt.Errorf("demo history: not seeding, the data is %s", st)
	}
	if err := mark(ctx, h.DB, actionStarted, o); err != nil {
		return err
	}
	defer h.Clock.Release()
	hs := &hubSeeder{h: h, o: o}
	if err := hs.prepare(ctx); err != nil {
		return err
	}
	var ms []*mallSeeder
	for i, m := range malls {
		s, err := newMallSeeder(ctx, m, o, i)
		if err != nil {
			return fmt.Errorf("demo history %s: %w", m.ID, err)
		}
		ms = append(ms, s)
	}
	p := newPlan(o)
	for _, s := range ms {
		s.plan = p
	}
	var nb *mallSeeder
	drained := malls
	if o.Neighbour != nil {
		var err error
		if nb, err = newMallSeeder(ctx, *o.Neighbour, o, len(malls)); err != nil {
			return fmt.Errorf("demo history %s: %w", o.Neighbour.ID, err)
		}
		nb.plan = p
		drained = append(slices.Clip(malls), *o.Neighbour)
	}
	h.Clock.Set(p.days[0].date.Add(-2 * time.Hour)) // the zones open the two days before
	if err := eachMall(ms, func(s *mallSeeder) error { return s.stockUp(ctx) }); err != nil {
		return err
	}
	var tDays, tWait, tSettle time.Duration
	for d := range p.days {
		day := p.days[d]
		if cut, ok := p.cutoffBefore(d); ok {
			t0 := time.Now()
			if err := waitDrained(ctx, h.DB, malls); err != nil {
				return err
			}
			t1 := time.Now()
			if err := hs.settleWeek(ctx, cut, p.failsOne(cut)); err != nil {
				return err
			}
			tWait, tSettle = tWait+t1.Sub(t0), tSettle+time.Since(t1)
		}
		h.Clock.Set(day.close)
		t0 := time.Now()
		if err := eachMall(ms, func(s *mallSeeder) error { return s.runDay(ctx, d) }); err != nil {
			return err
		}
		tDays += time.Since(t0)
		if err := crossMall(ctx, ms, nb, d); err != nil {
			return err
		}
	}
	if err := finish(ctx, ms); err != nil {
		return err
	}
	if err := waitDrained(ctx, h.DB, drained); err != nil {
		return err
	}
	h.Clock.Release()
	o.Log.Info("demo history timing", "trading", tDays.Round(time.Millisecond).String(),
		"waiting_for_the_hub", tWait.Round(time.Millisecond).String(), "settling", tSettle.Round(time.Millisecond).String())
	return mark(ctx, h.DB, actionSeeded, o)
}

// eachMall runs f for every mall at once and joins their errors.
func eachMall(ms []*mallSeeder, f func(*mallSeeder) error) error {
	errc := make([]error, len(ms))
	var wg sync.WaitGroup
	for i, s := range ms {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := f(s); err != nil {
				errc[i] = fmt.Errorf("demo history %s: %w", s.m.ID, err)
			}
		}()
	}
	wg.Wait()
	return errors.Join(errc...)
}
