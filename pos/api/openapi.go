package api

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/gin-gonic/gin"

	"ektamall/shared/httpx"
)

// openapiYAML is the mall API's OpenAPI 3 document. It is written by hand
// (YAML reads better in review) and checked against the registered routes
// by TestOpenAPIMatchesRoutes.
//
//go:embed openapi.yaml
var openapiYAML []byte

// OpenAPI is the mall API document, loaded and validated once.
var OpenAPI = sync.OnceValues(func() (*openapi3.T, error) {
	doc, err := openapi3.NewLoader().LoadFromData(openapiYAML)
	if err != nil {
		return nil, fmt.Errorf("openapi: load: %w", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("openapi: %w", err)
	}
	return doc, nil
})

var openapiJSON = sync.OnceValues(func() ([]byte, error) {
	doc, err := OpenAPI()
	if err != nil {
		return nil, err
	}
	return json.Marshal(doc)
})

// registerOpenAPI serves the document at /api/openapi.json, without auth:
// client generators fetch it before they have a token.
func registerOpenAPI(r *gin.Engine) {
	r.GET("/api/openapi.json", func(c *gin.Context) {
		b, err := openapiJSON()
		if err != nil {
			httpx.Fail(c, err)
			return
		}
		c.Data(http.StatusOK, "application/json", b)
	})
}
