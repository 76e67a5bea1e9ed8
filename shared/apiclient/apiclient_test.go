package apiclient_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"ektamall/shared/apiclient"
	"ektamall/shared/errs"
	"ektamall/shared/httpx"
	"ektamall/shared/money"
)

// server answers like the mall's API does, through the same edge
// (httpx.Fail writes the error body), on real HTTP.
func server(t *testing.T) *httptest.Server {
	t.Helper()
	r := httpx.NewEngine(slog.New(slog.NewTextHandler(io.Discard, nil)))
	r.POST("/api/v1/auth/login", func(c *gin.Context) {
		var in struct{ Username, Password string }
		if err := httpx.Decode(c, &in); err != nil {
			httpx.Fail(c, err)
			return
		}
		if in.Password != "right" {
			httpx.Fail(c, errs.E(errs.Unauthorized, "wrong username or password"))
			return
		}
		c.JSON(200, gin.H{"token": "tok-" + in.Username})
	})
	r.POST("/api/v1/sales", func(c *gin.Context) {
		if c.GetHeader("Authorization") != "Bearer tok-cashier" {
			httpx.Fail(c, errs.E(errs.Unauthorized, "log in first"))
			return
		}
		if c.GetHeader("Idempotency-Key") == "" {
			httpx.Fail(c, errs.Field("Idempotency-Key", "send an Idempotency-Key"))
			return
		}
		var in struct {
			Total money.Amount `json:"total"`
		}
		if err := httpx.Decode(c, &in); err != nil {
			httpx.Fail(c, err)
			return
		}
		c.JSON(201, gin.H{"key": c.GetHeader("Idempotency-Key"), "total": in.Total})
	})
	r.POST("/api/v1/upload", func(c *gin.Context) {
		b, _ := io.ReadAll(c.Request.Body)
		c.String(200, "%s|%s|%d", c.ContentType(), b, c.Request.ContentLength)
	})
	r.GET("/api/v1/proxy", func(c *gin.Context) { c.String(502, "bad gateway from a proxy") })
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	return srv
}

func TestClientSpeaksTheAPI(t *testing.T) {
	srv := server(t)
	ctx := context.Background()
	c := apiclient.New(srv.URL+"/", nil)

	// Without a token the API refuses, and the code comes back as errs'.
	err := c.Do(ctx, "POST", "/api/v1/sales", map[string]string{"total": "1.00"}, nil, apiclient.Key("k1"))
	if errs.CodeOf(err) != errs.Unauthorized || apiclient.Status(err) != 401 {
		t.Fatalf("no token: %v (code %s, status %d)", err, errs.CodeOf(err), apiclient.Status(err))
	}
	if err := c.Login(ctx, "cashier", "wrong"); errs.CodeOf(err) != errs.Unauthorized || !strings.Contains(err.Error(), "wrong username or password") {
		t.Fatalf("bad login: %v", err)
	}
	var h http.Header
	if err := c.Do(ctx, "POST", "/api/v1/auth/login", map[string]string{"username": "x", "password": "right"}, nil,
		apiclient.Header("X-Request-Id", "rid-7"), apiclient.Answer(&h)); err != nil || h.Get("X-Request-Id") != "rid-7" {
		t.Fatalf("answer headers: %v, X-Request-Id %q", err, h.Get("X-Request-Id"))
	}
	if err := c.Login(ctx, "cashier", "right"); err != nil || c.Token != "tok-cashier" {
		t.Fatalf("login: %v, token %q", err, c.Token)
	}

	// The key travels as the header, money as the API's string.
	var out struct {
		Key   string       `json:"key"`
		Total money.Amount `json:"total"`
	}
	status, err := c.Call(ctx, "POST", "/api/v1/sales", map[string]any{"total": money.MustParse("12.50")}, &out, apiclient.Key("k-42"))
	if err != nil || status != 201 || out.Key != "k-42" || out.Total.String() != "12.50" {
		t.Fatalf("sale: %d %v %+v", status, err, out)
	}

	// A field error keeps its code, message and field.
	err = c.Do(ctx, "POST", "/api/v1/sales", map[string]string{"total": "1.00"}, nil)
	var e *errs.Error
	if !errors.As(err, &e) || e.Code != errs.Invalid || e.Field != "Idempotency-Key" || apiclient.Status(err) != 400 {
		t.Fatalf("no key: %v", err)
	}

	// A body not in the API's shape has no code; the status and text say what happened.
	err = c.Do(ctx, "GET", "/api/v1/proxy", nil, nil)
	var ae *apiclient.Error
	if !errors.As(err, &ae) || ae.API.Code != "" || ae.Status != 502 || errs.CodeOf(err) != errs.Internal ||
		!strings.Contains(err.Error(), "bad gateway from a proxy") {
		t.Fatalf("proxy answer: %v", err)
	}

	// Transport failures are not *Error and have no status.
	dead := apiclient.New("http://127.0.0.1:1", nil)
	if err := dead.Do(ctx, "GET", "/healthz", nil, nil); err == nil || apiclient.Status(err) != 0 {
		t.Fatalf("dead server: %v", err)
	}
}

func TestSendStreamsBodies(t *testing.T) {
	srv := server(t)
	c := apiclient.New(srv.URL, &http.Client{})
	resp, err := c.Send(context.Background(), "POST", "/api/v1/upload", strings.NewReader("sku,qty\n"),
		apiclient.Header("Content-Type", "text/csv"), apiclient.ContentLength(8))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if string(b) != "text/csv|sku,qty\n|8" {
		t.Fatalf("upload arrived as %q", b)
	}
	if _, err := c.Send(context.Background(), "GET", "/api/v1/nowhere", nil); errs.CodeOf(err) != errs.NotFound {
		t.Fatalf("unknown route: %v", err)
	}
}
