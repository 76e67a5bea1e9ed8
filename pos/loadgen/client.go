package loadgen

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"
)

// client is one logged-in user of the mall API.
type client struct {
	base    string
	http    *http.Client
	token   string
	patient bool
}

// apiError is a non-2xx answer.
type apiError struct {
	Status  int
	Code    string
	Message string
}

func (e *apiError) Error() string { return fmt.Sprintf("%d %s: %s", e.Status, e.Code, e.Message) }

// retryable says whether a patient client should try the same request
// again: the mall was unreachable, restarting or busy.
func retryable(err error) bool {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae.Status >= 500 || ae.Status == http.StatusUnauthorized && ae.Code == "" // 401 without body: not our API yet
	}
	return err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded)
}

func (c *client) login(ctx context.Context, user, pass string) error {
	var out struct {
		Token string `json:"token"`
	}
	if err := c.do(ctx, "POST", "/api/v1/auth/login", map[string]string{"username": user, "password": pass}, "", &out); err != nil {
		return err
	}
	c.token = out.Token
	return nil
}

// do sends one request; out receives a 2xx JSON body. key, when set, is
// sent as the Idempotency-Key.
func (c *client) do(ctx context.Context, method, path string, body any, key string, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		var e struct {
			Error struct{ Code, Message string } `json:"error"`
		}
		json.Unmarshal(raw, &e)
		return &apiError{Status: resp.StatusCode, Code: e.Error.Code, Message: e.Error.Message}
	}
	if out == nil || len(raw) == 0 {
		return nil
	}
	return json.Unmarshal(raw, out)
}

// doPatient is do, retried with the same body and key while the mall is
// unreachable, for up to five minutes, when the client is patient. The
// second result counts the retries.
func (c *client) doPatient(ctx context.Context, method, path string, body any, key string, out any) (int, error) {
	deadline := time.Now().Add(5 * time.Minute)
	for tries := 0; ; tries++ {
		err := c.do(ctx, method, path, body, key, out)
		if err == nil || !c.patient || time.Now().After(deadline) {
			return tries, err
		}
		if ctx.Err() != nil {
			// The run ended while the request was in flight: the mall may
			// have committed it, so settle it with the same key.
			ctx = context.WithoutCancel(ctx)
			continue
		}
		if !retryable(err) {
			return tries, err
		}
		select {
		case <-ctx.Done():
			// The run is over, but a sale in flight must still be settled:
			// keep trying without the run's deadline.
			ctx = context.WithoutCancel(ctx)
		case <-time.After(200 * time.Millisecond):
		}
	}
}
