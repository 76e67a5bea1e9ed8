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
	kp  nkeys.KeyPair
	pub string
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
	return &internalUser{kp: kp, pub: pub}, nil
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
	opts.Nkeys = append(opts.Nkeys, &server.NkeyUser{
		Nkey:                   internal.pub,
		AllowedConnectionTypes: map[string]struct{}{"IN_PROCESS": {}},
	})
	for _, u := range c.Users {
		nu := &server.NkeyUser{
			Nkey: u.Nkey,
			Permissions: &server.Permissions{
				Publish:   &server.SubjectPermission{Allow: nonEmpty(u.Publish)},
				Subscribe: &server.SubjectPermission{Allow: nonEmpty(u.Subscribe)},
			},
		}
		if u.LeafOnly {
			nu.AllowedConnectionTypes = map[string]struct{}{"LEAFNODE": {}}
		}
		opts.Nkeys = append(opts.Nkeys, nu)
	}
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
// revoked one). Only Users may differ from the Config the server started
// with; the options are rebuilt fresh because the server keeps the old
// struct (nats-server#5465).
func (s *Server) Reload(cfg Config) error {
	opts, err := buildOptions(cfg, s.internal)
	if err != nil {
		return err
	}
	// The server fills the bound ports into its own options; keep them so
	// the reload does not read as a listener change.
	v, err := s.ns.Varz(nil)
	if err != nil {
		return fmt.Errorf("natsx: reload %s: %w", s.name, err)
	}
	if !opts.DontListen {
		opts.Port = v.Port
	}
	if opts.LeafNode.Port != 0 {
		opts.LeafNode.Port = v.LeafNode.Port
	}
	if s.internal == nil && len(cfg.Users) > 0 {
		return fmt.Errorf("natsx: reload %s: authentication can only be turned on at start", s.name)
	}
	if err := s.ns.ReloadOptions(opts); err != nil {
		return fmt.Errorf("natsx: reload %s: %w", s.name, err)
	}
	return nil
}
