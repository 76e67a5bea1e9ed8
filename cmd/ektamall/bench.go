package main

import (
	"context"
	"io"
	"os"

	"ektamall/cmd/ektamall/internal/bench"
)

// runBench is 'ektamall bench'; the harness is internal/bench.
func runBench(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flagSet("bench", os.Stderr)
	o := bench.Flags(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	return bench.Run(ctx, o, stdout)
}
