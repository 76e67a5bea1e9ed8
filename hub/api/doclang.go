package api

import (
	"html/template"
	"strings"

	"github.com/gin-gonic/gin"

	"ektamall/shared/auth"
	"ektamall/shared/httpx"
	"ektamall/shared/webui"
)

// docLang is the language of a producer's printable document: ?lang=
// (one the hub offers), else the producer's own choice (producerLang:
// their login's users.lang, read only when needed), else English.
func docLang(c *gin.Context, producerLang func() (string, error)) (string, error) {
	offered := webui.Languages("")
	if l := c.Query("lang"); l != "" {
		if !webui.ValidLang(l, offered) {
			return "", httpx.BadQuery("lang", "lang must be one of "+strings.Join(offered, ", "))
		}
		return l, nil
	}
	l, err := producerLang()
	if err != nil {
		return "", err
	}
	if webui.ValidLang(l, offered) {
		return l, nil
	}
	return "en", nil
}

// producerLang reads the producer's chosen language: the login's own for
// the producer, else (finance, their district officer) the producer's
// login's, as the document is the producer's.
func (s *Server) producerLang(c *gin.Context, producerID string) func() (string, error) {
	return func() (string, error) {
		if u := httpx.User(c); u.Role == auth.Producer {
			return u.Lang, nil
		}
		return s.d.Producer.Lang(c.Request.Context(), producerID)
	}
}

// traceLang is the language of the public trace page: ?lang=, else the
// browser's Accept-Language, else English. An unknown ?lang= reads as
// English: the page is public and a link must not break on it.
func traceLang(c *gin.Context) string {
	offered := webui.Languages("")
	if l := c.Query("lang"); webui.ValidLang(l, offered) {
		return l
	}
	if l := webui.AcceptLanguage(c.GetHeader("Accept-Language"), offered); l != "" {
		return l
	}
	return "en"
}

// traceNotFound is the trace page of a link no sale carries, in lang.
func traceNotFound(lang string) []byte {
	w := webui.WordsIn(lang)
	esc := template.HTMLEscapeString
	return []byte(`<!doctype html><html lang="` + w.Lang + `"><head><meta charset="utf-8">` +
		`<meta name="viewport" content="width=device-width, initial-scale=1"><title>` + esc(w.T("trace.notFound")) + `</title></head>` +
		`<body><h1>` + esc(w.T("trace.notFound")) + `</h1><p>` + esc(w.T("trace.notFoundHint")) + `</p></body></html>`)
}
