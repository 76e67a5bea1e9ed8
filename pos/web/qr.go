package web

import (
	"fmt"
	"net/http"
	"strings"

	"ektamall/shared/webui"

	"github.com/gin-gonic/gin"
	qrcode "github.com/skip2/go-qrcode"
)

// maxQRText bounds what /qr.svg encodes: a upi://pay payload is a few
// hundred characters at most.
const maxQRText = 512

// qrSVG renders ?text=upi://pay?... as an SVG QR code. The QR is drawn
// here rather than in the browser so the screens need no vendored encoder;
// it needs no login because it only encodes the text it is given, and it
// encodes only upi:// payloads so it is no general-purpose QR service.
func qrSVG(c *gin.Context) {
	text := c.Query("text")
	if !strings.HasPrefix(text, "upi://") || len(text) > maxQRText {
		c.AbortWithStatusJSON(http.StatusBadRequest, gin.H{"error": gin.H{"code": "invalid", "field": "text",
			"message": fmt.Sprintf("text must be a upi:// payload of at most %d characters", maxQRText)}})
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

// QRSVG encodes text as a QR code (medium error correction, a quiet zone
// of four modules) drawn as one SVG path of unit squares.
func QRSVG(text string) (string, error) {
	q, err := qrcode.New(text, qrcode.Medium)
	if err != nil {
		return "", fmt.Errorf("qr: %w", err)
	}
	q.DisableBorder = true
	bm := q.Bitmap()
	n := len(bm)
	const quiet = 4
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" shape-rendering="crispEdges">`, n+2*quiet, n+2*quiet)
	fmt.Fprintf(&b, `<rect width="100%%" height="100%%" fill="#fff"/><path fill="#000" d="`)
	for y, row := range bm {
		for x, on := range row {
			if on {
				fmt.Fprintf(&b, "M%d %dh1v1h-1z", x+quiet, y+quiet)
			}
		}
	}
	b.WriteString(`"/></svg>`)
	return b.String(), nil
}
