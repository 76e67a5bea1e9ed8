package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"golang.org/x/term"

	hubapp "ektamall/hub/app"
	"ektamall/pos/mallapp"
	"ektamall/shared/auth"
	"ektamall/shared/errs"
	"ektamall/shared/sqldb"
	"ektamall/shared/sqlitedb"
)

type createUserOpts struct {
	dir, db, username, role, zone, display *string
	passwordStdin, reset                   *bool
}

func createUserFlags(fs *flag.FlagSet, process string) createUserOpts {
	roles := "mall_admin, cashier or zone_manager"
	if process == "hub" {
		roles = "hub_admin or finance"
	}
	o := createUserOpts{
		dir:           fs.String("dir", "", "the "+process+"'s data directory (required; created and migrated if new)"),
		username:      fs.String("username", "", "login name: 3-40 of a-z, 0-9, '.', '_' and '-' (required)"),
		role:          fs.String("role", "", roles+" (required)"),
		display:       fs.String("display-name", "", "name shown on screens (default: the username)"),
		passwordStdin: fs.Bool("password-stdin", false, "read the password from standard input (asked twice, unechoed, on a terminal); without it one is generated and printed once"),
		reset:         fs.Bool("reset", false, "the user exists: give them a new password, reactivate them, lift login locks and end their sessions"),
	}
	if process == "mall" {
		o.zone = fs.String("zone", "", "the State/UT zone of a zone_manager, e.g. UP")
	} else {
		o.db = hubDBFlag(fs)
		fs.Lookup("dir").Usage = "the hub's data directory (required unless --db names PostgreSQL; created and migrated if new)"
	}
	return o
}

// runCreateUser is 'ektamall mall create-user' and 'ektamall hub
// create-user': how the first admin of a new mall or hub comes to exist,
// and the way back in when an admin's password is lost. It works on a
// directory that never served and beside a running process.
func runCreateUser(ctx context.Context, process string, args []string, stdin io.Reader, stdout io.Writer) error {
	fs := flagSet(process+" create-user", os.Stderr)
	o := createUserFlags(fs, process)
	if err := parse(fs, args); err != nil {
		return err
	}
	if *o.username == "" || *o.role == "" {
		return fmt.Errorf("--dir, --username and --role are required")
	}
	if process == "mall" && *o.dir == "" {
		return fmt.Errorf("--dir, --username and --role are required")
	}
	if process == "hub" {
		if err := hubBooksFlags(*o.dir, *o.db); err != nil {
			return err
		}
	}
	n := auth.NewUser{Username: *o.username, DisplayName: *o.display, Role: auth.Role(*o.role)}
	if n.DisplayName == "" {
		n.DisplayName = n.Username
	}
	if o.zone != nil {
		n.Zone = strings.ToUpper(*o.zone)
	}
	generated := !*o.passwordStdin
	if generated {
		n.Password = auth.GeneratePassword()
	} else {
		var err error
		if n.Password, err = readPassword(stdin, os.Stderr); err != nil {
			return err
		}
	}
	// Migrating a new database logs a line per file; an operator creating a
	// user needs only warnings.
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	var (
		db    sqldb.DB
		fresh bool
		err   error
		roles = auth.MallRoles
		where = *o.dir
	)
	if process == "hub" {
		roles = auth.HubRoles
		db, fresh, err = hubapp.OpenBooks(ctx, *o.db, *o.dir, log)
		if *o.db != "" {
			where = "the hub's PostgreSQL database"
		}
	} else {
		var lite *sqlitedb.DB
		lite, fresh, err = mallapp.OpenDatabase(ctx, *o.dir, log)
		if err == nil {
			db = sqldb.FromSQLite(lite)
		}
	}
	if err != nil {
		return err
	}
	defer db.Close()
	created, err := auth.NewStoreOn(db, auth.Policy{}).Provision(ctx, roles, n, *o.reset)
	if err != nil {
		if errs.CodeOf(err) != errs.Internal { // a refusal: say it plainly
			return errors.New(errs.Public(err).Message)
		}
		return err
	}
	what := "reset the password of"
	if created {
		what = "created"
	}
	fmt.Fprintf(stdout, "%s %s %q in %s", what, n.Role, n.Username, where)
	switch {
	case fresh && process == "mall":
		fmt.Fprint(stdout, " (a new database: the mall's --id, --state, --name and --gstin are recorded on its first start)")
	case fresh:
		fmt.Fprint(stdout, " (a new database)")
	}
	fmt.Fprintln(stdout)
	if generated {
		fmt.Fprintf(stdout, "password: %s\n(shown only now; they can change it after logging in)\n", n.Password)
	}
	return nil
}

// readPassword reads one line from stdin; on a terminal it asks twice
// without echo.
func readPassword(stdin io.Reader, prompt io.Writer) (string, error) {
	if f, ok := stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(prompt, "password: ")
		a, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprint(prompt, "\nagain: ")
		if err == nil {
			var b []byte
			b, err = term.ReadPassword(int(f.Fd()))
			fmt.Fprintln(prompt)
			if err == nil && string(a) != string(b) {
				err = errors.New("the two passwords differ")
			}
		}
		return string(a), err
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !(errors.Is(err, io.EOF) && line != "") {
		return "", fmt.Errorf("--password-stdin: no password on standard input")
	}
	return strings.TrimRight(line, "\r\n"), nil
}
