package channel

import (
	"context"
	"strconv"

	"ektamall/shared/catalogdb"
	"ektamall/shared/errs"
	"ektamall/shared/sqldb"
)

// Item is one SKU in the channel catalog: the product as the catalog has
// it and how many units the channels can order now.
type Item struct {
	catalogdb.Product
	Available int64 `json:"available"`
	// Active is false for a product withdrawn from sale (it appears in a
	// changes feed once, so the channel can delist it).
	Active bool `json:"active"`
}

// Feed is a catalog answer. Cursor is the feed version it is current to:
// ask again with since=Cursor for only what changed after it.
type Feed struct {
	Cursor string `json:"cursor"`
	Since  string `json:"since,omitempty"`
	Items  []Item `json:"items"`
}

// Catalog brings the feed up to date and answers every active SKU
// (since == "") or every SKU whose availability, price or listing changed
// after the cursor since.
func (s *Service) Catalog(ctx context.Context, since string) (Feed, error) {
	var after int64 = -1
	if since != "" {
		n, err := strconv.ParseInt(since, 10, 64)
		if err != nil || n < 0 {
			return Feed{}, errs.Field("since", "since is a cursor from an earlier answer (a whole number), not %q", since)
		}
		after = n
	}
	if err := s.catchUp(ctx); err != nil {
		return Feed{}, err
	}
	var cursor int64
	if err := s.db.Transact(ctx, func(tx sqldb.Tx) error {
		var err error
		cursor, err = refresh(ctx, tx)
		return err
	}); err != nil {
		return Feed{}, err
	}
	items, err := s.changed(ctx, after)
	if err != nil {
		return Feed{}, err
	}
	return Feed{Cursor: strconv.FormatInt(cursor, 10), Since: since, Items: items}, nil
}

type feedRow struct {
	avail, mrp int64
	active     int
}

// refresh writes each SKU whose figures differ from what the feed last
// showed, under one new version, and answers the feed's version.
func refresh(ctx context.Context, tx sqldb.Tx) (int64, error) {
	avail, err := availability(ctx, tx, "")
	if err != nil {
		return 0, err
	}
	now := map[string]feedRow{}
	rows, err := tx.QueryContext(ctx, `SELECT sku, mrp_paise, active FROM products`)
	if err != nil {
		return 0, err
	}
	for rows.Next() {
		var sku string
		var r feedRow
		if err := rows.Scan(&sku, &r.mrp, &r.active); err != nil {
			rows.Close()
			return 0, err
		}
		if r.active == 1 {
			r.avail = total(avail[sku])
		}
		now[sku] = r
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	shown := map[string]feedRow{}
	var version int64
	rows, err = tx.QueryContext(ctx, `SELECT sku, available, mrp_paise, active, version FROM channel_feed`)
	if err != nil {
		return 0, err
	}
	for rows.Next() {
		var sku string
		var r feedRow
		var v int64
		if err := rows.Scan(&sku, &r.avail, &r.mrp, &r.active, &v); err != nil {
			rows.Close()
			return 0, err
		}
		shown[sku] = r
		version = max(version, v)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	next := version + 1
	changed := false
	for sku, r := range now {
		if old, ok := shown[sku]; ok && old == r {
			continue
		}
		changed = true
		if _, err := tx.ExecContext(ctx, `INSERT INTO channel_feed (sku, available, mrp_paise, active, version) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (sku) DO UPDATE SET available = excluded.available, mrp_paise = excluded.mrp_paise,
			active = excluded.active, version = excluded.version`, sku, r.avail, r.mrp, r.active, next); err != nil {
			return 0, err
		}
	}
	if changed {
		return next, nil
	}
	return version, nil
}

// changed reads the feed rows after version after (-1: every active one).
func (s *Service) changed(ctx context.Context, after int64) ([]Item, error) {
	q := s.db.Reader()
	ps, err := catalogdb.ListProducts(ctx, q, catalogdb.Filter{Limit: 1000})
	if err != nil {
		return nil, err
	}
	bySKU := make(map[string]catalogdb.Product, len(ps))
	for _, p := range ps {
		bySKU[p.SKU] = p
	}
	query := `SELECT sku, available, active FROM channel_feed WHERE version > ? ORDER BY sku`
	if after < 0 {
		query = `SELECT sku, available, active FROM channel_feed WHERE active = 1 AND version > ? ORDER BY sku`
	}
	rows, err := q.QueryContext(ctx, query, after)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	items := []Item{}
	for rows.Next() {
		var it Item
		var active int
		if err := rows.Scan(&it.SKU, &it.Available, &active); err != nil {
			return nil, err
		}
		if p, ok := bySKU[it.SKU]; ok && active == 1 {
			it.Product, it.Active = p, true
		}
		items = append(items, it)
	}
	return items, rows.Err()
}
