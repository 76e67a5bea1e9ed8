package api

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"ektamall/shared/catalog"
	"ektamall/shared/errs"
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
// The change replaces the whole product at every mall, so every field a
// sale reads must be given: a missing gst_rate would otherwise decode as
// 0% and every mall would sell the product tax-free.
func (s *Server) catalogProduct(c *gin.Context) {
	var in productIn
	if err := httpx.Decode(c, &in); err != nil {
		httpx.Fail(c, err)
		return
	}
	p, err := in.product()
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	s.changeCatalog(c, syncwire.CatalogChange{Kind: syncwire.KindProduct, Product: &p})
}

// productIn is catalog.Product as posted, with the fields a sale depends
// on as pointers so that "absent" is told apart from a zero value.
type productIn struct {
	SKU        *string       `json:"sku"`
	Name       *string       `json:"name"`
	Barcode    *string       `json:"barcode"`
	HSN        *string       `json:"hsn"`
	GSTRate    *gst.Rate     `json:"gst_rate"`
	MRP        *money.Amount `json:"mrp"`
	State      *string       `json:"state"`
	DistrictID *string       `json:"district_id"`
	ProducerID *string       `json:"producer_id"`
	GI         *bool         `json:"gi"`
	Category   *string       `json:"category"`
	RateBasis  string        `json:"rate_basis,omitempty"`
	Generated  bool          `json:"generated,omitempty"`
	// Names are translations of the name ({"hi": "…"}), optional.
	Names map[string]string `json:"names,omitempty"`
}

func (in productIn) product() (catalog.Product, error) {
	var missing []string
	str := func(name string, v *string) string {
		if v == nil {
			missing = append(missing, name)
			return ""
		}
		return *v
	}
	p := catalog.Product{SKU: str("sku", in.SKU), Name: str("name", in.Name), Barcode: str("barcode", in.Barcode), HSN: str("hsn", in.HSN),
		State: str("state", in.State), DistrictID: str("district_id", in.DistrictID), ProducerID: str("producer_id", in.ProducerID),
		Category: str("category", in.Category), RateBasis: in.RateBasis, Generated: in.Generated, Names: in.Names}
	if in.GSTRate == nil {
		missing = append(missing, "gst_rate")
	} else {
		p.GSTRate = *in.GSTRate
	}
	if in.MRP == nil {
		missing = append(missing, "mrp")
	} else {
		p.MRP = *in.MRP
	}
	if in.GI == nil {
		missing = append(missing, "gi")
	} else {
		p.GI = *in.GI
	}
	if len(missing) > 0 {
		return catalog.Product{}, errs.Field(missing[0], "a product needs every field a sale reads; missing: %s (give \"gst_rate\": \"0\" for an exempt product)",
			strings.Join(missing, ", "))
	}
	return p, nil
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
		Rate        *gst.Rate  `json:"rate"`
		EffectiveAt *time.Time `json:"effective_at"`
	}
	if err := httpx.Decode(c, &in); err != nil {
		httpx.Fail(c, err)
		return
	}
	// Absent is not 0%: it would make every product under the HSN tax-free.
	if in.Rate == nil {
		httpx.Fail(c, errs.Field("rate", "rate is required (e.g. \"5\"; \"0\" for exempt goods)"))
		return
	}
	s.changeCatalog(c, syncwire.CatalogChange{Kind: syncwire.KindTaxRate, EffectiveAt: in.EffectiveAt,
		TaxRate: &syncwire.TaxRateChange{HSN: in.HSN, Rate: *in.Rate}})
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
