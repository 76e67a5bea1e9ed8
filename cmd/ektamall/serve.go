package main

import (
	"context"
	"flag"
	"log/slog"
	"os"

	hubapp "ektamall/hub/app"
	"ektamall/pos/mallapp"
	"ektamall/shared/config"
)

// parse reads a command's flags, then the environment. On -h the flag
// package has already printed fs.Usage; printing it here too doubled it.
func parse(fs *flag.FlagSet, args []string) error {
	return config.Parse(fs, args)
}

func runHub(ctx context.Context, args []string, log *slog.Logger) error {
	if len(args) > 0 && args[0] == "provision-mall" {
		return runProvisionMall(ctx, args[1:], os.Stdout, log)
	}
	if len(args) > 0 && args[0] == "create-user" {
		return runCreateUser(ctx, "hub", args[1:], os.Stdin, os.Stdout)
	}
	if len(args) > 0 && args[0] == "migrate-db" {
		return runMigrateDB(ctx, args[1:], os.Stdout, log)
	}
	var cfg hubapp.Config
	fs := flagSet("hub", os.Stderr)
	cfg.Flags(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if cfg.NATSOnly {
		n, err := hubapp.OpenNATSNode(ctx, cfg, log)
		if err != nil {
			return err
		}
		return n.Run(ctx)
	}
	h, err := hubapp.Open(ctx, cfg, log)
	if err != nil {
		return err
	}
	return h.Run(ctx)
}

func runMall(ctx context.Context, args []string, log *slog.Logger) error {
	if len(args) > 0 && args[0] == "create-user" {
		return runCreateUser(ctx, "mall", args[1:], os.Stdin, os.Stdout)
	}
	var cfg mallapp.Config
	fs := flagSet("mall", os.Stderr)
	cfg.Flags(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	m, err := mallapp.Open(ctx, cfg, log)
	if err != nil {
		return err
	}
	return m.Run(ctx)
}
