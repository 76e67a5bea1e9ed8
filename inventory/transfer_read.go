package inventory

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"ektamall/shared/auth"
	"ektamall/shared/errs"
	"ektamall/shared/gst"
	"ektamall/shared/text"
)

func readTransfer(ctx context.Context, q queryer, id string) (Transfer, error) {
	var t Transfer
	var sent string
	var recAt, recBy sql.NullString
	err := q.QueryRowContext(ctx, `SELECT id, direction, from_mall, to_mall, zone, status, note, sent_at, sent_by, received_at, received_by
		FROM transfers WHERE id = ?`, id).Scan(&t.ID, &t.Direction, &t.FromMall, &t.ToMall, &t.Zone, &t.Status, &t.Note, &sent, &t.SentBy, &recAt, &recBy)
	if errors.Is(err, sql.ErrNoRows) {
		return Transfer{}, errs.E(errs.NotFound, "no transfer %q", id)
	}
	if err != nil {
		return Transfer{}, fmt.Errorf("read transfer: %w", err)
	}
	t.SentAt, t.ReceivedAt, t.ReceivedBy = parseTime(sent), nullTime(recAt), recBy.String
	rows, err := q.QueryContext(ctx, `SELECT l.sku, p.name, l.qty_sent, l.qty_received FROM transfer_lines l JOIN products p ON p.sku = l.sku
		WHERE l.transfer_id = ? ORDER BY l.sku`, id)
	if err != nil {
		return Transfer{}, fmt.Errorf("read transfer lines: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var l TransferLine
		var rec sql.NullInt64
		if err := rows.Scan(&l.SKU, &l.Name, &l.Sent, &rec); err != nil {
			return Transfer{}, err
		}
		if rec.Valid {
			l.Received = &rec.Int64
			l.Short = l.Sent - rec.Int64
			t.Shortage += l.Short
		}
		t.Lines = append(t.Lines, l)
	}
	if err := rows.Err(); err != nil {
		return Transfer{}, err
	}
	rows.Close()
	if t.Direction == "out" {
		if err := readDocument(ctx, q, &t); err != nil {
			return Transfer{}, err
		}
	}
	return t, nil
}

// GetTransfer reads one transfer of a zone the actor manages.
func (s *Service) GetTransfer(ctx context.Context, a Actor, id string) (Transfer, error) {
	t, err := readTransfer(ctx, s.DB.R, id)
	if err != nil {
		return Transfer{}, err
	}
	if err := a.CanManage(t.Zone); err != nil {
		return Transfer{}, err
	}
	return t, nil
}

// Transfers lists a zone's transfers, newest first; direction "in",
// "out" or "" for both.
func (s *Service) Transfers(ctx context.Context, a Actor, zone, direction string) ([]Transfer, error) {
	if direction != "" && direction != "in" && direction != "out" {
		return nil, errs.Field("direction", "direction is \"in\", \"out\" or empty")
	}
	if err := checkZone(ctx, s.DB.R, a, zone, true); err != nil {
		return nil, err
	}
	rows, err := s.DB.R.QueryContext(ctx, `SELECT id FROM transfers WHERE zone = ? AND (? = '' OR direction = ?)
		ORDER BY sent_at DESC LIMIT 200`, zone, direction, direction)
	if err != nil {
		return nil, fmt.Errorf("list transfers: %w", err)
	}
	var idList []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		idList = append(idList, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := []Transfer{}
	for _, id := range idList {
		t, err := readTransfer(ctx, s.DB.R, id)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

// PeerMall is another mall this one may transfer stock to.
type PeerMall struct {
	ID    string `json:"id"`
	State string `json:"state"`
	Name  string `json:"name"`
	// GSTIN is the recipient on a transfer's tax invoice (optional).
	GSTIN string `json:"gstin,omitempty"`
}

// UpsertPeerMall adds or updates a partner mall inside tx (sync calls it
// with the hub's mall list; a mall admin may add one by hand).
func UpsertPeerMall(ctx context.Context, tx *sql.Tx, mallID string, p PeerMall) error {
	name, nerr := text.Clean("name", p.Name, text.Rule{Max: 200})
	p.Name = name
	switch {
	case nerr != nil:
		return nerr
	case !mallIDRE.MatchString(p.ID):
		return errs.Field("id", "mall id must be 2-8 of A-Z and 0-9, such as BLR1")
	case p.ID == mallID:
		return errs.Field("id", "%s is this mall", p.ID)
	case p.GSTIN != "" && gst.ValidGSTIN(p.GSTIN) != nil:
		return errs.Field("gstin", "%v", gst.ValidGSTIN(p.GSTIN))
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM states WHERE code = ?`, p.State).Scan(&n); err != nil {
		return fmt.Errorf("look up state: %w", err)
	}
	if n == 0 {
		return errs.Field("state", "unknown State/UT %q", p.State)
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO peer_malls (id, state, name, gstin, added_at) VALUES (?, ?, ?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
		ON CONFLICT (id) DO UPDATE SET state = excluded.state, name = excluded.name,
			gstin = CASE WHEN excluded.gstin = '' THEN peer_malls.gstin ELSE excluded.gstin END`, p.ID, p.State, p.Name, p.GSTIN)
	if err != nil {
		return fmt.Errorf("upsert peer mall: %w", err)
	}
	return nil
}

// PeerMalls lists the malls this one may transfer to.
func (s *Service) PeerMalls(ctx context.Context) ([]PeerMall, error) {
	rows, err := s.DB.R.QueryContext(ctx, `SELECT id, state, name, gstin FROM peer_malls ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("list peer malls: %w", err)
	}
	defer rows.Close()
	out := []PeerMall{}
	for rows.Next() {
		var p PeerMall
		if err := rows.Scan(&p.ID, &p.State, &p.Name, &p.GSTIN); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// AddPeerMall is UpsertPeerMall in its own transaction, for a mall admin.
func (s *Service) AddPeerMall(ctx context.Context, a Actor, p PeerMall) (PeerMall, error) {
	if a.Role != auth.MallAdmin {
		return PeerMall{}, errs.E(errs.Forbidden, "only a mall admin adds partner malls")
	}
	err := s.DB.Transact(ctx, func(tx *sql.Tx) error { return UpsertPeerMall(ctx, tx, s.MallID, p) })
	return p, err
}
