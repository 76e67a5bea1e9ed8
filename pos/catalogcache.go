package pos

import (
	"context"
	"fmt"
	"sync"

	"ektamall/shared/catalogdb"
	"ektamall/shared/gst"
)

// catalogCache keeps the products and tax bands sales are priced from.
// Every sale read them from SQLite (a sixth of a checkout's CPU in issue
// 24's profile) though they change a few times a day. Entries are valid
// for one catalog generation: cache_gen.catalog, which triggers bump in
// the transaction of any change to products, districts, producers or tax
// bands (migrations/mall/0021), whoever writes it. Each use reads the
// generation first, so a sale started after a price change commits is
// priced at the new price.
type catalogCache struct {
	mu       sync.Mutex
	gen      int64
	products map[string]catalogdb.Product // by SKU and by barcode
	bands    map[string]gst.Bands         // by HSN code; nil: no bands
}

// catalogGen is the current catalog generation.
func catalogGen(ctx context.Context, q catalogdb.Queryer) (int64, error) {
	var g int64
	if err := q.QueryRowContext(ctx, `SELECT catalog FROM cache_gen WHERE id = 1`).Scan(&g); err != nil {
		return 0, fmt.Errorf("catalog generation: %w", err)
	}
	return g, nil
}

// view returns the entries of generation gen, dropping older ones.
// The caller holds c.mu.
func (c *catalogCache) view(gen int64) {
	if c.products == nil || c.gen != gen {
		c.gen, c.products, c.bands = gen, map[string]catalogdb.Product{}, map[string]gst.Bands{}
	}
}

// pricing is what one sale is priced from: its products by the codes
// given, and a bands lookup. Both come from the cache where it holds
// them at the current generation, otherwise from SQLite (then cached).
type pricing struct {
	products map[string]catalogdb.Product
	bands    func(hsn string) (gst.Bands, error)
}

func (s *Service) pricingFor(ctx context.Context, codes []string) (pricing, error) {
	q := s.db.R
	gen, err := catalogGen(ctx, q)
	if err != nil {
		return pricing{}, err
	}
	c := &s.catalog
	out := make(map[string]catalogdb.Product, len(codes))
	var missing []string
	c.mu.Lock()
	c.view(gen)
	for _, code := range codes {
		if p, ok := c.products[code]; ok {
			out[code] = p
		} else {
			missing = append(missing, code)
		}
	}
	c.mu.Unlock()
	if len(missing) > 0 {
		found, err := lookupProducts(ctx, q, missing)
		if err != nil {
			return pricing{}, err
		}
		c.mu.Lock()
		c.view(gen) // a newer generation meanwhile: keep what was read out of it
		for code, p := range found {
			out[code] = p
			if c.gen == gen {
				c.products[p.SKU], c.products[p.Barcode] = p, p
			}
		}
		c.mu.Unlock()
	}
	bands := func(hsn string) (gst.Bands, error) {
		c.mu.Lock()
		b, ok := c.bands[hsn]
		ok = ok && c.gen == gen
		c.mu.Unlock()
		if ok {
			return b, nil
		}
		b, _, err := catalogdb.BandsFor(ctx, q, hsn)
		if err != nil {
			return nil, err
		}
		c.mu.Lock()
		if c.gen == gen {
			c.bands[hsn] = b
		}
		c.mu.Unlock()
		return b, nil
	}
	return pricing{products: out, bands: bands}, nil
}
