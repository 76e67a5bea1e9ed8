package chaos

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"ektamall/cmd/ektamall/internal/linkproxy"
	hubapp "ektamall/hub/app"
	"ektamall/hub/ingest"
	"ektamall/pos/loadgen"
	"ektamall/pos/mallapp"
	"ektamall/shared/apiclient"
	"ektamall/shared/auth"
)

// mallNode is one mall of the chaos run.
type mallNode struct {
	id, state string
	dir       string
	creds     string
	proc      *process
	proxy     *linkproxy.Proxy
	// lost are the documents answered between the stale backup and the
	// restore (chaos_restore.go): at the hub, but not in the restored
	// mall's database.
	lost loadgen.Result
}

const (
	financeUser = "chaos.finance"
	adminUser   = "chaos.admin"
	password    = "chaos-pass-1"
)

// prepare creates the hub's and the malls' data directories before
// any process runs: it opens each app in this process once (which applies
// the migrations and records the identities), adds the users the harness
// logs in as (there is no HTTP path to a first admin), provisions each
// mall's leaf credentials at the hub, and closes again. Everything after
// this runs in separate processes of the real binary.
func prepare(ctx context.Context, hubDir string, malls []*mallNode) error {
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
	if err := addUser(ctx, h.Auth, h.DB.Transact, financeUser, auth.Finance); err != nil {
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
		err = addUser(ctx, ma.Auth, ma.DB.Transact, adminUser, auth.MallAdmin)
		if cerr := ma.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("prepare mall %s: %w", m.id, err)
		}
	}
	return h.Close()
}

func addUser(ctx context.Context, a *auth.Store, transact func(context.Context, func(*sql.Tx) error) error, name string, role auth.Role) error {
	return transact(ctx, func(tx *sql.Tx) error {
		_, err := a.CreateUser(ctx, tx, name, password, "Chaos harness", role, "")
		return err
	})
}

// login is the harness's user of the hub's or a mall's API.
func login(ctx context.Context, base, user string) (*apiclient.Client, error) {
	c := apiclient.New(base, &http.Client{Timeout: 30 * time.Second})
	if err := c.Login(ctx, user, password); err != nil {
		return nil, fmt.Errorf("login %s at %s: %w", user, base, err)
	}
	return c, nil
}
