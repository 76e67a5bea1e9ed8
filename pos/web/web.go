// Package web serves the mall's screens: the cashier's till at / and the
// zone manager's stock screen at /zone (pos/api mounts them in the mall
// process, pos/mallapp). They are plain HTML, CSS and JavaScript modules
// embedded in the binary (no build step), talking to the mall's JSON API
// under /api/v1 with the bearer token of the login.
package web

import (
	"embed"
	"io/fs"

	"ektamall/shared/webui"

	"github.com/gin-gonic/gin"
)

//go:embed static
var files embed.FS

// static is the embedded folder itself (so URLs do not carry "static/"),
// over the assets shared with the hub's screen.
var static = func() fs.FS { s, _ := fs.Sub(files, "static"); return webui.Over(s) }()

// Register mounts the screens on r: / (cashier), /zone (zone manager),
// /admin (users, audit log, one's own password; shared with the hub),
// /manage (the mall admin's drawers, voids, approvals, stock checks),
// /assets/* (scripts, styles) and /qr.svg (UPI QR codes, and the trace
// links under traceBase/trace/ that receipts carry; traceBase "" allows
// none). Everything else is left to r, so unknown /api/ paths still get
// the JSON 404.
func Register(r *gin.Engine, traceBase string) {
	r.GET("/", webui.Page(static, "cashier.html"))
	r.GET("/zone", webui.Page(static, "zone.html"))
	r.GET("/admin", webui.Page(static, "admin.html"))
	r.GET("/manage", webui.Page(static, "manage.html"))
	r.GET("/assets/*file", webui.Assets(static))
	r.GET("/qr.svg", qrSVG(traceBase))
}
