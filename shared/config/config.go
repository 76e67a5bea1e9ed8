// Package config reads command-line flags with environment overrides and
// collects field-level validation errors. Every setting is a flag; the
// variable EKTAMALL_<FLAG> (upper case, '-' → '_') sets it when the flag is
// not given, so systemd units and containers need no command line.
package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
)

// EnvPrefix starts every environment variable.
const EnvPrefix = "EKTAMALL_"

// EnvName is the environment variable of a flag.
func EnvName(flagName string) string {
	return EnvPrefix + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// Parse parses args into fs, then fills every flag not given from its
// environment variable. Errors name the flag or variable.
func Parse(fs *flag.FlagSet, args []string) error {
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var errList []error
	fs.VisitAll(func(f *flag.Flag) {
		if given[f.Name] {
			return
		}
		if v, ok := os.LookupEnv(EnvName(f.Name)); ok {
			if err := fs.Set(f.Name, v); err != nil {
				errList = append(errList, fmt.Errorf("%s: %v", EnvName(f.Name), err))
			}
		}
	})
	return errors.Join(errList...)
}

// Errors collects field-level problems.
type Errors struct{ list []string }

// Addf records a problem with one field.
func (e *Errors) Addf(field, format string, args ...any) {
	e.list = append(e.list, "--"+field+": "+fmt.Sprintf(format, args...))
}

// Err is nil when nothing was recorded, else all problems on one line.
func (e *Errors) Err() error {
	if len(e.list) == 0 {
		return nil
	}
	return errors.New(strings.Join(e.list, "; "))
}

// CheckAddr records a problem unless addr is a host:port.
func (e *Errors) CheckAddr(field, addr string) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil || port == "" {
		e.Addf(field, "%q is not host:port", addr)
		return
	}
	_ = host
}
