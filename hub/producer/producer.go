// Package producer is what the hub shows a district producer about their
// own goods: their login (role producer, one per producer, first password
// set through a one-time code), their products' stock at each mall, every
// sale and return of them, the settlement runs that paid them, and a
// statement whose total is their ledger account's movement over the
// period. Every read takes the producer id from the login, never from the
// request, so a producer sees only their own data.
package producer

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"ektamall/hub"
	"ektamall/shared/auth"
	"ektamall/shared/errs"
)

// Service serves producers' views and manages their logins.
type Service struct {
	db   hub.Store
	auth *auth.Store
	now  func() time.Time
}

// New returns a Service; now nil means time.Now.
func New(db hub.Store, a *auth.Store, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{db: db, auth: a, now: now}
}

// Profile is the producer a login belongs to.
type Profile struct {
	ProducerID   string `json:"producer_id"`
	Name         string `json:"name"`
	DistrictID   string `json:"district_id"`
	DistrictName string `json:"district_name"`
	State        string `json:"state"`
	StateName    string `json:"state_name"`
	Username     string `json:"username"`
}

// ProducerOf is the producer bound to a login; Forbidden for a login
// that is no producer's.
func (s *Service) ProducerOf(ctx context.Context, u auth.User) (Profile, error) {
	if u.Role != auth.Producer {
		return Profile{}, errs.E(errs.Forbidden, "only a producer's login has a producer view")
	}
	p := Profile{Username: u.Username}
	err := s.db.Reader().QueryRowContext(ctx, `SELECT p.id, p.name, d.id, d.name, s.code, s.name
		FROM producer_logins l JOIN producers p ON p.id = l.producer_id JOIN districts d ON d.id = p.district_id
		JOIN states s ON s.code = p.state WHERE l.user_id = ?`, u.ID).
		Scan(&p.ProducerID, &p.Name, &p.DistrictID, &p.DistrictName, &p.State, &p.StateName)
	if errors.Is(err, sql.ErrNoRows) {
		return Profile{}, errs.E(errs.Forbidden, "this login is not bound to a producer; ask finance")
	}
	if err != nil {
		return Profile{}, fmt.Errorf("producer of %s: %w", u.Username, err)
	}
	return p, nil
}
