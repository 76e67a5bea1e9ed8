// Package channel serves online sales channels (marketplaces, ONDC buyer
// apps) at the hub: a catalog feed with live availability less a per-zone
// safety buffer, and orders allocated to the malls that hold the goods,
// nearest to the delivery State first (issue 22).
package channel

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"regexp"
	"time"

	"ektamall/hub"
	"ektamall/hub/ledger"
	"ektamall/shared/errs"
	"ektamall/shared/sqldb"
)

// DefaultBuffer is the units of each SKU per mall and zone kept back from
// the channels where channel_buffers names no other figure: the last piece
// on a shelf is often the display piece, and the hub's stock picture lags
// the counter by the sync delay.
const DefaultBuffer = 1

// Service is the channel side of the hub.
type Service struct {
	db  hub.Store
	now func() time.Time
	// fresh brings the hub's stock picture up to the malls' watermarks
	// before it is read (producer.Service.CatchUpStock); nil: as it is.
	fresh func(context.Context) error
}

// New builds the service. fresh may be nil.
func New(db hub.Store, now func() time.Time, fresh func(context.Context) error) *Service {
	return &Service{db: db, now: now, fresh: fresh}
}

var channelIDRE = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{1,39}$`)

func hashKey(key string) string {
	h := sha256.Sum256([]byte(key))
	return hex.EncodeToString(h[:])
}

// Create registers a channel and returns its new key, shown only now (the
// hub keeps its hash). Creating an existing channel is a Conflict.
func (s *Service) Create(ctx context.Context, id string) (string, error) {
	if !channelIDRE.MatchString(id) {
		return "", errs.Field("id", "a channel id is 2-40 lower-case letters, digits, '.', '_' or '-'")
	}
	key, err := newKey()
	if err != nil {
		return "", err
	}
	err = s.db.Transact(ctx, func(tx sqldb.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO channels (id, key_sha256, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`,
			id, hashKey(key), ledger.TS(s.now()))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.E(errs.Conflict, "channel %q already exists", id)
		}
		return nil
	})
	return key, err
}

// Issue gives a channel a new key, creating the channel if it is new; an
// old key stops working at once (a lost or leaked key is replaced so).
func (s *Service) Issue(ctx context.Context, id string) (string, error) {
	if !channelIDRE.MatchString(id) {
		return "", errs.Field("id", "a channel id is 2-40 lower-case letters, digits, '.', '_' or '-'")
	}
	key, err := newKey()
	if err != nil {
		return "", err
	}
	err = s.db.Transact(ctx, func(tx sqldb.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO channels (id, key_sha256, created_at) VALUES (?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET key_sha256 = excluded.key_sha256`, id, hashKey(key), ledger.TS(s.now()))
		return err
	})
	return key, err
}

func newKey() (string, error) {
	var b [24]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return "ch_" + base64.RawURLEncoding.EncodeToString(b[:]), nil
}

// Authenticate answers the channel whose key this is.
func (s *Service) Authenticate(ctx context.Context, key string) (string, error) {
	if key == "" || len(key) > 200 {
		return "", errs.E(errs.Unauthorized, "send the channel's key as Authorization: Bearer <key>")
	}
	var id string
	err := s.db.Reader().QueryRowContext(ctx, `SELECT id FROM channels WHERE key_sha256 = ?`, hashKey(key)).Scan(&id)
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return "", errs.E(errs.Unauthorized, "unknown channel key")
		}
		return "", err
	}
	return id, nil
}

// SetBuffer sets the safety buffer of a zone, unaudited (SetZoneBuffer
// in a transaction of its own).
func (s *Service) SetBuffer(ctx context.Context, zone string, qty int64) error {
	return s.db.Transact(ctx, func(tx sqldb.Tx) error { return SetZoneBuffer(ctx, tx, zone, qty) })
}

func (s *Service) catchUp(ctx context.Context) error {
	if s.fresh == nil {
		return nil
	}
	return s.fresh(ctx)
}
