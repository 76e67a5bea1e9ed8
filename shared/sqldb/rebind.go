package sqldb

import (
	"database/sql"
	"strconv"
	"strings"
	"sync"
)

// rebound caches rebind's answers: the hub runs the same few hundred
// statements over and over.
var rebound sync.Map // query → boundQuery

type boundQuery struct {
	q     string
	names []string // the :name parameters, in the order of their $N after the positional ones
}

// Rebind turns SQLite's ? and ?N arguments into PostgreSQL's $N. As in
// SQLite, a bare ? takes the number after the largest one seen so far.
// Question marks inside string literals, quoted identifiers and comments
// are left alone.
func Rebind(q string) string { return bind(q).q }

// rebindArgs is Rebind for a statement with its arguments: :name
// parameters (sql.Named) become $N after the positional ones, and the
// arguments are put in that order.
func rebindArgs(q string, args []any) (string, []any) {
	b := bind(q)
	if len(b.names) == 0 {
		return b.q, args
	}
	var pos []any
	named := map[string]any{}
	for _, a := range args {
		if n, ok := a.(sql.NamedArg); ok {
			named[n.Name] = n.Value
		} else {
			pos = append(pos, a)
		}
	}
	for _, n := range b.names {
		pos = append(pos, named[n])
	}
	return b.q, pos
}

func bind(q string) boundQuery {
	if v, ok := rebound.Load(q); ok {
		return v.(boundQuery)
	}
	b := rebind(q)
	rebound.Store(q, b)
	return b
}

func rebind(q string) boundQuery {
	if !strings.ContainsAny(q, "?:") {
		return boundQuery{q: q}
	}
	var (
		b       strings.Builder
		largest int
		names   []string
		marks   []int // where each :name's number goes, filled in at the end
	)
	b.Grow(len(q) + 8)
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case c == '\'' || c == '"':
			j := closing(q, i+1, c)
			b.WriteString(q[i:j])
			i = j - 1
		case c == '-' && i+1 < len(q) && q[i+1] == '-':
			j := strings.IndexByte(q[i:], '\n')
			if j < 0 {
				j = len(q) - i
			}
			b.WriteString(q[i : i+j])
			i += j - 1
		case c == ':' && i+1 < len(q) && q[i+1] == ':': // a PostgreSQL cast
			b.WriteString("::")
			i++
		case c == ':' && i+1 < len(q) && identStart(q[i+1]):
			j := i + 1
			for j < len(q) && identPart(q[j]) {
				j++
			}
			name := q[i+1 : j]
			k := index(names, name)
			if k < 0 {
				k = len(names)
				names = append(names, name)
			}
			b.WriteString("$\x00")
			marks = append(marks, k)
			i = j - 1
		case c == '?':
			j := i + 1
			for j < len(q) && q[j] >= '0' && q[j] <= '9' {
				j++
			}
			n := largest + 1
			if j > i+1 {
				n, _ = strconv.Atoi(q[i+1 : j])
			}
			largest = max(largest, n)
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			i = j - 1
		default:
			b.WriteByte(c)
		}
	}
	out := b.String()
	for _, k := range marks { // named parameters come after the positional ones
		out = strings.Replace(out, "$\x00", "$"+strconv.Itoa(largest+k+1), 1)
	}
	return boundQuery{q: out, names: names}
}

func identStart(c byte) bool { return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func identPart(c byte) bool  { return identStart(c) || c >= '0' && c <= '9' }

func index(names []string, n string) int {
	for i, m := range names {
		if m == n {
			return i
		}
	}
	return -1
}

// closing returns the index just past the quote that closes a literal
// opened before from; a doubled quote is an escaped one.
func closing(q string, from int, quote byte) int {
	for i := from; i < len(q); i++ {
		if q[i] == quote {
			if i+1 < len(q) && q[i+1] == quote {
				i++
				continue
			}
			return i + 1
		}
	}
	return len(q)
}
