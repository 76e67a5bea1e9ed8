package errs

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"strings"
	"testing"
	"time"
)

var allCodes = []Code{Invalid, NotFound, Conflict, Unauthorized, Forbidden, Unavailable, TooLarge, Internal,
	MethodNotAllowed, UnsupportedType, HeadersTooLarge}

func TestHTTPStatus(t *testing.T) {
	tests := []struct {
		code Code
		want int
	}{
		{Invalid, http.StatusBadRequest},
		{NotFound, http.StatusNotFound},
		{Conflict, http.StatusConflict},
		{Unauthorized, http.StatusUnauthorized},
		{Forbidden, http.StatusForbidden},
		{Unavailable, http.StatusServiceUnavailable},
		{TooLarge, http.StatusRequestEntityTooLarge},
		{MethodNotAllowed, http.StatusMethodNotAllowed},
		{UnsupportedType, http.StatusUnsupportedMediaType},
		{HeadersTooLarge, http.StatusRequestHeaderFieldsTooLarge},
		{Internal, http.StatusInternalServerError},
		{"", http.StatusInternalServerError},
		{"teapot", http.StatusInternalServerError},
		{"INVALID", http.StatusInternalServerError},
	}
	covered := map[Code]bool{}
	for _, tc := range tests {
		covered[tc.code] = true
		t.Run(string(tc.code), func(t *testing.T) {
			if got := HTTPStatus(tc.code); got != tc.want {
				t.Errorf("HTTPStatus(%q) = %d, want %d", tc.code, got, tc.want)
			}
		})
	}
	// Every code a handler can return has a row above, so adding a code
	// without deciding its status fails here.
	for _, c := range allCodes {
		if !covered[c] {
			t.Errorf("code %q has no HTTPStatus test row", c)
		}
	}
	if len(statuses) != len(allCodes) {
		t.Errorf("statuses maps %d codes, the test knows %d: add the new code to allCodes and the table", len(statuses), len(allCodes))
	}
	// Only bad input is the client's fault; only Internal is a 500.
	for _, c := range allCodes {
		s := HTTPStatus(c)
		if (s >= 500) != (c == Internal || c == Unavailable) {
			t.Errorf("HTTPStatus(%q) = %d: 5xx should be only for internal and unavailable", c, s)
		}
	}
}

type sentinelErr struct{}

func (sentinelErr) Error() string { return "sentinel" }

func TestCodeOf(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	tctx, tcancel := context.WithTimeout(context.Background(), time.Nanosecond)
	defer tcancel()
	<-tctx.Done()

	var nilErr *Error
	tests := []struct {
		name string
		err  error
		want Code
	}{
		{"nil", nil, ""},
		{"direct", E(NotFound, "no sku %q", "X1"), NotFound},
		{"field", Field("qty", "must be positive"), Invalid},
		{"wrapped once", fmt.Errorf("sell: %w", E(Conflict, "shift closed")), Conflict},
		{"wrapped twice", fmt.Errorf("api: %w", fmt.Errorf("sell: %w", E(Forbidden, "other zone"))), Forbidden},
		{"joined", errors.Join(errors.New("x"), E(TooLarge, "body too big")), TooLarge},
		{"multi %w, error first", fmt.Errorf("%w: %w", E(Unavailable, "busy"), errors.New("database is locked")), Unavailable},
		{"outermost *Error wins", fmt.Errorf("%w", &wrapper{outer: E(Conflict, "dup"), inner: E(NotFound, "x")}), Conflict},
		{"context canceled", context.Canceled, Unavailable},
		{"wrapped canceled", fmt.Errorf("query: %w", ctx.Err()), Unavailable},
		{"deadline", tctx.Err(), Unavailable},
		{"wrapped deadline", fmt.Errorf("query: %w", context.DeadlineExceeded), Unavailable},
		{"*Error beats cancellation", fmt.Errorf("%w: %w", E(Invalid, "bad"), context.Canceled), Invalid},
		{"plain", errors.New("disk on fire"), Internal},
		{"sql no rows", sql.ErrNoRows, Internal},
		{"fs", &fs.PathError{Op: "open", Path: "/var/lib/ekta/mall.db", Err: fs.ErrPermission}, Internal},
		{"custom type", sentinelErr{}, Internal},
		{"cancel text only", errors.New("context canceled"), Internal},
		{"typed nil *Error", nilErr, Internal},
		{"wrapped typed nil *Error", fmt.Errorf("x: %w", nilErr), Internal},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := CodeOf(tc.err); got != tc.want {
				t.Errorf("CodeOf(%v) = %q, want %q", tc.err, got, tc.want)
			}
		})
	}
}

// wrapper is an error that wraps two *Errors, to check which one CodeOf sees.
type wrapper struct{ outer, inner error }

func (w *wrapper) Error() string   { return w.outer.Error() }
func (w *wrapper) Unwrap() []error { return []error{w.outer, w.inner} }

func TestPublic(t *testing.T) {
	secret := "/var/lib/ekta/mall.db"
	var nilErr *Error
	tests := []struct {
		name     string
		err      error
		wantCode Code
		wantMsg  string
	}{
		{"user error passes", E(NotFound, "no product with SKU %q", "ODOP-1"), NotFound, `no product with SKU "ODOP-1"`},
		{"wrapped user error loses the wrapping text", fmt.Errorf("load %s: %w", secret, E(Conflict, "shift already closed")), Conflict, "shift already closed"},
		{"driver detail after the *Error is hidden", fmt.Errorf("%w: %w", &Error{Code: Conflict, Message: "a record with this key already exists"}, errors.New("UNIQUE constraint failed: sales.id at "+secret)), Conflict, "a record with this key already exists"},
		{"internal is generic", fmt.Errorf("open %s: permission denied", secret), Internal, "internal error; it has been logged"},
		{"fs path hidden", &fs.PathError{Op: "open", Path: secret, Err: fs.ErrPermission}, Internal, "internal error; it has been logged"},
		{"cancel", fmt.Errorf("query %s: %w", secret, context.Canceled), Unavailable, "the request was cancelled or timed out; try again"},
		{"deadline", context.DeadlineExceeded, Unavailable, "the request was cancelled or timed out; try again"},
		{"typed nil *Error", nilErr, Internal, "internal error; it has been logged"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := Public(tc.err)
			if p == nil {
				t.Fatalf("Public(%v) = nil", tc.err)
			}
			if p.Code != tc.wantCode || p.Message != tc.wantMsg {
				t.Errorf("Public(%v) = {%q, %q}, want {%q, %q}", tc.err, p.Code, p.Message, tc.wantCode, tc.wantMsg)
			}
			b, err := json.Marshal(p)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(b), secret) || strings.Contains(p.Error(), secret) {
				t.Errorf("Public(%v) leaks %q: %s", tc.err, secret, b)
			}
		})
	}
}

func TestPublicKeepsField(t *testing.T) {
	p := Public(fmt.Errorf("sale: %w", Field("qty", "must be at least 1")))
	b, _ := json.Marshal(p)
	if want := `{"code":"invalid","message":"must be at least 1","field":"qty"}`; string(b) != want {
		t.Errorf("json = %s, want %s", b, want)
	}
	b, _ = json.Marshal(Public(E(NotFound, "gone")))
	if want := `{"code":"not_found","message":"gone"}`; string(b) != want {
		t.Errorf("json = %s, want %s (no empty field)", b, want)
	}
}

// TestPublicDoesNotAlias: a handler that edits what Public returns must not
// change a package-level error value shared by every request.
func TestPublicDoesNotAlias(t *testing.T) {
	shared := &Error{Code: Conflict, Message: "shift already closed"}
	p := Public(fmt.Errorf("x: %w", shared))
	p.Message = "changed"
	p.Field = "shift"
	if shared.Message != "shift already closed" || shared.Field != "" {
		t.Errorf("editing Public's result changed the shared error to %+v", shared)
	}
}

func TestErrorText(t *testing.T) {
	var nilErr *Error
	tests := []struct {
		err  error
		want string
	}{
		{E(NotFound, "no sku %q", "X1"), `not_found: no sku "X1"`},
		{Field("qty", "must be positive, got %d", -2), "invalid: must be positive, got -2 (qty)"},
		{E(Internal, "100%% sure"), "internal: 100% sure"},
		{nilErr, "internal: nil *errs.Error"},
	}
	for _, tc := range tests {
		t.Run(tc.want, func(t *testing.T) {
			if got := tc.err.Error(); got != tc.want {
				t.Errorf("Error() = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestWrap(t *testing.T) {
	t.Run("nil stays nil", func(t *testing.T) {
		f := func() (err error) {
			defer Wrap(&err, "close shift %s", "S1")
			return nil
		}
		if err := f(); err != nil {
			t.Errorf("Wrap of nil gave %v", err)
		}
	})
	t.Run("prefixes and keeps the chain", func(t *testing.T) {
		inner := E(Conflict, "shift already closed")
		f := func() (err error) {
			defer Wrap(&err, "close shift %s", "S1")
			return inner
		}
		err := f()
		if err == nil || err.Error() != "close shift S1: conflict: shift already closed" {
			t.Fatalf("Wrap gave %v", err)
		}
		var e *Error
		if !errors.As(err, &e) || e != inner || CodeOf(err) != Conflict {
			t.Errorf("Wrap lost the *Error: As=%v code=%q", e, CodeOf(err))
		}
		if Public(err).Message != "shift already closed" {
			t.Errorf("Public(Wrap) = %+v", Public(err))
		}
	})
	t.Run("keeps context cancellation", func(t *testing.T) {
		err := context.Canceled
		Wrap(&err, "sync batch %d", 7)
		if !errors.Is(err, context.Canceled) || CodeOf(err) != Unavailable {
			t.Errorf("Wrap(canceled) = %v, code %q", err, CodeOf(err))
		}
		if !strings.HasPrefix(err.Error(), "sync batch 7: ") {
			t.Errorf("Wrap message %q", err)
		}
	})
	t.Run("nested", func(t *testing.T) {
		err := error(Field("sku", "unknown"))
		Wrap(&err, "line %d", 3)
		Wrap(&err, "sale")
		if err.Error() != "sale: line 3: invalid: unknown (sku)" || CodeOf(err) != Invalid {
			t.Errorf("nested Wrap = %q, code %q", err, CodeOf(err))
		}
	})
}
