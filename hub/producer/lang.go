package producer

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Lang is the language the producer chose on their screens (their
// login's users.lang), "" when they have no login or chose none: their
// printable documents follow it when finance opens them.
func (s *Service) Lang(ctx context.Context, producerID string) (string, error) {
	var lang string
	err := s.db.Reader().QueryRowContext(ctx, `SELECT COALESCE(MAX(u.lang), '') FROM producer_logins l JOIN users u ON u.id = l.user_id
		WHERE l.producer_id = ?`, producerID).Scan(&lang)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("language of producer %s: %w", producerID, err)
	}
	return lang, nil
}
