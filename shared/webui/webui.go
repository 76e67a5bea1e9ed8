// Package webui serves embedded screens for both the mall and the hub: the
// page and asset handlers with their security headers, and the assets
// both screens share (common.js: the API client and helpers; style.css).
// Each process layers its own files over these.
package webui

import (
	"embed"
	"errors"
	"io/fs"
	"net/http"
	"path"
	"strings"

	"github.com/gin-gonic/gin"
)

//go:embed static
var files embed.FS

// Shared holds common.js and style.css.
var Shared, _ = fs.Sub(files, "static")

// layers looks a name up in each file system in turn.
type layers []fs.FS

func (l layers) Open(name string) (fs.File, error) {
	for _, f := range l {
		if file, err := f.Open(name); err == nil {
			return file, nil
		}
	}
	return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
}

// Over returns own with the shared assets beneath it.
func Over(own fs.FS) fs.FS { return layers{own, Shared} }

// Page serves one HTML page of dir.
func Page(dir fs.FS, name string) gin.HandlerFunc {
	return func(c *gin.Context) {
		b, err := fs.ReadFile(dir, name)
		if err != nil {
			c.String(http.StatusNotFound, "page not found")
			return
		}
		Secure(c)
		c.Data(http.StatusOK, "text/html; charset=utf-8", b)
	}
}

// Assets serves the non-HTML files of dir under the route's *file
// parameter; anything else is a JSON 404 like the API's.
func Assets(dir fs.FS) gin.HandlerFunc {
	return func(c *gin.Context) {
		name := strings.TrimPrefix(path.Clean(c.Param("file")), "/")
		b, err := fs.ReadFile(dir, name)
		if err == nil && strings.HasSuffix(name, ".html") {
			err = errors.New("pages are not assets")
		}
		if err != nil {
			c.AbortWithStatusJSON(http.StatusNotFound, gin.H{"error": gin.H{"code": "not_found", "message": "no such file: " + name}})
			return
		}
		Secure(c)
		c.Data(http.StatusOK, contentType(name), b)
	}
}

func contentType(name string) string {
	switch path.Ext(name) {
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".json":
		return "application/json; charset=utf-8"
	case ".svg":
		return "image/svg+xml"
	}
	return "application/octet-stream"
}

// Secure sets the headers every screen file carries: no caching (the
// binary may be upgraded under a running counter; files are small) and a
// content security policy that allows only this origin's scripts.
func Secure(c *gin.Context) {
	h := c.Writer.Header()
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'")
}
