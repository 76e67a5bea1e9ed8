package main

import (
	"context"
	"io"
	"os"

	"ektamall/cmd/ektamall/internal/chaos"
)

// runChaos is 'ektamall chaos'; the harness is internal/chaos.
func runChaos(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flagSet("chaos", os.Stderr)
	o := chaos.Flags(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	return chaos.Run(ctx, o, stdout)
}
