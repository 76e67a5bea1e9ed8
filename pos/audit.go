package pos

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"ektamall/shared/auth"
)

// audit appends to the audit log in tx with a JSON detail.
func audit(ctx context.Context, tx *sql.Tx, a Actor, at time.Time, action string, detail map[string]any) error {
	b, err := json.Marshal(detail)
	if err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	return auth.Audit(ctx, tx, at, a.User.ID, action, string(b), a.RequestID)
}
