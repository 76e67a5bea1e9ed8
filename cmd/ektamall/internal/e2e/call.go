// Package e2e holds what the end-to-end tests of cmd/ektamall share: API
// calls through shared/apiclient that fail the test on a transport error,
// so the tests speak to the mall and the hub as the tools do.
package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"testing"

	"ektamall/shared/apiclient"
)

// Call sends one JSON request as token's user to a whole URL and returns
// the status; a 2xx answer is decoded into out. A refusal is logged, so a
// failing test shows why. opts add headers, e.g. apiclient.Key.
func Call(t testing.TB, method, url, token string, body, out any, opts ...apiclient.Option) int {
	t.Helper()
	status, _ := CallHeaders(t, method, url, token, body, out, opts...)
	return status
}

// CallHeaders is Call that also returns the answer's headers.
func CallHeaders(t testing.TB, method, url, token string, body, out any, opts ...apiclient.Option) (int, http.Header) {
	t.Helper()
	var h http.Header
	c := &apiclient.Client{Token: token}
	status, err := c.Call(context.Background(), method, url, body, out, append(opts, apiclient.Answer(&h))...)
	var ae *apiclient.Error
	switch {
	case errors.As(err, &ae):
		t.Logf("%s %s: %d %s", method, url, ae.Status, ae.Body)
	case err != nil:
		t.Fatalf("%s %s: %v", method, url, err)
	}
	return status, h
}

// Expect is Call that fails the test unless the status is want; out
// receives the answer's body whatever the status (an error body too).
func Expect(t testing.TB, method, url, token string, body any, want int, out any, opts ...apiclient.Option) {
	t.Helper()
	c := &apiclient.Client{Token: token}
	status, err := c.Call(context.Background(), method, url, body, out, opts...)
	var ae *apiclient.Error
	if errors.As(err, &ae) {
		if ae.Status == want && out != nil {
			if err := json.Unmarshal(ae.Body, out); err != nil {
				t.Fatalf("%s %s: %v: %s", method, url, err, ae.Body)
			}
		}
		status = ae.Status
	} else if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	if status != want {
		body := ""
		if ae != nil {
			body = string(ae.Body)
		}
		t.Fatalf("%s %s: %d %s, want %d", method, url, status, body, want)
	}
}

// Login logs user in at base and returns the token; it fails the test if
// the login is refused.
func Login(t testing.TB, base, user, password string) string {
	t.Helper()
	c := apiclient.New(base, nil)
	if err := c.Login(context.Background(), user, password); err != nil {
		t.Fatalf("login %s at %s: %v", user, base, err)
	}
	return c.Token
}
