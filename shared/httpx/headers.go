package httpx

import (
	"strings"

	"github.com/gin-gonic/gin"
)

// apiCSP is the policy of every response that does not set its own (the
// screens and printable receipts do, see webui.Secure): JSON, CSV and
// errors load nothing and may not be framed.
const apiCSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

// secureHeaders sets the headers every response carries. Responses under
// /api/ carry tokens, receipts and personal data (buyers' names, GSTINs,
// producers' bank details): no cache may keep them.
func secureHeaders() gin.HandlerFunc {
	return func(c *gin.Context) {
		h := c.Writer.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Content-Security-Policy", apiCSP)
		if strings.HasPrefix(c.Request.URL.Path, "/api/") || c.Request.URL.Path == "/metrics" {
			h.Set("Cache-Control", "no-store")
		}
		c.Next()
	}
}
