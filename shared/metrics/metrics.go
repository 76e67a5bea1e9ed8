// Package metrics builds each process's Prometheus registry. Business
// figures (outbox pending, watermarks, sales) are read from SQLite at scrape
// time rather than counted in memory: the database is the source of truth,
// so the numbers survive restarts and can never drift from it.
package metrics

import (
	"context"
	"database/sql"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// NewRegistry returns a registry with Go runtime and process metrics.
func NewRegistry() *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return reg
}

// Query is one figure read from SQL. The query returns rows whose last
// column is the value and whose leading columns are the label values, in
// the order of Labels.
type Query struct {
	Name   string
	Help   string
	Type   prometheus.ValueType // GaugeValue or CounterValue (monotonic in the database)
	Labels []string
	SQL    string
}

// dbCollector runs its queries on every scrape.
type dbCollector struct {
	db      *sql.DB
	queries []Query
	descs   []*prometheus.Desc
	errDesc *prometheus.Desc
}

// RegisterQueries adds SQL-backed metrics to reg. A failing query is
// reported as ektamall_metrics_query_errors for its metric name rather than
// failing the whole scrape.
func RegisterQueries(reg *prometheus.Registry, db *sql.DB, qs ...Query) error {
	c := &dbCollector{db: db, queries: qs,
		errDesc: prometheus.NewDesc("ektamall_metrics_query_errors", "1 when the query behind a metric failed on this scrape.", []string{"metric"}, nil)}
	for _, q := range qs {
		c.descs = append(c.descs, prometheus.NewDesc(q.Name, q.Help, q.Labels, nil))
	}
	return reg.Register(c)
}

func (c *dbCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range c.descs {
		ch <- d
	}
	ch <- c.errDesc
}

func (c *dbCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	for i, q := range c.queries {
		if err := c.collect(ctx, ch, c.descs[i], q); err != nil {
			ch <- prometheus.MustNewConstMetric(c.errDesc, prometheus.GaugeValue, 1, q.Name)
		}
	}
}

func (c *dbCollector) collect(ctx context.Context, ch chan<- prometheus.Metric, d *prometheus.Desc, q Query) error {
	rows, err := c.db.QueryContext(ctx, q.SQL)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		labels := make([]string, len(q.Labels))
		dest := make([]any, 0, len(labels)+1)
		for i := range labels {
			dest = append(dest, &labels[i])
		}
		var v float64
		dest = append(dest, &v)
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		ch <- prometheus.MustNewConstMetric(d, q.Type, v, labels...)
	}
	return rows.Err()
}
