// Package csvin reads the CSV files finance uploads (payment statements,
// bank responses): a header row names the columns, in any order and any
// case; every bad row is named by its line number; one bad row rejects the
// whole file, so nothing is ever half imported.
package csvin

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"ektamall/shared/errs"
)

// maxBad bounds how many bad rows an error lists.
const maxBad = 20

// Read calls row for every data row of body, with the row's line number
// and a getter by column name ("" for a column the row lacks); row returns
// the row's problems. what names the file in errors ("statement"); the
// required columns must be in the header. Read fails with errs.Invalid if
// the header lacks one, a row has problems, or there are no rows.
func Read(body []byte, what string, required []string, row func(line int, get func(col string) string) []string) error {
	cr := csv.NewReader(bytes.NewReader(body))
	cr.FieldsPerRecord = -1
	want := strings.Join(required, ",")
	head, err := cr.Read()
	if err != nil {
		return errs.E(errs.Invalid, "%s: no header row (want %s)", what, want)
	}
	col := map[string]int{}
	for i, h := range head {
		col[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))] = i
	}
	for _, c := range required {
		if _, ok := col[c]; !ok {
			return errs.E(errs.Invalid, "%s: header has no %q column (want %s)", what, c, want)
		}
	}
	var bad []string
	rows := 0
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			// FieldPos panics on a record the parser gave up on (a stray
			// quote in its first field): the parse error has the line.
			bad = append(bad, parseProblem(err))
			break
		}
		line, _ := cr.FieldPos(0)
		rows++
		get := func(c string) string {
			if i, ok := col[c]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		if probs := row(line, get); len(probs) > 0 {
			bad = append(bad, fmt.Sprintf("line %d: %s", line, strings.Join(probs, ", ")))
		}
	}
	if len(bad) > 0 {
		return Rejected(what, bad)
	}
	if rows == 0 {
		return errs.E(errs.Invalid, "%s has no rows", what)
	}
	return nil
}

// parseProblem names the line a CSV parse error is on, in words a
// finance clerk can act on.
func parseProblem(err error) string {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Sprintf("line %d: %v (a field with a \" must be quoted whole, with each \" inside doubled)", pe.StartLine, pe.Err)
	}
	return fmt.Sprintf("unreadable CSV: %v", err)
}

// Rejected is the error for a file with bad lines: nothing was imported.
func Rejected(what string, bad []string) error {
	more := ""
	if len(bad) > maxBad {
		more = fmt.Sprintf(" (and %d more)", len(bad)-maxBad)
		bad = bad[:maxBad]
	}
	return errs.E(errs.Invalid, "%s rejected, nothing imported: %s%s", what, strings.Join(bad, "; "), more)
}
