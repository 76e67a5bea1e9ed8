package e2e

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"ektamall/shared/apiclient"
)

// WaitFor polls cond until it returns nil, and fails the test with cond's
// last error once d has passed: a deadline, never a fixed sleep.
func WaitFor(t testing.TB, d time.Duration, what string, cond func() error) {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		err := cond()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s: %v", what, d, err)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// WaitOK waits until a GET of url answers 2xx (a /healthz, a demo's page).
func WaitOK(t testing.TB, url string, d time.Duration) {
	t.Helper()
	WaitFor(t, d, url+" answers", func() error {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		return new(apiclient.Client).Do(ctx, "GET", url, nil, nil)
	})
}

// Quiet is a logger for the processes a test starts: their logs would
// bury the test's own output.
func Quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }
