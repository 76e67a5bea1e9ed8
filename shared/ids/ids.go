// Package ids makes identifiers. UUIDv7 sorts by creation time, which keeps
// SQLite's primary-key b-trees append-mostly and ids readable in logs.
package ids

import (
	"fmt"

	"github.com/google/uuid"
)

// New returns a new UUIDv7 string.
func New() string {
	return uuid.Must(uuid.NewV7()).String()
}

// Parse checks that s is a UUID and returns it in canonical form.
func Parse(s string) (string, error) {
	u, err := uuid.Parse(s)
	if err != nil || len(s) != 36 {
		return "", fmt.Errorf("invalid id %q: want a UUID", s)
	}
	return u.String(), nil
}
