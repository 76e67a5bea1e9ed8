package synce2e

import (
	"context"
	"database/sql"
	"fmt"
	"testing"
	"time"

	"ektamall/cmd/ektamall/internal/e2e"
	"ektamall/hub/ingest"
	"ektamall/shared/events"
	"ektamall/shared/money"
)

// The real hub and mall processes (in-process), over HTTP: a sale at the
// mall shows at the hub within about a second, both sides report the
// sync state, and a price change made through the hub API reaches the
// mall's catalog.
func TestAppsOverHTTP(t *testing.T) {
	a := startApps(t) // hub admin "hadm" owns the catalog
	h, m, ctx := a.hub, a.mall, context.Background()
	hubTok, mallTok, catTok := a.hubTok, a.mallTok, a.adminTok
	var err error

	prod := loadSeed(t).Products[3]
	err = m.DB.Transact(ctx, func(tx *sql.Tx) error {
		s := sampleSaleOf("LKO1", 0, prod.SKU, prod.ProducerID)
		_, err := events.Append(ctx, tx, "LKO1", events.SaleCompleted, s.At, s)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	sold := time.Now()
	var malls []ingest.MallStatus
	e2e.WaitFor(t, 10*time.Second, "sale at the hub", func() error {
		e2e.Expect(t, "GET", h.URL+"/api/v1/malls", hubTok, nil, 200, &malls)
		if len(malls) != 1 || malls[0].Watermark != 1 {
			return fmt.Errorf("malls %+v", malls)
		}
		return nil
	})
	t.Logf("sale at the hub %s after it was written", time.Since(sold))
	if !malls[0].Connected || malls[0].LastEventAt == nil || malls[0].ID != "LKO1" || malls[0].State != "UP" {
		t.Fatalf("mall status %+v", malls[0])
	}
	e2e.WaitFor(t, 5*time.Second, "mall sync status", func() error {
		var st map[string]any
		e2e.Expect(t, "GET", m.URL+"/api/v1/sync", mallTok, nil, 200, &st)
		if st["last_seq"] != 1.0 || st["hub_watermark"] != 1.0 || st["pending"] != 0.0 || st["connected"] != true {
			return fmt.Errorf("%v", st)
		}
		return nil
	})
	var parked []any
	e2e.Expect(t, "GET", h.URL+"/api/v1/parked", hubTok, nil, 200, &parked)
	if len(parked) != 0 {
		t.Fatalf("parked %v", parked)
	}

	// Bad input changes nothing; a good price change reaches the mall.
	e2e.Expect(t, "POST", h.URL+"/api/v1/catalog/prices", catTok, map[string]any{"sku": prod.SKU, "mrp": "-5.00"}, 400, nil)
	e2e.Expect(t, "POST", h.URL+"/api/v1/catalog/prices", catTok, map[string]any{"sku": "UP-XXX-999", "mrp": "5.00"}, 404, nil)
	e2e.Expect(t, "POST", h.URL+"/api/v1/catalog/prices", catTok, map[string]any{"sku": prod.SKU, "mrp": "1.005"}, 400, nil)
	newMRP := prod.MRP.Add(money.MustParse("25.00"))
	e2e.Expect(t, "POST", h.URL+"/api/v1/catalog/prices", hubTok, map[string]any{"sku": prod.SKU, "mrp": newMRP.String()}, 403, nil)
	e2e.Expect(t, "POST", h.URL+"/api/v1/catalog/prices", catTok, map[string]any{"sku": prod.SKU, "mrp": newMRP.String()}, 201, nil)
	e2e.WaitFor(t, 10*time.Second, "price at the mall", func() error {
		var p map[string]any
		e2e.Expect(t, "GET", m.URL+"/api/v1/products/"+prod.SKU, mallTok, nil, 200, &p)
		if p["mrp"] != newMRP.String() {
			return fmt.Errorf("mrp %v", p["mrp"])
		}
		return nil
	})
	var changes []map[string]any
	e2e.Expect(t, "GET", h.URL+"/api/v1/catalog/changes", hubTok, nil, 200, &changes)
	if len(changes) != 1 || changes[0]["kind"] != "price" || changes[0]["published"] != true {
		t.Fatalf("changes %v", changes)
	}
}

func syncLogin(t *testing.T, base, user string) string {
	t.Helper()
	return e2e.Login(t, base, user, "pass-word-123")
}
