// Package errs is the one application error type. Domain code returns a
// transport-neutral Code; the HTTP edge maps codes to statuses in one table
// (HTTPStatus) and the NATS consumers decide redeliver-or-park from the same
// codes.
package errs

import (
	"context"
	"errors"
	"fmt"
	"net/http"
)

// Code classifies an error for every transport.
type Code string

const (
	Invalid      Code = "invalid"      // bad input: fix the request
	NotFound     Code = "not_found"    // the thing does not exist
	Conflict     Code = "conflict"     // state forbids it now, or a duplicate
	Unauthorized Code = "unauthorized" // no or bad credentials
	Forbidden    Code = "forbidden"    // credentials fine, right missing
	Unavailable  Code = "unavailable"  // try again later
	TooLarge     Code = "too_large"    // request body over the limit
	// The HTTP edge's own refusals, each with its status.
	MethodNotAllowed Code = "method_not_allowed"     // the route exists, not with this method
	UnsupportedType  Code = "unsupported_media_type" // a body of a type the route does not read
	HeadersTooLarge  Code = "headers_too_large"      // request headers over the limit
	Internal         Code = "internal"               // a bug or a broken disk
)

// Error is an error a user may see: its Message is written for them.
type Error struct {
	Code    Code   `json:"code"`
	Message string `json:"message"`
	// Field names the input that caused it, when there is one.
	Field string `json:"field,omitempty"`
}

func (e *Error) Error() string {
	if e == nil {
		return string(Internal) + ": nil *errs.Error"
	}
	if e.Field != "" {
		return fmt.Sprintf("%s: %s (%s)", e.Code, e.Message, e.Field)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

// E builds an Error with a formatted message.
func E(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Field builds an Invalid error about one input field.
func Field(field, format string, args ...any) *Error {
	return &Error{Code: Invalid, Field: field, Message: fmt.Sprintf(format, args...)}
}

// CodeOf is the code of the first *Error in err's chain; a cancelled
// context is Unavailable, anything else Internal.
func CodeOf(err error) Code {
	if err == nil {
		return ""
	}
	if e := find(err); e != nil {
		return e.Code
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return Unavailable
	}
	return Internal
}

// Public is what may be shown to a client: the *Error in the chain, or a
// generic internal error that hides the details (they are logged instead).
//
// The result is a copy, so a caller that edits it (to translate the
// message, say) cannot change a package-level *Error other code returns.
func Public(err error) *Error {
	if e := find(err); e != nil {
		c := *e
		return &c
	}
	if c := CodeOf(err); c == Unavailable {
		return &Error{Code: Unavailable, Message: "the request was cancelled or timed out; try again"}
	}
	return &Error{Code: Internal, Message: "internal error; it has been logged"}
}

var statuses = map[Code]int{
	Invalid:      http.StatusBadRequest,
	NotFound:     http.StatusNotFound,
	Conflict:     http.StatusConflict,
	Unauthorized: http.StatusUnauthorized,
	Forbidden:    http.StatusForbidden,
	Unavailable:  http.StatusServiceUnavailable,
	TooLarge:     http.StatusRequestEntityTooLarge,
	Internal:     http.StatusInternalServerError,

	MethodNotAllowed: http.StatusMethodNotAllowed,
	UnsupportedType:  http.StatusUnsupportedMediaType,
	HeadersTooLarge:  http.StatusRequestHeaderFieldsTooLarge,
}

// HTTPStatus is the one mapping from codes to HTTP statuses.
func HTTPStatus(c Code) int {
	if s, ok := statuses[c]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// Wrap prefixes *errp with a short context if it is non-nil, keeping the
// chain for errors.As: `defer errs.Wrap(&err, "close shift %s", id)`.
func Wrap(errp *error, format string, args ...any) {
	if *errp != nil {
		*errp = fmt.Errorf("%s: %w", fmt.Sprintf(format, args...), *errp)
	}
}

// find is the first *Error in err's chain, or nil. A nil *Error stored in
// an error interface (the classic typed-nil mistake) counts as no *Error,
// so it is reported as Internal rather than dereferenced.
func find(err error) *Error {
	var e *Error
	if errors.As(err, &e) && e != nil {
		return e
	}
	return nil
}
