package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"ektamall/cmd/ektamall/internal/e2e"
	"ektamall/shared/apiclient"
)

// TestDemoMetricsAndRequestIDs runs the demo entry point (without history:
// its logs go to DIR/demo.log as JSON), sells once at each mall with a
// request id of our own, and checks what an operator relies on: the
// response echoes the id and every log line of the sale carries it; each
// mall's /metrics counts the checkout and its rupees; the hub's /metrics
// shows both malls' watermark at their last event and a sync lag of 0.
func TestDemoMetricsAndRequestIDs(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "demo")
	ctx, cancel := context.WithCancel(context.Background())
	logs := logFile(filepath.Join(dir, "demo.log"))
	done := make(chan int, 1)
	errOut := &safeBuf{}
	go func() {
		done <- run(ctx, []string{"demo", "--dir", dir, "--http", "127.0.0.1:0", "--empty"}, io.Discard, errOut)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			t.Error("demo did not shut down within 30 s")
		}
	})
	var info demoFile
	e2e.WaitFor(t, 2*time.Minute, "demo.json", func() error {
		b, err := os.ReadFile(filepath.Join(dir, "demo.json"))
		if err != nil {
			return fmt.Errorf("%w (stderr: %q)", err, errOut.String())
		}
		return json.Unmarshal(b, &info)
	})
	e2e.WaitOK(t, info.Hub.URL+"/healthz", 20*time.Second)
	for _, m := range info.Malls {
		e2e.WaitOK(t, m.URL+"/healthz", 20*time.Second)
	}
	// Metrics carry revenue: never on the API's address, only on loopback.
	for _, u := range []string{info.Hub.URL, info.Malls[0].URL, info.Malls[1].URL} {
		resp, err := http.Get(u + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s/metrics answers %d on the API address", u, resp.StatusCode)
		}
	}
	for _, u := range []string{info.Hub.Metrics, info.Malls[0].Metrics, info.Malls[1].Metrics} {
		if !strings.HasPrefix(u, "http://127.0.0.1:") {
			t.Errorf("metrics served on %q, not loopback", u)
		}
	}
	for _, m := range info.Malls {
		before := scrape(t, m.Metrics, fmt.Sprintf(`ektamall_pos_checkout_rupees_total{mall="%s"}`, m.ID))
		countBefore := scrape(t, m.Metrics, fmt.Sprintf(`ektamall_pos_checkouts_total{mall="%s"}`, m.ID))
		total := sellOnce(t, m.URL, m.ID, info, logs)
		if got := scrape(t, m.Metrics, fmt.Sprintf(`ektamall_pos_checkouts_total{mall="%s"}`, m.ID)); got != countBefore+1 {
			t.Errorf("%s checkouts %v → %v, want +1", m.ID, countBefore, got)
		}
		if got := scrape(t, m.Metrics, fmt.Sprintf(`ektamall_pos_checkout_rupees_total{mall="%s"}`, m.ID)); fmt.Sprintf("%.2f", got-before) != total {
			t.Errorf("%s checkout rupees %v → %v, want +%s", m.ID, before, got, total)
		}
	}
	// The hub sees both malls: watermark = the mall's newest event, and no lag.
	for _, m := range info.Malls {
		last := scrape(t, m.Metrics, "ektamall_outbox_last_seq")
		if last < 1 {
			t.Fatalf("%s outbox is empty after a sale", m.ID)
		}
		e2e.WaitFor(t, 30*time.Second, m.ID+" at the hub", func() error {
			text := metricsText(t, info.Hub.Metrics)
			wm := value(text, fmt.Sprintf(`ektamall_hub_mall_watermark{mall="%s"}`, m.ID))
			lag := value(text, fmt.Sprintf(`ektamall_hub_mall_sync_lag_seconds{mall="%s"}`, m.ID))
			behind := value(text, fmt.Sprintf(`ektamall_hub_mall_events_behind{mall="%s"}`, m.ID))
			ingested := value(text, fmt.Sprintf(`ektamall_hub_events_ingested_total{mall="%s"}`, m.ID))
			if wm != last || lag != 0 || behind != 0 || ingested < last {
				return fmt.Errorf("watermark %v (mall at %v), lag %v, behind %v, ingested %v", wm, last, lag, behind, ingested)
			}
			return nil
		})
	}
	text := metricsText(t, info.Hub.Metrics)
	for _, want := range []string{"ektamall_nats_jetstream_store_bytes", "ektamall_sqlite_db_bytes", "ektamall_sqlite_wal_bytes",
		`ektamall_http_request_duration_seconds_bucket{method="GET",route="/healthz"`} {
		if !strings.Contains(text, want) {
			t.Errorf("hub metrics lack %s", want)
		}
	}
	if v := value(text, "ektamall_nats_leaf_connections"); v != 2 {
		t.Errorf("hub leaf connections = %v, want 2", v)
	}
	mallText := metricsText(t, info.Malls[0].Metrics)
	if v := value(mallText, "ektamall_nats_leaf_connections"); v != 1 {
		t.Errorf("mall leaf connections = %v, want 1", v)
	}
	// The Grafana dashboard only charts series the processes expose.
	dash, err := os.ReadFile("../../deploy/grafana/ektamall.json")
	if err != nil {
		t.Fatal(err)
	}
	if !json.Valid(dash) {
		t.Fatal("deploy/grafana/ektamall.json is not valid JSON")
	}
	for _, name := range regexp.MustCompile(`ektamall_[a-z0-9_]+`).FindAllString(string(dash), -1) {
		if name == "ektamall_metrics_query_errors" { // exposed only when a query fails
			continue
		}
		if !strings.Contains(text+mallText, "\n"+name) {
			t.Errorf("dashboard charts %s, which neither the hub nor a mall exposes", name)
		}
	}
}

// sellOnce opens a shift as the mall's first cashier and sells one unit of
// the first product for cash, with a request id of its own. It checks the
// id comes back and is on every log line the sale wrote; it returns the
// invoice total.
func sellOnce(t *testing.T, base, mall string, info demoFile, logs fmt.Stringer) string {
	t.Helper()
	var user, pass string
	for _, u := range info.Users {
		if u.Mall == mall && u.Role == "cashier" {
			user, pass = u.Username, u.Password
			break
		}
	}
	var login struct {
		Token string `json:"token"`
	}
	if code := e2e.Call(t, "POST", base+"/api/v1/auth/login", "", map[string]string{"username": user, "password": pass}, &login); code != 200 {
		t.Fatalf("login %s: %d", user, code)
	}
	var shift struct {
		ID string `json:"id"`
	}
	if code := e2e.Call(t, "POST", base+"/api/v1/shifts", login.Token, map[string]string{"counter": "C09", "opening_float": "0.00"}, &shift); code != 201 {
		t.Fatalf("open shift at %s: %d", mall, code)
	}
	var products []struct {
		SKU string `json:"sku"`
		MRP string `json:"mrp"`
	}
	if code := e2e.Call(t, "GET", base+"/api/v1/products?limit=1", login.Token, nil, &products); code != 200 || len(products) == 0 {
		t.Fatalf("products at %s: %d", mall, code)
	}
	rid := "ops-test-" + mall
	var sale struct {
		Total string `json:"total"`
	}
	mark := len(logs.String())
	code, hdr := e2e.CallHeaders(t, "POST", base+"/api/v1/sales", login.Token,
		map[string]any{"shift_id": shift.ID, "lines": []map[string]any{{"sku": products[0].SKU, "qty": 1}},
			"tenders": []map[string]string{{"method": "cash", "amount": products[0].MRP}}}, &sale,
		apiclient.Header("X-Request-Id", rid), apiclient.Key(fmt.Sprintf("0190a0b0-0000-7000-8000-00000000%04d", len(mall)+int(mall[0]))))
	if code != 201 {
		t.Fatalf("sale at %s: %d", mall, code)
	}
	if got := hdr.Get("X-Request-Id"); got != rid {
		t.Errorf("response X-Request-Id = %q, want %q", got, rid)
	}
	// The access log is written as the request ends, before the client
	// has the answer; every line of this mall's request path in that
	// window must carry the id. NATS and the sync relay log on their own.
	window := logs.String()[mark:]
	withID := 0
	sc := bufio.NewScanner(strings.NewReader(window))
	for sc.Scan() {
		var l map[string]any
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("log line is not JSON: %s", sc.Text())
		}
		if l["mall"] != mall || l["component"] != nil {
			continue
		}
		if l["request_id"] == rid {
			withID++
		} else {
			t.Errorf("log line of the sale without its request id: %s", sc.Text())
		}
	}
	t.Logf("%s: %d log lines of the sale, all with request id %s", mall, withID, rid)
	if withID == 0 || !strings.Contains(window, `"route":"/api/v1/sales"`) {
		t.Errorf("no access log line for the sale with request id %s in:\n%s", rid, window)
	}
	return sale.Total
}

// logFile is a log file read whole each time it is asked.
type logFile string

func (f logFile) String() string {
	b, _ := os.ReadFile(string(f))
	return string(b)
}

func metricsText(t *testing.T, base string) string {
	t.Helper()
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// value is the sample of series (name with its labels, as exposed) in a
// scrape, or -1 when absent.
func value(text, series string) float64 {
	re := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(series) + ` (\S+)$`)
	m := re.FindStringSubmatch(text)
	if m == nil {
		return -1
	}
	v, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		return -1
	}
	return v
}

func scrape(t *testing.T, base, series string) float64 {
	t.Helper()
	v := value(metricsText(t, base), series)
	if v < 0 {
		t.Fatalf("%s/metrics has no %s", base, series)
	}
	return v
}
