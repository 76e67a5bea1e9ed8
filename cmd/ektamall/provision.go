package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	hubapp "ektamall/hub/app"
	"ektamall/hub/ingest"
	"ektamall/shared/sqldb"
)

// hubDBFlag is a hub tool's --db: the hub's books as the hub's own --db
// names them.
func hubDBFlag(fs *flag.FlagSet) *string {
	return fs.String("db", "", "the hub's books: empty for the SQLite file hub.db in --dir, or the hub's PostgreSQL URL (postgres://...)")
}

func provisionFlags(fs *flag.FlagSet) (dir, db, id, state, name, gstin, out *string, rotate *bool) {
	dir = fs.String("dir", "", "the hub's data directory (required unless --db names PostgreSQL)")
	db = hubDBFlag(fs)
	id = fs.String("id", "", "mall id: 2-8 of A-Z and 0-9, e.g. LKO1 (required)")
	state = fs.String("state", "", "State/UT code of the mall, e.g. UP (required)")
	name = fs.String("name", "", "mall name (default: PM Ekta Mall <id>)")
	gstin = fs.String("gstin", "", "the mall's GSTIN")
	out = fs.String("out", ".", "directory to write <id>.creds into")
	rotate = fs.Bool("rotate", false, "issue a new key for a mall that has one (the old key stops working)")
	return
}

// runProvisionMall is 'ektamall hub provision-mall': it registers a mall at
// the hub and writes the creds file the mall needs (--creds).
func runProvisionMall(ctx context.Context, args []string, stdout io.Writer, log *slog.Logger) error {
	fs := flagSet("hub provision-mall", os.Stderr)
	dir, db, id, state, name, gstin, out, rotate := provisionFlags(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := hubBooksFlags(*dir, *db); err != nil {
		return err
	}
	path := filepath.Join(*out, *id+".creds")
	if _, err := os.Stat(path); err == nil && !*rotate {
		return fmt.Errorf("%s exists; pass --rotate to replace the mall's key", path)
	}
	creds, err := hubapp.ProvisionMallIn(ctx, *db, *dir, ingest.MallInfo{ID: *id, State: *state, Name: *name, GSTIN: *gstin}, *rotate, log)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(*out, 0o750); err != nil {
		return fmt.Errorf("--out: %w", err)
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, creds, 0o600); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "mall %s provisioned; credentials in %s (keep it secret)\n"+
		"run it with: ektamall mall --dir DIR --id %s --state %s --hub nats-leaf://HUB:7422 --creds %s\n",
		*id, path, *id, *state, path)
	return nil
}

// hubBooksFlags checks a hub tool's --dir and --db: one of them names the
// hub's books.
func hubBooksFlags(dir, db string) error {
	switch {
	case db != "" && !sqldb.IsPostgresURL(db):
		return fmt.Errorf("--db: %q must be empty (SQLite in --dir) or a postgres:// URL", db)
	case dir == "" && db == "":
		return fmt.Errorf("--dir (a SQLite hub) or --db (a PostgreSQL hub) is required")
	}
	return nil
}

// demoCreds provisions a demo mall at the demo hub on first start and
// reuses its creds file (DIR/creds/<id>.creds) after that; a lost or
// stale file gets a fresh key.
func demoCreds(ctx context.Context, h *hubapp.Hub, dm demoMall, dir string) (string, error) {
	path := filepath.Join(dir, "creds", dm.ID+".creds")
	have, err := h.MallKey(ctx, dm.ID)
	if err != nil {
		return "", err
	}
	if b, err := os.ReadFile(path); err == nil && have != "" {
		if pub, err := ingest.PublicKeyOfCreds(b); err == nil && pub == have {
			return path, nil
		}
	}
	creds, err := h.ProvisionMall(ctx, ingest.MallInfo{ID: dm.ID, State: dm.State, Name: dm.Name}, true)
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return "", err
	}
	if err := os.WriteFile(path, creds, 0o600); err != nil {
		return "", fmt.Errorf("write %s: %w", path, err)
	}
	return path, nil
}
