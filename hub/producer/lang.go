package producer

import (
	"context"
	"fmt"
)

// Lang is the language the producer chose on their screens (their
// login's users.lang), "" when they have no login or chose none: their
// printable documents follow it when finance opens them.
func (s *Service) Lang(ctx context.Context, producerID string) (string, error) {
	var lang string
	// An aggregate always answers one row: no login reads "".
	if err := s.db.Reader().QueryRowContext(ctx, `SELECT COALESCE(MAX(u.lang), '') FROM producer_logins l JOIN users u ON u.id = l.user_id
		WHERE l.producer_id = ?`, producerID).Scan(&lang); err != nil {
		return "", fmt.Errorf("language of producer %s: %w", producerID, err)
	}
	return lang, nil
}
