// Package app assembles the hub process: its SQLite database, embedded
// NATS server with the leaf-node listener the malls connect to, and the
// finance HTTP API.
package app

import (
	"flag"
	"strings"
	"time"

	"ektamall/hub/channel/ondc"
	"ektamall/hub/ledger"
	"ektamall/shared/config"
	"ektamall/shared/errs"
	"ektamall/shared/httpx"
	"ektamall/shared/money"
	"ektamall/shared/sqldb"
)

// Config is everything the hub needs to run.
type Config struct {
	Dir            string
	DB             string // "" for the SQLite file in Dir, or a postgres:// URL
	HTTP           string // HTTP listen address
	TrustedProxies string // reverse proxies whose X-Forwarded-For names the client, comma-separated IPs or CIDRs
	Metrics        string // /metrics listen address, "off" or "" for none (never the HTTP address)
	Leaf           string // leaf-node listen address for malls
	NATSPort       int    // local NATS client port for operator tools (0 = in-process only)
	Synchronous    string
	ShutdownFor    time.Duration
	// TLS on the leaf port (see app_sync.go): certificate and key, and an
	// optional CA that malls' client certificates must chain to.
	LeafTLSCert, LeafTLSKey, LeafTLSClientCA string
	// Settlement: a sale line is paid once it is older than ReturnWindow;
	// balances below MinPayout carry forward.
	ReturnWindow time.Duration
	MinPayout    string
	// DamageBorneBy says who bears damaged consignment by its cause
	// (ledger.ParseDamagePolicy; "" is the default: in_store=mall,
	// on_arrival=producer).
	DamageBorneBy string
	// EInvoiceTransfers is "on" (also when empty) or "off": whether the
	// tax invoices of inter-State transfers between malls are e-invoiced.
	EInvoiceTransfers string
	// Cluster makes the hub's NATS one node of a JetStream cluster.
	Cluster ClusterConfig // see config_cluster.go
	// NATSOnly runs this node as a NATS cluster member alone: no
	// database, no ingest, no finance API (see natsonly.go).
	NATSOnly bool
	// Now is the clock that stamps ledger bookings, and so decides which
	// settlement run pays them (nil: time.Now). Only the demo sets it, to
	// book the history it seeds at the time that history happened.
	Now func() time.Time
	// ONDC: the hub's subscriber id as an ONDC seller app, its public
	// base URL (default: the HTTP address + /ondc), and the table of known
	// buyer apps (a JSON file; see hub/channel/ondc.BuyerApp), which
	// stands in for the ONDC registry. ONDCBuyerApps adds to the file's.
	ONDCID, ONDCURL, ONDCBuyers string
	ONDCBuyerApps               []ondc.BuyerApp
}

// Flags registers the hub's flags on fs.
func (c *Config) Flags(fs *flag.FlagSet) {
	fs.StringVar(&c.Dir, "dir", "", "data directory (required)")
	fs.StringVar(&c.DB, "db", "", "the hub's books: empty for the SQLite file hub.db in --dir, or a PostgreSQL URL (postgres://user:pass@host:5432/ektamall) shared by several hub nodes")
	fs.StringVar(&c.HTTP, "http", "127.0.0.1:8700", "HTTP listen address")
	fs.StringVar(&c.TrustedProxies, "trusted-proxies", "", "reverse proxies (comma-separated IPs or CIDRs) whose X-Forwarded-For names the client, for per-client login lockout (default: none; the TCP peer is the client)")
	fs.StringVar(&c.Metrics, "metrics", "127.0.0.1:9700", "listen address of /metrics (per-mall revenue: keep it on loopback or a private interface), or off")
	fs.StringVar(&c.Leaf, "leaf", "127.0.0.1:7422", "leaf-node listen address the malls connect to")
	fs.IntVar(&c.NATSPort, "nats-port", 0, "local NATS client port for operator tools (0: in-process only)")
	fs.StringVar(&c.Synchronous, "sqlite-synchronous", "FULL", "SQLite synchronous mode: FULL or NORMAL")
	fs.DurationVar(&c.ShutdownFor, "shutdown-timeout", 10*time.Second, "grace period for in-flight requests on shutdown")
	fs.DurationVar(&c.ReturnWindow, "return-window", 7*24*time.Hour, "settlement pays a sale line only once it is this old (the customer return window)")
	c.Cluster.Flags(fs)
	fs.BoolVar(&c.NATSOnly, "nats-only", false, "run only this node's NATS (a cluster member holding stream replicas and taking mall leaf links); the hub application runs on one other node")
	fs.StringVar(&c.EInvoiceTransfers, "einvoice-transfers", "on", "on or off: list the tax invoices of inter-State transfers between malls (supplies between distinct GSTINs of one PAN) among the e-invoices to generate; a tax adviser's call (README)")
	fs.StringVar(&c.MinPayout, "min-payout", "1.00", "smallest payout in rupees; smaller balances carry forward to the next run")
	fs.StringVar(&c.DamageBorneBy, "damage-borne-by", ledger.DefaultDamagePolicy.String(), "who bears damaged consignment, by the cause a mall gives (in_store, on_arrival): mall (the mall pays the producer their share of the value, in the next settlement) or producer (no money moves)")
	fs.StringVar(&c.LeafTLSCert, "leaf-tls-cert", "", "PEM certificate for TLS on the leaf port (with --leaf-tls-key)")
	fs.StringVar(&c.LeafTLSKey, "leaf-tls-key", "", "PEM private key for --leaf-tls-cert")
	fs.StringVar(&c.ONDCID, "ondc-id", "ektamall-hub", "the hub's subscriber id as an ONDC seller app (bpp_id)")
	fs.StringVar(&c.ONDCURL, "ondc-url", "", "the hub's ONDC base URL as buyer apps reach it (bpp_uri; default: http://<--http>/ondc)")
	fs.StringVar(&c.ONDCBuyers, "ondc-buyers", "", "JSON file of the buyer apps the hub trusts: [{\"subscriber_id\", \"unique_key_id\", \"signing_public_key\", \"subscriber_url\", \"channel\"}] (default: none; every ONDC call is refused)")
	fs.StringVar(&c.LeafTLSClientCA, "leaf-tls-client-ca", "", "PEM CA; when set, malls must present a client certificate it signed")
}

// Validate reports every bad field at once.
func (c *Config) Validate() error {
	var e config.Errors
	if c.Dir == "" {
		e.Addf("dir", "required")
	}
	if c.DB != "" && !sqldb.IsPostgresURL(c.DB) {
		e.Addf("db", "%q must be empty (SQLite in --dir) or a postgres:// URL", c.DB)
	}
	e.CheckAddr("http", c.HTTP)
	if v := c.EInvoiceTransfers; v != "" && v != "on" && v != "off" {
		e.Addf("einvoice-transfers", "%q must be on or off", v)
	}
	if c.Metrics != "" {
		if err := httpx.ValidMetricsAddr(c.Metrics); err != nil {
			e.Addf("metrics", "%v", err)
		}
	}
	if _, err := httpx.ParseProxies(c.TrustedProxies); err != nil {
		e.Addf("trusted-proxies", "%v", err)
	}
	e.CheckAddr("leaf", c.Leaf)
	if c.NATSPort < 0 || c.NATSPort > 65535 {
		e.Addf("nats-port", "%d is not a port", c.NATSPort)
	}
	if c.Synchronous != "FULL" && c.Synchronous != "NORMAL" {
		e.Addf("sqlite-synchronous", "%q must be FULL or NORMAL", c.Synchronous)
	}
	if c.ReturnWindow < 0 {
		e.Addf("return-window", "must not be negative")
	}
	if c.MinPayout == "" {
		c.MinPayout = "1.00"
	}
	if a, err := money.Parse(c.MinPayout); err != nil || !a.IsPositive() {
		e.Addf("min-payout", "%q must be a positive amount such as 500.00", c.MinPayout)
	}
	if _, err := ledger.ParseDamagePolicy(c.DamageBorneBy); err != nil {
		e.Addf("damage-borne-by", "%q: %s", c.DamageBorneBy, errs.Public(err).Message)
	}
	if c.ShutdownFor <= 0 {
		e.Addf("shutdown-timeout", "must be positive")
	}
	if (c.LeafTLSCert == "") != (c.LeafTLSKey == "") {
		e.Addf("leaf-tls-cert", "--leaf-tls-cert and --leaf-tls-key go together")
	}
	if c.LeafTLSClientCA != "" && c.LeafTLSCert == "" {
		e.Addf("leaf-tls-client-ca", "needs --leaf-tls-cert and --leaf-tls-key")
	}
	if c.ONDCID == "" {
		c.ONDCID = "ektamall-hub"
	}
	if c.ONDCURL != "" && !strings.HasPrefix(c.ONDCURL, "http://") && !strings.HasPrefix(c.ONDCURL, "https://") {
		e.Addf("ondc-url", "%q is not an http(s) URL", c.ONDCURL)
	}
	c.Cluster.Validate(&e)
	if c.NATSOnly && c.Cluster.Name == "" {
		e.Addf("nats-only", "a NATS-only node is a member of a hub cluster: give --cluster-name, --cluster-listen and --routes")
	}
	return e.Err()
}
