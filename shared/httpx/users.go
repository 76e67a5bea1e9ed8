package httpx

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"ektamall/shared/auth"
	"ektamall/shared/errs"
)

// Staff says who manages whom in one process, and who reads its audit log.
type Staff struct {
	Admin        auth.Role   // manages the users of Manages
	Manages      []auth.Role // roles the admin may create, reset, deactivate and unlock
	AuditReaders []auth.Role // roles that may read GET /audit
}

// RegisterStaff adds user management and the audit log to api (which must
// already require a login):
//
//	GET  /users                          the users (admin)
//	POST /users                          create; a password left out is generated and returned once
//	PUT  /users/{username}/password      reset (generated when left out); ends their sessions
//	POST /users/{username}/deactivate    ends their sessions; they can no longer log in
//	POST /users/{username}/activate
//	POST /users/{username}/unlock        lift a lock left by failed logins
//	PUT  /me/password                    anyone: change one's own password
//	GET  /audit                          the audit log, filtered and paged
func RegisterStaff(api *gin.RouterGroup, store *auth.Store, s Staff) {
	h := staffHandlers{store: store, s: s}
	g := api.Group("/users", RequireRole(s.Admin))
	g.GET("", h.list)
	g.POST("", h.create)
	g.PUT("/:username/password", h.reset)
	g.POST("/:username/deactivate", h.setActive(false))
	g.POST("/:username/activate", h.setActive(true))
	g.POST("/:username/unlock", h.unlock)
	api.PUT("/me/password", h.changeOwn)
	api.GET("/audit", RequireRole(s.AuditReaders...), h.audit)
}

type staffHandlers struct {
	store *auth.Store
	s     Staff
}

func (h staffHandlers) list(c *gin.Context) {
	us, err := h.store.ListUsers(c.Request.Context())
	if err != nil {
		Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, us)
}

func (h staffHandlers) create(c *gin.Context) {
	var in struct {
		auth.NewUser
		// Absent asks for a generated password; "" is refused as too short.
		Password *string `json:"password"`
	}
	if err := Decode(c, &in); err != nil {
		Fail(c, err)
		return
	}
	generated := in.Password == nil
	if !generated {
		in.NewUser.Password = *in.Password
		if *in.Password == "" {
			Fail(c, errs.Field("password", "password must be 8 to 72 bytes (leave it out to have one generated)"))
			return
		}
	}
	u, pass, err := h.store.AddUser(c.Request.Context(), User(c), h.s.Manages, in.NewUser, RequestID(c))
	if err != nil {
		Fail(c, err)
		return
	}
	out := gin.H{"id": u.ID, "username": u.Username, "display_name": u.DisplayName, "role": u.Role, "zone": u.Zone, "active": true}
	if generated {
		out["password"] = pass // shown once; only its hash is kept
	}
	noStore(c)
	c.JSON(http.StatusCreated, out)
}

func (h staffHandlers) reset(c *gin.Context) {
	var in struct {
		Password *string `json:"password"` // absent (or no body): generate one
	}
	if c.Request.ContentLength != 0 {
		if err := Decode(c, &in); err != nil {
			Fail(c, err)
			return
		}
	}
	given := in.Password != nil
	if given && *in.Password == "" {
		Fail(c, errs.Field("password", "password must be 8 to 72 bytes (leave it out to have one generated)"))
		return
	}
	var want string
	if given {
		want = *in.Password
	}
	pass, err := h.store.ResetPassword(c.Request.Context(), User(c), h.s.Manages, c.Param("username"), want, RequestID(c))
	if err != nil {
		Fail(c, err)
		return
	}
	if given {
		c.Status(http.StatusNoContent)
		return
	}
	noStore(c)
	c.JSON(http.StatusOK, gin.H{"username": c.Param("username"), "password": pass})
}

func (h staffHandlers) setActive(active bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		a, err := h.store.SetActive(c.Request.Context(), User(c), h.s.Manages, c.Param("username"), active, RequestID(c))
		if err != nil {
			Fail(c, err)
			return
		}
		c.JSON(http.StatusOK, a)
	}
}

// unlock lifts every lock on the user (from every client address) and
// answers the locks left: {"username", "locks"}.
func (h staffHandlers) unlock(c *gin.Context) {
	if err := h.store.Unlock(c.Request.Context(), User(c), h.s.Manages, c.Param("username"), RequestID(c)); err != nil {
		Fail(c, err)
		return
	}
	locks, err := h.store.Locks(c.Request.Context(), c.Param("username"))
	if err != nil {
		Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"username": c.Param("username"), "locks": locks})
}

func (h staffHandlers) changeOwn(c *gin.Context) {
	var in struct {
		OldPassword string `json:"old_password"`
		NewPassword string `json:"new_password"`
	}
	if err := Decode(c, &in); err != nil {
		Fail(c, err)
		return
	}
	if err := h.store.ChangeOwnPassword(c.Request.Context(), User(c), bearer(c), c.ClientIP(), in.OldPassword, in.NewPassword, RequestID(c)); err != nil {
		Fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

func (h staffHandlers) audit(c *gin.Context) {
	f, err := auditFilter(c)
	if err != nil {
		Fail(c, err)
		return
	}
	rows, err := h.store.ListAudit(c.Request.Context(), f)
	if err != nil {
		Fail(c, err)
		return
	}
	if len(rows) > 0 && len(rows) == f.Limit {
		// There may be more: the next page is ?before=<this>.
		c.Header("X-Next-Before", itoa(rows[len(rows)-1].ID))
	}
	noStore(c)
	c.JSON(http.StatusOK, rows)
}

func noStore(c *gin.Context) { c.Header("Cache-Control", "no-store") }
