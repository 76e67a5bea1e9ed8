package mallapp

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"database/sql"
	"fmt"
	"os"
	"strings"

	"ektamall/inventory"
	"ektamall/pos"
	"ektamall/pos/api"
	"ektamall/pos/mallsync"
	"ektamall/shared/events"
	"ektamall/shared/natsx"
)

// mallSync is the sync state the mall keeps between start and stop.
type mallSync struct {
	svc *mallsync.Service
}

// syncNATS adds TLS for the leaf link to the hub to NATS's config before
// it starts. The creds file (--creds) is read by natsx: an nkey seed from
// 'ektamall hub provision-mall', or a NATS JWT creds file.
func (m *Mall) syncNATS(c *natsx.Config) error {
	t, err := m.cfg.hubTLS()
	if err != nil {
		return err
	}
	c.LeafRemoteTLS = t
	c.LeafRemotes = HubURLs(m.cfg.Hub)
	// A proxy or load balancer in front of the hub must stay in the path.
	c.LeafNoAdvertise = true
	return nil
}

// HubURLs splits --hub: one URL, or a comma-separated list (every node of
// a clustered hub; the leaf link fails over between them). Blank entries
// are dropped; natsx validates each URL.
func HubURLs(hub string) []string {
	var us []string
	for _, u := range strings.Split(hub, ",") {
		if u = strings.TrimSpace(u); u != "" {
			us = append(us, u)
		}
	}
	return us
}

// startSync starts the workers that carry events to the hub and the
// catalog back, and returns the status reporter for GET /api/v1/sync.
func (m *Mall) startSync(ctx context.Context) (func(context.Context) (api.SyncStatus, error), error) {
	svc, err := mallsync.Start(ctx, mallsync.Config{MallID: m.cfg.ID, DB: m.DB, NATS: m.NATS, Log: m.log,
		HubLinked: m.cfg.Hub != "", Transfers: inventoryTransfers{},
		EInvoices: pos.RecordIRN, Channel: m.Online.Apply})
	if err != nil {
		return nil, err
	}
	m.sync.svc = svc
	return func(ctx context.Context) (api.SyncStatus, error) {
		st, err := svc.Status(ctx)
		if err != nil {
			return api.SyncStatus{}, err
		}
		out := api.SyncStatus{LastSeq: st.LastSeq, HubWatermark: st.HubWatermark, Pending: st.Pending, Connected: st.Connected}
		switch {
		case m.cfg.Hub == "":
			out.Reason = "this mall runs without a hub; events wait in the outbox"
		case !st.Connected:
			out.Reason = "the hub is unreachable; selling continues and events wait"
		case st.Error != "":
			out.Reason = st.Error
		}
		return out, nil
	}, nil
}

// stopSync stops those workers; it runs before NATS and the database close.
func (m *Mall) stopSync() {
	if m.sync.svc != nil {
		m.sync.svc.Close()
		m.sync.svc = nil
	}
}

// inventoryTransfers hands transfers routed from other malls to inventory.
type inventoryTransfers struct{}

func (inventoryTransfers) RegisterIncoming(ctx context.Context, tx *sql.Tx, mallID string, t events.Transfer) error {
	return inventory.RegisterIncoming(ctx, tx, mallID, t)
}

func (inventoryTransfers) ConfirmDelivered(ctx context.Context, tx *sql.Tx, mallID string, r events.TransferReceipt) error {
	return inventory.ConfirmDelivered(ctx, tx, mallID, r)
}

// hubTLS builds the leaf remote's TLS from the flags, or nil for a plain
// nats-leaf:// link.
func (c *Config) hubTLS() (*tls.Config, error) {
	if c.HubTLSCA == "" && c.HubTLSCert == "" && !strings.HasPrefix(c.Hub, "tls://") {
		return nil, nil
	}
	t := &tls.Config{MinVersion: tls.VersionTLS12}
	if c.HubTLSCA != "" {
		pem, err := os.ReadFile(c.HubTLSCA)
		if err != nil {
			return nil, fmt.Errorf("--hub-tls-ca: %w", err)
		}
		t.RootCAs = x509.NewCertPool()
		if !t.RootCAs.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("--hub-tls-ca %s: no PEM certificates", c.HubTLSCA)
		}
	}
	if c.HubTLSCert != "" {
		cert, err := tls.LoadX509KeyPair(c.HubTLSCert, c.HubTLSKey)
		if err != nil {
			return nil, fmt.Errorf("--hub-tls-cert/--hub-tls-key: %w", err)
		}
		t.Certificates = []tls.Certificate{cert}
	}
	return t, nil
}
