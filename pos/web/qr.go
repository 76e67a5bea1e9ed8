package web

import (
	"fmt"
	"net/http"
	"strings"

	"ektamall/shared/qrsvg"
	"ektamall/shared/webui"

	"github.com/gin-gonic/gin"
)

// maxQRText bounds what /qr.svg encodes: a upi://pay payload is a few
// hundred characters at most.
const maxQRText = 512

// qrSVG renders ?text=... as an SVG QR code. The QR is drawn here rather
// than in the browser so the screens need no vendored encoder; it needs no
// login because it only encodes the text it is given, and it encodes only
// upi:// payloads and this mall's trace links (traceBase/trace/<token>),
// so it is no general-purpose QR service.
func qrSVG(traceBase string) gin.HandlerFunc {
	return func(c *gin.Context) {
		text := c.Query("text")
		trace := traceBase != "" && strings.HasPrefix(text, traceBase+"/trace/") && !strings.ContainsAny(text[len(traceBase)+7:], "/?#")
		if !(strings.HasPrefix(text, "upi://") || trace) || len(text) > maxQRText {
			c.AbortWithStatusJSON(http.StatusBadRequest, gin.H{"error": gin.H{"code": "invalid", "field": "text",
				"message": fmt.Sprintf("text must be a upi:// payload or this mall's trace link, of at most %d characters", maxQRText)}})
			return
		}
		svg, err := QRSVG(text)
		if err != nil {
			c.AbortWithStatusJSON(http.StatusBadRequest, gin.H{"error": gin.H{"code": "invalid", "field": "text", "message": "cannot encode this text as a QR code"}})
			return
		}
		webui.Secure(c)
		c.Header("Cache-Control", "private, max-age=600")
		c.Data(http.StatusOK, "image/svg+xml", []byte(svg))
	}
}

// QRSVG encodes text as a QR code (see qrsvg.SVG).
func QRSVG(text string) (string, error) { return qrsvg.SVG(text) }
