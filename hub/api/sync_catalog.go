package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"ektamall/shared/catalog"
	"ektamall/shared/gst"
	"ektamall/shared/httpx"
	"ektamall/shared/money"
	"ektamall/shared/syncwire"
)

// Catalog changes: finance and hub admins change the master catalog here;
// each change applies at the hub and flows to every mall (201 with the
// change as published, including its number).

func (s *Server) changeCatalog(c *gin.Context, ch syncwire.CatalogChange) {
	svc := s.syncService(c)
	if svc == nil {
		return
	}
	out, err := svc.ChangeCatalog(c.Request.Context(), ch, httpx.User(c).ID, httpx.RequestID(c))
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, out)
}

// POST /api/v1/catalog/products — a catalog.Product (create or replace).
func (s *Server) catalogProduct(c *gin.Context) {
	var p catalog.Product
	if err := httpx.Decode(c, &p); err != nil {
		httpx.Fail(c, err)
		return
	}
	s.changeCatalog(c, syncwire.CatalogChange{Kind: syncwire.KindProduct, Product: &p})
}

// POST /api/v1/catalog/prices — {"sku", "mrp": "1499.00", "effective_at"?}.
func (s *Server) catalogPrice(c *gin.Context) {
	var in struct {
		SKU         string       `json:"sku"`
		MRP         money.Amount `json:"mrp"`
		EffectiveAt *time.Time   `json:"effective_at"`
	}
	if err := httpx.Decode(c, &in); err != nil {
		httpx.Fail(c, err)
		return
	}
	s.changeCatalog(c, syncwire.CatalogChange{Kind: syncwire.KindPrice, EffectiveAt: in.EffectiveAt,
		Price: &syncwire.PriceChange{SKU: in.SKU, MRP: in.MRP}})
}

// POST /api/v1/catalog/producers — {"id", "name", "district_id", "state"}.
func (s *Server) catalogProducer(c *gin.Context) {
	var p catalog.Producer
	if err := httpx.Decode(c, &p); err != nil {
		httpx.Fail(c, err)
		return
	}
	s.changeCatalog(c, syncwire.CatalogChange{Kind: syncwire.KindProducer, Producer: &p})
}

// POST /api/v1/catalog/districts — a catalog.District.
func (s *Server) catalogDistrict(c *gin.Context) {
	var d catalog.District
	if err := httpx.Decode(c, &d); err != nil {
		httpx.Fail(c, err)
		return
	}
	s.changeCatalog(c, syncwire.CatalogChange{Kind: syncwire.KindDistrict, District: &d})
}

// POST /api/v1/catalog/tax-rates — {"hsn": "6911", "rate": "5", "effective_at"?}:
// the GST rate of every product whose HSN code starts with hsn.
func (s *Server) catalogTaxRate(c *gin.Context) {
	var in struct {
		HSN         string     `json:"hsn"`
		Rate        gst.Rate   `json:"rate"`
		EffectiveAt *time.Time `json:"effective_at"`
	}
	if err := httpx.Decode(c, &in); err != nil {
		httpx.Fail(c, err)
		return
	}
	s.changeCatalog(c, syncwire.CatalogChange{Kind: syncwire.KindTaxRate, EffectiveAt: in.EffectiveAt,
		TaxRate: &syncwire.TaxRateChange{HSN: in.HSN, Rate: in.Rate}})
}

// POST /api/v1/catalog/tax-bands — {"hsn": "62", "bands": [{"upto": "2500.00",
// "rate": "5"}, {"open": true, "rate": "18"}], "effective_at"?}: the price
// bands of an HSN heading, sent to every mall; "bands": [] removes them.
func (s *Server) catalogTaxBands(c *gin.Context) {
	var in struct {
		HSN         string     `json:"hsn"`
		Bands       gst.Bands  `json:"bands"`
		EffectiveAt *time.Time `json:"effective_at"`
	}
	if err := httpx.Decode(c, &in); err != nil {
		httpx.Fail(c, err)
		return
	}
	s.changeCatalog(c, syncwire.CatalogChange{Kind: syncwire.KindTaxBands, EffectiveAt: in.EffectiveAt,
		TaxBands: &syncwire.TaxBandsChange{HSN: in.HSN, Bands: in.Bands.Sorted()}})
}

// GET /api/v1/catalog/changes?after=0&limit=200 — the changes in order.
func (s *Server) catalogChanges(c *gin.Context) {
	svc := s.syncService(c)
	if svc == nil {
		return
	}
	after := int64(0)
	if v := c.Query("after"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			httpx.Fail(c, httpx.BadQuery("after", "after must be a change number (0 or more)"))
			return
		}
		after = n
	}
	limit, ok := queryLimit(c)
	if !ok {
		return
	}
	out, err := svc.CatalogChanges(c.Request.Context(), after, limit)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, out)
}
