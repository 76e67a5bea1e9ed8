package api

import (
	"errors"
	"io"
	"net/http"

	"github.com/gin-gonic/gin"

	"ektamall/hub/recon"
	"ektamall/hub/settle"
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
	body, ok := readCSV(c, "statement")
	if !ok {
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

// importPayoutResults takes the bank's response to a payout file as the
// request body (text/csv: reference,status,utr,reason): paid payouts are
// cleared, failed ones go back to the producer's payable.
func (s *Server) importPayoutResults(c *gin.Context) {
	body, ok := readCSV(c, "bank response")
	if !ok {
		return
	}
	im, err := settle.ImportResults(c.Request.Context(), s.d.DB, c.Query("filename"), body, httpx.User(c).Username, s.now())
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, im)
}

// readCSV reads an uploaded file (the route's httpx.Upload bounds it at
// maxStatement bytes), answering the error itself when it cannot.
func readCSV(c *gin.Context, what string) ([]byte, bool) {
	body, err := io.ReadAll(c.Request.Body)
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		httpx.Fail(c, errs.E(errs.TooLarge, "%s is over %d bytes", what, mbe.Limit))
		return nil, false
	}
	if err != nil {
		httpx.Fail(c, errs.E(errs.Invalid, "could not read the %s", what))
		return nil, false
	}
	return body, true
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
