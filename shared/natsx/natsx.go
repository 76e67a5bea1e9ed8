// Package natsx embeds a nats-server (optionally with JetStream) for the hub
// and the malls: one server per process, its own JetStream domain, leaf node
// links between mall and hub, logs into slog, and an exclusive lock on the
// store directory.
//
// Pitfalls it handles (see shared/research/nats_edge.md §0, §1.5):
//   - NoSigs, or the server's SIGTERM handler calls os.Exit under us;
//   - server Fatalf (listen failure, JetStream that cannot start) becomes an
//     error from Start instead of os.Exit or a silent two-minute hang;
//   - nats-server takes no lock on its store, so we flock <StoreDir>/LOCK;
//   - 20 s pings, 3 outstanding, so a half-open WAN leaf link dies in about a
//     minute instead of 4–6;
//   - domain names the JetStream API subject cannot carry are rejected early.
package natsx

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
)

// Defaults applied by Start.
const (
	DefaultReadyTimeout      = 2 * time.Minute // JetStream recovery after an unclean stop can take minutes
	DefaultPingInterval      = 20 * time.Second
	DefaultMaxPingsOut       = 3
	DefaultLeafReconnect     = time.Second
	DefaultLeafDialTimeout   = 5 * time.Second // server default 1 s fails on high-RTT links (nats-server#5417)
	DefaultLeafFirstInfoWait = 5 * time.Second
)

var (
	// ErrStoreDirLocked means another Server (in this or another process)
	// holds the store directory.
	ErrStoreDirLocked = errors.New("natsx: store dir is in use")
	// ErrInvalidConfig wraps every Config.Validate failure.
	ErrInvalidConfig = errors.New("natsx: invalid config")
	// ErrClosed is returned by Connect after Shutdown.
	ErrClosed = errors.New("natsx: server is shut down")
)

// Config describes one embedded server. The zero value of every optional
// field is a sensible default.
type Config struct {
	Name       string // ServerName, unique across the leaf-connected system
	StoreDir   string // JetStream store dir (required when JetStream)
	Domain     string // JetStream domain ("hub", "mall-LKO1"); required when JetStream
	JetStream  bool
	SyncAlways bool  // fsync every write; malls need it (acked-but-lost messages break the hub mirror)
	MaxStore   int64 // JetStream file store limit in bytes; 0 = server default
	MaxMemory  int64 // JetStream memory store limit in bytes; 0 = server default

	Host string // client listener host; "" => 127.0.0.1
	Port int    // client listener; 0 => no listener (in-process only); -1 => random

	LeafListen            string   // "host:port" to accept leaf nodes (hub); "" => none; port 0 => random
	LeafRemotes           []string // nats-leaf:// or nats:// URLs of the hub (mall); several = one remote with failover
	LeafCredentials       string   // optional creds file for the remote
	LeafUser              string   // optional simple auth for the remote
	LeafPassword          string
	LeafNoAdvertise       bool          // don't gossip our leaf URL, and ignore URLs the hub gossips (needed behind a proxy)
	LeafReconnectInterval time.Duration // 0 => DefaultLeafReconnect

	// ClusterName, ClusterListen ("host:port") and Routes (nats-route://
	// URLs of every node) make this server one node of a JetStream cluster
	// (the hub); see cluster.go. Name must then differ on every node.
	ClusterName   string
	ClusterListen string
	Routes        []string
	// ClusterTLS, when set, is mutual TLS on the routes: a node presents
	// its certificate and accepts only peers whose certificates chain to
	// ClientCAs (and verifies the node it dials against RootCAs).
	ClusterTLS *tls.Config

	// Users, when set, turn on authentication: only these nkey users (and
	// the server's own in-process connections) may connect. See auth.go.
	Users []User
	// RequireAuth turns authentication on even before the first user
	// exists, so users added later by Reload take effect (the hub).
	RequireAuth bool
	// LeafTLS secures the leaf listener (hub); LeafRemoteTLS the remote (mall).
	LeafTLS       *tls.Config
	LeafRemoteTLS *tls.Config

	ConfigString string       // extra nats-server config (accounts, users); applied first, the fields above win
	Logger       *slog.Logger // nil => slog.Default()
	Trace        bool         // protocol tracing at Debug level; very verbose
	ReadyTimeout time.Duration
}

// Validate reports every problem in c at once, wrapped in ErrInvalidConfig.
func (c Config) Validate() error {
	var bad []string
	add := func(format string, a ...any) { bad = append(bad, fmt.Sprintf(format, a...)) }

	switch {
	case c.Name == "":
		add("Name is required")
	case strings.ContainsFunc(c.Name, unicode.IsSpace):
		add("Name %q contains spaces", c.Name)
	}
	if c.JetStream {
		if c.StoreDir == "" {
			add("StoreDir is required with JetStream")
		}
		if c.Domain == "" {
			// A domain-less JetStream leaf loses messages (nats-server#4148).
			add("Domain is required with JetStream")
		}
	} else if c.Domain != "" {
		add("Domain %q set but JetStream is off", c.Domain)
	}
	if c.Domain != "" {
		if err := ValidateDomain(c.Domain); err != nil {
			add("%v", err)
		}
	}
	if c.MaxStore < 0 || c.MaxMemory < 0 {
		add("MaxStore and MaxMemory must not be negative")
	}
	if c.Port < -1 || c.Port > 65535 {
		add("Port %d out of range (-1..65535)", c.Port)
	}
	if c.LeafListen != "" {
		if _, _, err := splitHostPort(c.LeafListen); err != nil {
			add("LeafListen: %v", err)
		}
	}
	for _, r := range c.LeafRemotes {
		if _, err := parseRemote(r); err != nil {
			add("LeafRemotes: %v", err)
		}
	}
	if len(c.LeafRemotes) == 0 && (c.LeafCredentials != "" || c.LeafUser != "" || c.LeafPassword != "") {
		add("leaf credentials given without LeafRemotes")
	}
	if c.LeafCredentials != "" && c.LeafUser != "" {
		add("LeafCredentials and LeafUser are mutually exclusive")
	}
	if c.LeafPassword != "" && c.LeafUser == "" {
		add("LeafPassword without LeafUser")
	}
	if c.LeafCredentials != "" {
		if _, err := os.Stat(c.LeafCredentials); err != nil {
			add("LeafCredentials: %v", err)
		}
	}
	c.validateCluster(add)
	if c.LeafReconnectInterval < 0 || c.ReadyTimeout < 0 {
		add("durations must not be negative")
	}
	if len(bad) > 0 {
		return fmt.Errorf("%w: %s", ErrInvalidConfig, strings.Join(bad, "; "))
	}
	return nil
}

// ValidateDomain checks a JetStream domain. The domain becomes a token of
// the API subject ($JS.<domain>.API.>), so '.', wildcards and whitespace
// would break cross-domain mirrors and sources.
func ValidateDomain(d string) error {
	if d == "" {
		return errors.New("domain is empty")
	}
	if i := strings.IndexFunc(d, func(r rune) bool {
		return r == '.' || r == '*' || r == '>' || unicode.IsSpace(r) || unicode.IsControl(r)
	}); i >= 0 {
		return fmt.Errorf("domain %q: character %q not allowed (no '.', '*', '>' or spaces)", d, d[i])
	}
	return nil
}

func splitHostPort(hp string) (string, int, error) {
	host, ps, err := net.SplitHostPort(hp)
	if err != nil {
		return "", 0, err
	}
	port, err := strconv.Atoi(ps)
	if err != nil || port < 0 || port > 65535 {
		return "", 0, fmt.Errorf("%q: bad port", hp)
	}
	return host, port, nil
}

func parseRemote(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, err
	}
	switch u.Scheme {
	case "nats-leaf", "nats", "tls", "ws", "wss":
	default:
		return nil, fmt.Errorf("%q: scheme must be nats-leaf, nats, tls, ws or wss", raw)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("%q: no host", raw)
	}
	return u, nil
}

// buildOptions returns a fresh Options; never reuse one for ReloadOptions
// (nats-server#5465).
func buildOptions(c Config, internal *internalUser) (*server.Options, error) {
	opts := &server.Options{}
	if c.ConfigString != "" {
		if err := opts.ProcessConfigString(c.ConfigString); err != nil {
			return nil, fmt.Errorf("natsx: ConfigString: %w", err)
		}
	}
	opts.ServerName = c.Name
	opts.NoSigs = true
	opts.PingInterval = DefaultPingInterval
	opts.MaxPingsOut = DefaultMaxPingsOut

	opts.Host = c.Host
	if opts.Host == "" {
		opts.Host = "127.0.0.1"
	}
	switch c.Port {
	case 0:
		// Leaf remotes still solicit; only routes need a listener (nats-server#5174).
		opts.DontListen = true
	default:
		opts.Port = c.Port // -1 is server.RANDOM_PORT
	}

	if c.JetStream {
		dir, err := filepath.Abs(c.StoreDir)
		if err != nil {
			return nil, fmt.Errorf("natsx: StoreDir: %w", err)
		}
		opts.JetStream = true
		opts.StoreDir = dir
		opts.JetStreamDomain = c.Domain
		opts.SyncAlways = c.SyncAlways
		if c.MaxStore > 0 {
			opts.JetStreamMaxStore = c.MaxStore
		}
		if c.MaxMemory > 0 {
			opts.JetStreamMaxMemory = c.MaxMemory
		}
	}

	opts.LeafNode.ReconnectInterval = c.LeafReconnectInterval
	if opts.LeafNode.ReconnectInterval == 0 {
		opts.LeafNode.ReconnectInterval = DefaultLeafReconnect
	}
	opts.LeafNode.NoAdvertise = c.LeafNoAdvertise
	if c.LeafListen != "" {
		host, port, err := splitHostPort(c.LeafListen)
		if err != nil {
			return nil, err
		}
		if port == 0 {
			port = server.RANDOM_PORT // LeafNode.Port 0 means "no listener"
		}
		opts.LeafNode.Host = host
		opts.LeafNode.Port = port
	}
	if err := applyCluster(opts, c); err != nil {
		return nil, err
	}
	applyAuth(opts, c, internal)
	if len(c.LeafRemotes) > 0 {
		r := &server.RemoteLeafOpts{
			Credentials:             c.LeafCredentials,
			DialTimeout:             DefaultLeafDialTimeout,
			FirstInfoTimeout:        DefaultLeafFirstInfoWait,
			IgnoreDiscoveredServers: c.LeafNoAdvertise,
		}
		for _, raw := range c.LeafRemotes {
			u, err := parseRemote(raw)
			if err != nil {
				return nil, err
			}
			if c.LeafUser != "" {
				u.User = url.UserPassword(c.LeafUser, c.LeafPassword)
			}
			r.URLs = append(r.URLs, u)
		}
		if err := applyRemoteAuth(r, c); err != nil {
			return nil, err
		}
		opts.LeafNode.Remotes = append(opts.LeafNode.Remotes, r)
	}
	return opts, nil
}

// checkListen binds and releases addr so the common "port taken" case fails
// fast with a plain message. The server's own Fatalf still covers the race.
func checkListen(what, addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		var se *os.SyscallError
		if errors.As(err, &se) {
			err = se.Err // "address already in use", still errors.Is(err, syscall.EADDRINUSE)
		}
		return fmt.Errorf("natsx: listen %s (%s): %w", addr, what, err)
	}
	return ln.Close()
}

// Server is a running embedded nats-server.
type Server struct {
	ns      *server.Server
	name    string
	log     *slog.Logger
	lock    *dirLock
	client  string // "" when DontListen
	leafURL string // "" without LeafListen

	internal *internalUser // nil unless Config.Users turned authentication on

	mu     sync.Mutex
	closed bool
	conns  []*nats.Conn
	once   sync.Once
}

// Start validates cfg, locks StoreDir, starts the server and waits until it
// accepts connections (and JetStream is up, when asked for). On any error
// nothing is left running and the lock is released.
//
// Cancelling ctx ends the wait, but the server's own startup step (JetStream
// recovery runs inside it) must finish before it can be shut down cleanly,
// so Start returns only after that.
func Start(ctx context.Context, cfg Config) (*Server, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	internal, err := newInternalUser(cfg)
	if err != nil {
		return nil, err
	}
	opts, err := buildOptions(cfg, internal)
	if err != nil {
		return nil, err
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.Default()
	}
	logger = logger.With("nats_server", cfg.Name)
	timeout := cfg.ReadyTimeout
	if timeout == 0 {
		timeout = DefaultReadyTimeout
	}

	var lock *dirLock
	if cfg.JetStream {
		if err := os.MkdirAll(opts.StoreDir, 0o750); err != nil {
			return nil, fmt.Errorf("natsx: StoreDir: %w", err)
		}
		if lock, err = lockDir(opts.StoreDir); err != nil {
			return nil, err
		}
	}
	started := false
	defer func() {
		if !started {
			lock.unlock()
		}
	}()

	if !opts.DontListen && opts.Port > 0 {
		if err := checkListen("client", net.JoinHostPort(opts.Host, strconv.Itoa(opts.Port))); err != nil {
			return nil, err
		}
	}
	if opts.LeafNode.Port > 0 {
		if err := checkListen("leafnode", net.JoinHostPort(opts.LeafNode.Host, strconv.Itoa(opts.LeafNode.Port))); err != nil {
			return nil, err
		}
	}

	ns, err := server.NewServer(opts)
	if err != nil {
		return nil, fmt.Errorf("natsx: %s: %w", cfg.Name, err)
	}
	logAdapter := newSlogAdapter(logger)
	ns.SetLoggerV2(logAdapter, logAdapter.debugEnabled(), cfg.Trace, false)

	// Start blocks through JetStream recovery, so run it aside and wait here
	// where ctx, the timeout and a Fatalf can all interrupt the wait.
	startDone := make(chan struct{})
	go func() {
		defer close(startDone)
		ns.Start()
	}()
	if err := waitReady(ctx, ns, logAdapter, startDone, timeout, cfg.JetStream); err != nil {
		// Shutdown before Start returns would be undone by Start itself
		// (it re-arms its goroutine gate), so wait for it first.
		<-startDone
		ns.Shutdown()
		ns.WaitForShutdown()
		return nil, fmt.Errorf("natsx: start %s: %w", cfg.Name, err)
	}

	s := &Server{ns: ns, name: cfg.Name, log: logger, lock: lock, internal: internal}
	if a, ok := ns.Addr().(*net.TCPAddr); ok && !opts.DontListen {
		s.client = "nats://" + net.JoinHostPort(dialHost(opts.Host), strconv.Itoa(a.Port))
	}
	if cfg.LeafListen != "" {
		// The server writes the bound port back into its options; Varz is
		// the public way to read it.
		v, err := ns.Varz(nil)
		if err != nil || v.LeafNode.Port <= 0 {
			ns.Shutdown()
			ns.WaitForShutdown()
			return nil, fmt.Errorf("natsx: start %s: leafnode port unknown: %v", cfg.Name, err)
		}
		s.leafURL = "nats-leaf://" + net.JoinHostPort(dialHost(opts.LeafNode.Host), strconv.Itoa(v.LeafNode.Port))
	}
	started = true
	return s, nil
}

func waitReady(ctx context.Context, ns *server.Server, la *slogAdapter, startDone <-chan struct{}, timeout time.Duration, js bool) error {
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	check := func() error {
		select {
		case <-la.fatalCh:
			return la.fatalErr()
		case <-ctx.Done():
			return ctx.Err()
		case <-timer.C:
			return fmt.Errorf("not ready after %s", timeout)
		default:
			return nil
		}
	}
	// ReadyForConnections polls listeners itself; a short slice keeps
	// Fatalf, ctx and the timeout responsive.
	for !ns.ReadyForConnections(100 * time.Millisecond) {
		if err := check(); err != nil {
			return err
		}
	}
	for done := false; !done; {
		select {
		case <-startDone:
			done = true
		case <-time.After(20 * time.Millisecond):
			if err := check(); err != nil {
				return err
			}
		}
	}
	if err := la.fatalErr(); err != nil {
		return err
	}
	if js && !ns.JetStreamEnabled() {
		return errors.New("JetStream did not start")
	}
	return nil
}

// dialHost turns a wildcard bind address into one a local client can dial.
func dialHost(h string) string {
	if h == "" || h == "0.0.0.0" || h == "::" || h == "[::]" {
		return "127.0.0.1"
	}
	return h
}

// Connect opens an in-process connection (net.Pipe, no TCP). It retries
// forever on disconnect, and logs connection trouble to the server's logger;
// opts are applied after the defaults, so they win. Connections still open
// at Shutdown are closed by it.
func (s *Server) Connect(opts ...nats.Option) (*nats.Conn, error) {
	base := []nats.Option{
		nats.Name(s.name + "-inproc"),
		nats.InProcessServer(s.ns),
		nats.MaxReconnects(-1),
		nats.ReconnectWait(250 * time.Millisecond),
		nats.DisconnectErrHandler(func(nc *nats.Conn, err error) {
			if err != nil {
				s.log.Warn("nats client disconnected", "conn", nc.Opts.Name, "err", err)
			}
		}),
		nats.ReconnectHandler(func(nc *nats.Conn) {
			s.log.Info("nats client reconnected", "conn", nc.Opts.Name)
		}),
		nats.ErrorHandler(func(nc *nats.Conn, sub *nats.Subscription, err error) {
			subj := ""
			if sub != nil {
				subj = sub.Subject
			}
			s.log.Error("nats client async error", "conn", nc.Opts.Name, "subject", subj, "err", err)
		}),
	}
	if s.internal != nil {
		base = append(base, s.internal.option())
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, ErrClosed
	}
	nc, err := nats.Connect("", append(base, opts...)...)
	if err != nil {
		return nil, fmt.Errorf("natsx: connect to %s: %w", s.name, err)
	}
	s.conns = slices.DeleteFunc(s.conns, (*nats.Conn).IsClosed)
	s.conns = append(s.conns, nc)
	return nc, nil
}

// ClientURL is the TCP URL for local tools, or "" when Port was 0.
func (s *Server) ClientURL() string { return s.client }

// LeafURL is the URL a mall puts in LeafRemotes, with the bound port, or ""
// when LeafListen was not set.
func (s *Server) LeafURL() string { return s.leafURL }

// Name is the configured ServerName.
func (s *Server) Name() string { return s.name }

// LeafConnected reports whether at least one leaf connection (accepted or
// solicited) is up.
func (s *Server) LeafConnected() bool { return s.ns.NumLeafNodes() > 0 }

// WaitLeafConnected polls LeafConnected until it is true or ctx ends.
func (s *Server) WaitLeafConnected(ctx context.Context) error {
	t := time.NewTicker(20 * time.Millisecond)
	defer t.Stop()
	for !s.LeafConnected() {
		select {
		case <-ctx.Done():
			return fmt.Errorf("natsx: %s: no leaf connection: %w", s.name, ctx.Err())
		case <-t.C:
		}
	}
	return nil
}

// Inner exposes the server for Leafz, ReloadOptions and the like.
func (s *Server) Inner() *server.Server { return s.ns }

// Shutdown closes connections made by Connect, stops the server, waits for
// it and releases the store lock. Safe to call more than once and from
// several goroutines. Drain your connections first if in-flight work matters.
func (s *Server) Shutdown() {
	s.once.Do(func() {
		s.mu.Lock()
		s.closed = true
		conns := s.conns
		s.conns = nil
		s.mu.Unlock()
		for _, nc := range conns {
			nc.Close()
		}
		s.ns.Shutdown()
		s.ns.WaitForShutdown()
		s.lock.unlock()
	})
}
