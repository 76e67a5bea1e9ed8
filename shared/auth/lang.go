package auth

import (
	"context"
	"fmt"

	"ektamall/shared/errs"
	"ektamall/shared/sqldb"
)

// SetLang remembers the language u chose for the screens, so it follows
// them to any counter or tablet. lang must be one the caller offers.
func (s *Store) SetLang(ctx context.Context, u User, lang string) error {
	return s.db.Transact(ctx, func(tx sqldb.Tx) error {
		r, err := tx.ExecContext(ctx, `UPDATE users SET lang = ? WHERE id = ?`, lang, u.ID)
		if err != nil {
			return fmt.Errorf("set language: %w", err)
		}
		if n, _ := r.RowsAffected(); n == 0 {
			return errs.E(errs.NotFound, "no user %s", u.Username)
		}
		return nil
	})
}
