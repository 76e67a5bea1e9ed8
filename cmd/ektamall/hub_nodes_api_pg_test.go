package main

import (
	"context"
	"reflect"
	"testing"
	"time"

	"ektamall/cmd/ektamall/internal/e2e"
	hubapp "ektamall/hub/app"
	"ektamall/shared/sqldb/pgtest"
)

// TestFinanceAnswersOnEveryHubNode (issue 23 item 3, "the finance API
// answers from any node"): two hub application nodes on one PostgreSQL
// database. Finance logs in at one; the other accepts that session,
// starts a settlement run, and the first node shows the same run and the
// same ledger balance: no node keeps state of its own.
func TestFinanceAnswersOnEveryHubNode(t *testing.T) {
	if !pgtest.Enabled() {
		t.Skip(pgtest.Env + " not set (make test-pg)")
	}
	ctx := context.Background()
	url := pgtest.NewDatabase(t)
	_, pass, err := createUser(t, "hub", "", "--db", url, "--username", "finance", "--role", "finance")
	if err != nil || pass == "" {
		t.Fatalf("hub create-user --db: %v", err)
	}
	var nodes [2]*hubapp.Hub
	for i := range nodes {
		h, err := hubapp.Open(ctx, hubapp.Config{Dir: t.TempDir(), DB: url, HTTP: "127.0.0.1:0", Leaf: "127.0.0.1:0",
			Synchronous: "NORMAL", ShutdownFor: 5 * time.Second}, e2e.Quiet())
		if err != nil {
			t.Fatalf("open hub node %d: %v", i+1, err)
		}
		rctx, stop := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() { done <- h.Run(rctx) }()
		t.Cleanup(func() { stop(); <-done })
		e2e.WaitOK(t, h.URL+"/healthz", 20*time.Second)
		nodes[i] = h
	}
	tok := e2e.Login(t, nodes[0].URL, "finance", pass)
	var run struct{ ID string }
	e2e.Expect(t, "POST", nodes[1].URL+"/api/v1/settlements", tok, map[string]any{}, 201, &run)
	var again struct{ ID string }
	e2e.Expect(t, "GET", nodes[0].URL+"/api/v1/settlements/"+run.ID, tok, nil, 200, &again)
	if run.ID == "" || again.ID != run.ID {
		t.Fatalf("run %q started on node 2, node 1 shows %q", run.ID, again.ID)
	}
	var b0, b1 map[string]any
	e2e.Expect(t, "GET", nodes[0].URL+"/api/v1/ledger/balance", tok, nil, 200, &b0)
	e2e.Expect(t, "GET", nodes[1].URL+"/api/v1/ledger/balance", tok, nil, 200, &b1)
	if len(b0) == 0 || !reflect.DeepEqual(b0, b1) {
		t.Fatalf("ledger balance differs between nodes: %v and %v", b0, b1)
	}
}
