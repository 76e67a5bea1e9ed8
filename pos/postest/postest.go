// Package postest builds real mall databases for the point of sale's tests:
// a SQLite file in a temp dir opened with the production helper, migrated,
// with the mall's identity, the embedded catalog, users of every counter
// role and, on request, stock.
package postest

import (
	"context"
	"database/sql"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"ektamall/inventory"
	"ektamall/migrations"
	"ektamall/pos"
	"ektamall/shared/auth"
	"ektamall/shared/catalog"
	"ektamall/shared/catalogdb"
	"ektamall/shared/gst"
	"ektamall/shared/sqlitedb"
)

// MallID and State of the test mall (Lucknow, Uttar Pradesh).
const (
	MallID = "LKO1"
	State  = "UP"
	GSTIN  = "09AAAGE1234A1Z5"
)

// Password of every test user.
const Password = "correct-horse-42"

// Mall is a test mall.
type Mall struct {
	Path  string
	DB    *sqlitedb.DB
	Auth  *auth.Store
	POS   *pos.Service
	Users map[string]auth.User // cashier1, cashier2, admin, zm.up
}

// Open makes a fresh mall database in t.TempDir(); it is closed by
// t.Cleanup.
func Open(t testing.TB, o sqlitedb.Options) *Mall {
	t.Helper()
	return OpenAt(t, filepath.Join(t.TempDir(), "mall.db"), o)
}

// OpenAt opens (creating and seeding on first use) the mall database at
// path.
func OpenAt(t testing.TB, path string, o sqlitedb.Options) *Mall {
	t.Helper()
	return OpenWith(t, path, o, State, pos.Config{})
}

// OpenIn makes a fresh mall in another State/UT (its GSTIN derived from
// the State's code) with the given point-of-sale configuration.
func OpenIn(t testing.TB, state string, cfg pos.Config) *Mall {
	t.Helper()
	return OpenWith(t, filepath.Join(t.TempDir(), "mall.db"), sqlitedb.Options{}, state, cfg)
}

// GSTINFor is a valid demo GSTIN registered in state.
func GSTINFor(state string) string {
	st, _ := catalog.StateByCode(state)
	first := st.GSTCode + "AAAGE1234A1Z"
	return first + string(gst.GSTINCheckChar(first))
}

// OpenWith opens (creating and seeding on first use) the mall database at
// path, for a mall in state, with the point of sale configured by cfg.
func OpenWith(t testing.TB, path string, o sqlitedb.Options, state string, cfg pos.Config) *Mall {
	t.Helper()
	ctx := context.Background()
	db, err := sqlitedb.Open(ctx, path, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := migrations.Apply(ctx, db.W, migrations.Mall, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		t.Fatal(err)
	}
	store := auth.NewStore(db, auth.Policy{BcryptCost: bcrypt.MinCost})
	store.CacheSessions() // as the mall runs
	m := &Mall{Path: path, DB: db, Auth: store, Users: map[string]auth.User{}}
	var n int
	if err := db.R.QueryRowContext(ctx, `SELECT count(*) FROM mall`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		seed, err := catalog.LoadSeed()
		if err != nil {
			t.Fatal(err)
		}
		now := time.Now().UTC()
		err = db.Transact(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, `INSERT INTO mall (id, state, name, gstin, address, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
				MallID, state, "PM Ekta Mall, Lucknow", gstinOf(state), "Awadh Shilpgram, Lucknow, Uttar Pradesh 226010", now.Format(time.RFC3339Nano)); err != nil {
				return err
			}
			if err := catalogdb.InsertSeed(ctx, tx, seed, true, now); err != nil {
				return err
			}
			for _, u := range []struct {
				name string
				role auth.Role
				zone string
			}{{"cashier1", auth.Cashier, ""}, {"cashier2", auth.Cashier, ""}, {"admin", auth.MallAdmin, ""}, {"zm.up", auth.ZoneManager, "UP"}} {
				if _, err := store.CreateUser(ctx, tx, u.name, Password, u.name, u.role, u.zone); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	rows, err := db.R.QueryContext(ctx, `SELECT id, username, role, COALESCE(zone, '') FROM users`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var u auth.User
		if err := rows.Scan(&u.ID, &u.Username, &u.Role, &u.Zone); err != nil {
			t.Fatal(err)
		}
		u.DisplayName = u.Username
		m.Users[u.Username] = u
	}
	rows.Close()
	if m.POS, err = pos.New(ctx, db, store, cfg); err != nil {
		t.Fatal(err)
	}
	return m
}

func gstinOf(state string) string {
	if state == State {
		return GSTIN
	}
	return GSTINFor(state)
}

// AddUser creates one more user.
func (m *Mall) AddUser(t testing.TB, name string, role auth.Role) auth.User {
	t.Helper()
	ctx := context.Background()
	var u auth.User
	err := m.DB.Transact(ctx, func(tx *sql.Tx) error {
		var err error
		u, err = m.Auth.CreateUser(ctx, tx, name, Password, name, role, "")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	m.Users[name] = u
	return u
}

// Actor is the user called name acting.
func (m *Mall) Actor(name string) pos.Actor {
	return pos.Actor{User: m.Users[name], RequestID: "test"}
}

// Receive puts qty units of sku into its zone's backroom, as a goods
// received note would.
func (m *Mall) Receive(t testing.TB, sku string, qty int64) {
	t.Helper()
	ctx := context.Background()
	err := m.DB.Transact(ctx, func(tx *sql.Tx) error {
		_, err := inventory.Apply(ctx, tx, MallID, inventory.Move{Kind: inventory.KindReceipt, SKU: sku, Zone: sku[:2], Qty: qty,
			To: inventory.Backroom, Ref: "test-grn"}, false)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Products returns n active products of the catalog, cheapest rates and
// dearest items mixed, for carts.
func (m *Mall) Products(t testing.TB, n int) []catalogdb.Product {
	t.Helper()
	ps, err := catalogdb.ListProducts(context.Background(), m.DB.R, catalogdb.Filter{Limit: n})
	if err != nil {
		t.Fatal(err)
	}
	return ps
}

// Count is the number of rows in each table named, for "nothing changed"
// checks.
func (m *Mall) Count(t testing.TB, tables ...string) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	for _, tb := range tables {
		var n int64
		// Table names come from the test's own list, never from input.
		if err := m.DB.R.QueryRow(`SELECT count(*) FROM ` + tb).Scan(&n); err != nil {
			t.Fatal(err)
		}
		out[tb] = n
	}
	return out
}

// Tables are every table a counter request may write.
var Tables = []string{"shifts", "cash_moves", "doc_series", "sales", "sale_lines", "sale_tenders", "idempotency_keys",
	"approvals", "parked_carts", "upi_requests", "returns", "return_lines", "refunds", "outbox", "stock_moves", "stock",
	"stock_exceptions", "audit_log"}
