package mallsync

import (
	"context"
	"database/sql"
	"fmt"
)

// A mall restored from a backup can be behind the hub: sales made after
// the backup are at the hub but not in the restored database. Its next
// sale would take an outbox sequence number the hub already holds for a
// different event, and the hub (which ingests by sequence) would drop it:
// a lost sale. Its invoice counters are behind too, so it would also
// re-issue invoice numbers already given to customers.
//
// The guard refuses, inside the selling transaction itself, any outbox
// event whose sequence the hub has reported holding (sync_state is
// updated from every watermark report). In normal running the hub never
// holds more than the mall wrote, so the guard never fires; after a stale
// restore it fires from the first hub report on, and the mall stops
// selling with this message until an operator restores a newer backup (or
// the last backup plus the hub's copy of the missing events).
const restoreGuard = `CREATE TRIGGER IF NOT EXISTS outbox_hub_guard BEFORE INSERT ON outbox
WHEN NEW.seq <= (SELECT max(hub_watermark, hub_highest) FROM sync_state WHERE id = 1)
BEGIN
	SELECT RAISE(ABORT, 'mall restored behind the hub: the hub already holds this event sequence; selling is stopped until an operator restores a newer backup (see the runbook)');
END`

// installRestoreGuard creates the guard trigger (idempotent).
func installRestoreGuard(ctx context.Context, db interface {
	Transact(context.Context, func(*sql.Tx) error) error
}) error {
	return db.Transact(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, restoreGuard); err != nil {
			return fmt.Errorf("sync: restore guard: %w", err)
		}
		return nil
	})
}

// BehindHub reports whether the hub holds events beyond this mall's
// outbox (a restore from a stale backup), with both sequence numbers.
func (s *Service) BehindHub(ctx context.Context) (behind bool, last, hub int64, err error) {
	err = s.cfg.DB.R.QueryRowContext(ctx, `SELECT (SELECT COALESCE(MAX(seq), 0) FROM outbox),
		(SELECT max(hub_watermark, hub_highest) FROM sync_state WHERE id = 1)`).Scan(&last, &hub)
	return hub > last, last, hub, err
}
