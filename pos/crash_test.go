package pos_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"ektamall/inventory"
	"ektamall/pos"
	"ektamall/pos/postest"
	"ektamall/shared/auth"
	"ektamall/shared/ids"
	"ektamall/shared/sqlitedb"
)

const crashEnv = "POS_CRASH_CHILD"

func TestMain(m *testing.M) {
	if v := os.Getenv(crashEnv); v != "" {
		os.Exit(crashChild(v))
	}
	os.Exit(m.Run())
}

// crashChild is the process the crash test kills: it rings sales on the
// given database and shift as fast as it can, printing each id only after
// its commit returned, until it is killed.
func crashChild(arg string) int {
	parts := strings.SplitN(arg, "|", 3)
	if len(parts) != 3 {
		fmt.Fprintln(os.Stderr, "want path|shift|user")
		return 2
	}
	path, shiftID, username := parts[0], parts[1], parts[2]
	ctx := context.Background()
	db, err := sqlitedb.Open(ctx, path, sqlitedb.Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	store := auth.NewStore(db, auth.Policy{})
	svc, err := pos.New(ctx, db, store, pos.Config{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	var u auth.User
	if err := db.R.QueryRow(`SELECT id, username, role FROM users WHERE username = ?`, username).Scan(&u.ID, &u.Username, &u.Role); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	for i := 0; i < 100000; i++ {
		s, _, err := svc.Checkout(ctx, pos.Actor{User: u}, ids.New(), pos.SaleRequest{ShiftID: shiftID,
			Lines: []pos.LineRequest{{SKU: "UP-ALG-001", Qty: 1}, {SKU: "UP-AMT-001", Qty: 2}}, Tenders: cash("1278.00")})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 2
		}
		fmt.Printf("SALE %s %s\n", s.ID, s.InvoiceNo)
	}
	return 0
}

// TestKillMidStream: a child process rings sales and is SIGKILLed while
// writing; every sale it reported committed is there after reopening, and
// the database is consistent (stock ledger, invoice series, outbox).
func TestKillMidStream(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	m := postest.Open(t, sqlitedb.Options{})
	sh := openShift(t, m, "cashier1", "C01")
	path := m.Path
	m.DB.Close()

	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), crashEnv+"="+path+"|"+sh.ID+"|cashier1")
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	var committed []string
	deadline := time.After(60 * time.Second)
	for len(committed) < 40 {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("child exited after %d sales", len(committed))
			}
			committed = append(committed, strings.Fields(l)[1])
		case <-deadline:
			t.Fatalf("child reported only %d sales in 60 s", len(committed))
		}
	}
	if err := cmd.Process.Kill(); err != nil { // SIGKILL, mid-write
		t.Fatal(err)
	}
	for l := range lines { // what it printed before dying was committed too
		committed = append(committed, strings.Fields(l)[1])
	}
	cmd.Wait()

	m2 := postest.OpenAt(t, path, sqlitedb.Options{})
	for _, id := range committed {
		s, err := m2.POS.GetSale(ctx, m2.Actor("cashier1"), id)
		if err != nil {
			t.Fatalf("sale %s reported committed is gone after kill -9: %v", id, err)
		}
		if s.Total.String() != "1278.00" || len(s.Lines) != 2 {
			t.Fatalf("sale %s came back damaged: %+v", id, s)
		}
	}
	var n, maxSeq, events int64
	m2.DB.R.QueryRow(`SELECT count(*), MAX(seq) FROM sales WHERE series = 'C01'`).Scan(&n, &maxSeq)
	m2.DB.R.QueryRow(`SELECT count(*) FROM outbox WHERE type = 'sale.completed'`).Scan(&events)
	if n < int64(len(committed)) || maxSeq != n || events != n {
		t.Errorf("after restart: %d sales up to seq %d, %d events; %d were reported", n, maxSeq, events, len(committed))
	}
	if bad, err := inventory.Check(ctx, m2.DB.R); err != nil || len(bad) != 0 {
		t.Errorf("stock ledger after kill: %v %v", bad, err)
	}
	// The restarted mall carries on: the shift is still open, numbering
	// continues.
	s := mustSell(t, m2, "cashier1", pos.SaleRequest{ShiftID: sh.ID, Lines: []pos.LineRequest{{SKU: "UP-ALG-001", Qty: 1}}, Tenders: cash("480.00")})
	if want := fmt.Sprintf("%07d", n+1); !strings.HasSuffix(s.InvoiceNo, want) {
		t.Errorf("first invoice after restart %s, want sequence %s", s.InvoiceNo, want)
	}
}
