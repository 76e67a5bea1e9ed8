package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"

	"ektamall/shared/errs"
	"ektamall/shared/sqldb"
)

// The roles each process keeps in its users table.
var (
	MallRoles = []Role{MallAdmin, Cashier, ZoneManager}
	HubRoles  = []Role{HubAdmin, Finance}
)

// Provision creates a user from the server's command line (`ektamall mall
// create-user`): how the first admin of a mall or the hub comes to exist.
// A username that exists is refused unless reset is set; a reset sets the
// new password, reactivates the user, lifts their login locks and ends
// their sessions, and may not change their role or zone. The act is
// audited with no actor (the operator at the server) and "via": "cli".
func (s *Store) Provision(ctx context.Context, roles []Role, n NewUser, reset bool) (created bool, err error) {
	if !slices.Contains(roles, n.Role) {
		return false, errs.Field("role", "role %q: want one of %v", n.Role, roles)
	}
	err = s.db.Transact(ctx, func(tx sqldb.Tx) error {
		var id string
		var role Role
		var zone sql.NullString
		err := tx.QueryRowContext(ctx, `SELECT id, role, zone FROM users WHERE username = ?`, n.Username).Scan(&id, &role, &zone)
		if errors.Is(err, sql.ErrNoRows) {
			created = true
			if _, err := s.CreateUser(ctx, tx, n.Username, n.Password, n.DisplayName, n.Role, n.Zone); err != nil {
				return err
			}
			return Audit(ctx, tx, s.now(), "", "user_created", detail("username", n.Username, "role", string(n.Role), "zone", n.Zone, "via", "cli"), "")
		}
		if err != nil {
			return fmt.Errorf("read user: %w", err)
		}
		if !reset {
			return &errs.Error{Code: errs.Conflict, Field: "username", Message: fmt.Sprintf("user %q exists (%s); pass --reset to give them a new password", n.Username, role)}
		}
		if role != n.Role || zone.String != n.Zone {
			return errs.Field("role", "user %q is a %s%s; a reset keeps the role and zone", n.Username, role, inZone(zone.String))
		}
		if err := s.SetPassword(ctx, tx, n.Username, n.Password); err != nil { // also lifts login locks
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET deactivated_at = NULL WHERE id = ?`, id); err != nil {
			return fmt.Errorf("reactivate: %w", err)
		}
		if err := s.revokeSessions(ctx, tx, id, nil); err != nil {
			return err
		}
		return Audit(ctx, tx, s.now(), "", "password_reset", detail("username", n.Username, "via", "cli"), "")
	})
	return created, err
}

func inZone(z string) string {
	if z == "" {
		return ""
	}
	return " of zone " + z
}
