package app

import (
	"context"
	"database/sql"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/prometheus/client_golang/prometheus"

	"ektamall/hub/settle"
	"ektamall/shared/httpx"
	"ektamall/shared/metrics"
	"ektamall/shared/sqldb"
)

// newMetrics builds the hub's registry; business figures are read from
// the database (and the malls' streams) at scrape time.
func (h *Hub) newMetrics() (*prometheus.Registry, error) {
	reg := metrics.NewRegistry()
	err := metrics.RegisterQueries(reg, h.pool(),
		metrics.Query{Name: "ektamall_hub_malls", Help: "Malls registered at the hub.",
			Type: prometheus.GaugeValue, SQL: `SELECT count(*) FROM malls`},
		metrics.Query{Name: "ektamall_hub_mall_watermark", Help: "Every event of the mall up to this sequence is at the hub.",
			Type: prometheus.GaugeValue, Labels: []string{"mall"}, SQL: `SELECT mall_id, watermark FROM mall_sync ORDER BY mall_id`},
		metrics.Query{Name: "ektamall_hub_mall_gap", Help: "Events received beyond a missing one, waiting for the mall to re-send it.",
			Type: prometheus.GaugeValue, Labels: []string{"mall"}, SQL: `SELECT mall_id, highest - watermark FROM mall_sync ORDER BY mall_id`},
		metrics.Query{Name: "ektamall_hub_events_ingested_total", Help: "Events ingested from the mall (applied or parked); rate() is the ingest rate.",
			Type: prometheus.CounterValue, Labels: []string{"mall"}, SQL: `SELECT mall_id, events FROM mall_sync ORDER BY mall_id`},
		metrics.Query{Name: "ektamall_hub_events_parked_total", Help: "Events of the mall parked as unappliable (see GET /api/v1/parked).",
			Type: prometheus.CounterValue, Labels: []string{"mall"}, SQL: `SELECT mall_id, parked FROM mall_sync ORDER BY mall_id`},
		metrics.Query{Name: "ektamall_hub_settlement_runs_total", Help: "Settlement runs closed.",
			Type: prometheus.CounterValue, SQL: `SELECT count(*) FROM settlement_runs`},
	)
	if err == nil {
		err = reg.Register(mallLagCollector{h})
	}
	if err == nil {
		health := metrics.Health{NATS: func() *server.Server {
			if h.NATS == nil {
				return nil
			}
			return h.NATS.Inner()
		}}
		if h.DB != nil {
			health.DBPath, health.Writer = h.DB.Path, h.DB.W
		}
		err = metrics.RegisterHealth(reg, health)
	}
	return reg, err
}

// pool is a database/sql pool for the metrics' fixed queries (they take
// no arguments, so need no rebinding).
func (h *Hub) pool() *sql.DB {
	if pg, ok := h.Store.(*sqldb.PGStore); ok {
		return pg.Pool()
	}
	return h.DB.R
}

// observeSettlements times every settlement run the service creates.
func (h *Hub) observeSettlements(svc *settle.Service) error {
	if svc == nil || h.Metrics == nil {
		return nil
	}
	d := prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:    "ektamall_settlement_duration_seconds",
		Help:    "Time to compute and write a settlement run.",
		Buckets: []float64{.01, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 120, 300},
	})
	if err := h.Metrics.Register(d); err != nil {
		return err
	}
	svc.OnRun(func(took time.Duration) { d.Observe(took.Seconds()) })
	return nil
}

// mallLagCollector exports how far behind the hub's view of each mall is.
// It asks ingest (the database and each mall's mirrored stream) on every
// scrape, so the figures are current and nothing is kept in memory.
type mallLagCollector struct{ h *Hub }

var (
	lagDesc = prometheus.NewDesc("ektamall_hub_mall_sync_lag_seconds",
		"How stale the hub's view of the mall is: 0 while the mall is connected and every event it has sent is ingested; "+
			"otherwise seconds since the newest ingested event happened at the mall. Absent for a mall that never connected nor sent anything.", []string{"mall"}, nil)
	behindDesc = prometheus.NewDesc("ektamall_hub_mall_events_behind",
		"Events of the mall not yet ingested at the hub: not yet mirrored (as last seen by the mirror) plus mirrored and waiting for ingest.", []string{"mall"}, nil)
	lastEventDesc = prometheus.NewDesc("ektamall_hub_mall_last_event_timestamp_seconds",
		"When the newest ingested event of the mall happened at the mall (Unix time).", []string{"mall"}, nil)
	connectedDesc = prometheus.NewDesc("ektamall_hub_mall_connected",
		"1 when the hub heard from the mall's stream in the last few seconds.", []string{"mall"}, nil)
	lagErrDesc = prometheus.NewDesc("ektamall_hub_mall_status_errors", "1 when reading the malls' sync status failed on this scrape.", nil, nil)
)

func (c mallLagCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{lagDesc, behindDesc, lastEventDesc, connectedDesc, lagErrDesc} {
		ch <- d
	}
}

func (c mallLagCollector) Collect(ch chan<- prometheus.Metric) {
	svc := c.h.sync.svc
	if svc == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	malls, err := svc.Malls(ctx)
	if err != nil {
		ch <- prometheus.MustNewConstMetric(lagErrDesc, prometheus.GaugeValue, 1)
		return
	}
	now := time.Now()
	for _, m := range malls {
		behind := m.Lag + m.IngestPending
		ch <- prometheus.MustNewConstMetric(behindDesc, prometheus.GaugeValue, float64(behind), m.ID)
		ch <- prometheus.MustNewConstMetric(connectedDesc, prometheus.GaugeValue, b2f(m.Connected), m.ID)
		if m.LastEventAt != nil {
			ch <- prometheus.MustNewConstMetric(lastEventDesc, prometheus.GaugeValue, float64(m.LastEventAt.UnixNano())/1e9, m.ID)
		}
		switch {
		case m.Connected && behind == 0:
			ch <- prometheus.MustNewConstMetric(lagDesc, prometheus.GaugeValue, 0, m.ID)
		case m.LastEventAt != nil:
			ch <- prometheus.MustNewConstMetric(lagDesc, prometheus.GaugeValue, max(0, now.Sub(*m.LastEventAt).Seconds()), m.ID)
		}
	}
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// ready answers /readyz: the database takes a write lock within two
// seconds, and NATS with JetStream runs.
func (h *Hub) ready(ctx context.Context) httpx.Readiness {
	r := httpx.Readiness{Ready: true, Checks: map[string]string{}}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if err := h.Store.Transact(ctx, func(sqldb.Tx) error { return nil }); err != nil {
		r.Ready, r.Checks["database"] = false, "not writable: "+err.Error()
	} else {
		r.Checks["database"] = "writable"
	}
	if h.NATS == nil || !h.NATS.Inner().Running() || !h.NATS.Inner().JetStreamEnabled() {
		r.Ready, r.Checks["nats"] = false, "embedded NATS with JetStream is not running"
	} else {
		r.Checks["nats"] = "running with JetStream"
	}
	return r
}
