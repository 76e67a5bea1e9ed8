package settle

import (
	"context"
	"database/sql"
	"fmt"

	"ektamall/shared/errs"
	"ektamall/shared/sqldb"
)

// Damage a mall bears owes the producer their share of the goods' value
// (hub/ledger/damage.go books it to their account). A run pays each such
// damage booked by its cutoff, once: it is recorded here item by item,
// under its key (mall, move), as returns and voids are in settlement_items.

// damageItem is a mall-borne damage a run pays.
type damageItem struct {
	mall, move string
	amount     int64
}

// gatherDamage adds the mall-borne damage booked by the cutoff and not yet
// paid to each producer's credits.
func gatherDamage(ctx context.Context, tx sqldb.Tx, reg region, get func(string) *balance) error {
	rows, err := tx.QueryContext(ctx, `SELECT d.producer_id, d.mall, d.move_id, d.producer_net FROM hub_damage d
		WHERE d.borne_by = 'mall' AND d.producer_net > 0 AND d.ingested_at <= :cut
		AND NOT EXISTS (SELECT 1 FROM settlement_damage_items y WHERE y.mall = d.mall AND y.move_id = d.move_id)
		ORDER BY d.producer_id, d.mall, d.move_id`, sql.Named("cut", reg.cut))
	if err != nil {
		return fmt.Errorf("gather damage: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var p string
		var it damageItem
		if err := rows.Scan(&p, &it.mall, &it.move, &it.amount); err != nil {
			return err
		}
		b := get(p)
		b.damage = append(b.damage, it)
		b.credits += it.amount
	}
	return rows.Err()
}

// writeDamage records the damage each balance of the run paid.
func writeDamage(ctx context.Context, tx sqldb.Tx, run string, list []*balance) error {
	for _, b := range list {
		for _, it := range b.damage {
			if _, err := tx.ExecContext(ctx, `INSERT INTO settlement_damage_items (run_id, producer_id, mall, move_id, amount) VALUES (?, ?, ?, ?, ?)`,
				run, b.producer, it.mall, it.move, it.amount); err != nil {
				if sqldb.IsUnique(err) {
					return errs.E(errs.Conflict, "damage %s/%s is already settled", it.mall, it.move)
				}
				return fmt.Errorf("insert damage item: %w", err)
			}
		}
	}
	return nil
}
