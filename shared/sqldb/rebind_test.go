package sqldb

import (
	"database/sql"
	"reflect"
	"testing"
)

func TestRebind(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`SELECT 1`, `SELECT 1`},
		{`SELECT a FROM t WHERE b = ? AND c = ?`, `SELECT a FROM t WHERE b = $1 AND c = $2`},
		{`SELECT ?2, ?1, ?2`, `SELECT $2, $1, $2`},
		{`SELECT ?2, ?`, `SELECT $2, $3`},
		{`SELECT '?', "a?b", ? -- why?` + "\n" + `, ?`, `SELECT '?', "a?b", $1 -- why?` + "\n" + `, $2`},
		{`SELECT 'it''s ?', ?`, `SELECT 'it''s ?', $1`},
		{`INSERT INTO t VALUES (?, ?10)`, `INSERT INTO t VALUES ($1, $10)`},
		{`SELECT x::text WHERE a <= :cut AND b = ? AND c <= :cut OR d = :win`, `SELECT x::text WHERE a <= $2 AND b = $1 AND c <= $2 OR d = $3`},
	} {
		if got := Rebind(c.in); got != c.want {
			t.Errorf("Rebind(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestRebindArgs(t *testing.T) {
	q, args := rebindArgs(`SELECT :b, ?, :a, :b`, []any{sql.Named("a", 1), "p", sql.Named("b", 2)})
	if q != `SELECT $2, $1, $3, $2` || !reflect.DeepEqual(args, []any{"p", 2, 1}) {
		t.Fatalf("got %q %v", q, args)
	}
}
