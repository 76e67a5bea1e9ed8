// Package mallapp is the mall process (`ektamall mall`): it assembles its
// SQLite database, embedded NATS server, sync with the hub (pos/mallsync),
// HTTP API and screens (pos/api, pos/web) and background workers, started
// in dependency order and stopped in reverse.
package mallapp

import (
	"flag"
	"net/url"
	"regexp"
	"time"

	"ektamall/inventory"
	"ektamall/shared/catalog"
	"ektamall/shared/config"
	"ektamall/shared/gst"
	"ektamall/shared/httpx"
	"ektamall/shared/money"
)

// Config is everything a mall needs to run.
type Config struct {
	Dir                string        // data directory: mall.db and the NATS store
	ID                 string        // mall id, e.g. LKO1
	State              string        // the mall's State/UT code (place of supply)
	Name               string        // shown on receipts
	Address            string        // shown on receipts
	GSTIN              string        // the mall's GSTIN; derived for demos when empty
	HTTP               string        // HTTP listen address
	TrustedProxies     string        // reverse proxies whose X-Forwarded-For names the client (IPs or CIDRs)
	Metrics            string        // /metrics listen address, "off" or "" for none (never the HTTP address)
	Hub                string        // hub leaf URL, nats-leaf://host:port ("" = stand-alone)
	Creds              string        // NATS credentials file for the leaf link
	HubURL             string        // the hub's public web address, for the trace link on receipts
	NATSPort           int           // local NATS client port for tools (0 = in-process only)
	Synchronous        string        // SQLite synchronous: FULL (default) or NORMAL
	ShutdownFor        time.Duration // grace period for in-flight requests
	UPIVPA             string        // payee VPA of the mall's dynamic UPI QR codes
	UPIMCC             string        // merchant category code from the acquirer
	CashierDiscountPct int64         // largest line discount a cashier gives without approval, percent
	// GST and the law on large sales (issue 18): how the payable amount is
	// rounded, and the thresholds, as rupee strings.
	RoundOff                            string
	CashLimit, PANAbove, NamedBuyerFrom string
	// MaxChange is the most change a cash tender may ask for (rupees).
	MaxChange string
	// EWayLimit is the consignment value (rupees, tax included) above which
	// a transfer needs an e-way bill; EWayLimits are States' own limits for
	// movement within them, as STATE=rupees pairs (inventory.ParseEWayLimits).
	EWayLimit, EWayLimits string
	// TransferValue is the valuation of transfers' tax documents
	// (inventory.ValueOpenMarket or ValueResale90).
	TransferValue string
	// TLS to the hub's leaf port (see app_sync.go): the CA that signed the
	// hub's certificate, and an optional client certificate and key.
	HubTLSCA, HubTLSCert, HubTLSKey string
	// PasswordCost is the bcrypt cost of new password hashes (0: the
	// library default). Not a flag: tests lower it to keep logins fast.
	PasswordCost int
}

// Flags registers the mall's flags on fs, with defaults.
func (c *Config) Flags(fs *flag.FlagSet) {
	fs.StringVar(&c.Dir, "dir", "", "data directory (required)")
	fs.StringVar(&c.ID, "id", "", "mall id: 2-8 of A-Z and 0-9, e.g. LKO1 (required)")
	fs.StringVar(&c.State, "state", "", "State/UT code of the mall, e.g. UP (required)")
	fs.StringVar(&c.Name, "name", "", "mall name printed on receipts (default: PM Ekta Mall <id>)")
	fs.StringVar(&c.Address, "address", "", "mall address printed on receipts")
	fs.StringVar(&c.GSTIN, "gstin", "", "the mall's GSTIN (default: a demo GSTIN for the state)")
	fs.StringVar(&c.HTTP, "http", "127.0.0.1:8701", "HTTP listen address")
	fs.StringVar(&c.TrustedProxies, "trusted-proxies", "", "reverse proxies (comma-separated IPs or CIDRs) whose X-Forwarded-For names the client, for per-client login lockout (default: none; the TCP peer is the client)")
	fs.StringVar(&c.Metrics, "metrics", "127.0.0.1:9701", "listen address of /metrics (revenue figures: keep it on loopback or a private interface), or off")
	fs.StringVar(&c.Hub, "hub", "", "hub leaf-node URLs, comma-separated, one per hub node, e.g. nats-leaf://hub.example:7422 (empty: run without a hub)")
	fs.StringVar(&c.HubURL, "hub-url", "", "the hub's public web address (https://hub.example): each receipt's QR code links to its trace page there (empty: receipts carry no trace link)")
	fs.StringVar(&c.Creds, "creds", "", "NATS credentials file for the leaf link to the hub")
	fs.IntVar(&c.NATSPort, "nats-port", 0, "local NATS client port for operator tools (0: in-process only)")
	fs.StringVar(&c.Synchronous, "sqlite-synchronous", "FULL", "SQLite synchronous mode: FULL (survives power cuts) or NORMAL")
	fs.DurationVar(&c.ShutdownFor, "shutdown-timeout", 10*time.Second, "grace period for in-flight requests on shutdown")
	fs.StringVar(&c.UPIVPA, "upi-vpa", "", "payee VPA on UPI QR codes, from the acquirer (default: a demo VPA ektamall.<id>@sbi)")
	fs.StringVar(&c.UPIMCC, "upi-mcc", "5999", "merchant category code on UPI QR codes, from the acquirer")
	fs.Int64Var(&c.CashierDiscountPct, "cashier-discount-limit", 10, "largest line discount in percent (1-100) a cashier may give without a mall admin's approval")
	fs.StringVar(&c.RoundOff, "round-off", "rupee", "round what a customer pays: off, rupee (nearest rupee) or 50p (nearest 50 paise); a separate line outside taxable value and tax")
	fs.StringVar(&c.CashLimit, "cash-limit", "200000.00", "refuse cash of this many rupees or more on one sale (s.269ST Income-tax Act 1961, s.186 of the 2025 Act)")
	fs.StringVar(&c.PANAbove, "pan-above", "200000.00", "a sale above this many rupees needs the buyer's PAN or Form 60 (Rule 114B)")
	fs.StringVar(&c.MaxChange, "max-change", "2000.00", "most change in rupees a cash tender may ask for (the largest note); more is refused as a mistyped amount")
	fs.StringVar(&c.NamedBuyerFrom, "named-buyer-from", "50000.00", "from this taxable value an unregistered buyer's name, address and State are required (CGST Rule 46(e))")
	fs.StringVar(&c.EWayLimit, "eway-limit", "50000.00", "a transfer worth more than this many rupees (tax included) moves only with an e-way bill (CGST Rule 138); between States always this one")
	fs.StringVar(&c.EWayLimits, "eway-limits", "", "States' own e-way bill limits for transfers within them, as STATE=rupees pairs, e.g. DL=100000.00,TN=100000.00 (Rule 138(14); default: --eway-limit everywhere)")
	fs.StringVar(&c.TransferValue, "transfer-value", inventory.ValueOpenMarket, "taxable value of a transfer to another mall (CGST Rule 28): open-market (the catalog price net of tax) or resale-90 (90% of it, for goods the receiving mall resells as such)")
	fs.StringVar(&c.HubTLSCA, "hub-tls-ca", "", "PEM CA to verify the hub's leaf certificate (turns on TLS; a tls:// --hub URL with no CA uses the system roots)")
	fs.StringVar(&c.HubTLSCert, "hub-tls-cert", "", "PEM client certificate for the hub's leaf port (with --hub-tls-key)")
	fs.StringVar(&c.HubTLSKey, "hub-tls-key", "", "PEM private key for --hub-tls-cert")
}

var (
	mallIDRE = regexp.MustCompile(`^[A-Z0-9]{2,8}$`)
	vpaRE    = regexp.MustCompile(`^[a-zA-Z0-9.\-_]{2,256}@[a-zA-Z]{2,64}$`)
	mccRE    = regexp.MustCompile(`^[0-9]{4}$`)
)

// Validate reports every bad field at once.
func (c *Config) Validate() error {
	var e config.Errors
	if c.Dir == "" {
		e.Addf("dir", "required")
	}
	if !mallIDRE.MatchString(c.ID) {
		e.Addf("id", "%q must be 2-8 of A-Z and 0-9", c.ID)
	}
	if _, ok := catalog.StateByCode(c.State); !ok {
		e.Addf("state", "%q is not a State/UT code (e.g. UP, KA, DL)", c.State)
	}
	e.CheckAddr("http", c.HTTP)
	if c.Metrics != "" {
		if err := httpx.ValidMetricsAddr(c.Metrics); err != nil {
			e.Addf("metrics", "%v", err)
		}
	}
	if _, err := httpx.ParseProxies(c.TrustedProxies); err != nil {
		e.Addf("trusted-proxies", "%v", err)
	}
	if c.HubURL != "" {
		if u, err := url.Parse(c.HubURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
			e.Addf("hub-url", "%q is not a web address such as https://hub.example", c.HubURL)
		}
	}
	if c.NATSPort < 0 || c.NATSPort > 65535 {
		e.Addf("nats-port", "%d is not a port", c.NATSPort)
	}
	if c.Synchronous != "FULL" && c.Synchronous != "NORMAL" {
		e.Addf("sqlite-synchronous", "%q must be FULL or NORMAL", c.Synchronous)
	}
	if c.UPIVPA != "" && !vpaRE.MatchString(c.UPIVPA) {
		e.Addf("upi-vpa", "%q is not a VPA such as shop@bank", c.UPIVPA)
	}
	if c.UPIMCC != "" && !mccRE.MatchString(c.UPIMCC) {
		e.Addf("upi-mcc", "%q must be 4 digits", c.UPIMCC)
	}
	if c.CashierDiscountPct == 0 {
		c.CashierDiscountPct = 10
	}
	if c.CashierDiscountPct < 0 || c.CashierDiscountPct > 100 {
		e.Addf("cashier-discount-limit", "%d must be 0-100", c.CashierDiscountPct)
	}
	if _, err := gst.ParseRoundOff(c.RoundOff); err != nil {
		e.Addf("round-off", "%v", err)
	}
	for _, f := range []struct{ name, v string }{{"cash-limit", c.CashLimit}, {"pan-above", c.PANAbove}, {"named-buyer-from", c.NamedBuyerFrom}, {"max-change", c.MaxChange}, {"eway-limit", c.EWayLimit}} {
		if a, err := money.Parse(f.v); f.v != "" && (err != nil || !a.IsPositive()) {
			e.Addf(f.name, "%q must be an amount in rupees above 0, such as 200000.00", f.v)
		}
	}
	if v := c.TransferValue; v != "" && v != inventory.ValueOpenMarket && v != inventory.ValueResale90 {
		e.Addf("transfer-value", "%q must be %s or %s", v, inventory.ValueOpenMarket, inventory.ValueResale90)
	}
	if _, err := inventory.ParseEWayLimits(c.EWayLimits); err != nil {
		e.Addf("eway-limits", "%v", err)
	}
	if c.ShutdownFor <= 0 {
		e.Addf("shutdown-timeout", "must be positive")
	}
	if (c.HubTLSCert == "") != (c.HubTLSKey == "") {
		e.Addf("hub-tls-cert", "--hub-tls-cert and --hub-tls-key go together")
	}
	if (c.HubTLSCA != "" || c.HubTLSCert != "") && c.Hub == "" {
		e.Addf("hub-tls-ca", "TLS flags need --hub")
	}
	return e.Err()
}

// posLimits are the thresholds of the flags; an empty flag keeps the
// default.
func (c *Config) posLimits() (ro gst.RoundOff, lim struct{ Cash, PAN, Named, Change money.Amount }) {
	ro, _ = gst.ParseRoundOff(c.RoundOff)
	lim.Change, _ = money.Parse(c.MaxChange)
	lim.Cash, _ = money.Parse(c.CashLimit)
	lim.PAN, _ = money.Parse(c.PANAbove)
	lim.Named, _ = money.Parse(c.NamedBuyerFrom)
	return ro, lim
}

// ewayLimits are the e-way bill thresholds of the flags (checked by
// Validate); an empty --eway-limit keeps Rule 138's ₹50,000.
func (c *Config) ewayLimits() inventory.EWayLimits {
	var l inventory.EWayLimits
	if a, err := money.Parse(c.EWayLimit); err == nil && a.IsPositive() {
		l.Default = a.Paise()
	}
	l.Intra, _ = inventory.ParseEWayLimits(c.EWayLimits)
	return l
}
