package natsx

import (
	"bytes"
	"fmt"
	"os"
	"regexp"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nkeys"
)

// User is one nkey user the server accepts. Publish and Subscribe are allow
// lists (empty: nothing). On a leaf connection they are what the remote may
// send into this server and what this server sends to it.
type User struct {
	Nkey      string // public key, "U..."
	Publish   []string
	Subscribe []string
	LeafOnly  bool // may connect only as a leaf node
}

// internalUser is the server's own identity for its in-process connections
// once authentication is on: a fresh key per process, never written down,
// with full permissions and in-process connections only.
type internalUser struct {
	kp   nkeys.KeyPair
	pub  string
	ring *keyring // authenticates every connection (keyring.go)
}

func newInternalUser(c Config) (*internalUser, error) {
	if len(c.Users) == 0 && !c.RequireAuth {
		return nil, nil
	}
	kp, err := nkeys.CreateUser()
	if err != nil {
		return nil, fmt.Errorf("natsx: internal key: %w", err)
	}
	pub, err := kp.PublicKey()
	if err != nil {
		return nil, fmt.Errorf("natsx: internal key: %w", err)
	}
	return &internalUser{kp: kp, pub: pub, ring: newKeyring(pub)}, nil
}

func (u *internalUser) option() nats.Option {
	return nats.Nkey(u.pub, func(nonce []byte) ([]byte, error) { return u.kp.Sign(nonce) })
}

// applyAuth installs Users (plus the internal user) and leaf TLS.
func applyAuth(opts *server.Options, c Config, internal *internalUser) {
	if c.LeafTLS != nil {
		opts.LeafNode.TLSConfig = c.LeafTLS
		opts.LeafNode.TLSTimeout = 5 // seconds; the 2 s default is short for WAN links (nats-server#3097)
	}
	if internal == nil {
		return
	}
	// Users are admitted by the keyring, in memory, so a new mall's key
	// needs no configuration reload (Reload); the nonce the nkeys sign is
	// then not implied by configured nkeys, so it is asked for.
	opts.CustomClientAuthentication = internal.ring
	opts.AlwaysEnableNonce = true
	internal.ring.set(c.Users)
}

// nonEmpty keeps an empty allow list meaning "nothing": the server reads a
// nil Allow as "everything".
func nonEmpty(s []string) []string {
	if len(s) == 0 {
		return []string{"_NOTHING_._ALLOWED_"}
	}
	return s
}

var seedRE = regexp.MustCompile(`\bSU[A-Z2-7]{56}\b`)

// applyRemoteAuth reads LeafCredentials: a JWT creds file is passed to the
// server as is; a file holding only an nkey seed (what provisioning writes
// in nkey mode) authenticates with that seed.
func applyRemoteAuth(r *server.RemoteLeafOpts, c Config) error {
	if c.LeafRemoteTLS != nil {
		r.TLS = true
		r.TLSConfig = c.LeafRemoteTLS
		r.TLSTimeout = 5
	}
	if c.LeafCredentials == "" {
		return nil
	}
	b, err := os.ReadFile(c.LeafCredentials)
	if err != nil {
		return fmt.Errorf("natsx: LeafCredentials: %w", err)
	}
	if bytes.Contains(b, []byte("BEGIN NATS USER JWT")) {
		return nil
	}
	seed := seedRE.Find(b)
	if seed == nil {
		return fmt.Errorf("natsx: LeafCredentials %s: neither a JWT creds file nor an nkey seed", c.LeafCredentials)
	}
	if _, err := nkeys.FromSeed(seed); err != nil {
		return fmt.Errorf("natsx: LeafCredentials %s: %w", c.LeafCredentials, err)
	}
	r.Credentials = ""
	r.Nkey = string(seed)
	return nil
}

// Reload applies cfg's users to the running server (a new mall's key, a
// revoked one) by swapping the keyring's key set; connections admitted by
// a key that is gone or changed are closed. Only Users may differ from
// the Config the server started with. It does not reload the server's
// configuration: that re-registers every connected client while traffic
// flows, which races inside nats-server (keyring.go).
func (s *Server) Reload(cfg Config) error {
	if s.internal == nil {
		if len(cfg.Users) > 0 {
			return fmt.Errorf("natsx: reload %s: authentication can only be turned on at start", s.name)
		}
		return nil
	}
	for _, id := range s.internal.ring.set(cfg.Users) {
		s.ns.DisconnectClientByID(id) // an error: it is gone already
	}
	s.internal.ring.prune(func(id uint64) bool { return s.ns.GetLeafNode(id) != nil || s.ns.GetClient(id) != nil })
	return nil
}
