package producer

import (
	"context"
	"fmt"
	"time"

	"ektamall/hub/ledger"
	"ektamall/shared/money"
)

// MallStock is one product's stock at one mall, as the hub knows it.
type MallStock struct {
	Mall     string `json:"mall"`
	Shelf    int64  `json:"shelf"`
	Backroom int64  `json:"backroom"`
	Transit  int64  `json:"in_transit"`
	Damaged  int64  `json:"damaged"`
}

// Product is one of the producer's products with its stock by mall.
type Product struct {
	SKU    string       `json:"sku"`
	Name   string       `json:"name"`
	MRP    money.Amount `json:"mrp"`
	GI     bool         `json:"gi"`
	Active bool         `json:"active"`
	Malls  []MallStock  `json:"malls"`
}

// Stock lists the producer's products with what each mall holds.
func (s *Service) Stock(ctx context.Context, producerID string) ([]Product, error) {
	if err := s.catchUp(ctx); err != nil {
		return nil, err
	}
	rows, err := s.db.Reader().QueryContext(ctx, `SELECT p.sku, p.name, p.mrp_paise, p.gi, p.active, COALESCE(h.mall, ''),
			COALESCE(SUM(CASE WHEN h.location = 'shelf' THEN h.qty END), 0), COALESCE(SUM(CASE WHEN h.location = 'backroom' THEN h.qty END), 0),
			COALESCE(SUM(CASE WHEN h.location = 'transit' THEN h.qty END), 0), COALESCE(SUM(CASE WHEN h.location = 'damaged' THEN h.qty END), 0)
		FROM products p LEFT JOIN hub_stock h ON h.sku = p.sku
		WHERE p.producer_id = ? GROUP BY p.sku, p.name, p.mrp_paise, p.gi, p.active, h.mall ORDER BY p.sku, h.mall`, producerID)
	if err != nil {
		return nil, fmt.Errorf("producer stock: %w", err)
	}
	defer rows.Close()
	out := []Product{}
	for rows.Next() {
		var p Product
		var m MallStock
		var mrp int64
		if err := rows.Scan(&p.SKU, &p.Name, &mrp, &p.GI, &p.Active, &m.Mall, &m.Shelf, &m.Backroom, &m.Transit, &m.Damaged); err != nil {
			return nil, err
		}
		if n := len(out); n == 0 || out[n-1].SKU != p.SKU {
			p.MRP, p.Malls = money.FromPaise(mrp), []MallStock{}
			out = append(out, p)
		}
		if m.Mall != "" {
			last := &out[len(out)-1]
			last.Malls = append(last.Malls, m)
		}
	}
	return out, rows.Err()
}

// SaleLine is one sale or return of the producer's goods as booked at the
// hub; a return's quantity and amounts are negative. A damage write-off is
// a line too: its value at the MRP (Amount, no tax), and what the mall
// owes for it when the mall bears it (Share).
type SaleLine struct {
	Kind          string       `json:"kind"` // sale, return, damage
	Mall          string       `json:"mall"`
	At            time.Time    `json:"at"`
	IngestedAt    time.Time    `json:"ingested_at"`
	Document      string       `json:"document"` // invoice or credit note number
	InvoiceNo     string       `json:"invoice_no"`
	SKU           string       `json:"sku"`
	Item          string       `json:"item"`
	Qty           int64        `json:"qty"`
	UnitPrice     money.Amount `json:"unit_price"`
	Amount        money.Amount `json:"amount"`
	Tax           money.Amount `json:"tax"`
	Commission    money.Amount `json:"commission"`
	CommissionGST money.Amount `json:"commission_gst"`
	Share         money.Amount `json:"share"` // what the producer is owed for it
	Voided        bool         `json:"voided,omitempty"`
	// BorneBy is a damage's: "mall" (the mall pays the producer their
	// share, Share) or "producer" (their loss: Share is 0).
	BorneBy string `json:"borne_by,omitempty"`
}

// MaxLines bounds one answer of Sales.
const MaxLines = 5000

// Sales lists the producer's sale and return lines booked in [from, to)
// by their business time, newest first.
func (s *Service) Sales(ctx context.Context, producerID string, from, to time.Time) ([]SaleLine, error) {
	rows, err := s.db.Reader().QueryContext(ctx, `SELECT kind, mall, at, ingested_at, doc, invoice_no, sku, item, qty, unit_price, amount, tax,
			commission, commission_gst, net, voided, borne_by FROM (
		SELECT 'sale' AS kind, l.mall, l.at, l.ingested_at, l.invoice_no AS doc, l.invoice_no, l.sku, COALESCE(pd.name, l.sku) AS item, l.qty,
			l.unit_price, l.amount, l.cgst + l.sgst + l.igst AS tax, l.commission, l.commission_gst, l.producer_net AS net,
			CASE WHEN v.sale_id IS NULL THEN 0 ELSE 1 END AS voided, '' AS borne_by
		FROM hub_sale_lines l LEFT JOIN products pd ON pd.sku = l.sku
		LEFT JOIN hub_voids v ON v.mall = l.mall AND v.sale_id = l.sale_id
		WHERE l.producer_id = ? AND l.at >= ? AND l.at < ?
		UNION ALL
		SELECT 'return', r.mall, r.at, r.ingested_at, h.credit_note_no, l.invoice_no, l.sku, COALESCE(pd.name, l.sku), -r.qty,
			l.unit_price, -r.amount, -(r.cgst + r.sgst + r.igst), -r.commission, -r.commission_gst, -r.producer_net, 0, ''
		FROM hub_return_lines r JOIN hub_returns h ON h.mall = r.mall AND h.return_id = r.return_id
		JOIN hub_sale_lines l ON l.mall = r.mall AND l.sale_id = r.sale_id AND l.line_no = r.sale_line_no
		LEFT JOIN products pd ON pd.sku = l.sku
		WHERE r.producer_id = ? AND r.at >= ? AND r.at < ?
		UNION ALL
		SELECT 'damage', d.mall, d.at, d.ingested_at, d.ref, '', d.sku, COALESCE(pd.name, d.sku), d.qty, 0, d.value, 0,
			CASE WHEN d.borne_by = 'mall' THEN d.commission ELSE 0 END, 0, d.producer_net, 0, d.borne_by
		FROM hub_damage d LEFT JOIN products pd ON pd.sku = d.sku
		WHERE d.producer_id = ? AND d.at >= ? AND d.at < ?) AS x
		ORDER BY at DESC, doc LIMIT ?`, producerID, ledger.TS(from), ledger.TS(to), producerID, ledger.TS(from), ledger.TS(to),
		producerID, ledger.TS(from), ledger.TS(to), MaxLines)
	if err != nil {
		return nil, fmt.Errorf("producer sales: %w", err)
	}
	defer rows.Close()
	out := []SaleLine{}
	for rows.Next() {
		var l SaleLine
		var at, ing string
		var up, amt, tax, comm, cg, net int64
		if err := rows.Scan(&l.Kind, &l.Mall, &at, &ing, &l.Document, &l.InvoiceNo, &l.SKU, &l.Item, &l.Qty, &up, &amt, &tax, &comm, &cg, &net,
			&l.Voided, &l.BorneBy); err != nil {
			return nil, err
		}
		l.At, _ = ledger.ParseTS(at)
		l.IngestedAt, _ = ledger.ParseTS(ing)
		l.UnitPrice, l.Amount, l.Tax = money.FromPaise(up), money.FromPaise(amt), money.FromPaise(tax)
		l.Commission, l.CommissionGST, l.Share = money.FromPaise(comm), money.FromPaise(cg), money.FromPaise(net)
		out = append(out, l)
	}
	return out, rows.Err()
}

// Move is one stock movement of the producer's goods at a mall: received,
// restocked, transferred, counted, written off as damaged, or handed back
// to them.
type Move struct {
	Mall string    `json:"mall"`
	At   time.Time `json:"at"`
	Kind string    `json:"kind"` // receipt, restock, transfer_out, transfer_in, adjustment, damage, producer_return
	SKU  string    `json:"sku"`
	Item string    `json:"item"`
	Qty  int64     `json:"qty"`
	From string    `json:"from"` // "" outside the mall (the producer, a count's correction)
	To   string    `json:"to"`
	Ref  string    `json:"ref"`
	Note string    `json:"note,omitempty"`
}

// Moves lists the stock moves of the producer's goods in [from, to),
// newest first.
func (s *Service) Moves(ctx context.Context, producerID string, from, to time.Time) ([]Move, error) {
	if err := s.catchUp(ctx); err != nil {
		return nil, err
	}
	rows, err := s.db.Reader().QueryContext(ctx, `SELECT m.mall, m.at, m.kind, m.sku, p.name, m.qty, m.from_loc, m.to_loc, m.ref, m.note
		FROM producer_moves m JOIN products p ON p.sku = m.sku
		WHERE p.producer_id = ? AND m.at >= ? AND m.at < ? ORDER BY m.at DESC, m.move_id LIMIT ?`,
		producerID, ledger.TS(from), ledger.TS(to), MaxLines)
	if err != nil {
		return nil, fmt.Errorf("producer moves: %w", err)
	}
	defer rows.Close()
	out := []Move{}
	for rows.Next() {
		var m Move
		var at string
		if err := rows.Scan(&m.Mall, &at, &m.Kind, &m.SKU, &m.Item, &m.Qty, &m.From, &m.To, &m.Ref, &m.Note); err != nil {
			return nil, err
		}
		m.At, _ = ledger.ParseTS(at)
		out = append(out, m)
	}
	return out, rows.Err()
}
