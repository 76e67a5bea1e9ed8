//go:build unix

package natsx

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
)

// lockFileName sits next to the server's own "jetstream" directory.
const lockFileName = "LOCK"

// dirLock is an exclusive flock on <StoreDir>/LOCK. nats-server takes no
// lock of its own, and two servers on one store corrupt it. flock belongs to
// the open file description, so a second Start in the same process is
// refused too, and the kernel drops the lock if the process dies.
type dirLock struct{ f *os.File }

func lockDir(dir string) (*dirLock, error) {
	path := filepath.Join(dir, lockFileName)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("natsx: open lock file: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		holder := readHolder(f)
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("%w: %s (held by %s)", ErrStoreDirLocked, dir, holder)
		}
		return nil, fmt.Errorf("natsx: lock %s: %w", path, err)
	}
	// The pid is for the operator reading the error above; the lock itself
	// is the flock, so a stale pid in the file is harmless.
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return &dirLock{f: f}, nil
}

func readHolder(f *os.File) string {
	buf := make([]byte, 32)
	n, _ := f.ReadAt(buf, 0)
	pid := string(bytes.TrimSpace(buf[:n]))
	if pid == "" {
		return "another process"
	}
	if pid == strconv.Itoa(os.Getpid()) {
		return "this process"
	}
	return "pid " + pid
}

func (l *dirLock) unlock() {
	if l == nil || l.f == nil {
		return
	}
	// Closing the descriptor releases the flock. The file stays: removing it
	// would race with a process that has just opened it.
	_ = l.f.Close()
	l.f = nil
}
