package demoseed

import (
	"context"
	"fmt"
	"maps"
	"math"
	"slices"

	"ektamall/inventory"
	"ektamall/pos"
	"ektamall/shared/auth"
	"ektamall/shared/catalogdb"
)

// mallSeeder writes one mall's history through its pos and inventory
// services, each on the seeder's own clock.
type mallSeeder struct {
	m     Mall
	idx   int
	plan  *plan
	clock Clock
	pos   *pos.Service
	inv   *inventory.Service
	state string // the mall's state: its home zone
	users map[string]auth.User
	items []*item // the products it stocks, by SKU
	bySKU map[string]*item
	cum   []float64 // cumulative sale weights of items
	sold  []soldSale
	sales int // sales rung so far, for idempotency keys
	// transfer is the id of the transfer this mall sent, or received;
	// challan the one it sent to its neighbour within the State.
	transfer, challan string
}

// item is a product the mall stocks, and the seeder's view of it.
type item struct {
	p       catalogdb.Product
	avail   int64 // shelf + backroom, as the seeder moved it
	initial int64 // the consignment size; top-ups bring it back to this
	rp      int64 // reorder point (0: none)
	slow    bool  // its producer misses the last top-ups: it ends low
	weight  float64
}

// soldSale is a sale a customer may bring goods back from.
type soldSale struct {
	id    string
	day   int
	lines []pos.SaleLine
	b2b   bool // a registered business bought it
}

func newMallSeeder(ctx context.Context, m Mall, o Options, idx int) (*mallSeeder, error) {
	s := &mallSeeder{m: m, idx: idx, users: map[string]auth.User{}, bySKU: map[string]*item{}}
	s.clock.Set(o.Now)
	var err error
	if s.pos, err = pos.New(ctx, m.DB, m.Auth, pos.Config{Now: s.clock.Now}); err != nil {
		return nil, err
	}
	s.state = s.pos.Mall().State
	s.inv = inventory.New(m.DB, m.ID)
	s.inv.Now = s.clock.Now
	us, err := m.Auth.ListUsers(ctx)
	if err != nil {
		return nil, err
	}
	for _, u := range us {
		s.users[u.Username] = u.User
	}
	need := append([]string{m.Admin}, m.Cashiers[:]...)
	for _, u := range m.Managers {
		need = append(need, u)
	}
	for _, u := range need {
		if _, ok := s.users[u]; !ok && u != "" { // a neighbour has only an admin
			return nil, fmt.Errorf("no user %q", u)
		}
	}
	return s, nil
}

// major says whether zone is one of the two the demo stocks well: the
// demo malls' own states, UP and KA.
func (s *mallSeeder) major(zone string) bool {
	_, ok := s.m.Managers[zone]
	return ok
}

func (s *mallSeeder) posActor(name string) pos.Actor {
	return pos.Actor{User: s.users[name], RequestID: "demo-history"}
}

// invActor is who runs a zone: its manager, or the mall admin covering.
func (s *mallSeeder) invActor(zone string) inventory.Actor {
	name, ok := s.m.Managers[zone]
	if !ok {
		name = s.m.Admin
	}
	return inventory.Actor{User: s.users[name], RequestID: "demo-history"}
}

// chooseItems picks what the mall stocks: every product of the major
// zones and up to three producers' products of every other zone.
func (s *mallSeeder) chooseItems(ctx context.Context) error {
	ps, err := catalogdb.ListProducts(ctx, s.m.DB.R, catalogdb.Filter{Limit: 1000})
	if err != nil {
		return err
	}
	r := s.plan.rng(s.idx, 1<<20)
	byZone := map[string][]string{} // zone → producers, in catalog order
	for _, p := range ps {
		if !slices.Contains(byZone[p.State], p.ProducerID) {
			byZone[p.State] = append(byZone[p.State], p.ProducerID)
		}
	}
	chosen := map[string]bool{}
	zones := slices.Sorted(maps.Keys(byZone)) // a map's order would change the draws
	for _, zone := range zones {
		prs := byZone[zone]
		r.Shuffle(len(prs), func(i, j int) { prs[i], prs[j] = prs[j], prs[i] })
		for i, pr := range prs {
			chosen[pr] = s.major(zone) || i < 3
		}
	}
	for _, p := range ps {
		if !chosen[p.ProducerID] {
			continue
		}
		it := &item{p: p, initial: initialQty(rupees(p), s.major(p.State), r.IntN(100))}
		// Cheaper goods sell more often; the home zone sells most, the
		// other demo state next.
		it.weight = 1 / math.Sqrt(math.Max(rupees(p), 50)/100)
		switch {
		case p.State == s.state:
			it.weight *= 6
		case s.major(p.State):
			it.weight *= 3
		}
		if s.major(p.State) {
			it.rp = reorderPoint(rupees(p))
		}
		s.items = append(s.items, it)
		s.bySKU[p.SKU] = it
	}
	// A few of the home zone's products end the history low: their
	// producers miss the last top-ups.
	home := slices.DeleteFunc(slices.Clone(s.items), func(it *item) bool { return it.p.State != s.state })
	for i := 0; i < 5 && len(home) > 0; i++ {
		j := r.IntN(len(home))
		home[j].slow = true
		home = slices.Delete(home, j, j+1)
	}
	return nil
}

func rupees(p catalogdb.Product) float64 { return float64(p.MRP.Paise()) / 100 }

// initialQty is a first consignment: many of the cheap, a few of the dear;
// the minor zones half as many. jitter is 0-99.
func initialQty(rs float64, major bool, jitter int) int64 {
	var q int64
	switch {
	case rs < 300:
		q = 70 + int64(jitter)*30/100
	case rs < 1000:
		q = 35 + int64(jitter)*15/100
	case rs < 3000:
		q = 14 + int64(jitter)*8/100
	case rs < 8000:
		q = 6 + int64(jitter)*4/100
	default:
		q = 3 + int64(jitter)*3/100
	}
	if !major {
		q = q/2 + 2
	}
	return q
}

// shelfTarget is how many of a product the zone keeps on the shelf.
func shelfTarget(rs float64) int64 {
	switch {
	case rs < 300:
		return 15
	case rs < 1000:
		return 10
	case rs < 3000:
		return 6
	case rs < 8000:
		return 3
	}
	return 2
}

func reorderPoint(rs float64) int64 {
	switch {
	case rs < 300:
		return 20
	case rs < 1000:
		return 10
	case rs < 3000:
		return 5
	}
	return 2
}
