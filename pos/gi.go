package pos

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// insertLineGI keeps, with the invoice, the GI name and registration
// number each line printed (only lines whose product has them), so a
// reprint shows what the customer was given even if the catalog changes.
// One statement for all of them, as insertLines: checkout is hot.
func insertLineGI(ctx context.Context, tx *sql.Tx, saleID string, lines []SaleLine) error {
	var b strings.Builder
	var args []any
	for _, l := range lines {
		if l.GIReg == "" {
			continue
		}
		if args == nil {
			b.WriteString(`INSERT INTO sale_line_gi (sale_id, line_no, gi_name, gi_reg) VALUES (?,?,?,?)`)
		} else {
			b.WriteString(",(?,?,?,?)")
		}
		args = append(args, saleID, l.LineNo, l.GIName, l.GIReg)
	}
	if args == nil {
		return nil
	}
	if _, err := tx.ExecContext(ctx, b.String(), args...); err != nil {
		return fmt.Errorf("sale line GI: %w", err)
	}
	return nil
}

// readLineGI fills the GI details of a sale's lines.
func readLineGI(ctx context.Context, q queryer, saleID string, lines []SaleLine) error {
	rows, err := q.QueryContext(ctx, `SELECT line_no, gi_name, gi_reg FROM sale_line_gi WHERE sale_id = ?`, saleID)
	if err != nil {
		return fmt.Errorf("read sale line GI: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var no int
		var name, reg string
		if err := rows.Scan(&no, &name, &reg); err != nil {
			return err
		}
		for i := range lines {
			if lines[i].LineNo == no {
				lines[i].GIName, lines[i].GIReg = name, reg
			}
		}
	}
	return rows.Err()
}
