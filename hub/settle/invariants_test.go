package settle_test

import (
	"strings"
	"testing"

	"ektamall/hub/ledger"
	"ektamall/hub/ledger/ledgertest"
	"ektamall/shared/auth"
	"ektamall/shared/sqldb"
)

// TestBooksRefuseChangeInTheDatabase: the books' invariants hold in the
// database itself, whatever code writes to it, on SQLite and (make
// test-pg) on PostgreSQL alike: a booked entry, its postings, a closed
// settlement run with its items, balances and payouts, and the audit log
// can be neither changed nor deleted by plain SQL; an entry whose postings
// do not balance is refused by the ledger's code on both and, on
// PostgreSQL, by the database when the transaction commits.
func TestBooksRefuseChangeInTheDatabase(t *testing.T) {
	f := newFixture(t)
	p := ledgertest.Products(t, 4)
	f.sell(t, f.now.Add(-20*24*3600e9), ledgertest.Item{Product: p[0], Qty: 2}, ledgertest.Item{Product: p[1], Qty: 1})
	if r, _ := f.run(t); r.PayoutCount == 0 {
		t.Fatalf("the run paid nobody: %+v", r)
	}
	if err := f.db.Transact(f.ctx, func(tx sqldb.Tx) error {
		return auth.Audit(f.ctx, tx, f.now, "", "settlement.run", "{}", "test")
	}); err != nil {
		t.Fatal(err)
	}
	before := mustBalance(t, f)
	for _, q := range []string{
		`UPDATE ledger_entries SET amount = amount + 100`,
		`DELETE FROM ledger_entries`,
		`UPDATE ledger_postings SET debit = debit + 100 WHERE debit > 0`,
		`DELETE FROM ledger_postings`,
		`UPDATE settlement_runs SET payout_total = payout_total + 100`,
		`DELETE FROM settlement_runs`,
		`UPDATE settlement_payouts SET amount = amount + 100`,
		`DELETE FROM settlement_payouts`,
		`UPDATE settlement_balances SET payout = payout + 100`,
		`UPDATE audit_log SET action = 'x'`,
		`DELETE FROM audit_log`,
	} {
		err := f.db.Transact(f.ctx, func(tx sqldb.Tx) error {
			_, err := tx.ExecContext(f.ctx, q)
			return err
		})
		if err == nil || !strings.Contains(err.Error(), "immutable") && !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: %v, want it refused by the database", q, err)
		}
	}
	if after := mustBalance(t, f); after != before {
		t.Errorf("the refused statements changed the books: %+v, then %+v", before, after)
	}

	// An unbalanced entry: the ledger's code refuses it on both stores.
	bad := ledger.Entry{ID: "test:unbalanced", Kind: "sale", At: f.now,
		Postings: []ledger.Posting{ledger.D(ledger.ProducerAccount(p[0].ProducerID), 500), ledger.C(ledger.PayoutsInFlight, 400)}}
	if err := f.db.Transact(f.ctx, func(tx sqldb.Tx) error { return ledger.Post(f.ctx, tx, bad, f.now) }); err == nil {
		t.Error("ledger.Post booked an entry whose debits and credits differ")
	}
	if f.db.Dialect() != sqldb.Postgres {
		return
	}
	// On PostgreSQL the database refuses it too, written past the code.
	err := f.db.Transact(f.ctx, func(tx sqldb.Tx) error {
		if _, err := tx.ExecContext(f.ctx, `INSERT INTO ledger_entries (id, kind, effective_at, created_at, amount) VALUES ('test:raw', 'sale', ?, ?, 500)`,
			ledger.TS(f.now), ledger.TS(f.now)); err != nil {
			return err
		}
		_, err := tx.ExecContext(f.ctx, `INSERT INTO ledger_postings (entry_id, account_id, debit) SELECT 'test:raw', id, 500 FROM ledger_accounts ORDER BY id LIMIT 1`)
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "does not balance") {
		t.Errorf("an unbalanced entry written in SQL: %v, want refused at commit", err)
	}
	if after := mustBalance(t, f); after != before {
		t.Errorf("the refused entry changed the books: %+v, then %+v", before, after)
	}
}

// books is what the ledger check sees: its totals and counts.
type books struct {
	debits, credits   string
	entries, accounts int64
}

func mustBalance(t *testing.T, f *fixture) books {
	t.Helper()
	r, err := ledger.Check(f.ctx, f.db.Reader())
	if err != nil || !r.OK {
		t.Fatalf("ledger check: %+v, %v", r, err)
	}
	return books{r.Debits.String(), r.Credits.String(), r.Entries, r.Accounts}
}
