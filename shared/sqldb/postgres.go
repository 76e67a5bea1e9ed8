package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
)

// PGStore is a PostgreSQL database seen as a DB, through pgx's
// database/sql driver. Every write transaction is SERIALIZABLE: the hub's
// code was written for SQLite's one writer at a time, and serializable
// transactions keep that meaning when several hub nodes write at once
// (PostgreSQL aborts one of two transactions that would interleave, and
// Transact runs it again).
type PGStore struct {
	pool *sql.DB
	q    pgQuerier
}

// PGOptions tune OpenPostgres.
type PGOptions struct {
	// MaxConns bounds the pool (default 16).
	MaxConns int
}

// maxAttempts bounds how often Transact runs fn after serialization
// failures before it reports the database busy.
const maxAttempts = 12

// IsPostgresURL reports whether s names a PostgreSQL server (postgres://
// or postgresql://).
func IsPostgresURL(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// OpenPostgres connects to the database at url (postgres://...).
func OpenPostgres(ctx context.Context, url string, o PGOptions) (*PGStore, error) {
	if o.MaxConns <= 0 {
		o.MaxConns = 16
	}
	pool, err := sql.Open("pgx", url)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	pool.SetMaxOpenConns(o.MaxConns)
	pool.SetMaxIdleConns(o.MaxConns)
	pool.SetConnMaxIdleTime(5 * time.Minute)
	pctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	if err := pool.PingContext(pctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: connect: %w", err)
	}
	return &PGStore{pool: pool, q: pgQuerier{pool}}, nil
}

// Pool is the connection pool itself, for tools that speak PostgreSQL's
// own SQL (migrations, health): its statements are not rebound.
func (p *PGStore) Pool() *sql.DB { return p.pool }

func (p *PGStore) Reader() Querier  { return p.q }
func (p *PGStore) Writer() Querier  { return p.q }
func (p *PGStore) Dialect() Dialect { return Postgres }
func (p *PGStore) Close() error     { return p.pool.Close() }

// Transact runs fn in one SERIALIZABLE transaction, again (after a short,
// growing, jittered pause) when PostgreSQL aborts it for a serialization
// failure or a deadlock.
func (p *PGStore) Transact(ctx context.Context, fn func(Tx) error) error {
	for attempt := 1; ; attempt++ {
		err := p.once(ctx, fn)
		if !IsRetryable(err) || attempt == maxAttempts || ctx.Err() != nil {
			return Classify(err)
		}
		pause := time.Duration(attempt*attempt) * time.Millisecond
		pause += time.Duration(rand.Int64N(int64(pause) + 1))
		select {
		case <-ctx.Done():
			return Classify(err)
		case <-time.After(pause):
		}
	}
}

func (p *PGStore) once(ctx context.Context, fn func(Tx) error) (err error) {
	tx, err := p.pool.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelSerializable})
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer func() {
		if r := recover(); r != nil {
			_ = tx.Rollback()
			panic(r)
		}
		if err != nil {
			_ = tx.Rollback()
			return
		}
		if cerr := tx.Commit(); cerr != nil {
			err = fmt.Errorf("commit: %w", cerr)
		}
	}()
	return fn(pgQuerier{tx})
}

// PGQuerier is q (a connection or transaction of a PostgreSQL pool, such
// as PGStore.Pool gives) with the hub's portable SQL rebound.
func PGQuerier(q Querier) Querier { return pgQuerier{q} }

// pgQuerier rebinds ? to $N and passes Go booleans as 0/1, which is how
// the hub's schema (written for SQLite) stores them.
type pgQuerier struct{ q Querier }

func (p pgQuerier) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	query, args = rebindArgs(query, args)
	return p.q.ExecContext(ctx, query, pgArgs(args)...)
}

func (p pgQuerier) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	query, args = rebindArgs(query, args)
	return p.q.QueryContext(ctx, query, pgArgs(args)...)
}

func (p pgQuerier) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	query, args = rebindArgs(query, args)
	return p.q.QueryRowContext(ctx, query, pgArgs(args)...)
}

func (p pgQuerier) PrepareContext(ctx context.Context, query string) (*sql.Stmt, error) {
	return p.q.PrepareContext(ctx, Rebind(query))
}

func pgArgs(args []any) []any {
	var out []any // a copy, made only when there is a bool to change
	for i, a := range args {
		b, ok := a.(bool)
		if !ok {
			continue
		}
		if out == nil {
			out = append([]any(nil), args...)
		}
		out[i] = int64(0)
		if b {
			out[i] = int64(1)
		}
	}
	if out == nil {
		return args
	}
	return out
}

var _ DB = (*PGStore)(nil)
