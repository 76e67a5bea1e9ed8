package events

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// A mall restored from a backup that lacks its newest events starts a new
// history (epoch): the events and invoices of the lost tail may already be
// at the hub or in customers' hands, so the restored mall must never number
// anything the way the lost tail did. Epoch e numbers its events from
// e*EpochSpan+1 upwards, a range no earlier history can reach, and its first
// event is a mall.restored marker saying where the backup ended. The hub
// keeps one sequence per mall: gapless within each epoch, and it moves from
// one epoch to the next at the marker.
const EpochSpan int64 = 1_000_000_000_000

// MallRestored is the first event of a new epoch (payload Restore).
const MallRestored = "mall.restored"

// Restore is the payload of mall.restored.
type Restore struct {
	Epoch int64 `json:"epoch"`
	// PrevSeq is the last event of the backup: the restored history
	// continues from there. Everything after it in earlier epochs belongs
	// to the histories the restore replaced.
	PrevSeq int64 `json:"prev_seq"`
	// ReplacedSeq is the last event of the database the restore replaced
	// (0 when it could not be read).
	ReplacedSeq int64     `json:"replaced_seq"`
	RestoredAt  time.Time `json:"restored_at"`
	// Series is what each counter's series gets appended in this epoch
	// (invoices "C01"+Series, credit notes "C01"+Series+"N").
	Series string `json:"series"`
}

// EpochOf is the epoch a sequence number belongs to.
func EpochOf(seq int64) int64 {
	if seq < 1 {
		return 0
	}
	return (seq - 1) / EpochSpan
}

// EpochStart is the first sequence number of epoch e.
func EpochStart(e int64) int64 { return e*EpochSpan + 1 }

// IsEpochStart reports whether seq is the first of an epoch after the first.
func IsEpochStart(seq int64) bool { return seq > EpochSpan && (seq-1)%EpochSpan == 0 }

// Follows reports whether seq may come right after prev in a mall's
// sequence: the next number, or the start of a later epoch.
func Follows(prev, seq int64) bool {
	return seq == prev+1 || (IsEpochStart(seq) && seq > prev)
}

// AppendAt writes an event at a given sequence number (the start of an
// epoch); Append takes the next one.
func AppendAt(ctx context.Context, tx *sql.Tx, seq int64, mall, typ string, at time.Time, payload any) (Envelope, error) {
	var last int64
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) FROM outbox`).Scan(&last); err != nil {
		return Envelope{}, fmt.Errorf("outbox: last seq: %w", err)
	}
	if seq <= last {
		return Envelope{}, fmt.Errorf("outbox: sequence %d is not after the last (%d)", seq, last)
	}
	return insert(ctx, tx, seq, mall, typ, at, payload)
}
