package natsx

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"testing"
	"time"

	"ektamall/shared/tlstest"
)

func freeLoopbackAddrs(t *testing.T, n int) []string {
	t.Helper()
	var out []string
	for range n {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, ln.Addr().String())
		ln.Close()
	}
	return out
}

// Hub nodes join a cluster only with a certificate from the cluster's CA:
// a node with another CA's certificate gets no route, and the members
// keep theirs.
func TestClusterRoutesNeedTheClusterCA(t *testing.T) {
	ca, other := tlstest.NewCA(t, "cluster CA"), tlstest.NewCA(t, "other CA")
	addrs := freeLoopbackAddrs(t, 4)
	var routes []string
	for _, a := range addrs {
		routes = append(routes, "nats-route://"+a)
	}
	node := func(i int, tc *tls.Config) Config {
		return Config{Name: fmt.Sprintf("node-%d", i), ClusterName: "c", ClusterListen: addrs[i], Routes: routes, ClusterTLS: tc,
			Logger: testLogger(t)}
	}
	var members []*Server
	for i := range 3 {
		members = append(members, mustStart(t, node(i, ca.Mutual(t, fmt.Sprintf("node-%d", i)))))
	}
	eventually(t, 10*time.Second, func() error {
		for _, m := range members {
			if p := peers(t, m); len(p) != 2 {
				return fmt.Errorf("%s is routed to %v", m.Name(), p)
			}
		}
		return nil
	})
	intruder := mustStart(t, node(3, other.Mutual(t, "node-3")))
	time.Sleep(2 * time.Second) // several route connect attempts
	if p := peers(t, intruder); len(p) != 0 {
		t.Fatalf("a node with another CA's certificate is routed to %v", p)
	}
	for _, m := range members {
		if p := peers(t, m); len(p) != 2 || p["node-3"] {
			t.Fatalf("%s is routed to %v, want its 2 peers only", m.Name(), p)
		}
	}
}

// peers are the names of the servers s has routes to (a peer may have
// several pooled routes).
func peers(t *testing.T, s *Server) map[string]bool {
	t.Helper()
	rz, err := s.Inner().Routez(nil)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, r := range rz.Routes {
		out[r.RemoteName] = true
	}
	return out
}

// A mall reaches a hub's TLS leaf port only with a client certificate the
// hub's CA signed.
func TestLeafTLSNeedsAClientCertificateFromTheCA(t *testing.T) {
	ca, other := tlstest.NewCA(t, "hub CA"), tlstest.NewCA(t, "other CA")
	hub := mustStart(t, Config{Name: "hub-tls", LeafListen: "127.0.0.1:0", LeafTLS: ca.Mutual(t, "hub"), Logger: testLogger(t)})
	mall := func(name string, tc *tls.Config) *Server {
		return mustStart(t, Config{Name: name, LeafRemotes: []string{hub.LeafURL()}, LeafRemoteTLS: tc,
			LeafReconnectInterval: 200 * time.Millisecond, Logger: testLogger(t)})
	}
	good := mall("mall-good", &tls.Config{Certificates: []tls.Certificate{ca.Issue(t, "mall-good")}, RootCAs: ca.Pool, MinVersion: tls.VersionTLS12})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := good.WaitLeafConnected(ctx); err != nil {
		t.Fatalf("mall with the CA's certificate: %v", err)
	}
	bad := mall("mall-bad", &tls.Config{Certificates: []tls.Certificate{other.Issue(t, "mall-bad")}, RootCAs: ca.Pool,
		MinVersion: tls.VersionTLS12})
	time.Sleep(2 * time.Second) // several reconnect attempts
	if bad.LeafConnected() {
		t.Fatal("a mall with another CA's certificate reached the hub")
	}
	if n := hub.Inner().NumLeafNodes(); n != 1 {
		t.Fatalf("hub has %d leaf connections, want 1", n)
	}
}
