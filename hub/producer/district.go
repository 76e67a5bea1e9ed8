package producer

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"ektamall/hub/ledger"
	"ektamall/shared/auth"
	"ektamall/shared/errs"
	"ektamall/shared/sqldb"
)

// A district officer is a hub login bound to one district: it creates the
// logins of that district's producers (as finance does) and reads their
// views, read-only. Every check takes the district from the login, never
// from the request.

// District is the district an officer's login is for.
type District struct {
	ID        string `json:"district_id"`
	Name      string `json:"district_name"`
	State     string `json:"state"`
	StateName string `json:"state_name"`
	Username  string `json:"username"`
}

// Officer is a new district officer's login and its password (shown once).
type Officer struct {
	Username   string `json:"username"`
	DistrictID string `json:"district_id"`
	Password   string `json:"password"`
}

// CreateOfficer gives a district officer a login for one district; only
// the hub admin does. password "" generates one.
func (s *Service) CreateOfficer(ctx context.Context, by auth.User, username, display, districtID, password, requestID string) (Officer, error) {
	if by.Role != auth.HubAdmin {
		return Officer{}, errs.E(errs.Forbidden, "only the hub admin creates district officers")
	}
	if password == "" {
		password = auth.GeneratePassword()
	}
	now := s.now().UTC()
	err := s.db.Transact(ctx, func(tx sqldb.Tx) error {
		if err := s.createOfficer(ctx, tx, by.Username, username, display, districtID, password, now); err != nil {
			return err
		}
		d, _ := json.Marshal(map[string]string{"username": username, "role": string(auth.DistrictOfficer), "district_id": districtID})
		return auth.Audit(ctx, tx, now, by.ID, "user_created", string(d), requestID)
	})
	if err != nil {
		return Officer{}, err
	}
	return Officer{Username: username, DistrictID: districtID, Password: password}, nil
}

// CreateOfficerLogin binds a new district officer's login with a known
// password to a district, inside tx (the demo and tools).
func (s *Service) CreateOfficerLogin(ctx context.Context, tx sqldb.Tx, username, password, districtID string) error {
	return s.createOfficer(ctx, tx, "cli", username, "", districtID, password, s.now().UTC())
}

func (s *Service) createOfficer(ctx context.Context, tx sqldb.Tx, by, username, display, districtID, password string, now time.Time) error {
	var name string
	err := tx.QueryRowContext(ctx, `SELECT name FROM districts WHERE id = ?`, districtID).Scan(&name)
	if errors.Is(err, sql.ErrNoRows) {
		return errs.Field("district_id", "no district %q", districtID)
	}
	if err != nil {
		return err
	}
	if display == "" {
		display = "District officer, " + name
	}
	u, err := s.auth.CreateUser(ctx, tx, username, password, display, auth.DistrictOfficer, "")
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO district_officers (user_id, district_id, created_at, created_by) VALUES (?, ?, ?, ?)`,
		u.ID, districtID, ledger.TS(now), by); err != nil {
		return fmt.Errorf("bind officer: %w", err)
	}
	return nil
}

// DistrictOf is the district an officer's login is for; Forbidden for
// any other login.
func (s *Service) DistrictOf(ctx context.Context, u auth.User) (District, error) {
	if u.Role != auth.DistrictOfficer {
		return District{}, errs.E(errs.Forbidden, "only a district officer's login has a district")
	}
	return districtOf(ctx, s.db.Reader(), u)
}

func districtOf(ctx context.Context, q ledger.Queryer, u auth.User) (District, error) {
	d := District{Username: u.Username}
	err := q.QueryRowContext(ctx, `SELECT d.id, d.name, s.code, s.name FROM district_officers o JOIN districts d ON d.id = o.district_id
		JOIN states s ON s.code = d.state WHERE o.user_id = ?`, u.ID).Scan(&d.ID, &d.Name, &d.State, &d.StateName)
	if errors.Is(err, sql.ErrNoRows) {
		return District{}, errs.E(errs.Forbidden, "this login is not bound to a district; ask the hub admin")
	}
	if err != nil {
		return District{}, fmt.Errorf("district of %s: %w", u.Username, err)
	}
	return d, nil
}

// DistrictProducer is one producer of an officer's district, with the
// login it has (if any).
type DistrictProducer struct {
	ProducerID string `json:"producer_id"`
	Name       string `json:"name"`
	Username   string `json:"username,omitempty"`
	Products   int64  `json:"products"`
}

// Producers lists the producers of a district.
func (s *Service) Producers(ctx context.Context, districtID string) ([]DistrictProducer, error) {
	rows, err := s.db.Reader().QueryContext(ctx, `SELECT p.id, p.name, COALESCE(u.username, ''),
			(SELECT COUNT(*) FROM products x WHERE x.producer_id = p.id)
		FROM producers p LEFT JOIN producer_logins l ON l.producer_id = p.id LEFT JOIN users u ON u.id = l.user_id
		WHERE p.district_id = ? ORDER BY p.name, p.id`, districtID)
	if err != nil {
		return nil, fmt.Errorf("district producers: %w", err)
	}
	defer rows.Close()
	out := []DistrictProducer{}
	for rows.Next() {
		var p DistrictProducer
		if err := rows.Scan(&p.ProducerID, &p.Name, &p.Username, &p.Products); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// ProfileFor is the profile of a producer of the officer's own district;
// a producer elsewhere is Forbidden (and one that does not exist NotFound).
func (s *Service) ProfileFor(ctx context.Context, officer auth.User, producerID string) (Profile, error) {
	d, err := s.DistrictOf(ctx, officer)
	if err != nil {
		return Profile{}, err
	}
	p := Profile{}
	var login sql.NullString
	err = s.db.Reader().QueryRowContext(ctx, `SELECT p.id, p.name, d.id, d.name, s.code, s.name, u.username
		FROM producers p JOIN districts d ON d.id = p.district_id JOIN states s ON s.code = p.state
		LEFT JOIN producer_logins l ON l.producer_id = p.id LEFT JOIN users u ON u.id = l.user_id WHERE p.id = ?`, producerID).
		Scan(&p.ProducerID, &p.Name, &p.DistrictID, &p.DistrictName, &p.State, &p.StateName, &login)
	if errors.Is(err, sql.ErrNoRows) {
		return Profile{}, errs.E(errs.NotFound, "no producer %q", producerID)
	}
	if err != nil {
		return Profile{}, fmt.Errorf("producer %s: %w", producerID, err)
	}
	if p.DistrictID != d.ID {
		return Profile{}, errs.E(errs.Forbidden, "producer %q is not of your district (%s)", producerID, d.Name)
	}
	p.Username = login.String
	return p, nil
}

// mayIssueLogin says whether by may give producerID a login: finance for
// any producer, a district officer for their own district's only.
func mayIssueLogin(ctx context.Context, tx sqldb.Tx, by auth.User, producerID, producerDistrict string) error {
	switch by.Role {
	case auth.Finance:
		return nil
	case auth.DistrictOfficer:
		d, err := districtOf(ctx, tx, by)
		if err != nil {
			return err
		}
		if d.ID != producerDistrict {
			return errs.E(errs.Forbidden, "producer %q is not of your district (%s)", producerID, d.Name)
		}
		return nil
	}
	return errs.E(errs.Forbidden, "only finance or the producer's district officer creates producer logins")
}
