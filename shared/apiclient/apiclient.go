// Package apiclient is the one HTTP client of the mall's and the hub's JSON
// API, for the tools that drive them (loadgen, chaos, settle, import) and
// for the end-to-end tests. It speaks the API's conventions once: a bearer
// token from /api/v1/auth/login, the Idempotency-Key header, JSON bodies
// (money travels as the API's two-decimal strings, through the callers'
// own types), and an error body {"error":{"code","message"}} turned back
// into an *Error that errors.As finds as an *errs.Error with its code.
package apiclient

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"ektamall/shared/errs"
)

// maxAnswer bounds what is read of one JSON answer (a large report or
// list); a stream the caller reads itself (Send) has no bound.
const maxAnswer = 16 << 20

// Client is one user of one mall's or the hub's API.
type Client struct {
	// Base is the process's address, e.g. http://127.0.0.1:8701. Empty
	// means each path is a whole URL.
	Base string
	// HTTP sends the requests; nil is http.DefaultClient.
	HTTP *http.Client
	// Token is the bearer token; Login sets it, "" sends none.
	Token string
}

// New is a client of base (a trailing slash is dropped); hc may be nil.
func New(base string, hc *http.Client) *Client {
	return &Client{Base: strings.TrimRight(base, "/"), HTTP: hc}
}

// Option changes one request.
type Option func(*request)

type request struct {
	*http.Request
	answer *http.Header
}

// Key sends k as the Idempotency-Key: a retry with the same key and body
// is answered with the first answer, never written twice.
func Key(k string) Option { return Header("Idempotency-Key", k) }

// Header sets one request header.
func Header(name, value string) Option { return func(r *request) { r.Header.Set(name, value) } }

// Answer keeps the answer's headers in h, whatever its status (a request
// id, a payout file's count).
func Answer(h *http.Header) Option { return func(r *request) { r.answer = h } }

// Error is an answer outside 2xx. When the body has the API's error shape,
// Code and Message hold it and errors.As(err, **errs.Error) finds them;
// a body of another shape (a proxy's page) leaves Code empty.
type Error struct {
	Status int
	API    errs.Error
	// Body is the answer as sent, for fields beyond the code and message
	// (an import's bad rows).
	Body []byte
}

func (e *Error) Error() string {
	if e.API.Code != "" {
		return fmt.Sprintf("%s (%s)", e.API.Message, e.API.Code)
	}
	s := fmt.Sprintf("%d %s", e.Status, http.StatusText(e.Status))
	if b := bytes.TrimSpace(e.Body); len(b) > 0 {
		s += ": " + string(b[:min(len(b), 300)])
	}
	return s
}

// Unwrap is the API's error, so errs.CodeOf and errors.As see its code.
func (e *Error) Unwrap() error {
	if e.API.Code == "" {
		return nil
	}
	return &e.API
}

// Status is the HTTP status of an *Error in err's chain, 0 if none (a
// transport failure).
func Status(err error) int {
	var e *Error
	if errors.As(err, &e) {
		return e.Status
	}
	return 0
}

// Login logs user in and keeps the token for the requests that follow.
func (c *Client) Login(ctx context.Context, user, password string) error {
	var out struct {
		Token string `json:"token"`
	}
	if err := c.Do(ctx, "POST", "/api/v1/auth/login", map[string]string{"username": user, "password": password}, &out); err != nil {
		return err
	}
	c.Token = out.Token
	return nil
}

// Do sends in as JSON (nil sends no body) and decodes a 2xx answer into
// out (nil ignores it). Any other answer is an *Error.
func (c *Client) Do(ctx context.Context, method, path string, in, out any, opts ...Option) error {
	_, err := c.Call(ctx, method, path, in, out, opts...)
	return err
}

// Call is Do that also returns the answer's status (0 when none came).
func (c *Client) Call(ctx context.Context, method, path string, in, out any, opts ...Option) (int, error) {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return 0, fmt.Errorf("%s %s: %w", method, path, err)
		}
		body = bytes.NewReader(b)
	}
	resp, err := c.Send(ctx, method, path, body, append([]Option{Header("Content-Type", "application/json")}, opts...)...)
	if err != nil {
		return Status(err), err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return resp.StatusCode, err
	}
	if out != nil && len(raw) > 0 {
		if err := json.Unmarshal(raw, out); err != nil {
			return resp.StatusCode, fmt.Errorf("%s %s: decode the answer: %w", method, path, err)
		}
	}
	return resp.StatusCode, nil
}

// Send sends body as it is (a CSV upload; the Content-Type is an Option)
// and hands a 2xx answer to the caller, who reads and closes its body (a
// payout file). Any other answer is read, closed and returned as *Error.
func (c *Client) Send(ctx context.Context, method, path string, body io.Reader, opts ...Option) (*http.Response, error) {
	hr, err := http.NewRequestWithContext(ctx, method, c.Base+path, body)
	if err != nil {
		return nil, err
	}
	if c.Token != "" {
		hr.Header.Set("Authorization", "Bearer "+c.Token)
	}
	req := &request{Request: hr}
	for _, o := range opts {
		o(req)
	}
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(hr)
	if err != nil {
		return nil, err
	}
	if req.answer != nil {
		*req.answer = resp.Header
	}
	if resp.StatusCode/100 == 2 {
		return resp, nil
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return nil, err
	}
	return nil, answerError(resp.StatusCode, raw)
}

// ContentLength tells the server the size of a streamed body, so it can
// refuse one over its limit before reading it.
func ContentLength(n int64) Option { return func(r *request) { r.ContentLength = n } }

func answerError(status int, raw []byte) *Error {
	e := &Error{Status: status, Body: raw}
	var env struct {
		Error errs.Error `json:"error"`
	}
	if json.Unmarshal(raw, &env) == nil {
		e.API = env.Error
	}
	return e
}
