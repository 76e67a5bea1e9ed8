package app

import (
	"crypto/tls"
	"crypto/x509"
	"flag"
	"fmt"
	"net/url"
	"os"
	"strings"

	"ektamall/shared/config"
	"ektamall/shared/natsx"
)

// ClusterConfig makes the hub's embedded NATS one node of a 3-node
// JetStream cluster (shared/research/nats_edge.md §7): every node has the
// same --cluster-name and --routes, its own --server-name and
// --cluster-listen, and a leaf listener (--leaf) the malls may land on.
// --replicas 3 puts every hub stream and consumer on all three nodes.
type ClusterConfig struct {
	ServerName string
	Name       string // cluster name; "" = single node
	Listen     string // route listener host:port
	Routes     string // comma-separated nats-route://host:port of every node
	Replicas   int
	// Mutual TLS on the routes: this node's certificate and key, and the
	// CA every node's certificate must chain to.
	TLSCert, TLSKey, TLSCA string
}

// Flags registers the cluster flags on fs.
func (c *ClusterConfig) Flags(fs *flag.FlagSet) {
	fs.StringVar(&c.ServerName, "server-name", "hub", "this NATS node's name; unique in a cluster (hub-1, hub-2, hub-3)")
	fs.StringVar(&c.Name, "cluster-name", "", "JetStream cluster name, the same on every hub node (empty: single node)")
	fs.StringVar(&c.Listen, "cluster-listen", "", "route listen address for the other hub nodes, e.g. 10.0.0.1:6222")
	fs.StringVar(&c.Routes, "routes", "", "comma-separated nats-route:// URLs of every hub node (this one included)")
	fs.IntVar(&c.Replicas, "replicas", 1, "replicas of the hub's streams and consumers: 1, or 3 in a 3-node cluster")
	fs.StringVar(&c.TLSCert, "cluster-tls-cert", "", "PEM certificate of this node for mutual TLS on the routes (naming the host in --routes; serverAuth and clientAuth)")
	fs.StringVar(&c.TLSKey, "cluster-tls-key", "", "PEM private key for --cluster-tls-cert")
	fs.StringVar(&c.TLSCA, "cluster-tls-ca", "", "PEM CA every hub node's route certificate must chain to")
}

// Validate adds the cluster flags' problems to e.
func (c *ClusterConfig) Validate(e *config.Errors) {
	// A Config built in code rather than from flags gets the flag defaults.
	if c.ServerName == "" {
		c.ServerName = "hub"
	}
	if c.Replicas == 0 {
		c.Replicas = 1
	}
	if c.ServerName == "" || strings.ContainsAny(c.ServerName, " \t.") {
		e.Addf("server-name", "%q must be non-empty, without spaces or dots", c.ServerName)
	}
	if c.Replicas != 1 && c.Replicas != 3 && c.Replicas != 5 {
		e.Addf("replicas", "%d must be 1, 3 or 5", c.Replicas)
	}
	if c.Name == "" {
		if c.Listen != "" || c.Routes != "" {
			e.Addf("cluster-name", "--cluster-listen and --routes need --cluster-name")
		}
		if c.Replicas > 1 {
			e.Addf("replicas", "%d replicas need a cluster (--cluster-name)", c.Replicas)
		}
		if c.TLSCert != "" || c.TLSKey != "" || c.TLSCA != "" {
			e.Addf("cluster-tls-cert", "route TLS needs a cluster (--cluster-name)")
		}
		return
	}
	if n := btoi(c.TLSCert != "") + btoi(c.TLSKey != "") + btoi(c.TLSCA != ""); n != 0 && n != 3 {
		e.Addf("cluster-tls-cert", "--cluster-tls-cert, --cluster-tls-key and --cluster-tls-ca go together")
	}
	e.CheckAddr("cluster-listen", c.Listen)
	routes := c.routeList()
	if len(routes) < c.Replicas {
		e.Addf("routes", "%d routes listed, --replicas %d needs at least as many nodes", len(routes), c.Replicas)
	}
	for _, r := range routes {
		if u, err := url.Parse(r); err != nil || u.Scheme != "nats-route" || u.Host == "" {
			e.Addf("routes", "%q is not a nats-route://host:port URL", r)
		}
	}
	if c.ServerName == "hub" {
		e.Addf("server-name", "give each cluster node its own name (hub-1, hub-2, hub-3)")
	}
}

func (c *ClusterConfig) routeList() []string {
	var out []string
	for _, r := range strings.Split(c.Routes, ",") {
		if r = strings.TrimSpace(r); r != "" {
			out = append(out, r)
		}
	}
	return out
}

// apply puts the node's name and cluster options into the NATS config.
func (c *ClusterConfig) apply(n *natsx.Config) error {
	if c.ServerName != "" {
		n.Name = c.ServerName
	}
	if c.Name == "" {
		return nil
	}
	n.ClusterName, n.ClusterListen, n.Routes = c.Name, c.Listen, c.routeList()
	// Behind NAT or a proxy the gossiped addresses are wrong; the malls
	// and nodes use the URLs they are given.
	n.LeafNoAdvertise = true
	if c.TLSCert == "" {
		return nil
	}
	cert, err := tls.LoadX509KeyPair(c.TLSCert, c.TLSKey)
	if err != nil {
		return fmt.Errorf("--cluster-tls-cert/--cluster-tls-key: %w", err)
	}
	pem, err := os.ReadFile(c.TLSCA)
	if err != nil {
		return fmt.Errorf("--cluster-tls-ca: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return fmt.Errorf("--cluster-tls-ca %s: no PEM certificates", c.TLSCA)
	}
	// Each node is both server and client of its routes: it presents its
	// certificate either way and trusts only the cluster's CA.
	n.ClusterTLS = &tls.Config{Certificates: []tls.Certificate{cert}, RootCAs: pool, ClientCAs: pool,
		ClientAuth: tls.RequireAndVerifyClientCert, MinVersion: tls.VersionTLS12}
	return nil
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// String is for the start-up log.
func (c *ClusterConfig) String() string {
	if c.Name == "" {
		return "single node " + c.ServerName
	}
	return fmt.Sprintf("node %s of cluster %s (R%d)", c.ServerName, c.Name, c.Replicas)
}
