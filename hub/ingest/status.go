package ingest

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"ektamall/shared/syncwire"
)

// MallStatus is one mall as finance sees its sync.
type MallStatus struct {
	ID          string `json:"id"`
	State       string `json:"state"`
	Name        string `json:"name"`
	Provisioned bool   `json:"provisioned"` // has leaf credentials
	Watermark   int64  `json:"watermark"`   // every event up to here is at the hub
	Highest     int64  `json:"highest"`     // highest sequence received; > watermark while a gap is being re-sent
	Events      int64  `json:"events"`
	Parked      int64  `json:"parked"`
	// LastEventAt is when the newest ingested event happened at the mall;
	// LastIngestAt when the hub last ingested one.
	LastEventAt  *time.Time `json:"last_event_at"`
	LastIngestAt *time.Time `json:"last_ingest_at"`
	Connected    bool       `json:"connected"` // the mirror heard from the mall in the last few seconds
	// Lag is the mall's events not yet copied to the hub, as last seen by
	// the mirror; IngestPending those copied but not yet ingested.
	Lag           uint64 `json:"lag"`
	IngestPending uint64 `json:"ingest_pending"`
	MirrorError   string `json:"mirror_error,omitempty"`
}

// connectedWithin: the mirror's consumer heartbeats every second.
const connectedWithin = 5 * time.Second

// Malls reports every registered mall.
func (s *Service) Malls(ctx context.Context) ([]MallStatus, error) {
	rows, err := s.cfg.DB.Reader().QueryContext(ctx, `SELECT m.id, m.state, m.name, k.nkey IS NOT NULL,
		COALESCE(ms.watermark, 0), COALESCE(ms.highest, 0), COALESCE(ms.events, 0), COALESCE(ms.parked, 0),
		COALESCE(ms.last_event_at, ''), COALESCE(ms.last_ingest_at, '')
		FROM malls m LEFT JOIN mall_keys k ON k.mall_id = m.id LEFT JOIN mall_sync ms ON ms.mall_id = m.id ORDER BY m.id`)
	if err != nil {
		return nil, fmt.Errorf("malls: %w", err)
	}
	out := []MallStatus{}
	for rows.Next() {
		var m MallStatus
		var lastEv, lastIn string
		if err := rows.Scan(&m.ID, &m.State, &m.Name, &m.Provisioned, &m.Watermark, &m.Highest, &m.Events, &m.Parked, &lastEv, &lastIn); err != nil {
			rows.Close()
			return nil, err
		}
		m.LastEventAt, m.LastIngestAt = parseTime(lastEv), parseTime(lastIn)
		out = append(out, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		s.linkStatus(ctx, &out[i])
	}
	return out, nil
}

func (s *Service) linkStatus(ctx context.Context, m *MallStatus) {
	st, err := s.js.Stream(ctx, syncwire.HubMallStream(m.ID))
	if err != nil {
		return
	}
	info := st.CachedInfo()
	if mi := info.Mirror; mi != nil {
		m.Connected = mi.Active >= 0 && mi.Active < connectedWithin
		m.Lag = mi.Lag
		if mi.Error != nil {
			m.MirrorError = mi.Error.Error()
		}
	}
	if c, err := st.Consumer(ctx, ingestConsumer); err == nil {
		m.IngestPending = c.CachedInfo().NumPending + uint64(c.CachedInfo().NumAckPending)
	}
}

func parseTime(s string) *time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return nil
	}
	return &t
}

// Parked is an event the hub could not apply.
type Parked struct {
	ID       int64           `json:"id"`
	Mall     string          `json:"mall"`
	Seq      *int64          `json:"seq"`
	EventID  string          `json:"event_id"`
	Type     string          `json:"type"`
	Code     string          `json:"code"`
	Reason   string          `json:"reason"`
	ParkedAt time.Time       `json:"parked_at"`
	Payload  json.RawMessage `json:"payload"` // the event as received
}

// ParkedEvents lists parked events, newest first, optionally of one mall.
func (s *Service) ParkedEvents(ctx context.Context, mall string, limit int) ([]Parked, error) {
	if limit <= 0 || limit > 1000 {
		limit = 200
	}
	rows, err := s.cfg.DB.Reader().QueryContext(ctx, `SELECT id, mall_id, seq, event_id, type, code, reason, parked_at, payload FROM parked_events
		WHERE (? = '' OR mall_id = ?) ORDER BY id DESC LIMIT ?`, mall, mall, limit)
	if err != nil {
		return nil, fmt.Errorf("parked: %w", err)
	}
	defer rows.Close()
	out := []Parked{}
	for rows.Next() {
		var p Parked
		var at string
		if err := rows.Scan(&p.ID, &p.Mall, &p.Seq, &p.EventID, &p.Type, &p.Code, &p.Reason, &at, &p.Payload); err != nil {
			return nil, err
		}
		if !json.Valid(p.Payload) {
			p.Payload, _ = json.Marshal(string(p.Payload))
		}
		if t := parseTime(at); t != nil {
			p.ParkedAt = *t
		}
		out = append(out, p)
	}
	return out, rows.Err()
}
