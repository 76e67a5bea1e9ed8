package backup

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"ektamall/migrations"
	"ektamall/pos/mallsync"
	"ektamall/shared/events"
	"ektamall/shared/sqlitedb"
)

// readMark reads a mall database's mark without changing the file.
func readMark(ctx context.Context, path string) (mallsync.Mark, error) {
	if _, err := os.Stat(path); err != nil {
		return mallsync.Mark{}, err
	}
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		return mallsync.Mark{}, err
	}
	defer db.Close()
	return mallsync.ReadMark(ctx, db)
}

// restoreMall puts a mall's backup in place. Only a backup that provably
// holds every event of the database it replaces continues that history.
// Anything else (an older backup, an unreadable or missing database) may
// lack sales whose invoice and event numbers are already with customers or
// at the hub, and the mall cannot ask the hub, which may be unreachable for
// days: so the restored copy starts a new epoch (shared/events/epoch.go)
// before it is put in place, and sells on series no earlier history used.
func restoreMall(ctx context.Context, dst, from string, stdout io.Writer) error {
	backup, err := readMark(ctx, from)
	if err != nil {
		return fmt.Errorf("--from %s: %w", from, err)
	}
	replaced, rerr := readMark(ctx, dst)
	if rerr == nil && replaced.LastSeq == backup.LastSeq && replaced.LastID == backup.LastID {
		if err := sqlitedb.Restore(ctx, from, dst); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "restored %s from %s; the replaced database is at %s.before-restore\n"+
			"the backup holds every event of the replaced database (up to %d): nothing was lost; "+
			"the mall continues its event sequence and invoice series\n", dst, from, dst, backup.LastSeq)
		return nil
	}
	epoch, why, replacedSeq := backup.Epoch+1, "the replaced database could not be read", int64(0)
	if rerr == nil {
		epoch, replacedSeq = max(epoch, replaced.Epoch+1), replaced.LastSeq
		why = fmt.Sprintf("the replaced database went on to event %d", replaced.LastSeq)
	}
	// The epoch is started in a copy, so a failure leaves the mall as it was.
	tmp := dst + ".epoch"
	if err := os.Remove(tmp); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	defer func() {
		for _, sfx := range []string{"", "-wal", "-shm"} {
			os.Remove(tmp + sfx)
		}
	}()
	if err := sqlitedb.Backup(ctx, from, tmp, nil); err != nil {
		return err
	}
	r, err := beginEpoch(ctx, tmp, epoch, replacedSeq, from)
	if err != nil {
		return err
	}
	if err := sqlitedb.Restore(ctx, tmp, dst); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "restored %s from %s; the replaced database is at %s.before-restore\n"+
		"the backup ends at event %d and %s: sales made after the backup may be at the hub or with customers.\n"+
		"started epoch %d, a new history the hub books beside the old one: events are numbered from %d, invoices on "+
		"series <counter>%s (e.g. C01%s/...), credit notes on <counter>%sN, so no number is issued twice, hub or no hub.\n"+
		"shifts open in the backup were closed without a Z report: count those drawers and open new shifts\n",
		dst, from, dst, backup.LastSeq, why, r.Epoch, events.EpochStart(r.Epoch), r.Series, r.Series, r.Series)
	return nil
}

func beginEpoch(ctx context.Context, path string, epoch, replacedSeq int64, from string) (events.Restore, error) {
	db, err := sqlitedb.Open(ctx, path, sqlitedb.Options{})
	if err != nil {
		return events.Restore{}, err
	}
	defer db.Close()
	if _, err := migrations.Apply(ctx, db.W, migrations.Mall, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		return events.Restore{}, err
	}
	r, err := mallsync.BeginEpoch(ctx, db, epoch, replacedSeq, from, time.Now())
	if err != nil {
		return events.Restore{}, err
	}
	return r, db.Close()
}
