package natsx

import (
	"encoding/base64"
	"maps"
	"slices"
	"sync"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nkeys"
)

// keyring authenticates every client and leaf connection of a server with
// authentication on, from a key set held in memory. The hub admits a newly
// provisioned mall by swapping the set (set), not by reloading the
// server's configuration: a reload re-registers every connected client
// while its traffic flows, which races inside nats-server (reported under
// -race by v2.15.2 and v2.15.3, TestReloadWhileTrafficFlows).
//
// It does what the server's own nkey users did: the signature over the
// connection's nonce proves the key, the user's allow lists become the
// connection's permissions, and a mall's key admits a leaf connection
// only; the server's internal key admits in-process connections only.
type keyring struct {
	internal string // the internal user's public key

	mu    sync.RWMutex
	users map[string]User            // by public key
	conns map[string]map[uint64]bool // connection ids admitted, by public key
}

func newKeyring(internal string) *keyring {
	return &keyring{internal: internal, users: map[string]User{}, conns: map[string]map[uint64]bool{}}
}

// set replaces the key set and returns the ids of connections admitted by
// a key that is gone or whose permissions changed: the caller closes them
// (a mall reconnecting with its current key is admitted again).
func (k *keyring) set(users []User) (revoked []uint64) {
	next := make(map[string]User, len(users))
	for _, u := range users {
		next[u.Nkey] = u
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	for key, ids := range k.conns {
		if u, ok := next[key]; ok && sameUser(u, k.users[key]) {
			continue
		}
		revoked = append(revoked, slices.Collect(maps.Keys(ids))...)
		delete(k.conns, key)
	}
	k.users = next
	return revoked
}

func sameUser(a, b User) bool {
	return a.Nkey == b.Nkey && a.LeafOnly == b.LeafOnly && slices.Equal(a.Publish, b.Publish) && slices.Equal(a.Subscribe, b.Subscribe)
}

// prune forgets the connections that are gone (alive says which are
// not), so the record stays as small as the connections it describes.
func (k *keyring) prune(alive func(id uint64) bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	for key, ids := range k.conns {
		for id := range ids {
			if !alive(id) {
				delete(ids, id)
			}
		}
		if len(ids) == 0 {
			delete(k.conns, key)
		}
	}
}

// Check implements server.Authentication.
func (k *keyring) Check(c server.ClientAuthentication) bool {
	opts := c.GetOpts()
	if opts == nil || opts.Nkey == "" || !verified(opts.Nkey, opts.Sig, c.GetNonce()) {
		return false
	}
	if opts.Nkey == k.internal {
		addr := c.RemoteAddress()
		if c.Kind() != server.CLIENT || addr == nil || addr.Network() != "pipe" { // in-process connections are pipes
			return false
		}
		c.RegisterUser(&server.User{Username: opts.Nkey})
		return true
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	u, ok := k.users[opts.Nkey]
	if !ok || (u.LeafOnly && c.Kind() != server.LEAF) {
		return false
	}
	c.RegisterUser(&server.User{Username: opts.Nkey, Permissions: &server.Permissions{
		Publish:   &server.SubjectPermission{Allow: nonEmpty(u.Publish)},
		Subscribe: &server.SubjectPermission{Allow: nonEmpty(u.Subscribe)},
	}})
	if k.conns[opts.Nkey] == nil {
		k.conns[opts.Nkey] = map[uint64]bool{}
	}
	k.conns[opts.Nkey][c.GetID()] = true
	return true
}

// verified: sig is key's signature of nonce (base64, URL or standard).
func verified(key, sig string, nonce []byte) bool {
	if sig == "" || len(nonce) == 0 {
		return false
	}
	raw, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil {
		if raw, err = base64.StdEncoding.DecodeString(sig); err != nil {
			return false
		}
	}
	pub, err := nkeys.FromPublicKey(key)
	if err != nil {
		return false
	}
	return pub.Verify(nonce, raw) == nil
}
