package httpx

import (
	"net/http"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"ektamall/shared/auth"
	"ektamall/shared/errs"
)

// MaxLoginBody bounds a login request: a username and a password fit in
// far less, and nothing bigger is read before the caller is known.
const MaxLoginBody = 4 << 10

// RegisterAuth adds POST /api/v1/auth/login and /logout to api, and
// PUT /api/v1/me/lang (the user's language, one of langs: the languages
// this process offers, which the login answer lists with the user's
// choice). Failed logins are counted per username and client address (the
// TCP peer: the engine trusts no X-Forwarded-For).
func RegisterAuth(api *gin.RouterGroup, store *auth.Store, mall string, langs []string) {
	api.POST("/auth/login", Limit(MaxLoginBody), func(c *gin.Context) {
		var in struct {
			Username string `json:"username"`
			Password string `json:"password"`
		}
		if err := Decode(c, &in); err != nil {
			Fail(c, err)
			return
		}
		s, err := store.LoginFrom(c.Request.Context(), in.Username, in.Password, c.ClientIP(), RequestID(c))
		if err != nil {
			Fail(c, err)
			return
		}
		c.JSON(http.StatusOK, gin.H{"token": s.Token, "expires_at": s.ExpiresAt, "role": s.User.Role,
			"zone": s.User.Zone, "username": s.User.Username, "display_name": s.User.DisplayName, "mall": mall,
			"lang": s.User.Lang, "langs": langs})
	})
	api.PUT("/me/lang", RequireAuth(store), func(c *gin.Context) {
		var in struct {
			Lang string `json:"lang"`
		}
		if err := Decode(c, &in); err != nil {
			Fail(c, err)
			return
		}
		if !slices.Contains(langs, in.Lang) {
			Fail(c, errs.Field("lang", "lang must be one of %s", strings.Join(langs, ", ")))
			return
		}
		if err := store.SetLang(c.Request.Context(), User(c), in.Lang); err != nil {
			Fail(c, err)
			return
		}
		c.JSON(http.StatusOK, gin.H{"lang": in.Lang, "langs": langs})
	})
	api.POST("/auth/logout", RequireAuth(store), func(c *gin.Context) {
		if err := store.Logout(c.Request.Context(), bearer(c), RequestID(c)); err != nil {
			Fail(c, err)
			return
		}
		c.Status(http.StatusNoContent)
	})
}

// RequireAuth admits requests with a live bearer token and stores the user.
func RequireAuth(store *auth.Store) gin.HandlerFunc {
	return func(c *gin.Context) {
		tok := bearer(c)
		if tok == "" {
			Fail(c, errs.E(errs.Unauthorized, "missing Authorization: Bearer <token>; log in first"))
			return
		}
		u, err := store.Authenticate(c.Request.Context(), tok)
		if err != nil {
			Fail(c, err)
			return
		}
		c.Set(keyUser, u)
		c.Next()
	}
}

// RequireRole admits only the given roles (after RequireAuth).
func RequireRole(roles ...auth.Role) gin.HandlerFunc {
	return func(c *gin.Context) {
		u := User(c)
		if !slices.Contains(roles, u.Role) {
			Fail(c, errs.E(errs.Forbidden, "your role (%s) may not do this", u.Role))
			return
		}
		c.Next()
	}
}

// User is the authenticated user of the request.
func User(c *gin.Context) auth.User {
	if u, ok := c.Get(keyUser); ok {
		return u.(auth.User)
	}
	return auth.User{}
}

func bearer(c *gin.Context) string {
	h := c.GetHeader("Authorization")
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}
