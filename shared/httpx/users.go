package httpx

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"ektamall/shared/auth"
)

// RegisterUserAdmin adds staff management to api for the admin role:
// GET /users, POST /users, PUT /users/{username}/password and
// POST /users/{username}/unlock. Admins may create, reset and unlock only
// the roles listed (a mall admin manages counter and zone staff; the hub
// admin manages finance).
func RegisterUserAdmin(api *gin.RouterGroup, store *auth.Store, admin auth.Role, roles ...auth.Role) {
	g := api.Group("/users", RequireRole(admin))
	g.GET("", func(c *gin.Context) {
		us, err := store.ListUsers(c.Request.Context())
		if err != nil {
			Fail(c, err)
			return
		}
		c.JSON(http.StatusOK, us)
	})
	g.POST("", func(c *gin.Context) {
		var in struct {
			Username    string    `json:"username"`
			Password    string    `json:"password"`
			DisplayName string    `json:"display_name"`
			Role        auth.Role `json:"role"`
			Zone        string    `json:"zone"`
		}
		if err := Decode(c, &in); err != nil {
			Fail(c, err)
			return
		}
		u, err := store.AddUser(c.Request.Context(), User(c), roles, in.Username, in.Password, in.DisplayName, in.Role, in.Zone, RequestID(c))
		if err != nil {
			Fail(c, err)
			return
		}
		c.JSON(http.StatusCreated, u)
	})
	g.PUT("/:username/password", func(c *gin.Context) {
		var in struct {
			Password string `json:"password"`
		}
		if err := Decode(c, &in); err != nil {
			Fail(c, err)
			return
		}
		if err := store.ResetPassword(c.Request.Context(), User(c), roles, c.Param("username"), in.Password, RequestID(c)); err != nil {
			Fail(c, err)
			return
		}
		c.Status(http.StatusNoContent)
	})
	g.POST("/:username/unlock", func(c *gin.Context) {
		if err := store.Unlock(c.Request.Context(), User(c), roles, c.Param("username"), RequestID(c)); err != nil {
			Fail(c, err)
			return
		}
		locks, err := store.Locks(c.Request.Context(), c.Param("username"))
		if err != nil {
			Fail(c, err)
			return
		}
		c.JSON(http.StatusOK, gin.H{"username": c.Param("username"), "locks": locks})
	})
}
