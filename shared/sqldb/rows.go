package sqldb

import (
	"context"
	"strings"
)

// ValuesList is "(?, ?), (?, ?)" for rows rows of cols columns: the tail of
// a multi-row INSERT.
func ValuesList(rows, cols int) string {
	one := "(" + strings.Repeat("?, ", cols-1) + "?)"
	var b strings.Builder
	b.Grow(rows * (len(one) + 2))
	for i := range rows {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(one)
	}
	return b.String()
}

// InsertRows runs head (an INSERT ending in VALUES) over args, cols values
// a row, at most perInsert rows a statement: pick perInsert so that
// perInsert × cols stays well under SQLite's 32,766 and PostgreSQL's 65,535
// arguments.
func InsertRows(ctx context.Context, q Querier, head string, cols, perInsert int, args []any) error {
	for lo := 0; lo < len(args); lo += perInsert * cols {
		hi := min(len(args), lo+perInsert*cols)
		if _, err := q.ExecContext(ctx, head+ValuesList((hi-lo)/cols, cols), args[lo:hi]...); err != nil {
			return err
		}
	}
	return nil
}
