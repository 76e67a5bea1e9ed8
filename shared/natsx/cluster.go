package natsx

import (
	"fmt"
	"net/url"

	"github.com/nats-io/nats-server/v2/server"
)

// Clustering (shared/research/nats_edge.md §7): every hub node runs with
// the same JetStream domain and ClusterName, its own Name, a route listener
// and Routes to all the nodes (its own route is ignored by the server), and
// a leaf listener, since the malls may land on any node.

// validateCluster adds the cluster fields' problems to bad.
func (c Config) validateCluster(add func(string, ...any)) {
	if c.ClusterName == "" {
		if c.ClusterListen != "" || len(c.Routes) > 0 {
			add("ClusterListen and Routes need ClusterName")
		}
		return
	}
	if c.ClusterListen == "" {
		add("ClusterName %q needs ClusterListen", c.ClusterName)
	} else if _, _, err := splitHostPort(c.ClusterListen); err != nil {
		add("ClusterListen: %v", err)
	}
	if c.JetStream && len(c.Routes) == 0 {
		add("a JetStream cluster needs Routes to its peers")
	}
	for _, r := range c.Routes {
		if _, err := parseRoute(r); err != nil {
			add("Routes: %v", err)
		}
	}
}

func parseRoute(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, err
	}
	if u.Scheme != "nats-route" && u.Scheme != "nats" && u.Scheme != "tls" {
		return nil, fmt.Errorf("%q: scheme must be nats-route, nats or tls", raw)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("%q: no host", raw)
	}
	return u, nil
}

// applyCluster sets the route listener and the routes.
func applyCluster(opts *server.Options, c Config) error {
	if c.ClusterName == "" {
		return nil
	}
	host, port, err := splitHostPort(c.ClusterListen)
	if err != nil {
		return fmt.Errorf("natsx: ClusterListen: %w", err)
	}
	if port == 0 {
		port = server.RANDOM_PORT
	}
	if opts.DontListen {
		// Routing starts only after the client listener is up, so a node
		// without one would never join (nats-server#5174): open a random
		// loopback client port instead.
		opts.DontListen, opts.Port = false, server.RANDOM_PORT
	}
	opts.Cluster.Name = c.ClusterName
	opts.Cluster.Host = host
	opts.Cluster.Port = port
	opts.Cluster.NoAdvertise = c.LeafNoAdvertise
	if c.ClusterTLS != nil {
		opts.Cluster.TLSConfig = c.ClusterTLS
		opts.Cluster.TLSTimeout = 5 // seconds
	}
	for _, r := range c.Routes {
		u, err := parseRoute(r)
		if err != nil {
			return err
		}
		opts.Routes = append(opts.Routes, u)
	}
	return nil
}
