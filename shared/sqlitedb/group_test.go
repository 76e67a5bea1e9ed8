package sqlitedb_test

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"testing"

	"ektamall/shared/errs"
)

// Many concurrent grouped transactions, some failing on their own (a
// duplicate key, a plain error, a panic): each gets its own outcome, the
// failures leave nothing behind, and the batch-mates' writes all commit.
func TestTransactGroupedIsolatesFailures(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	if _, err := db.W.Exec(`INSERT INTO t (k, n) VALUES ('dup', 0)`); err != nil {
		t.Fatal(err)
	}
	const n = 200
	errsOut := make([]error, n)
	panics := make([]any, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { panics[i] = recover() }()
			errsOut[i] = db.TransactGrouped(ctx, func(tx *sql.Tx) error {
				// Two writes, so a failure after the first must be undone.
				if _, err := tx.ExecContext(ctx, `INSERT INTO t (k, n) VALUES (?, ?)`, fmt.Sprintf("k%03d", i), i); err != nil {
					return err
				}
				switch i % 10 {
				case 3: // duplicate key on the second write
					_, err := tx.ExecContext(ctx, `INSERT INTO t (k, n) VALUES ('dup', 1)`)
					return err
				case 5:
					return fmt.Errorf("refused %d", i)
				case 7:
					panic(fmt.Sprintf("boom %d", i))
				}
				_, err := tx.ExecContext(ctx, `INSERT INTO t (k, n) VALUES (?, ?)`, fmt.Sprintf("k%03d-b", i), i)
				return err
			})
		}()
	}
	wg.Wait()
	for i := range n {
		var have int
		if err := db.R.QueryRow(`SELECT COUNT(*) FROM t WHERE k IN (?, ?)`, fmt.Sprintf("k%03d", i), fmt.Sprintf("k%03d-b", i)).Scan(&have); err != nil {
			t.Fatal(err)
		}
		switch i % 10 {
		case 3:
			if errs.CodeOf(errsOut[i]) != errs.Conflict || have != 0 {
				t.Errorf("tx %d: err %v, %d rows; want Conflict and none", i, errsOut[i], have)
			}
		case 5:
			if errsOut[i] == nil || errsOut[i].Error() != fmt.Sprintf("refused %d", i) || have != 0 {
				t.Errorf("tx %d: err %v, %d rows; want its own error and none", i, errsOut[i], have)
			}
		case 7:
			if panics[i] != fmt.Sprintf("boom %d", i) || have != 0 {
				t.Errorf("tx %d: panic %v, %d rows; want its panic re-raised and none", i, panics[i], have)
			}
		default:
			if errsOut[i] != nil || panics[i] != nil || have != 2 {
				t.Errorf("tx %d: err %v, panic %v, %d rows; want both rows", i, errsOut[i], panics[i], have)
			}
		}
	}
}

// After Close, a grouped transaction fails instead of hanging.
func TestTransactGroupedAfterClose(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	if err := db.TransactGrouped(ctx, func(*sql.Tx) error { return nil }); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if err := db.TransactGrouped(ctx, func(*sql.Tx) error { return nil }); err == nil {
		t.Fatal("grouped transaction on a closed database succeeded")
	}
}
