package producer

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"ektamall/hub/ledger"
	"ektamall/shared/auth"
	"ektamall/shared/errs"
	"ektamall/shared/sqldb"
)

// SetupTTL is how long a one-time setup code works.
const SetupTTL = 7 * 24 * time.Hour

// Setup is a producer login with a fresh one-time code: finance (or the
// district officer) hands the code or its link to the producer, who chooses a
// password with it. The code is shown once; the hub keeps its hash.
type Setup struct {
	Username   string    `json:"username"`
	ProducerID string    `json:"producer_id"`
	Code       string    `json:"code"`
	ExpiresAt  time.Time `json:"expires_at"`
	Created    bool      `json:"created"` // false: the login existed, this is a new code
}

// IssueLogin gives a producer their login, or a new one-time code for the
// login they have (earlier unused codes stop working). Until the code is
// used nobody knows the login's password: it is random and never shown.
// username "" means the producer id in lower case.
func (s *Service) IssueLogin(ctx context.Context, by auth.User, producerID, username, requestID string) (Setup, error) {
	if by.Role != auth.Finance && by.Role != auth.DistrictOfficer {
		return Setup{}, errs.E(errs.Forbidden, "only finance or the producer's district officer creates producer logins")
	}
	out := Setup{ProducerID: producerID, Code: auth.GeneratePassword()}
	now := s.now().UTC()
	out.ExpiresAt = now.Add(SetupTTL)
	err := s.db.Transact(ctx, func(tx sqldb.Tx) error {
		var name, district string
		err := tx.QueryRowContext(ctx, `SELECT name, district_id FROM producers WHERE id = ?`, producerID).Scan(&name, &district)
		if errors.Is(err, sql.ErrNoRows) {
			return errs.E(errs.NotFound, "no producer %q", producerID)
		}
		if err != nil {
			return err
		}
		if err := mayIssueLogin(ctx, tx, by, producerID, district); err != nil {
			return err
		}
		var uid string
		err = tx.QueryRowContext(ctx, `SELECT u.id, u.username FROM producer_logins l JOIN users u ON u.id = l.user_id WHERE l.producer_id = ?`,
			producerID).Scan(&uid, &out.Username)
		if errors.Is(err, sql.ErrNoRows) {
			out.Created = true
			if username == "" {
				username = strings.ToLower(producerID)
			}
			if uid, err = s.createLogin(ctx, tx, by, producerID, username, name, auth.GeneratePassword(), now); err != nil {
				return err
			}
			out.Username = username
		} else if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE password_setups SET used_at = ? WHERE user_id = ? AND used_at IS NULL`, ledger.TS(now), uid); err != nil {
			return err
		}
		h := sha256.Sum256([]byte(out.Code))
		if _, err := tx.ExecContext(ctx, `INSERT INTO password_setups (code_hash, user_id, created_at, created_by, expires_at) VALUES (?, ?, ?, ?, ?)`,
			h[:], uid, ledger.TS(now), by.Username, ledger.TS(out.ExpiresAt)); err != nil {
			return fmt.Errorf("setup code: %w", err)
		}
		d, _ := json.Marshal(map[string]any{"producer_id": producerID, "username": out.Username, "created": out.Created})
		return auth.Audit(ctx, tx, now, by.ID, "producer_login_issued", string(d), requestID)
	})
	if err != nil {
		return Setup{}, err
	}
	return out, nil
}

// CreateLogin binds a new login with a known password to a producer,
// inside tx (the demo and tools; people get IssueLogin's code instead).
func (s *Service) CreateLogin(ctx context.Context, tx sqldb.Tx, producerID, username, password string) error {
	var name string
	if err := tx.QueryRowContext(ctx, `SELECT name FROM producers WHERE id = ?`, producerID).Scan(&name); errors.Is(err, sql.ErrNoRows) {
		return errs.E(errs.NotFound, "no producer %q", producerID)
	} else if err != nil {
		return err
	}
	_, err := s.createLogin(ctx, tx, auth.User{Username: "cli"}, producerID, username, name, password, s.now().UTC())
	return err
}

func (s *Service) createLogin(ctx context.Context, tx sqldb.Tx, by auth.User, producerID, username, name, password string, now time.Time) (string, error) {
	if len(name) > 80 {
		name = name[:80]
	}
	u, err := s.auth.CreateUser(ctx, tx, username, password, name, auth.Producer, "")
	if err != nil {
		return "", err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO producer_logins (user_id, producer_id, created_at, created_by) VALUES (?, ?, ?, ?)`,
		u.ID, producerID, ledger.TS(now), by.Username)
	if err != nil {
		return "", fmt.Errorf("bind login: %w", err)
	}
	return u.ID, nil
}

// UseSetup sets the password of the login a one-time code was issued for,
// and spends the code. A wrong, used or expired code changes nothing.
func (s *Service) UseSetup(ctx context.Context, code, password, requestID string) (string, error) {
	code = strings.TrimSpace(strings.ToLower(code))
	if code == "" || len(code) > 64 {
		return "", errs.Field("code", "the one-time code is missing or malformed")
	}
	h := sha256.Sum256([]byte(code))
	now := s.now().UTC()
	var username string
	err := s.db.Transact(ctx, func(tx sqldb.Tx) error {
		var uid, exp string
		var used sql.NullString
		err := tx.QueryRowContext(ctx, `SELECT p.user_id, u.username, p.expires_at, p.used_at FROM password_setups p JOIN users u ON u.id = p.user_id
			WHERE p.code_hash = ?`, h[:]).Scan(&uid, &username, &exp, &used)
		if errors.Is(err, sql.ErrNoRows) {
			return errs.E(errs.Unauthorized, "this code is not valid; ask finance for a new one")
		}
		if err != nil {
			return err
		}
		if t, _ := ledger.ParseTS(exp); used.Valid || !now.Before(t) {
			return errs.E(errs.Unauthorized, "this code was used or has expired; ask finance for a new one")
		}
		if err := s.auth.SetPassword(ctx, tx, username, password); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE password_setups SET used_at = ? WHERE code_hash = ?`, ledger.TS(now), h[:]); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL`,
			now.Format(time.RFC3339Nano), uid); err != nil {
			return err
		}
		return auth.Audit(ctx, tx, now, uid, "password_set_with_code", `{}`, requestID)
	})
	return username, err
}
