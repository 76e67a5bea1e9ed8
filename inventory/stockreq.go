package inventory

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"ektamall/shared/auth"
	"ektamall/shared/errs"
	"ektamall/shared/ids"
	"ektamall/shared/text"
)

// A damage write-off and a return of consignment to its producer need a
// mall admin's approval and a reason (issue 20 item 5). The zone manager
// asks (a StockRequest, pending); nothing moves, so nothing syncs, until
// a mall admin approves: on /manage, or by typing their credentials on the
// zone manager's screen (auth.VerifyApprover, as the till's discount
// approvals). The approval makes the movement in the same transaction as
// it marks the request approved, and both are audited.

// StockRequest is a write-off or a return to the producer awaiting, or
// past, a mall admin's decision.
type StockRequest struct {
	ID          string     `json:"id"`
	Kind        Kind       `json:"kind"` // damage, producer_return
	Zone        string     `json:"zone"`
	From        Location   `json:"from"`
	Reason      string     `json:"reason"`
	Cause       string     `json:"cause,omitempty"`       // damage: in_store, on_arrival
	ProducerID  string     `json:"producer_id,omitempty"` // producer_return
	Lines       []Line     `json:"lines"`
	Status      string     `json:"status"` // pending, approved, rejected
	RequestedBy string     `json:"requested_by"`
	RequestedAt time.Time  `json:"requested_at"`
	DecidedBy   string     `json:"decided_by,omitempty"`
	DecidedAt   *time.Time `json:"decided_at,omitempty"`
	Note        string     `json:"note,omitempty"` // why it was rejected
	MovementID  string     `json:"movement_id,omitempty"`
	// Movement is the stock movement the approval made, when it was made
	// by this call.
	Movement *Movement `json:"movement,omitempty"`
	Replay   bool      `json:"replay,omitempty"`
}

// body is what a request stores of its input.
type requestBody struct {
	From       Location `json:"from"`
	Cause      string   `json:"cause,omitempty"`
	ProducerID string   `json:"producer_id,omitempty"`
	Lines      []Line   `json:"lines"`
}

// RequestDamage asks for a damage write-off. With approver (a mall admin
// who typed their credentials, or the caller if a mall admin) the
// write-off is made at once; else it waits for approval.
func (s *Service) RequestDamage(ctx context.Context, a Actor, zone string, in DamageInput, approver *auth.User) (StockRequest, error) {
	if err := in.check(); err != nil {
		return StockRequest{}, err
	}
	return s.request(ctx, a, KindDamage, zone, in.Reason, requestBody{From: in.From, Cause: in.Cause, Lines: in.Lines}, approver)
}

// RequestProducerReturn asks to hand consignment back to its producer; as
// RequestDamage.
func (s *Service) RequestProducerReturn(ctx context.Context, a Actor, zone string, in ProducerReturnInput, approver *auth.User) (StockRequest, error) {
	if err := in.check(ctx, s.DB.R); err != nil {
		return StockRequest{}, err
	}
	return s.request(ctx, a, KindProducerReturn, zone, in.Reason, requestBody{From: in.From, ProducerID: in.ProducerID, Lines: in.Lines}, approver)
}

func (s *Service) request(ctx context.Context, a Actor, kind Kind, zone, reason string, b requestBody, approver *auth.User) (StockRequest, error) {
	if approver == nil && a.Role == auth.MallAdmin {
		approver = &a.User
	}
	if approver != nil && approver.Role != auth.MallAdmin {
		return StockRequest{}, errs.E(errs.Forbidden, "only a mall admin can approve")
	}
	var out StockRequest
	var replay string
	ik := a.request("stock_request", []any{kind, zone, reason, b})
	err := s.DB.Transact(ctx, func(tx *sql.Tx) (err error) {
		if err := checkZone(ctx, tx, a, zone, true); err != nil {
			return err
		}
		if replay, err = ik.Replay(ctx, tx); err != nil || replay != "" {
			return err
		}
		ps, err := zoneLines(ctx, tx, a, zone, b.Lines, false) // refuse a bad line now, not at approval
		if err != nil {
			return err
		}
		for i, p := range ps {
			b.Lines[i].SKU = p.SKU
			if err := requireAvailable(ctx, tx, p.SKU, b.From, b.Lines[i].Qty, verbOf(kind)); err != nil {
				return err
			}
		}
		body, err := json.Marshal(b)
		if err != nil {
			return err
		}
		now := s.now()
		out = StockRequest{ID: ids.New(), Kind: kind, Zone: zone, From: b.From, Reason: reason, Cause: b.Cause, ProducerID: b.ProducerID,
			Lines: b.Lines, Status: "pending", RequestedBy: a.Username, RequestedAt: now}
		if _, err := tx.ExecContext(ctx, `INSERT INTO stock_requests (id, kind, zone, body, reason, requested_by, requested_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			out.ID, string(kind), zone, string(body), reason, a.ID, formatTime(now)); err != nil {
			return fmt.Errorf("insert stock request: %w", err)
		}
		if err := s.auditRequest(ctx, tx, a, now, "stock_request_made", out); err != nil {
			return err
		}
		if approver != nil {
			if err := s.approveIn(ctx, tx, a, *approver, &out, now); err != nil {
				return err
			}
		}
		return ik.Remember(ctx, tx, out.ID, now)
	})
	if err != nil || replay == "" {
		return out, err
	}
	out, err = s.StockRequest(ctx, a, replay)
	out.Replay = true
	return out, err
}

func verbOf(k Kind) string {
	if k == KindDamage {
		return "write off"
	}
	return "return to the producer"
}

// ApproveRequest approves a pending request as approver (a mall admin:
// the caller, or one who typed their credentials on the caller's screen)
// and makes its movement. A request that can no longer be made (the stock
// is not there any more) stays pending with the reason returned.
func (s *Service) ApproveRequest(ctx context.Context, a Actor, id string, approver auth.User) (StockRequest, error) {
	if approver.Role != auth.MallAdmin {
		return StockRequest{}, errs.E(errs.Forbidden, "only a mall admin can approve")
	}
	var out StockRequest
	err := s.DB.Transact(ctx, func(tx *sql.Tx) error {
		var err error
		if out, err = s.pending(ctx, tx, a, id); err != nil {
			return err
		}
		return s.approveIn(ctx, tx, a, approver, &out, s.now())
	})
	return out, err
}

// approveIn makes r's movement, as the one who asked for it, and marks r
// approved by approver.
func (s *Service) approveIn(ctx context.Context, tx *sql.Tx, a Actor, approver auth.User, r *StockRequest, now time.Time) error {
	mover := Actor{User: auth.User{Role: auth.ZoneManager, Zone: r.Zone}, RequestID: a.RequestID}
	if err := tx.QueryRowContext(ctx, `SELECT id, username FROM users WHERE id = (SELECT requested_by FROM stock_requests WHERE id = ?)`, r.ID).
		Scan(&mover.ID, &mover.Username); err != nil {
		return fmt.Errorf("stock request %s: %w", r.ID, err)
	}
	var m Movement
	var err error
	switch r.Kind {
	case KindDamage:
		m, err = s.moveIn(ctx, tx, mover, r.Zone, r.Lines, KindDamage, r.From, Damaged, r.Reason, r.Cause, "write off", now)
	case KindProducerReturn:
		in := ProducerReturnInput{ProducerID: r.ProducerID, Reason: r.Reason}
		m, err = s.moveIn(ctx, tx, mover, r.Zone, r.Lines, KindProducerReturn, r.From, Outside, in.note(), "", "return to the producer", now)
	}
	if err != nil {
		return err
	}
	m.Approver = approver.Username
	res, err := tx.ExecContext(ctx, `UPDATE stock_requests SET status = 'approved', decided_by = ?, decided_at = ?, movement_id = ?
		WHERE id = ? AND status = 'pending'`, approver.ID, formatTime(now), m.ID, r.ID)
	if err != nil {
		return fmt.Errorf("approve stock request: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return errs.E(errs.Conflict, "request %s was decided meanwhile", r.ID)
	}
	r.Status, r.DecidedBy, r.DecidedAt, r.MovementID, r.Movement = "approved", approver.Username, &now, m.ID, &m
	return s.auditRequest(ctx, tx, Actor{User: approver, RequestID: a.RequestID}, now, "stock_request_approved", *r)
}

// RejectRequest declines a pending request (a mall admin), with a reason.
func (s *Service) RejectRequest(ctx context.Context, a Actor, id, note string) (StockRequest, error) {
	if a.Role != auth.MallAdmin {
		return StockRequest{}, errs.E(errs.Forbidden, "only a mall admin can decline")
	}
	note, err := text.Clean("note", note, text.Rule{Max: 200, Required: true})
	if err != nil {
		return StockRequest{}, errs.Field("note", "say why in 1-200 characters of plain text")
	}
	var out StockRequest
	err = s.DB.Transact(ctx, func(tx *sql.Tx) error {
		var err error
		if out, err = s.pending(ctx, tx, a, id); err != nil {
			return err
		}
		now := s.now()
		if _, err := tx.ExecContext(ctx, `UPDATE stock_requests SET status = 'rejected', decided_by = ?, decided_at = ?, note = ? WHERE id = ?`,
			a.ID, formatTime(now), note, id); err != nil {
			return fmt.Errorf("reject stock request: %w", err)
		}
		out.Status, out.DecidedBy, out.DecidedAt, out.Note = "rejected", a.Username, &now, note
		return s.auditRequest(ctx, tx, a, now, "stock_request_rejected", out)
	})
	return out, err
}

func (s *Service) pending(ctx context.Context, tx *sql.Tx, a Actor, id string) (StockRequest, error) {
	r, err := readRequest(ctx, tx, id)
	if err != nil {
		return r, err
	}
	if err := a.CanManage(r.Zone); err != nil {
		return StockRequest{}, err
	}
	if r.Status != "pending" {
		return StockRequest{}, errs.E(errs.Conflict, "request %s is already %s", id, r.Status)
	}
	return r, nil
}

func (s *Service) auditRequest(ctx context.Context, tx *sql.Tx, a Actor, at time.Time, action string, r StockRequest) error {
	d, _ := json.Marshal(map[string]any{"request": r.ID, "kind": r.Kind, "zone": r.Zone, "reason": r.Reason, "cause": r.Cause,
		"producer_id": r.ProducerID, "lines": r.Lines, "movement": r.MovementID, "note": r.Note})
	return auth.Audit(ctx, tx, at, a.ID, action, string(d), a.RequestID)
}

// StockRequest reads one request (within a's zones).
func (s *Service) StockRequest(ctx context.Context, a Actor, id string) (StockRequest, error) {
	r, err := readRequest(ctx, s.DB.R, id)
	if err != nil {
		return r, err
	}
	if err := a.CanManage(r.Zone); err != nil {
		return StockRequest{}, err
	}
	return r, nil
}

// StockRequests lists requests, newest first: a mall admin's of every
// zone, a zone manager's of their zone; status "" means all.
func (s *Service) StockRequests(ctx context.Context, a Actor, status string) ([]StockRequest, error) {
	if status != "" && status != "pending" && status != "approved" && status != "rejected" {
		return nil, errs.Field("status", "status is pending, approved or rejected")
	}
	zone := ""
	if a.Role != auth.MallAdmin {
		if err := a.CanManage(a.Zone); err != nil {
			return nil, err
		}
		zone = a.Zone
	}
	rows, err := s.DB.R.QueryContext(ctx, `SELECT id FROM stock_requests WHERE (? = '' OR status = ?) AND (? = '' OR zone = ?)
		ORDER BY requested_at DESC LIMIT 500`, status, status, zone, zone)
	if err != nil {
		return nil, fmt.Errorf("stock requests: %w", err)
	}
	var idl []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		idl = append(idl, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := []StockRequest{}
	for _, id := range idl {
		r, err := readRequest(ctx, s.DB.R, id)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

func readRequest(ctx context.Context, q queryer, id string) (StockRequest, error) {
	var r StockRequest
	var body, at string
	var decidedBy, decidedAt, movement sql.NullString
	err := q.QueryRowContext(ctx, `SELECT r.id, r.kind, r.zone, r.body, r.reason, u.username, r.requested_at, r.status, d.username, r.decided_at,
			r.note, r.movement_id
		FROM stock_requests r JOIN users u ON u.id = r.requested_by LEFT JOIN users d ON d.id = r.decided_by WHERE r.id = ?`, id).
		Scan(&r.ID, &r.Kind, &r.Zone, &body, &r.Reason, &r.RequestedBy, &at, &r.Status, &decidedBy, &decidedAt, &r.Note, &movement)
	if errors.Is(err, sql.ErrNoRows) {
		return r, errs.E(errs.NotFound, "no stock request %q", id)
	}
	if err != nil {
		return r, fmt.Errorf("stock request %s: %w", id, err)
	}
	var b requestBody
	if err := json.Unmarshal([]byte(body), &b); err != nil {
		return r, fmt.Errorf("stock request %s: %w", id, err)
	}
	r.From, r.Cause, r.ProducerID, r.Lines = b.From, b.Cause, b.ProducerID, b.Lines
	r.RequestedAt = parseTime(at)
	r.DecidedBy, r.MovementID = decidedBy.String, movement.String
	if decidedAt.Valid {
		t := parseTime(decidedAt.String)
		r.DecidedAt = &t
	}
	return r, nil
}
