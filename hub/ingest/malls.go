package ingest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/nats-io/nkeys"

	"ektamall/hub"
	"ektamall/shared/catalog"
	"ektamall/shared/errs"
	"ektamall/shared/natsx"
	"ektamall/shared/sqldb"
	"ektamall/shared/syncwire"
)

// MallInfo identifies a mall being provisioned.
type MallInfo struct {
	ID, State, Name, GSTIN string
}

var mallIDRE = regexp.MustCompile(`^[A-Z0-9]{2,8}$`)

// Provision registers a mall (if new) and issues its leaf key: the public
// key is stored at the hub, the seed is returned once for the mall's creds
// file and never stored here. A mall that already has a key keeps it unless
// rotate is set; rotating cuts off the old key as soon as the hub reloads.
func Provision(ctx context.Context, db hub.Store, m MallInfo, rotate bool, now time.Time) (seed []byte, err error) {
	if !mallIDRE.MatchString(m.ID) {
		return nil, errs.Field("id", "mall id %q must be 2-8 of A-Z and 0-9", m.ID)
	}
	if _, ok := catalog.StateByCode(m.State); !ok {
		return nil, errs.Field("state", "%q is not a State/UT code", m.State)
	}
	if m.Name == "" {
		m.Name = "PM Ekta Mall " + m.ID
	}
	kp, err := nkeys.CreateUser()
	if err != nil {
		return nil, fmt.Errorf("provision %s: %w", m.ID, err)
	}
	pub, _ := kp.PublicKey()
	if seed, err = kp.Seed(); err != nil {
		return nil, fmt.Errorf("provision %s: %w", m.ID, err)
	}
	ts := now.UTC().Format(time.RFC3339Nano)
	err = db.Transact(ctx, func(tx sqldb.Tx) error {
		var state string
		switch err := tx.QueryRowContext(ctx, `SELECT state FROM malls WHERE id = ?`, m.ID).Scan(&state); {
		case errors.Is(err, sql.ErrNoRows):
			if _, err := tx.ExecContext(ctx, `INSERT INTO malls (id, state, name, gstin, created_at) VALUES (?, ?, ?, ?, ?)`,
				m.ID, m.State, m.Name, m.GSTIN, ts); err != nil {
				return err
			}
		case err != nil:
			return err
		case state != m.State:
			return errs.E(errs.Conflict, "mall %s is registered in %s, not %s", m.ID, state, m.State)
		}
		var have string
		err := tx.QueryRowContext(ctx, `SELECT nkey FROM mall_keys WHERE mall_id = ?`, m.ID).Scan(&have)
		switch {
		case err == nil && !rotate:
			return errs.E(errs.Conflict, "mall %s already has a key (%s…); rotate to issue a new one (the old one stops working)", m.ID, have[:8])
		case err != nil && !errors.Is(err, sql.ErrNoRows):
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO mall_keys (mall_id, nkey, created_at) VALUES (?, ?, ?)
			ON CONFLICT (mall_id) DO UPDATE SET nkey = excluded.nkey, created_at = excluded.created_at`, m.ID, pub, ts)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("provision %s: %w", m.ID, err)
	}
	return seed, nil
}

// CredsFile is the content of a mall's creds file: the nkey seed, which
// natsx reads for the leaf remote (--creds).
func CredsFile(mall string, seed []byte) []byte {
	return fmt.Appendf(nil, "# Ekta Mall leaf credentials for mall %s. Keep secret (mode 0600).\n"+
		"# Issued by 'ektamall hub provision-mall'; use with 'ektamall mall --creds FILE'.\n"+
		"-----BEGIN USER NKEY SEED-----\n%s\n------END USER NKEY SEED------\n", mall, seed)
}

// KeyOf returns the public key a mall is provisioned with ("" if none).
func KeyOf(ctx context.Context, db hub.Store, mall string) (string, error) {
	var k string
	err := db.Reader().QueryRowContext(ctx, `SELECT nkey FROM mall_keys WHERE mall_id = ?`, mall).Scan(&k)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return k, err
}

// Users are the NATS users of every provisioned mall, for the hub's config.
func Users(ctx context.Context, db hub.Store) ([]natsx.User, error) {
	keys, err := leafKeys(ctx, db)
	if err != nil {
		return nil, err
	}
	return usersOf(keys), nil
}

func leafKeys(ctx context.Context, db hub.Store) ([]leafKey, error) {
	rows, err := db.Reader().QueryContext(ctx, `SELECT mall_id, nkey FROM mall_keys ORDER BY mall_id`)
	if err != nil {
		return nil, fmt.Errorf("mall keys: %w", err)
	}
	defer rows.Close()
	var out []leafKey
	for rows.Next() {
		var k leafKey
		if err := rows.Scan(&k.Mall, &k.Nkey); err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

func keySet(us []natsx.User) string {
	var ks []string
	for _, u := range us {
		ks = append(ks, u.Nkey)
	}
	slices.Sort(ks)
	return strings.Join(ks, ",")
}

// syncMalls brings NATS and the workers in line with the malls table: it
// reloads the users when keys changed and, for every registered mall,
// makes sure its mirror, its downlink consumers and its worker exist.
func (s *Service) syncMalls(ctx context.Context) error {
	s.syncMu.Lock()
	defer s.syncMu.Unlock()
	keys, err := leafKeys(ctx, s.cfg.DB)
	if err != nil {
		return err
	}
	us := usersOf(keys)
	ks := keySet(us)
	s.mu.Lock()
	changed := ks != s.keys || !s.loaded
	s.mu.Unlock()
	if changed {
		if s.cfg.NATSConfig.Name != "" {
			cfg := s.cfg.NATSConfig
			cfg.Users = us
			if err := s.cfg.NATS.Reload(cfg); err != nil {
				return err
			}
		}
		// The other nodes of a hub cluster learn the keys from here.
		if err := publishLeafKeys(ctx, s.js, s.cfg.Replicas, keys); err != nil {
			return err
		}
		s.mu.Lock()
		s.keys, s.loaded = ks, true
		s.mu.Unlock()
		s.log.Info("mall keys loaded", "malls", len(us))
	}
	rows, err := s.cfg.DB.Reader().QueryContext(ctx, `SELECT id FROM malls ORDER BY id`)
	if err != nil {
		return fmt.Errorf("malls: %w", err)
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		ids = append(ids, id)
	}
	rows.Close()
	for _, id := range ids {
		s.mu.Lock()
		running := s.workers[id]
		s.mu.Unlock()
		if running {
			continue
		}
		if err := s.setupMall(ctx, id); err != nil {
			return err
		}
		s.mu.Lock()
		s.workers[id] = true
		s.mu.Unlock()
		s.goRun(func(ctx context.Context) { s.ingestLoop(ctx, id) })
	}
	return nil
}

// ensureMirror creates a mall's mirror, or updates it if its settings
// changed. An unchanged mirror is left alone: after a hub restart an update
// makes the server set the mirror's source up again across the leaf link,
// which stalled catch-up for seconds while the link was still coming back.
func (s *Service) ensureMirror(ctx context.Context, sc jetstream.StreamConfig) error {
	// Stream fetches the stream's info already: its cached copy is enough.
	if st, err := s.js.Stream(ctx, sc.Name); err == nil && sameMirror(st.CachedInfo().Config, sc) {
		return nil
	}
	_, err := s.js.CreateOrUpdateStream(ctx, sc)
	return err
}

// sameMirror: have's settings are those want asks for.
func sameMirror(have, want jetstream.StreamConfig) bool {
	hm, wm := have.Mirror, want.Mirror
	if hm == nil || wm == nil || hm.External == nil || wm.External == nil || hm.Consumer == nil || wm.Consumer == nil {
		return false
	}
	return have.MaxAge == want.MaxAge && have.Replicas == want.Replicas && have.Storage == want.Storage &&
		have.Retention == want.Retention && have.Description == want.Description && hm.Name == wm.Name &&
		hm.External.APIPrefix == wm.External.APIPrefix && hm.Consumer.Name == wm.Consumer.Name &&
		hm.Consumer.DeliverSubject == wm.Consumer.DeliverSubject
}

// ingestConsumer is the hub's durable consumer on each mall's mirror.
const ingestConsumer = "INGEST"

// ingestConsumer creates the hub's durable consumer on the mall's mirror
// (on one SQLite hub: creates or updates it). With leases (PostgreSQL) an
// existing one is left as it is: the lease holder may have started it at
// its acknowledgement floor (start > 0), which an update cannot change.
func (s *Service) ingestConsumer(ctx context.Context, mall string, start uint64) error {
	name := syncwire.HubMallStream(mall)
	cfg := jetstream.ConsumerConfig{
		Durable:       ingestConsumer,
		AckPolicy:     jetstream.AckAllPolicy,
		AckWait:       time.Minute,
		MaxAckPending: 4 * s.cfg.BatchSize,
		DeliverPolicy: jetstream.DeliverAllPolicy,
	}
	var err error
	switch {
	case start > 1:
		cfg.DeliverPolicy, cfg.OptStartSeq = jetstream.DeliverByStartSequencePolicy, start
		_, err = s.js.CreateConsumer(ctx, name, cfg)
	case s.leased():
		if _, err = s.js.Consumer(ctx, name, ingestConsumer); errors.Is(err, jetstream.ErrConsumerNotFound) {
			_, err = s.js.CreateConsumer(ctx, name, cfg)
		}
	default:
		_, err = s.js.CreateOrUpdateConsumer(ctx, name, cfg)
	}
	if err != nil {
		return fmt.Errorf("mall %s: ingest consumer: %w", mall, err)
	}
	return nil
}

// setupMall creates the mall's durable mirror (pulled through the mall's
// TO_HUB consumer), the ingest consumer on it, and the durable consumers
// the mall's downlink mirrors pull through.
func (s *Service) setupMall(ctx context.Context, id string) error {
	if _, err := s.cfg.DB.Writer().ExecContext(ctx, `INSERT INTO mall_sync (mall_id) VALUES (?) ON CONFLICT DO NOTHING`, id); err != nil {
		return fmt.Errorf("mall %s: %w", id, sqldb.Classify(err))
	}
	name := syncwire.HubMallStream(id)
	sc := jetstream.StreamConfig{
		Name:        name,
		Description: "mirror of mall " + id + "'s EVENTS",
		Storage:     jetstream.FileStorage,
		Retention:   jetstream.LimitsPolicy,
		MaxAge:      s.cfg.MirrorMaxAge,
		Replicas:    s.cfg.Replicas,
		Mirror: &jetstream.StreamSource{
			Name:     syncwire.EventsStream,
			External: &jetstream.ExternalStream{APIPrefix: "$JS." + syncwire.MallDomain(id) + ".API"},
			Consumer: &jetstream.StreamConsumerSource{Name: syncwire.UplinkConsumer, DeliverSubject: syncwire.UplinkDeliver(id)},
		},
	}
	if err := s.ensureMirror(ctx, sc); err != nil {
		return fmt.Errorf("mall %s: stream %s: %w", id, name, err)
	}
	if err := s.ingestConsumer(ctx, id, 0); err != nil {
		return err
	}
	for _, d := range []struct{ stream, name, deliver, filter string }{
		{syncwire.CatalogStream, syncwire.CatalogConsumer(id), syncwire.CatalogDeliver(id), ""},
		{syncwire.RoutedStream, syncwire.RoutedConsumer(id), syncwire.RoutedDeliver(id), syncwire.RoutedFilter(id)},
	} {
		if _, err := s.js.CreateOrUpdatePushConsumer(ctx, d.stream, jetstream.ConsumerConfig{
			Durable:        d.name,
			DeliverSubject: d.deliver,
			FilterSubject:  d.filter,
			DeliverPolicy:  jetstream.DeliverAllPolicy,
			AckPolicy:      jetstream.AckFlowControlPolicy,
			FlowControl:    true,
			IdleHeartbeat:  time.Second,
			MaxAckPending:  10000,
		}); err != nil {
			return fmt.Errorf("mall %s: consumer %s: %w", id, d.name, err)
		}
	}
	return nil
}

var seedRE = regexp.MustCompile(`\bSU[A-Z2-7]{56}\b`)

// PublicKeyOfCreds returns the public key of the seed in a creds file.
func PublicKeyOfCreds(b []byte) (string, error) {
	seed := seedRE.Find(b)
	if seed == nil {
		return "", errs.E(errs.Invalid, "no nkey seed in the creds file")
	}
	kp, err := nkeys.FromSeed(seed)
	if err != nil {
		return "", errs.E(errs.Invalid, "creds file: %v", err)
	}
	return kp.PublicKey()
}
