package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"

	"ektamall/pos/loadgen"
)

type loadgenOpts struct {
	mall, user, password, out string
	counters                  int
	rate                      float64
	duration                  time.Duration
	seed                      uint64
	patient                   bool
}

func loadgenFlags(fs *flag.FlagSet) *loadgenOpts {
	o := &loadgenOpts{}
	fs.StringVar(&o.mall, "mall", "http://127.0.0.1:8701", "base URL of the mall to load")
	fs.StringVar(&o.user, "user", "", "a mall_admin username, who creates the load's cashiers (required)")
	fs.StringVar(&o.password, "password", "", "that admin's password (required)")
	fs.IntVar(&o.counters, "counters", 8, "concurrent counters, 1-99 (each its own cashier and shift)")
	fs.DurationVar(&o.duration, "duration", 30*time.Second, "how long to sell")
	fs.Float64Var(&o.rate, "rate", 0, "sales a second per counter on a fixed schedule, latency counted from when each was due (0: each counter as fast as the mall answers)")
	fs.Uint64Var(&o.seed, "seed", 0, "random seed for carts and tenders (0: from the clock)")
	fs.BoolVar(&o.patient, "patient", false, "retry a sale with the same Idempotency-Key while the mall is unreachable (fault tests)")
	fs.StringVar(&o.out, "out", "", "write every answered sale and credit note as JSON to this file")
	return o
}

// runLoadgen sells against a mall and checks its Z reports afterwards. It
// exits non-zero on any error or any disagreement.
func runLoadgen(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flagSet("loadgen", os.Stderr)
	o := loadgenFlags(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if o.rate < 0 || o.rate > 1000 {
		return fmt.Errorf("--rate %g: must be 0 to 1000 sales a second per counter", o.rate)
	}
	if o.user == "" || o.password == "" {
		return errors.New("--user and --password (a mall_admin) are required")
	}
	if o.seed == 0 {
		o.seed = uint64(time.Now().UnixNano())
	}
	fmt.Fprintf(stdout, "loadgen: %d counters for %s against %s (seed %d)\n", o.counters, o.duration, o.mall, o.seed)
	bar := progressbar.NewOptions64(o.duration.Milliseconds(), progressbar.OptionSetWriter(os.Stderr),
		progressbar.OptionSetWidth(30), progressbar.OptionThrottle(200*time.Millisecond), progressbar.OptionClearOnFinish())
	res, err := loadgen.Run(ctx, loadgen.Config{
		MallURL: o.mall, AdminUser: o.user, AdminPassword: o.password, Counters: o.counters, Duration: o.duration,
		Seed: o.seed, Patient: o.patient, Rate: o.rate,
		Progress: func(p loadgen.Progress) {
			bar.Describe(fmt.Sprintf("%d sales, %d errors", p.Sales, p.Errors))
			bar.Set64(min(p.Elapsed.Milliseconds(), o.duration.Milliseconds()))
		},
	})
	bar.Finish()
	if err != nil {
		return err
	}
	res.Summary(stdout)
	if o.out != "" {
		b, _ := json.MarshalIndent(res.Answered, "", " ")
		if err := os.WriteFile(o.out, b, 0o644); err != nil {
			return err
		}
	}
	if res.Errors > 0 || len(res.ZMismatches) > 0 {
		return fmt.Errorf("%d errors, %d Z-report mismatches", res.Errors, len(res.ZMismatches))
	}
	return nil
}
