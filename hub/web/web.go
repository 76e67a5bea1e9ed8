// Package web serves the hub's finance screen at /: plain HTML, CSS and
// JavaScript modules embedded in the binary (no build step) that call the
// hub's JSON API under /api/v1 with the bearer token of the login.
package web

import (
	"embed"
	"io/fs"

	"github.com/gin-gonic/gin"

	"ektamall/shared/webui"
)

//go:embed static
var files embed.FS

var static = func() fs.FS { s, _ := fs.Sub(files, "static"); return webui.Over(s) }()

// Register mounts the finance screen on r: /, /admin (users, audit log,
// one's own password; shared with the malls) and /assets/*. Everything
// else is left to r, so unknown /api/ paths still get the JSON 404.
func Register(r *gin.Engine) {
	r.GET("/", webui.Page(static, "finance.html"))
	r.GET("/admin", webui.Page(static, "admin.html"))
	r.GET("/producer", webui.Page(static, "producer.html")) // a producer's own view, for a phone
	r.GET("/assets/*file", webui.Assets(static))
}
