package httpx_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/gin-gonic/gin"

	"ektamall/shared/errs"
	"ektamall/shared/httpx"
	"ektamall/shared/money"
)

type logBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuf) Write(p []byte) (int, error) { l.mu.Lock(); defer l.mu.Unlock(); return l.b.Write(p) }
func (l *logBuf) String() string              { l.mu.Lock(); defer l.mu.Unlock(); return l.b.String() }

func server(t *testing.T) (*httptest.Server, *logBuf) {
	t.Helper()
	logs := &logBuf{}
	r := httpx.NewEngine(slog.New(slog.NewJSONHandler(logs, nil)))
	r.POST("/echo", func(c *gin.Context) {
		var in struct {
			Amount money.Amount `json:"amount"`
			Qty    int          `json:"qty"`
		}
		if err := httpx.Decode(c, &in); err != nil {
			httpx.Fail(c, err)
			return
		}
		httpx.Log(c).Info("decoded")
		c.JSON(200, in)
	})
	r.GET("/conflict", func(c *gin.Context) { httpx.Fail(c, errs.E(errs.Conflict, "shift already open")) })
	r.GET("/boom", func(c *gin.Context) { panic("secret internal detail") })
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	return srv, logs
}

func errorBody(t *testing.T, resp *http.Response) errs.Error {
	t.Helper()
	defer resp.Body.Close()
	var body struct {
		Error errs.Error `json:"error"`
	}
	raw, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(raw, &body); err != nil || body.Error.Code == "" || body.Error.Message == "" {
		t.Fatalf("not an error body: %s", raw)
	}
	return body.Error
}

func TestErrorsHaveOneShape(t *testing.T) {
	srv, _ := server(t)
	big := `{"amount":"1.00","qty":1,"pad":"` + strings.Repeat("x", httpx.MaxBody) + `"}`
	cases := []struct {
		name, method, path, body string
		status                   int
		code                     errs.Code
	}{
		{"unknown route", "GET", "/nope", "", 404, errs.NotFound},
		{"conflict", "GET", "/conflict", "", 409, errs.Conflict},
		{"panic hidden", "GET", "/boom", "", 500, errs.Internal},
		{"empty body", "POST", "/echo", "", 400, errs.Invalid},
		{"malformed", "POST", "/echo", `{"amount":`, 400, errs.Invalid},
		{"unknown field", "POST", "/echo", `{"amount":"1.00","qty":1,"sku":"x"}`, 400, errs.Invalid},
		{"amount as number", "POST", "/echo", `{"amount":1.5,"qty":1}`, 400, errs.Invalid},
		{"three decimals", "POST", "/echo", `{"amount":"1.505","qty":1}`, 400, errs.Invalid},
		{"qty as string", "POST", "/echo", `{"amount":"1.00","qty":"1"}`, 400, errs.Invalid},
		{"two objects", "POST", "/echo", `{"qty":1}{"qty":2}`, 400, errs.Invalid},
		{"too large", "POST", "/echo", big, 413, errs.TooLarge},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req, _ := http.NewRequest(c.method, srv.URL+c.path, strings.NewReader(c.body))
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != c.status {
				t.Errorf("status %d, want %d", resp.StatusCode, c.status)
			}
			e := errorBody(t, resp)
			if e.Code != c.code {
				t.Errorf("code %q, want %q (%s)", e.Code, c.code, e.Message)
			}
			if strings.Contains(e.Message, "secret") {
				t.Errorf("internal detail leaked: %q", e.Message)
			}
		})
	}
}

func TestRequestIDEchoedAndLogged(t *testing.T) {
	srv, logs := server(t)
	req, _ := http.NewRequest("POST", srv.URL+"/echo", strings.NewReader(`{"amount":"12.50","qty":2}`))
	req.Header.Set("X-Request-Id", "till-7-0001")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.Header.Get("X-Request-Id") != "till-7-0001" {
		t.Fatalf("request id not echoed: %q", resp.Header.Get("X-Request-Id"))
	}
	if !strings.Contains(string(body), `"amount":"12.50"`) {
		t.Fatalf("amount not a two-decimal string: %s", body)
	}
	// Every log line of the request carries its id.
	lines := 0
	for _, l := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		if strings.Contains(l, `"msg":"decoded"`) || strings.Contains(l, `"msg":"http"`) {
			lines++
			if !strings.Contains(l, `"request_id":"till-7-0001"`) {
				t.Errorf("log line without request id: %s", l)
			}
		}
	}
	if lines != 2 {
		t.Fatalf("want 2 log lines of the request, got %d:\n%s", lines, logs.String())
	}
	// Without a header, one is made.
	resp, _ = http.Get(srv.URL + "/conflict")
	resp.Body.Close()
	if len(resp.Header.Get("X-Request-Id")) != 36 {
		t.Fatalf("no generated request id: %q", resp.Header.Get("X-Request-Id"))
	}
}

// TestUploadLimitIsPerRoute: a route's limit is the same whatever the
// declared Content-Type, and a type the route does not read is refused.
func TestUploadLimitIsPerRoute(t *testing.T) {
	r := httpx.NewEngine(slog.New(slog.NewTextHandler(io.Discard, nil)))
	r.POST("/csv", httpx.Upload(4<<20, "text/csv", "text/plain"), func(c *gin.Context) {
		b, err := io.ReadAll(c.Request.Body)
		if err != nil {
			httpx.Fail(c, errs.E(errs.TooLarge, "too large"))
			return
		}
		c.JSON(200, gin.H{"bytes": len(b)})
	})
	srv := httptest.NewServer(r)
	defer srv.Close()
	fits := strings.Repeat("UP-MBD-001,1\n", 200_000) // about 2.6 MB
	over := strings.Repeat("UP-MBD-001,1\n", 400_000) // about 5.2 MB
	for _, c := range []struct {
		ct, body string
		want     int
	}{
		{"text/csv", fits, 200}, {"text/plain", fits, 200}, {"text/csv; charset=utf-8", fits, 200},
		{"text/csv", over, 413}, {"text/plain", over, 413},
		{"application/json", fits, 415}, {"multipart/form-data; boundary=x", fits, 415}, {"", fits, 200},
	} {
		resp, err := http.Post(srv.URL+"/csv", c.ct, strings.NewReader(c.body))
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != c.want {
			t.Errorf("%q body of %d bytes: status %d, want %d", c.ct, len(c.body), resp.StatusCode, c.want)
		}
		if c.want != 200 {
			errorBody(t, resp)
		} else {
			resp.Body.Close()
		}
	}
}

// TestHTTPEdge: wrong methods, big headers, duplicate keys, foreign body
// types, and the headers every response carries.
func TestHTTPEdge(t *testing.T) {
	srv, _ := server(t)
	send := func(method, path, ct, body string, hdr map[string]string) *http.Response {
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		if ct != "" {
			req.Header.Set("Content-Type", ct)
		}
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	resp := send("DELETE", "/echo", "", "", nil)
	if resp.StatusCode != 405 || resp.Header.Get("Allow") != "POST" {
		t.Errorf("DELETE /echo: %d Allow %q, want 405 Allow POST", resp.StatusCode, resp.Header.Get("Allow"))
	}
	if e := errorBody(t, resp); e.Code != errs.MethodNotAllowed {
		t.Errorf("405 code %q", e.Code)
	}
	resp = send("GET", "/conflict", "", "", map[string]string{"X-Pad": strings.Repeat("a", httpx.MaxHeaderBytes)})
	if resp.StatusCode != 431 {
		t.Errorf("big headers: %d, want 431", resp.StatusCode)
	}
	errorBody(t, resp)
	for _, body := range []string{`{"qty":1,"qty":2}`, `{"qty":1,"QTY":2}`, `{"amount":"1.00","qty":1,"amount":"9.00"}`} {
		resp = send("POST", "/echo", "application/json", body, nil)
		if resp.StatusCode != 400 {
			t.Errorf("%s: %d, want 400", body, resp.StatusCode)
		}
		if e := errorBody(t, resp); !strings.Contains(e.Message, "more than once") {
			t.Errorf("%s: %q", body, e.Message)
		}
	}
	resp = send("POST", "/echo", "application/json", strings.Repeat("[", 100)+strings.Repeat("]", 100), nil)
	if resp.StatusCode != 400 {
		t.Errorf("deep nesting: %d", resp.StatusCode)
	}
	errorBody(t, resp)
	for _, ct := range []string{"text/plain", "application/x-www-form-urlencoded", "text/csv"} {
		resp = send("POST", "/echo", ct, `{"qty":1}`, nil)
		if resp.StatusCode != 415 {
			t.Errorf("JSON as %s: %d, want 415", ct, resp.StatusCode)
		}
		errorBody(t, resp)
	}
	for _, path := range []string{"/echo", "/nope", "/conflict"} {
		resp = send("GET", path, "", "", nil)
		resp.Body.Close()
		h := resp.Header
		if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") == "" || !strings.Contains(h.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
			t.Errorf("%s: headers %v", path, h)
		}
	}
	resp = send("POST", "/echo", "application/json; charset=utf-8", `{"qty":1,"nested":{"qty":1}}`, nil)
	if e := errorBody(t, resp); strings.Contains(e.Message, "more than once") {
		t.Errorf("the same key in different objects was refused: %s", e.Message)
	}
}

// TestClientAddress: X-Forwarded-For names the client only when the
// request comes through a trusted proxy; otherwise the TCP peer does, so
// a forged header cannot choose the address logins are counted against.
func TestClientAddress(t *testing.T) {
	for _, c := range []struct {
		trusted []string
		want    string
	}{{nil, "127.0.0.1"}, {[]string{"10.0.0.0/8"}, "127.0.0.1"}, {[]string{"127.0.0.1"}, "203.0.113.9"}} {
		r := httpx.NewEngine(slog.New(slog.NewTextHandler(io.Discard, nil)), httpx.Edge{TrustedProxies: c.trusted})
		r.GET("/ip", func(c *gin.Context) { c.String(200, c.ClientIP()) })
		srv := httptest.NewServer(r)
		req, _ := http.NewRequest("GET", srv.URL+"/ip", nil)
		req.Header.Set("X-Forwarded-For", "203.0.113.9")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		srv.Close()
		if string(b) != c.want {
			t.Errorf("trusting %v: client %q, want %q", c.trusted, b, c.want)
		}
	}
	if _, err := httpx.ParseProxies("10.0.0.1, 192.168.0.0/16"); err != nil {
		t.Error(err)
	}
	if _, err := httpx.ParseProxies("10.0.0.1,proxy.example"); err == nil {
		t.Error("a host name was accepted as a proxy address")
	}
}
