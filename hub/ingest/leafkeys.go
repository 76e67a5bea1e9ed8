package ingest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"ektamall/shared/natsx"
	"ektamall/shared/syncwire"
)

// The other nodes of a hub cluster run NATS only ('ektamall hub
// --nats-only'): they have no hub.db to read the malls' leaf keys from,
// yet a mall may land on any of them. The hub application publishes the
// key set to a replicated KV bucket whenever it changes, and each NATS-only
// node applies it to its leaf listener. Public keys only: nothing secret
// leaves the hub's database, and malls may not read the bucket.
const (
	leafKeysBucket = "EKTAMALL_LEAF_KEYS"
	leafKeysKey    = "malls"
)

// leafKey is one mall's public leaf key as published.
type leafKey struct {
	Mall string `json:"mall"`
	Nkey string `json:"nkey"`
}

// usersOf are the NATS users the malls' leaf connections authenticate as;
// every hub node derives them the same way from the malls and their keys.
func usersOf(keys []leafKey) []natsx.User {
	us := make([]natsx.User, 0, len(keys))
	for _, k := range keys {
		pub, sub := syncwire.Permissions(k.Mall)
		us = append(us, natsx.User{Nkey: k.Nkey, Publish: pub, Subscribe: sub, LeafOnly: true})
	}
	return us
}

// publishLeafKeys puts the current key set in the bucket.
func publishLeafKeys(ctx context.Context, js jetstream.JetStream, replicas int, keys []leafKey) error {
	kv, err := js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{Bucket: leafKeysBucket, History: 1, Replicas: max(replicas, 1),
		Description: "public leaf keys of the provisioned malls, for the NATS-only hub nodes"})
	if err != nil {
		return fmt.Errorf("leaf keys bucket: %w", err)
	}
	b, err := json.Marshal(keys)
	if err != nil {
		return err
	}
	if _, err := kv.Put(ctx, leafKeysKey, b); err != nil {
		return fmt.Errorf("publish leaf keys: %w", err)
	}
	return nil
}

// WatchLeafKeys runs on a NATS-only hub node until ctx ends: it applies
// every key set the hub application publishes by calling apply with the
// malls' users. Until the first set arrives the node accepts no mall.
func WatchLeafKeys(ctx context.Context, nc *nats.Conn, apply func([]natsx.User) error, log *slog.Logger) {
	for ctx.Err() == nil {
		if err := watchLeafKeys(ctx, nc, apply, log); err != nil && ctx.Err() == nil {
			log.Warn("leaf keys: waiting for the hub application", "err", err)
		}
		if !sleep(ctx, 2*time.Second) {
			return
		}
	}
}

func watchLeafKeys(ctx context.Context, nc *nats.Conn, apply func([]natsx.User) error, log *slog.Logger) error {
	js, err := jetstream.New(nc)
	if err != nil {
		return err
	}
	kv, err := js.KeyValue(ctx, leafKeysBucket)
	if err != nil {
		return err // not created yet: the hub application has not started
	}
	w, err := kv.Watch(ctx, leafKeysKey)
	if err != nil {
		return err
	}
	defer w.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case e, ok := <-w.Updates():
			if !ok {
				return errors.New("watch ended")
			}
			if e == nil || e.Operation() != jetstream.KeyValuePut {
				continue // nil marks the end of the initial values
			}
			var keys []leafKey
			if err := json.Unmarshal(e.Value(), &keys); err != nil {
				log.Error("leaf keys: undecodable key set, keeping the previous one", "err", err)
				continue
			}
			us := usersOf(keys)
			if err := apply(us); err != nil {
				return fmt.Errorf("apply leaf keys: %w", err)
			}
			log.Info("mall keys loaded", "malls", len(us), "revision", e.Revision())
		}
	}
}
