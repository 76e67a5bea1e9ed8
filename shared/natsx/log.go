package natsx

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
)

// slogAdapter implements server.Logger on top of slog. It also remembers the
// first Fatalf: the server reports startup failures (listen errors, JetStream
// that cannot start) only through Fatalf and then returns from Start, and
// the stock logger would os.Exit. Start turns that record into an error.
type slogAdapter struct {
	l *slog.Logger

	mu      sync.Mutex
	fatal   error
	fatalCh chan struct{} // closed on the first Fatalf
}

func newSlogAdapter(l *slog.Logger) *slogAdapter {
	return &slogAdapter{l: l, fatalCh: make(chan struct{})}
}

func (a *slogAdapter) Noticef(format string, v ...any) {
	a.l.Info(fmt.Sprintf(format, v...))
}

func (a *slogAdapter) Warnf(format string, v ...any) {
	a.l.Warn(fmt.Sprintf(format, v...))
}

func (a *slogAdapter) Errorf(format string, v ...any) {
	a.l.Error(fmt.Sprintf(format, v...))
}

func (a *slogAdapter) Fatalf(format string, v ...any) {
	msg := fmt.Sprintf(format, v...)
	a.l.Error(msg, "fatal", true)
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.fatal == nil {
		a.fatal = errors.New(msg)
		close(a.fatalCh)
	}
}

func (a *slogAdapter) Debugf(format string, v ...any) {
	a.l.Debug(fmt.Sprintf(format, v...))
}

func (a *slogAdapter) Tracef(format string, v ...any) {
	a.l.Debug(fmt.Sprintf(format, v...), "trace", true)
}

// fatalErr returns the first fatal message, or nil.
func (a *slogAdapter) fatalErr() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.fatal
}

// debugEnabled tells the server whether formatting debug lines is worth it.
func (a *slogAdapter) debugEnabled() bool {
	return a.l.Enabled(context.Background(), slog.LevelDebug)
}
