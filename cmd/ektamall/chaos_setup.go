package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	hubapp "ektamall/hub/app"
	"ektamall/hub/ingest"
	mallapp "ektamall/pos/app"
	"ektamall/pos/loadgen"
	"ektamall/shared/auth"
)

// chaosMall is one mall of the chaos run.
type chaosMall struct {
	id, state string
	dir       string
	creds     string
	proc      *chaosProc
	proxy     *chaosProxy
	// lost are the documents answered between the stale backup and the
	// restore (chaos_restore.go): at the hub, but not in the restored
	// mall's database.
	lost loadgen.Result
}

const (
	chaosFinanceUser = "chaos.finance"
	chaosAdminUser   = "chaos.admin"
	chaosPassword    = "chaos-pass-1"
)

// chaosPrepare creates the hub's and the malls' data directories before
// any process runs: it opens each app in this process once (which applies
// the migrations and records the identities), adds the users the harness
// logs in as (there is no HTTP path to a first admin), provisions each
// mall's leaf credentials at the hub, and closes again. Everything after
// this runs in separate processes of the real binary.
func chaosPrepare(ctx context.Context, hubDir string, malls []*chaosMall) error {
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	var hcfg hubapp.Config
	hfs := flag.NewFlagSet("hub", flag.ContinueOnError)
	hcfg.Flags(hfs)
	if err := hfs.Parse([]string{"--dir", hubDir, "--http", "127.0.0.1:0", "--leaf", "127.0.0.1:0", "--metrics", "off"}); err != nil {
		return err
	}
	h, err := hubapp.Open(ctx, hcfg, quiet)
	if err != nil {
		return fmt.Errorf("prepare hub: %w", err)
	}
	defer h.Close()
	if err := chaosAddUser(ctx, h.Auth, h.DB.Transact, chaosFinanceUser, auth.Finance); err != nil {
		return fmt.Errorf("prepare hub: %w", err)
	}
	for _, m := range malls {
		creds, err := h.ProvisionMall(ctx, ingest.MallInfo{ID: m.id, State: m.state}, true)
		if err != nil {
			return fmt.Errorf("provision %s: %w", m.id, err)
		}
		m.creds = filepath.Join(filepath.Dir(hubDir), m.id+".creds")
		if err := os.WriteFile(m.creds, creds, 0o600); err != nil {
			return err
		}
		var mcfg mallapp.Config
		mfs := flag.NewFlagSet("mall", flag.ContinueOnError)
		mcfg.Flags(mfs)
		if err := mfs.Parse([]string{"--dir", m.dir, "--id", m.id, "--state", m.state, "--http", "127.0.0.1:0", "--metrics", "off"}); err != nil {
			return err
		}
		ma, err := mallapp.Open(ctx, mcfg, quiet)
		if err != nil {
			return fmt.Errorf("prepare mall %s: %w", m.id, err)
		}
		err = chaosAddUser(ctx, ma.Auth, ma.DB.Transact, chaosAdminUser, auth.MallAdmin)
		if cerr := ma.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("prepare mall %s: %w", m.id, err)
		}
	}
	return h.Close()
}

func chaosAddUser(ctx context.Context, a *auth.Store, transact func(context.Context, func(*sql.Tx) error) error, name string, role auth.Role) error {
	return transact(ctx, func(tx *sql.Tx) error {
		_, err := a.CreateUser(ctx, tx, name, chaosPassword, "Chaos harness", role, "")
		return err
	})
}
