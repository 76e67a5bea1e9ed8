package app

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"
	"time"

	"ektamall/hub/api"
	"ektamall/hub/ingest"
	"ektamall/shared/natsx"
)

// hubSync is the sync state the hub keeps between start and stop.
type hubSync struct {
	ncfg natsx.Config // as NATS started; ingest reloads it with new mall keys
	svc  *ingest.Service
}

// syncNATS adds the malls' leaf keys and the leaf TLS to the hub's NATS
// config before it starts. Authentication is always on: only provisioned
// malls (and the hub's own in-process connections) may connect.
func (h *Hub) syncNATS(ctx context.Context, c *natsx.Config) error {
	users, err := ingest.Users(ctx, h.Store)
	if err != nil {
		return err
	}
	c.Users, c.RequireAuth = users, true
	if c.LeafTLS, err = h.cfg.leafTLS(); err != nil {
		return err
	}
	h.sync.ncfg = *c
	return nil
}

// startSync starts ingest from the malls and the catalog downlink.
func (h *Hub) startSync(ctx context.Context) (api.SyncDeps, error) {
	svc, err := ingest.Start(ctx, ingest.Config{DB: h.Store, Replicas: h.cfg.Cluster.Replicas, Node: h.cfg.Cluster.ServerName, NATS: h.NATS, NATSConfig: h.sync.ncfg, Books: h.Books,
		Log: h.log})
	if err != nil {
		return api.SyncDeps{}, err
	}
	h.sync.svc = svc
	return api.SyncDeps{Service: svc}, nil
}

// stopSync stops them; it runs before NATS and the database close.
func (h *Hub) stopSync() {
	if h.sync.svc != nil {
		h.sync.svc.Close()
		h.sync.svc = nil
	}
}

// ProvisionMall registers a mall and issues its leaf key (see
// ingest.Provision); a running hub accepts the key before this returns.
// It returns the creds file content for the mall.
func (h *Hub) ProvisionMall(ctx context.Context, m ingest.MallInfo, rotate bool) ([]byte, error) {
	seed, err := ingest.Provision(ctx, h.Store, m, rotate, time.Now())
	if err != nil {
		return nil, err
	}
	if h.sync.svc != nil {
		if err := h.sync.svc.Refresh(ctx); err != nil {
			return nil, err
		}
	}
	return ingest.CredsFile(m.ID, seed), nil
}

// MallKey is the public leaf key a mall is provisioned with ("" if none).
func (h *Hub) MallKey(ctx context.Context, id string) (string, error) {
	return ingest.KeyOf(ctx, h.Store, id)
}

// leafTLS builds the leaf listener's TLS from the flags: a certificate and
// key, and optionally a CA whose client certificates malls must present.
func (c *Config) leafTLS() (*tls.Config, error) {
	if c.LeafTLSCert == "" && c.LeafTLSKey == "" {
		return nil, nil
	}
	cert, err := tls.LoadX509KeyPair(c.LeafTLSCert, c.LeafTLSKey)
	if err != nil {
		return nil, fmt.Errorf("--leaf-tls-cert/--leaf-tls-key: %w", err)
	}
	t := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	if c.LeafTLSClientCA != "" {
		pem, err := os.ReadFile(c.LeafTLSClientCA)
		if err != nil {
			return nil, fmt.Errorf("--leaf-tls-client-ca: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("--leaf-tls-client-ca %s: no PEM certificates", c.LeafTLSClientCA)
		}
		t.ClientCAs, t.ClientAuth = pool, tls.RequireAndVerifyClientCert
	}
	return t, nil
}
