package main

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
)

// The demo talks to a person: its banner must stay readable. So its logs
// (every request, sync, settlement) go to DIR/demo.log as JSON, only
// errors also reach stderr, and the embedded NATS servers' notices (their
// start-up banners) are dropped. 'ektamall hub' and 'mall' keep their
// structured logs on stderr.

// demoLogger opens DIR/demo.log and returns the demo's logger; stderr is
// the command's own logger.
func demoLogger(dir string, stderr *slog.Logger) (*slog.Logger, func() error, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, nil, errors.New("--dir " + dir + ": " + err.Error())
	}
	f, err := os.OpenFile(filepath.Join(dir, "demo.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, nil, err
	}
	file := slog.NewJSONHandler(f, &slog.HandlerOptions{Level: slog.LevelInfo})
	h := teeHandler{file, levelGate{stderr.Handler(), slog.LevelError}}
	return slog.New(quietNATS{h: h}), f.Close, nil
}

// teeHandler hands each record to both handlers that want it.
type teeHandler [2]slog.Handler

func (t teeHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return t[0].Enabled(ctx, l) || t[1].Enabled(ctx, l)
}

func (t teeHandler) Handle(ctx context.Context, r slog.Record) error {
	var errList []error
	for _, h := range t {
		if h.Enabled(ctx, r.Level) {
			errList = append(errList, h.Handle(ctx, r.Clone()))
		}
	}
	return errors.Join(errList...)
}

func (t teeHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return teeHandler{t[0].WithAttrs(as), t[1].WithAttrs(as)}
}

func (t teeHandler) WithGroup(name string) slog.Handler {
	return teeHandler{t[0].WithGroup(name), t[1].WithGroup(name)}
}

// levelGate passes records at min or above.
type levelGate struct {
	h   slog.Handler
	min slog.Level
}

func (g levelGate) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= g.min && g.h.Enabled(ctx, l)
}
func (g levelGate) Handle(ctx context.Context, r slog.Record) error { return g.h.Handle(ctx, r) }
func (g levelGate) WithAttrs(as []slog.Attr) slog.Handler {
	return levelGate{g.h.WithAttrs(as), g.min}
}
func (g levelGate) WithGroup(name string) slog.Handler { return levelGate{g.h.WithGroup(name), g.min} }

// quietNATS drops the notices of loggers tagged component=nats (the
// servers' start-up banners and connection chatter); their warnings and
// errors still pass.
type quietNATS struct {
	h    slog.Handler
	nats bool
}

func (q quietNATS) Enabled(ctx context.Context, l slog.Level) bool {
	return (!q.nats || l >= slog.LevelWarn) && q.h.Enabled(ctx, l)
}
func (q quietNATS) Handle(ctx context.Context, r slog.Record) error { return q.h.Handle(ctx, r) }

func (q quietNATS) WithAttrs(as []slog.Attr) slog.Handler {
	nats := q.nats
	for _, a := range as {
		if a.Key == "component" && a.Value.String() == "nats" {
			nats = true
		}
	}
	return quietNATS{h: q.h.WithAttrs(as), nats: nats}
}

func (q quietNATS) WithGroup(name string) slog.Handler {
	return quietNATS{h: q.h.WithGroup(name), nats: q.nats}
}
