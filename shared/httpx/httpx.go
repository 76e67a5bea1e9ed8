// Package httpx holds the Gin pieces the mall and the hub share: the error
// rendering (one table from errs codes to statuses), request ids, strict JSON
// decoding with a body limit, access logs in slog, and bearer-token auth.
package httpx

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"ektamall/shared/errs"
	"ektamall/shared/ids"
	"ektamall/shared/text"
)

// MaxBody is the largest request body a route accepts unless it declares
// its own limit with Upload or Limit, whatever the body's Content-Type.
const MaxBody = 1 << 20

// MaxUploadBody is the largest file upload a route may declare (CSV
// consignments, payment statements, bank responses).
const MaxUploadBody = 16 << 20

// MaxHeaderBytes bounds a request's headers (names, values, the request
// line); more answers 431 in the JSON error shape. The server's own limit
// (net/http's, set higher in the apps) answers in plain text.
const MaxHeaderBytes = 16 << 10

const (
	keyRequestID = "request_id"
	keyUser      = "user"
	keyLogger    = "logger"
	// HeaderRequestID is accepted from clients and always returned.
	HeaderRequestID = "X-Request-Id"
)

func init() { gin.SetMode(gin.ReleaseMode) }

// NewEngine returns a Gin engine with recovery, request ids, access logs,
// a body limit, JSON 404/405 answers and /healthz; with an Edge also request
// metrics, /metrics and /readyz.
func NewEngine(log *slog.Logger, edge ...Edge) *gin.Engine {
	r := gin.New()
	r.HandleMethodNotAllowed = true
	r.ContextWithFallback = true
	r.Use(requestID(log), accessLog())
	var e Edge
	if len(edge) > 0 {
		e = edge[0]
	}
	// ClientIP is the TCP peer unless it is a trusted reverse proxy: a
	// header anyone can send must not choose the address failed logins
	// are counted against. Config validation has checked the list.
	if err := r.SetTrustedProxies(e.TrustedProxies); err != nil {
		_ = r.SetTrustedProxies(nil)
	}
	if e.Registry != nil {
		r.Use(instrument(e.Registry))
	}
	r.Use(recovery(), secureHeaders(), limitHeaders(MaxHeaderBytes), limitBody(MaxBody))
	mountEdge(r, e)
	r.NoRoute(func(c *gin.Context) {
		Fail(c, errs.E(errs.NotFound, "no such endpoint: %s %s", text.Bound(c.Request.Method, 16), text.Bound(c.Request.URL.Path, 200)))
	})
	r.NoMethod(func(c *gin.Context) {
		// Gin has set Allow: the methods the route does answer.
		Fail(c, errs.E(errs.MethodNotAllowed, "method %s is not allowed here; allowed: %s",
			text.Bound(c.Request.Method, 16), c.Writer.Header().Get("Allow")))
	})
	r.GET("/healthz", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "ok"}) })
	return r
}

func requestID(log *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		id := c.GetHeader(HeaderRequestID)
		if id == "" || len(id) > 64 || strings.ContainsFunc(id, func(r rune) bool { return r < 0x21 || r > 0x7e }) {
			id = ids.New()
		}
		c.Set(keyRequestID, id)
		c.Set(keyLogger, log.With("request_id", id))
		c.Header(HeaderRequestID, id)
		c.Next()
	}
}

// RequestID is the id of the request being served.
func RequestID(c *gin.Context) string { return c.GetString(keyRequestID) }

// Log is the request's logger, carrying its request id.
func Log(c *gin.Context) *slog.Logger {
	if l, ok := c.Get(keyLogger); ok {
		return l.(*slog.Logger)
	}
	return slog.Default()
}

func accessLog() gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		lvl := slog.LevelInfo
		if c.Writer.Status() >= 500 {
			lvl = slog.LevelError
		}
		Log(c).Log(c.Request.Context(), lvl, "http", "method", text.Bound(c.Request.Method, 16), "route", c.FullPath(),
			"path", text.Bound(c.Request.URL.Path, maxLogField), "status", c.Writer.Status(), "took", time.Since(start))
	}
}

func recovery() gin.HandlerFunc {
	return func(c *gin.Context) {
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				Fail(c, fmt.Errorf("panic: %v", p))
			}
		}()
		c.Next()
	}
}

const keyRawBody = "raw_body"

// Bounds on what a request can put into a log line or an error message.
const (
	maxLogField = 512
	maxMessage  = 2048
)

// limitBody caps every body at n bytes, whatever its Content-Type. A route
// that takes more declares it with Upload or Limit, which replace the cap
// (the unwrapped body is kept for them).
func limitBody(n int64) gin.HandlerFunc {
	return func(c *gin.Context) {
		if c.Request.Body != nil {
			c.Set(keyRawBody, c.Request.Body)
			c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, n)
		}
		c.Next()
	}
}

// Limit gives a route its own body limit (lower or higher than MaxBody).
func Limit(n int64) gin.HandlerFunc {
	return func(c *gin.Context) {
		if raw, ok := c.Get(keyRawBody); ok {
			c.Request.Body = http.MaxBytesReader(c.Writer, raw.(io.ReadCloser), n)
		}
		c.Next()
	}
}

// Upload declares what a file-upload route reads: bodies of the given
// media types (others answer 415; a body with no declared type is read as
// the route's) up to n bytes (more answers 413), one limit whatever the
// declared type.
func Upload(n int64, types ...string) gin.HandlerFunc {
	limit := Limit(n)
	return func(c *gin.Context) {
		if ct := c.ContentType(); ct != "" && !slices.Contains(types, ct) {
			Fail(c, errs.E(errs.UnsupportedType, "this endpoint reads %s, not %q", strings.Join(types, " or "), text.Bound(ct, 60)))
			return
		}
		limit(c)
	}
}

// limitHeaders answers 431 when the request line and headers together
// are over n bytes.
func limitHeaders(n int) gin.HandlerFunc {
	return func(c *gin.Context) {
		size := len(c.Request.Method) + len(c.Request.RequestURI) + len(c.Request.Proto) + 4
		for k, vs := range c.Request.Header {
			for _, v := range vs {
				size += len(k) + len(v) + 4
			}
		}
		if size > n {
			Fail(c, errs.E(errs.HeadersTooLarge, "request headers are over %d bytes", n))
			return
		}
		c.Next()
	}
}

// Fail renders err as {"error": {"code", "message"}} with the status of its
// code and logs it once, here at the edge. Internal details never reach the
// client.
//
// Both the log line and the message are bounded: messages quote what the
// client sent, and a client may send a lot.
func Fail(c *gin.Context, err error) {
	pub := errs.Public(err)
	pub.Message = text.Bound(pub.Message, maxMessage)
	status := errs.HTTPStatus(pub.Code)
	if status >= 500 {
		Log(c).Error("request failed", "err", text.Bound(err.Error(), maxMessage), "code", pub.Code)
	} else {
		Log(c).Info("request refused", "err", text.Bound(err.Error(), maxMessage), "code", pub.Code)
	}
	c.AbortWithStatusJSON(status, gin.H{"error": pub})
}

// Decode reads the JSON body into v strictly: one object, no unknown
// fields, no key twice, within the body limit. A body declared as another
// type than JSON is refused (415). Errors are Invalid, TooLarge or
// UnsupportedType with a message a client can act on.
func Decode(c *gin.Context, v any) error {
	if ct := c.ContentType(); ct != "" && ct != "application/json" && !strings.HasSuffix(ct, "+json") {
		return errs.E(errs.UnsupportedType, "send the body as application/json, not %q", text.Bound(ct, 60))
	}
	body, err := io.ReadAll(c.Request.Body)
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return errs.E(errs.TooLarge, "request body is over %d bytes", mbe.Limit)
	}
	if err != nil {
		return errs.E(errs.Invalid, "could not read the request body")
	}
	return DecodeBytes(body, v)
}

// DecodeBytes is Decode for a body already read (also used by fuzz tests).
func DecodeBytes(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return errs.E(errs.Invalid, "request body is empty; send a JSON object")
	}
	if err := checkKeys(body); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return errs.E(errs.Invalid, "malformed JSON: %s", jsonProblem(err))
	}
	if dec.More() {
		return errs.E(errs.Invalid, "malformed JSON: more than one value in the body")
	}
	return nil
}

func jsonProblem(err error) string {
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	var ee *errs.Error
	switch {
	case errors.As(err, &ee):
		return ee.Message
	case errors.As(err, &te):
		if te.Field != "" {
			return fmt.Sprintf("field %q must be %s, not %s", te.Field, te.Type, te.Value)
		}
		return fmt.Sprintf("expected %s, not %s", te.Type, te.Value)
	case errors.As(err, &se):
		return fmt.Sprintf("syntax error at byte %d", se.Offset)
	case strings.HasPrefix(err.Error(), "json: unknown field"):
		return strings.TrimPrefix(err.Error(), "json: ")
	}
	msg := err.Error()
	if len(msg) > 200 {
		msg = msg[:200]
	}
	return msg
}

// BadQuery is an Invalid error about a query parameter.
func BadQuery(param, msg string) error { return errs.Field(param, "%s", msg) }
