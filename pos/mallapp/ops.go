package mallapp

import (
	"context"
	"database/sql"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/prometheus/client_golang/prometheus"

	"ektamall/shared/httpx"
	"ektamall/shared/metrics"
)

// newMetrics builds the mall's registry: HTTP metrics come from the edge;
// business figures are read from the database at scrape time.
func (m *Mall) newMetrics() (*prometheus.Registry, error) {
	reg := metrics.NewRegistry()
	qs := append([]metrics.Query{
		{Name: "ektamall_outbox_last_seq", Help: "Sequence number of the newest event in the mall's outbox.",
			Type: prometheus.CounterValue, SQL: `SELECT COALESCE(MAX(seq), 0) FROM outbox`},
		{Name: "ektamall_sync_hub_watermark", Help: "Highest contiguous sequence the hub has confirmed.",
			Type: prometheus.GaugeValue, SQL: `SELECT hub_watermark FROM sync_state WHERE id = 1`},
		{Name: "ektamall_outbox_pending", Help: "Events written at the mall and not yet confirmed by the hub.",
			Type: prometheus.GaugeValue, SQL: `SELECT count(*) FROM outbox WHERE seq > (SELECT hub_watermark FROM sync_state WHERE id = 1)`},
	}, salesQueries...)
	err := metrics.RegisterQueries(reg, m.DB.R, qs...)
	if err == nil {
		err = metrics.RegisterHealth(reg, metrics.Health{DBPath: m.DB.Path, Writer: m.DB.W, NATS: func() *server.Server {
			if m.NATS == nil {
				return nil
			}
			return m.NATS.Inner()
		}})
	}
	return reg, err
}

// salesQueries count checkouts and returns from the invoices themselves.
// Amounts are rupees (paise / 100): Prometheus values are floats anyway,
// and dashboards show rupees. A cancelled invoice still counts as a
// checkout (it happened); its cancellation is its own counter. The mall
// label is the mall's id, so sums across malls need no relabelling.
var salesQueries = []metrics.Query{
	{Name: "ektamall_pos_checkouts_total", Help: "Sales checked out at the mall (invoices issued).", Type: prometheus.CounterValue,
		Labels: []string{"mall"}, SQL: `SELECT (SELECT id FROM mall), count(*) FROM sales`},
	{Name: "ektamall_pos_checkout_rupees_total", Help: "Invoice totals of the sales checked out, in rupees.", Type: prometheus.CounterValue,
		Labels: []string{"mall"}, SQL: `SELECT (SELECT id FROM mall), COALESCE(SUM(total_paise), 0) / 100.0 FROM sales`},
	{Name: "ektamall_pos_tender_rupees_total", Help: "Amounts tendered at checkout by payment method, in rupees (before change).", Type: prometheus.CounterValue,
		Labels: []string{"mall", "method"}, SQL: `SELECT (SELECT id FROM mall), m.method, COALESCE((SELECT SUM(amount_paise) FROM sale_tenders t WHERE t.method = m.method), 0) / 100.0
			FROM (SELECT 'cash' AS method UNION ALL SELECT 'upi' UNION ALL SELECT 'card') m`},
	{Name: "ektamall_pos_cancellations_total", Help: "Invoices cancelled (voided) by a mall admin.", Type: prometheus.CounterValue,
		Labels: []string{"mall"}, SQL: `SELECT (SELECT id FROM mall), count(*) FROM sales WHERE status = 'cancelled'`},
	{Name: "ektamall_pos_returns_total", Help: "Credit notes issued for returned goods.", Type: prometheus.CounterValue,
		Labels: []string{"mall"}, SQL: `SELECT (SELECT id FROM mall), count(*) FROM returns`},
	{Name: "ektamall_pos_return_rupees_total", Help: "Credit note totals, in rupees.", Type: prometheus.CounterValue,
		Labels: []string{"mall"}, SQL: `SELECT (SELECT id FROM mall), COALESCE(SUM(total_paise), 0) / 100.0 FROM returns`},
}

// ready answers /readyz: the database takes a write lock within two
// seconds, and NATS runs. A mall cut off from the hub is still ready (it
// sells offline), and says so.
func (m *Mall) ready(ctx context.Context) httpx.Readiness {
	r := httpx.Readiness{Ready: true, Checks: map[string]string{}}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if err := m.DB.Transact(ctx, func(*sql.Tx) error { return nil }); err != nil {
		r.Ready, r.Checks["database"] = false, "not writable: "+err.Error()
	} else {
		r.Checks["database"] = "writable"
	}
	switch {
	case m.NATS == nil || !m.NATS.Inner().Running():
		r.Ready, r.Checks["nats"] = false, "embedded NATS is not running"
	case m.cfg.Hub == "":
		r.Checks["nats"] = "running; no hub configured (stand-alone)"
	case m.NATS.LeafConnected():
		r.Checks["nats"] = "connected to the hub"
	default:
		r.Checks["nats"] = "selling offline: the hub is unreachable; events queue in the outbox"
	}
	return r
}
