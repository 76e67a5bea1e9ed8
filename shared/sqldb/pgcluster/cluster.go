// Package pgcluster starts a throwaway PostgreSQL server from Debian's (or
// PATH's) binaries: initdb and pg_ctl in a new directory, listening on a
// free loopback port, removed when it stops. Tests use it through pgtest;
// 'ektamall bench --hub-db temp' runs the hub's books on one.
package pgcluster

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"syscall"
	"time"
)

// Cluster is a throwaway PostgreSQL server: initdb'd in a temp directory,
// listening on a loopback port, trusting local connections.
type Cluster struct {
	Dir  string
	Port int
	URL  string // of its postgres database, as the superuser postgres

	bin  string
	cred *syscall.Credential // the user it runs as when we are root
}

// Options tune Start.
type Options struct {
	// Durable keeps PostgreSQL's defaults for writing (fsync, synchronous
	// commit, full page writes), as a real hub's server has them: for
	// measuring. Without it they are off, since a test's data is gone when
	// the cluster stops anyway.
	Durable bool
}

// Start initialises and starts a cluster in a new directory under dir.
func Start(ctx context.Context, dir string, o Options) (_ *Cluster, err error) {
	c := &Cluster{}
	if c.bin, err = binDir(); err != nil {
		return nil, err
	}
	if c.Dir, err = os.MkdirTemp(dir, "pgcluster-"); err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			os.RemoveAll(c.Dir)
		}
	}()
	// initdb refuses to run as root: run the server as the postgres user.
	if os.Geteuid() == 0 {
		if c.cred, err = osUser("postgres"); err != nil {
			return nil, fmt.Errorf("pgcluster: running as root needs a postgres user: %w", err)
		}
		if err = os.Chown(c.Dir, int(c.cred.Uid), int(c.cred.Gid)); err != nil {
			return nil, err
		}
	}
	data := filepath.Join(c.Dir, "data")
	if err = c.run(ctx, "initdb", "-D", data, "-U", "postgres", "--auth=trust", "--no-locale", "-E", "UTF8", "--no-sync"); err != nil {
		return nil, err
	}
	if c.Port, err = freePort(); err != nil {
		return nil, err
	}
	opts := fmt.Sprintf("-c listen_addresses=127.0.0.1 -p %d -k %s -c max_connections=200", c.Port, c.Dir)
	if !o.Durable {
		opts += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
	}
	if err = c.run(ctx, "pg_ctl", "-D", data, "-l", filepath.Join(c.Dir, "log"), "-o", opts, "-w", "-t", "60", "start"); err != nil {
		return nil, err
	}
	c.URL = fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", c.Port)
	return c, nil
}

// Stop stops the server at once and removes its directory.
func (c *Cluster) Stop() error {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	err := c.run(ctx, "pg_ctl", "-D", filepath.Join(c.Dir, "data"), "-m", "immediate", "-w", "stop")
	return errors.Join(err, os.RemoveAll(c.Dir))
}

func (c *Cluster) run(ctx context.Context, name string, args ...string) error {
	cmd := exec.CommandContext(ctx, filepath.Join(c.bin, name), args...)
	if c.cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: c.cred}
	}
	cmd.Dir = c.Dir
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("pgcluster: %s: %w\n%s", name, err, out)
	}
	return nil
}

// binDir finds initdb and pg_ctl: on PATH, or where Debian's packages put
// them (newest version first).
func binDir() (string, error) {
	if p, err := exec.LookPath("initdb"); err == nil {
		if _, err := exec.LookPath("pg_ctl"); err == nil {
			return filepath.Dir(p), nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) > version(dirs[j]) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, nil
		}
	}
	return "", errors.New("pgcluster: PostgreSQL's initdb and pg_ctl are neither on PATH nor under /usr/lib/postgresql/*/bin (Debian: apt-get install postgresql)")
}

func version(binDir string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return v
}

func osUser(name string) (*syscall.Credential, error) {
	u, err := user.Lookup(name)
	if err != nil {
		return nil, err
	}
	uid, err := strconv.Atoi(u.Uid)
	if err != nil {
		return nil, err
	}
	gid, err := strconv.Atoi(u.Gid)
	if err != nil {
		return nil, err
	}
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

// freePort asks the kernel for a free loopback port.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}
