package inventory

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"ektamall/shared/errs"
	"ektamall/shared/ids"
	"ektamall/shared/money"
	"ektamall/shared/text"
)

// GRN is a goods received note: a consignment from one district producer
// received into a zone's backroom.
type GRN struct {
	ID           string       `json:"id"`
	No           string       `json:"no"`
	Zone         string       `json:"zone"`
	ProducerID   string       `json:"producer_id"`
	ProducerName string       `json:"producer_name"`
	District     string       `json:"district"`
	ProducerRef  string       `json:"producer_ref,omitempty"`
	Source       string       `json:"source"` // api or csv
	Note         string       `json:"note,omitempty"`
	ReceivedAt   time.Time    `json:"received_at"`
	ReceivedBy   string       `json:"received_by"`
	Lines        []GRNLine    `json:"lines"`
	TotalQty     int64        `json:"total_qty"`
	TotalValue   money.Amount `json:"total_value"`      // at MRP on the day of receipt
	Replay       bool         `json:"replay,omitempty"` // an earlier request with this Idempotency-Key made it
}

// GRNLine is one received line.
type GRNLine struct {
	LineNo int          `json:"line_no"`
	SKU    string       `json:"sku"`
	Name   string       `json:"name"`
	Qty    int64        `json:"qty"`
	MRP    money.Amount `json:"mrp"`
	Value  money.Amount `json:"value"`
}

// ReceiptInput is a consignment as the zone manager enters it.
type ReceiptInput struct {
	ProducerID  string `json:"producer_id"`
	ProducerRef string `json:"producer_ref,omitempty"` // the producer's challan/invoice no.
	Note        string `json:"note,omitempty"`
	Lines       []Line `json:"lines"`
}

type producerInfo struct {
	ID, Name, State, District string
}

// checkProducer refuses an unknown producer and one from another state:
// a zone is stocked only by its own state's district producers.
func checkProducer(ctx context.Context, q queryer, id, zone string) (producerInfo, error) {
	var p producerInfo
	err := q.QueryRowContext(ctx, `SELECT p.id, p.name, p.state, d.name FROM producers p JOIN districts d ON d.id = p.district_id WHERE p.id = ?`, id).
		Scan(&p.ID, &p.Name, &p.State, &p.District)
	if errors.Is(err, sql.ErrNoRows) {
		return producerInfo{}, errs.Field("producer_id", "unknown producer %q", id)
	}
	if err != nil {
		return producerInfo{}, fmt.Errorf("look up producer: %w", err)
	}
	if p.State != zone {
		return producerInfo{}, errs.Field("producer_id", "producer %s is from %s; zone %s receives only from its own state's producers", id, p.State, zone)
	}
	return p, nil
}

// checkText cleans a free-text field in place with the one validator:
// plain text (no control characters or bidirectional overrides), trimmed,
// at most maxLen characters. Notes may span lines; references may not.
func checkText(field string, v *string, maxLen int) error {
	s, err := text.Clean(field, *v, text.Rule{Max: maxLen, Multiline: field == "note"})
	*v = s
	return err
}

// Receive records a consignment into the zone's backroom as a GRN.
func (s *Service) Receive(ctx context.Context, a Actor, zone string, in ReceiptInput) (GRN, error) {
	if err := errors.Join(checkText("producer_ref", &in.ProducerRef, 64), checkText("note", &in.Note, 500)); err != nil {
		return GRN{}, err
	}
	var g GRN
	var replay string
	ik := a.request("receipt", []any{"receipt", zone, in})
	err := s.DB.Transact(ctx, func(tx *sql.Tx) (err error) {
		if err := checkZone(ctx, tx, a, zone, true); err != nil {
			return err
		}
		if replay, err = ik.Replay(ctx, tx); err != nil || replay != "" {
			return err
		}
		prod, err := checkProducer(ctx, tx, in.ProducerID, zone)
		if err != nil {
			return err
		}
		ps, err := zoneLines(ctx, tx, a, zone, in.Lines, true)
		if err != nil {
			return err
		}
		for i, p := range ps {
			if p.ProducerID != prod.ID {
				return errs.Field(fmt.Sprintf("lines[%d].sku", i), "line %d: SKU %s is made by %s, not %s; receive it on that producer's note", i+1, p.SKU, p.ProducerID, prod.ID)
			}
		}
		if g, err = s.writeGRN(ctx, tx, a, zone, prod, in, ps, "api", nil); err != nil {
			return err
		}
		return ik.Remember(ctx, tx, g.ID, g.ReceivedAt)
	})
	return s.orReplay(ctx, a, g, replay, err)
}

// orReplay answers a replayed request with the GRN the first one made.
func (s *Service) orReplay(ctx context.Context, a Actor, g GRN, replay string, err error) (GRN, error) {
	if err != nil || replay == "" {
		return g, err
	}
	g, err = s.GetGRN(ctx, a, replay)
	g.Replay = true
	return g, err
}

// writeGRN writes the note, its lines and one receipt move per line
// (outside → backroom, with its stock.moved event). Lines are valid.
func (s *Service) writeGRN(ctx context.Context, tx *sql.Tx, a Actor, zone string, prod producerInfo, in ReceiptInput, ps []product, source string, progress func(done, total int)) (GRN, error) {
	var n int64
	if err := tx.QueryRowContext(ctx, `SELECT count(*) + 1 FROM grns`).Scan(&n); err != nil {
		return GRN{}, fmt.Errorf("next grn no: %w", err)
	}
	now := s.now()
	g := GRN{ID: ids.New(), No: fmt.Sprintf("GRN-%s-%06d", s.MallID, n), Zone: zone, ProducerID: prod.ID, ProducerName: prod.Name,
		District: prod.District, ProducerRef: in.ProducerRef, Source: source, Note: in.Note, ReceivedAt: now, ReceivedBy: a.ID,
		TotalValue: money.Zero}
	if _, err := tx.ExecContext(ctx, `INSERT INTO grns (id, no, zone, producer_id, producer_ref, source, note, received_at, received_by)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, g.ID, g.No, zone, prod.ID, in.ProducerRef, source, in.Note, formatTime(now), a.ID); err != nil {
		return GRN{}, fmt.Errorf("insert grn: %w", err)
	}
	step := max(len(in.Lines)/100, 1)
	for i, l := range in.Lines {
		p := ps[i]
		if _, err := tx.ExecContext(ctx, `INSERT INTO grn_lines (grn_id, line_no, sku, qty, mrp_paise) VALUES (?, ?, ?, ?, ?)`,
			g.ID, i+1, p.SKU, l.Qty, p.MRPPaise); err != nil {
			return GRN{}, fmt.Errorf("insert grn line %d: %w", i+1, err)
		}
		if _, err := Apply(ctx, tx, s.MallID, Move{Kind: KindReceipt, SKU: p.SKU, Zone: zone, Qty: l.Qty, To: Backroom,
			Ref: g.No, UserID: a.ID, Note: "from " + prod.ID, At: now}, true); err != nil {
			return GRN{}, err
		}
		mrp := money.FromPaise(p.MRPPaise)
		ln := GRNLine{LineNo: i + 1, SKU: p.SKU, Name: p.Name, Qty: l.Qty, MRP: mrp, Value: mrp.MulInt(l.Qty)}
		g.Lines = append(g.Lines, ln)
		g.TotalQty += l.Qty
		g.TotalValue = g.TotalValue.Add(ln.Value)
		if progress != nil && ((i+1)%step == 0 || i+1 == len(in.Lines)) {
			progress(i+1, len(in.Lines))
		}
	}
	return g, nil
}

// GetGRN reads one note with its lines.
func (s *Service) GetGRN(ctx context.Context, a Actor, id string) (GRN, error) {
	var g GRN
	var at string
	err := s.DB.R.QueryRowContext(ctx, `SELECT g.id, g.no, g.zone, g.producer_id, p.name, d.name, g.producer_ref, g.source, g.note, g.received_at, g.received_by
		FROM grns g JOIN producers p ON p.id = g.producer_id JOIN districts d ON d.id = p.district_id WHERE g.id = ? OR g.no = ?`, id, id).
		Scan(&g.ID, &g.No, &g.Zone, &g.ProducerID, &g.ProducerName, &g.District, &g.ProducerRef, &g.Source, &g.Note, &at, &g.ReceivedBy)
	if errors.Is(err, sql.ErrNoRows) {
		return GRN{}, errs.E(errs.NotFound, "no goods received note %q", id)
	}
	if err != nil {
		return GRN{}, fmt.Errorf("read grn: %w", err)
	}
	if err := a.CanManage(g.Zone); err != nil {
		return GRN{}, err
	}
	g.ReceivedAt = parseTime(at)
	rows, err := s.DB.R.QueryContext(ctx, `SELECT l.line_no, l.sku, p.name, l.qty, l.mrp_paise FROM grn_lines l JOIN products p ON p.sku = l.sku
		WHERE l.grn_id = ? ORDER BY l.line_no`, g.ID)
	if err != nil {
		return GRN{}, fmt.Errorf("read grn lines: %w", err)
	}
	defer rows.Close()
	g.TotalValue = money.Zero
	for rows.Next() {
		var l GRNLine
		var mrp int64
		if err := rows.Scan(&l.LineNo, &l.SKU, &l.Name, &l.Qty, &mrp); err != nil {
			return GRN{}, err
		}
		l.MRP = money.FromPaise(mrp)
		l.Value = l.MRP.MulInt(l.Qty)
		g.Lines = append(g.Lines, l)
		g.TotalQty += l.Qty
		g.TotalValue = g.TotalValue.Add(l.Value)
	}
	return g, rows.Err()
}

// GRNSummary is a GRN in a list.
type GRNSummary struct {
	ID         string    `json:"id"`
	No         string    `json:"no"`
	ProducerID string    `json:"producer_id"`
	Source     string    `json:"source"`
	ReceivedAt time.Time `json:"received_at"`
	ReceivedBy string    `json:"received_by"`
	Lines      int64     `json:"lines"`
	TotalQty   int64     `json:"total_qty"`
}

// GRNs lists the zone's notes, newest first (at most 500).
func (s *Service) GRNs(ctx context.Context, a Actor, zone string) ([]GRNSummary, error) {
	if err := checkZone(ctx, s.DB.R, a, zone, true); err != nil {
		return nil, err
	}
	rows, err := s.DB.R.QueryContext(ctx, `SELECT g.id, g.no, g.producer_id, g.source, g.received_at, g.received_by, count(*), SUM(l.qty)
		FROM grns g JOIN grn_lines l ON l.grn_id = g.id WHERE g.zone = ? GROUP BY g.id ORDER BY g.received_at DESC LIMIT 500`, zone)
	if err != nil {
		return nil, fmt.Errorf("list grns: %w", err)
	}
	defer rows.Close()
	out := []GRNSummary{}
	for rows.Next() {
		var g GRNSummary
		var at string
		if err := rows.Scan(&g.ID, &g.No, &g.ProducerID, &g.Source, &at, &g.ReceivedBy, &g.Lines, &g.TotalQty); err != nil {
			return nil, err
		}
		g.ReceivedAt = parseTime(at)
		out = append(out, g)
	}
	return out, rows.Err()
}
