package api

import (
	"errors"
	"io"
	"net/http"

	"github.com/gin-gonic/gin"

	"ektamall/hub/recon"
	"ektamall/shared/errs"
	"ektamall/shared/httpx"
)

// maxStatement bounds a statement upload (a busy mall's month of UPI is
// well under this).
const maxStatement = 32 << 20

func (s *Server) completeness(c *gin.Context) {
	r, err := recon.Completeness(c.Request.Context(), s.d.DB.Reader())
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, r)
}

func (s *Server) shiftRecon(c *gin.Context) {
	r, err := recon.Shifts(c.Request.Context(), s.d.DB.Reader(), c.Query("mall"))
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, r)
}

// importStatement takes the CSV as the request body (Content-Type
// text/csv); ?filename= names it in the import record.
func (s *Server) importStatement(c *gin.Context) {
	body, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, maxStatement))
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		httpx.Fail(c, errs.E(errs.TooLarge, "statement is over %d bytes", mbe.Limit))
		return
	}
	if err != nil {
		httpx.Fail(c, errs.E(errs.Invalid, "could not read the statement"))
		return
	}
	im, err := recon.ImportStatement(c.Request.Context(), s.d.DB, c.Query("filename"), body, httpx.User(c).Username, s.now())
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	rep, err := recon.Breaks(c.Request.Context(), s.d.DB.Reader(), im.ID, s.now())
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, gin.H{"import": im, "report": rep})
}

func (s *Server) statementBreaks(c *gin.Context) {
	rep, err := recon.Breaks(c.Request.Context(), s.d.DB.Reader(), c.Param("id"), s.now())
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	if wantsCSV(c) {
		c.Header("Content-Type", "text/csv; charset=utf-8")
		c.Status(http.StatusOK)
		if err := recon.WriteBreaksCSV(c.Writer, rep); err != nil {
			httpx.Log(c).Error("write breaks csv", "err", err)
		}
		return
	}
	c.JSON(http.StatusOK, rep)
}
