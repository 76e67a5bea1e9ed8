package api

import (
	_ "embed"

	"ektamall/shared/httpx"
)

// openapiYAML is the hub API's OpenAPI 3 document. It is written by hand
// and checked against the registered routes by TestOpenAPIMatchesRoutes.
//
//go:embed openapi.yaml
var openapiYAML []byte

// OpenAPI is the hub API document, served at /api/openapi.json.
var OpenAPI = httpx.NewOpenAPIDoc("hub", openapiYAML)
