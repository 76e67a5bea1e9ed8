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
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"ektamall/shared/errs"
	"ektamall/shared/ids"
)

// MaxBody is the largest JSON request body accepted.
const MaxBody = 1 << 20

// MaxUploadBody is the limit for file uploads (CSV consignments, payment
// statements): text/csv and multipart bodies. Handlers may cap lower.
const MaxUploadBody = 16 << 20

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
	if e.Registry != nil {
		r.Use(instrument(e.Registry))
	}
	r.Use(recovery(), limitBody(MaxBody))
	mountEdge(r, e)
	r.NoRoute(func(c *gin.Context) {
		Fail(c, errs.E(errs.NotFound, "no such endpoint: %s %s", c.Request.Method, c.Request.URL.Path))
	})
	r.NoMethod(func(c *gin.Context) {
		Fail(c, &errs.Error{Code: errs.Invalid, Message: fmt.Sprintf("method %s not allowed here", c.Request.Method)})
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
		Log(c).Log(c.Request.Context(), lvl, "http", "method", c.Request.Method, "route", c.FullPath(),
			"path", c.Request.URL.Path, "status", c.Writer.Status(), "took", time.Since(start))
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

func limitBody(n int64) gin.HandlerFunc {
	return func(c *gin.Context) {
		if c.Request.Body != nil {
			limit := n
			if ct := c.ContentType(); ct == "text/csv" || ct == "multipart/form-data" {
				limit = MaxUploadBody
			}
			c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, limit)
		}
		c.Next()
	}
}

// Fail renders err as {"error": {"code", "message"}} with the status of its
// code and logs it once, here at the edge. Internal details never reach the
// client.
func Fail(c *gin.Context, err error) {
	pub := errs.Public(err)
	status := errs.HTTPStatus(pub.Code)
	if status >= 500 {
		Log(c).Error("request failed", "err", err, "code", pub.Code)
	} else {
		Log(c).Info("request refused", "err", err, "code", pub.Code)
	}
	c.AbortWithStatusJSON(status, gin.H{"error": pub})
}

// Decode reads the JSON body into v strictly: one object, no unknown
// fields, within the body limit. Errors are Invalid or TooLarge with a
// message a client can act on.
func Decode(c *gin.Context, v any) error {
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
