package auth

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"time"

	"ektamall/shared/errs"
)

// The audit log is append-only (triggers refuse UPDATE and DELETE); this
// file only reads it.

// AuditEntry is one row of the audit log as its readers see it.
type AuditEntry struct {
	ID int64     `json:"id"` // increasing in the order written; the paging cursor
	At time.Time `json:"at"`
	// Actor is the username of who did it ("" for the system, or a login
	// attempt naming no known user: the detail then says which name).
	Actor     string          `json:"actor"`
	ActorRole Role            `json:"actor_role,omitempty"`
	Action    string          `json:"action"`
	Detail    json.RawMessage `json:"detail"`
	RequestID string          `json:"request_id,omitempty"`
}

// AuditFilter selects audit rows. Zero fields select everything.
type AuditFilter struct {
	From, To time.Time // From ≤ at < To, to the second
	Actor    string    // username
	// Action is a comma-separated list of action names; a name ending in
	// '*' matches by prefix ("inventory.*").
	Action string
	Before int64 // only rows with a smaller id: the cursor of the next page
	Limit  int   // default 100, at most 1000
}

var actionRE = regexp.MustCompile(`^[a-z0-9_.]{1,64}\*?$`)

// where renders the filter as SQL with its arguments.
func (f AuditFilter) where() (string, []any, error) {
	var conds []string
	var args []any
	// at is RFC 3339 UTC text with a fraction of varying length, so only its
	// first 19 characters compare correctly as text (and are indexed).
	const second = "2006-01-02T15:04:05"
	if !f.From.IsZero() {
		conds, args = append(conds, `substr(a.at, 1, 19) >= ?`), append(args, f.From.UTC().Format(second))
	}
	if !f.To.IsZero() {
		conds, args = append(conds, `substr(a.at, 1, 19) < ?`), append(args, f.To.UTC().Format(second))
	}
	if f.Actor != "" {
		conds, args = append(conds, `u.username = ?`), append(args, f.Actor)
	}
	if f.Action != "" {
		var ors []string
		for _, a := range strings.Split(f.Action, ",") {
			a = strings.TrimSpace(a)
			if !actionRE.MatchString(a) {
				return "", nil, errs.Field("action", "action %q: want names like user_created or inventory.*, comma-separated", a)
			}
			if p, ok := strings.CutSuffix(a, "*"); ok {
				ors, args = append(ors, `substr(a.action, 1, ?) = ?`), append(args, len(p), p)
			} else {
				ors, args = append(ors, `a.action = ?`), append(args, a)
			}
		}
		conds = append(conds, "("+strings.Join(ors, " OR ")+")")
	}
	if f.Before > 0 {
		conds, args = append(conds, `a.id < ?`), append(args, f.Before)
	}
	if len(conds) == 0 {
		return "", args, nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args, nil
}

// ListAudit returns audit rows, newest first. When a page is full, the
// next one is ListAudit with Before set to the last row's ID.
func (s *Store) ListAudit(ctx context.Context, f AuditFilter) ([]AuditEntry, error) {
	if f.Limit == 0 {
		f.Limit = 100
	}
	if f.Limit < 1 || f.Limit > 1000 {
		return nil, errs.Field("limit", "limit must be from 1 to 1000")
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
		return nil, errs.Field("to", "to must be after from")
	}
	where, args, err := f.where()
	if err != nil {
		return nil, err
	}
	rows, err := s.db.Reader().QueryContext(ctx, `SELECT a.id, a.at, COALESCE(u.username, ''), COALESCE(u.role, ''), a.action, a.detail, a.request_id
		FROM audit_log a LEFT JOIN users u ON u.id = a.user_id`+where+` ORDER BY a.id DESC LIMIT ?`, append(args, f.Limit)...)
	if err != nil {
		return nil, fmt.Errorf("list audit: %w", err)
	}
	defer rows.Close()
	out := []AuditEntry{}
	for rows.Next() {
		var (
			e      AuditEntry
			at     string
			detail sql.NullString
		)
		if err := rows.Scan(&e.ID, &at, &e.Actor, &e.ActorRole, &e.Action, &detail, &e.RequestID); err != nil {
			return nil, fmt.Errorf("list audit: %w", err)
		}
		e.At, _ = time.Parse(time.RFC3339Nano, at)
		e.Detail = json.RawMessage(`{}`)
		if detail.Valid && json.Valid([]byte(detail.String)) {
			e.Detail = json.RawMessage(detail.String)
		} else if detail.Valid { // never written so, but never break the reader over it
			e.Detail, _ = json.Marshal(detail.String)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
