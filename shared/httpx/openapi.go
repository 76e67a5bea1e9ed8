package httpx

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/gin-gonic/gin"
)

// OpenAPIDoc is an API's OpenAPI 3 document, written by hand in YAML (it
// reads better in review) and embedded by the API package that owns it.
// Mall and hub serve theirs the same way, and openapitest checks each
// against the routes its engine registers.
type OpenAPIDoc struct {
	name string
	load func() (*openapi3.T, error)
	json func() ([]byte, error)
}

// NewOpenAPIDoc wraps the YAML of the API called name ("mall", "hub");
// the document is loaded and validated once, on first use.
func NewOpenAPIDoc(name string, yaml []byte) *OpenAPIDoc {
	d := &OpenAPIDoc{name: name}
	d.load = sync.OnceValues(func() (*openapi3.T, error) {
		doc, err := openapi3.NewLoader().LoadFromData(yaml)
		if err != nil {
			return nil, fmt.Errorf("openapi %s: load: %w", name, err)
		}
		if err := doc.Validate(context.Background()); err != nil {
			return nil, fmt.Errorf("openapi %s: %w", name, err)
		}
		return doc, nil
	})
	d.json = sync.OnceValues(func() ([]byte, error) {
		doc, err := d.load()
		if err != nil {
			return nil, err
		}
		return json.Marshal(doc)
	})
	return d
}

// Load returns the validated document.
func (d *OpenAPIDoc) Load() (*openapi3.T, error) { return d.load() }

// Register serves the document at /api/openapi.json, without auth: client
// generators fetch it before they have a token.
func (d *OpenAPIDoc) Register(r *gin.Engine) {
	r.GET("/api/openapi.json", func(c *gin.Context) {
		b, err := d.json()
		if err != nil {
			Fail(c, err)
			return
		}
		c.Data(http.StatusOK, "application/json", b)
	})
}
