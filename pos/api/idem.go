package api

import (
	"github.com/gin-gonic/gin"

	"ektamall/shared/httpx"
	"ektamall/shared/idem"
)

// keyed guards a mutating endpoint whose retry could double a write: the
// Idempotency-Key header must be there and well formed, checked before
// the body is read. The handler passes c.GetHeader(idem.Header) to its
// service, which keys the write with shared/idem.
func keyed(c *gin.Context) {
	if err := idem.Require(c.GetHeader(idem.Header)); err != nil {
		httpx.Fail(c, err)
		return
	}
	c.Next()
}

// keyOptional is keyed for the endpoints the outside contract lets be
// called without a key (POST /zones/{zone}/receipts and /restock in
// CONTRACT.md): a key, when sent, is checked and honoured.
func keyOptional(c *gin.Context) {
	if err := idem.Optional(c.GetHeader(idem.Header)); err != nil {
		httpx.Fail(c, err)
		return
	}
	c.Next()
}
