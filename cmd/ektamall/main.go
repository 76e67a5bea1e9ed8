// Command ektamall runs the PM Ekta Mall system: a mall, the hub, or the
// whole thing in one process for a demo, plus operator tools.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime/pprof"
	"syscall"

	"golang.org/x/term"
)

const usage = `usage: ektamall <command> [flags]

commands:
  demo              a hub and two malls (LKO1, BLR1) in one process, seeded
  hub               the central hub (hub provision-mall: issue a new mall's credentials;
                    hub create-user: the first hub admin or a finance user;
                    hub migrate-db: copy a SQLite hub's books into PostgreSQL)
  mall              one mall (mall create-user: the mall's first admin, or any user)
  import            upload a consignment CSV to a mall zone, with progress
  settle            run a settlement at the hub and download the payout file
  loadgen           drive a mall with concurrent counters and check its Z reports
  bench             measure every path next to its raw limit (make bench)
  chaos             the fault test: real processes, kills and link cuts, then checks
  backup            a consistent copy of a running mall's or the hub's database
  restore           put a backup back in place of a stopped mall's or hub's database
  config-reference  print the configuration reference (make docs)

Run 'ektamall <command> -h' for the command's flags. Every flag can also be
set by the environment variable EKTAMALL_<FLAG> (e.g. EKTAMALL_DIR).`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	stopProfile := cpuProfile(os.Getenv("EKTAMALL_CPUPROFILE"))
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stopProfile()
	os.Exit(code)
}

// cpuProfile writes a pprof CPU profile of the whole run to path, for
// 'ektamall bench --profile' and for chasing a slow path on a real
// machine; "" profiles nothing.
func cpuProfile(path string) (stop func()) {
	if path == "" {
		return func() {}
	}
	f, err := os.Create(path)
	if err == nil {
		err = pprof.StartCPUProfile(f)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "EKTAMALL_CPUPROFILE: %v\n", err)
		return func() {}
	}
	return func() { pprof.StopCPUProfile(); f.Close() }
}

// run is main without the process: testable, and exits only by returning.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintln(stderr, usage)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	log := newLogger(stderr)
	var err error
	switch args[0] {
	case "demo":
		err = runDemo(ctx, args[1:], stdout, log)
	case "hub":
		err = runHub(ctx, args[1:], log)
	case "mall":
		err = runMall(ctx, args[1:], log)
	case "backup":
		err = runBackup(ctx, args[1:], stdout)
	case "restore":
		err = runRestore(ctx, args[1:], stdout)
	case "loadgen":
		err = runLoadgen(ctx, args[1:], stdout)
	case "bench":
		err = runBench(ctx, args[1:], stdout)
	case "config-reference":
		err = runConfigReference(args[1:], stdout)
	case "import":
		err = runImport(ctx, args[1:], stdout, stderr)
	case "settle":
		err = runSettle(ctx, args[1:], stdout, stderr)
	case "chaos":
		err = runChaos(ctx, args[1:], stdout)
	default:
		err = fmt.Errorf("unknown command %q (run ektamall help for the list)", args[0])
	}
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "ektamall %s: %v\n", args[0], err)
		return 1
	}
	return 0
}

// newLogger writes text to a terminal and JSON otherwise (journald,
// containers, files), so logs stay searchable.
func newLogger(w io.Writer) *slog.Logger {
	lvl := slog.LevelInfo
	if os.Getenv("EKTAMALL_DEBUG") != "" {
		lvl = slog.LevelDebug
	}
	opts := &slog.HandlerOptions{Level: lvl}
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

// flagSet makes a FlagSet whose -h prints the flags to stderr.
func flagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: ektamall %s [flags]\n", name)
		fs.SetOutput(stderr)
		fs.PrintDefaults()
	}
	return fs
}
