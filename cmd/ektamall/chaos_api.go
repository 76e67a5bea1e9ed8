package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"
)

// chaosClient is a logged-in user of the hub's or a mall's HTTP API.
type chaosClient struct {
	base, token string
	http        *http.Client
}

func chaosLogin(ctx context.Context, base, user string) (*chaosClient, error) {
	c := &chaosClient{base: base, http: &http.Client{Timeout: 30 * time.Second}}
	var out struct {
		Token string `json:"token"`
	}
	if _, err := c.call(ctx, "POST", "/api/v1/auth/login", map[string]string{"username": user, "password": chaosPassword}, &out); err != nil {
		return nil, fmt.Errorf("login %s at %s: %w", user, base, err)
	}
	c.token = out.Token
	return c, nil
}

// call sends a request and decodes a 2xx body into out; it returns the
// status, and an error for a transport failure or a non-2xx answer.
func (c *chaosClient) call(ctx context.Context, method, path string, body, out any) (int, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return resp.StatusCode, err
	}
	if resp.StatusCode/100 != 2 {
		return resp.StatusCode, fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, bytes.TrimSpace(raw))
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			return resp.StatusCode, fmt.Errorf("%s %s: %w", method, path, err)
		}
	}
	return resp.StatusCode, nil
}
