package metrics

import (
	"database/sql"
	"os"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/prometheus/client_golang/prometheus"
)

// Health describes what RegisterHealth watches. NATS is a func because the
// server is started after the registry is built and gone after shutdown.
type Health struct {
	DBPath string  // the SQLite file; its -wal file sits beside it
	Writer *sql.DB // the single writer pool: its waits show write contention
	NATS   func() *server.Server
}

var (
	dbBytesDesc   = prometheus.NewDesc("ektamall_sqlite_db_bytes", "Size of the SQLite database file.", nil, nil)
	walBytesDesc  = prometheus.NewDesc("ektamall_sqlite_wal_bytes", "Size of the SQLite write-ahead log; growing without bound means checkpoints are starved.", nil, nil)
	writeWaitDesc = prometheus.NewDesc("ektamall_sqlite_write_wait_seconds_total", "Time spent waiting for the single writer connection.", nil, nil)
	leafDesc      = prometheus.NewDesc("ektamall_nats_leaf_connections", "Leaf-node connections of the embedded NATS server (a mall: 1 when linked to the hub; the hub: malls linked).", nil, nil)
	jsStoreDesc   = prometheus.NewDesc("ektamall_nats_jetstream_store_bytes", "Bytes JetStream holds on disk.", nil, nil)
	slowDesc      = prometheus.NewDesc("ektamall_nats_slow_consumers_total", "Clients the embedded NATS server cut off as slow consumers.", nil, nil)
	natsUpDesc    = prometheus.NewDesc("ektamall_nats_up", "1 while the embedded NATS server runs.", nil, nil)
)

type healthCollector struct{ h Health }

// RegisterHealth adds SQLite file and embedded NATS health to reg. Values
// are read on each scrape.
func RegisterHealth(reg *prometheus.Registry, h Health) error {
	return reg.Register(healthCollector{h})
}

func (c healthCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{dbBytesDesc, walBytesDesc, writeWaitDesc, leafDesc, jsStoreDesc, slowDesc, natsUpDesc} {
		ch <- d
	}
}

func (c healthCollector) Collect(ch chan<- prometheus.Metric) {
	if c.h.DBPath != "" {
		ch <- prometheus.MustNewConstMetric(dbBytesDesc, prometheus.GaugeValue, fileSize(c.h.DBPath))
		ch <- prometheus.MustNewConstMetric(walBytesDesc, prometheus.GaugeValue, fileSize(c.h.DBPath+"-wal"))
	}
	if c.h.Writer != nil {
		ch <- prometheus.MustNewConstMetric(writeWaitDesc, prometheus.CounterValue, c.h.Writer.Stats().WaitDuration.Seconds())
	}
	if c.h.NATS == nil {
		return
	}
	ns := c.h.NATS()
	if ns == nil || !ns.Running() {
		ch <- prometheus.MustNewConstMetric(natsUpDesc, prometheus.GaugeValue, 0)
		return
	}
	ch <- prometheus.MustNewConstMetric(natsUpDesc, prometheus.GaugeValue, 1)
	ch <- prometheus.MustNewConstMetric(leafDesc, prometheus.GaugeValue, float64(ns.NumLeafNodes()))
	if v, err := ns.Varz(nil); err == nil {
		ch <- prometheus.MustNewConstMetric(slowDesc, prometheus.CounterValue, float64(v.SlowConsumers))
		if v.JetStream.Stats != nil {
			ch <- prometheus.MustNewConstMetric(jsStoreDesc, prometheus.GaugeValue, float64(v.JetStream.Stats.Store))
		}
	}
}

// fileSize is 0 for a missing file (a WAL between checkpoints may not exist).
func fileSize(path string) float64 {
	st, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return float64(st.Size())
}
