package main

// `ektamall settle` runs a settlement through the hub's HTTP API rather
// than on its database directory: the hub process is the only writer of
// its SQLite (a second writer would stall ingest), the API enforces the
// finance role and writes the audit log, and it keeps working when the
// hub's store moves to a server database or another machine.

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"

	"ektamall/shared/apiclient"
)

type settleRun struct {
	ID           string `json:"id"`
	No           int64  `json:"run_no"`
	Cutoff       string `json:"cutoff"`
	ItemCount    int64  `json:"item_count"`
	PayoutCount  int64  `json:"payout_count"`
	PayoutTotal  string `json:"payout_total"`
	CarriedTotal string `json:"carried_forward_total"`
}

func settleFlags(fs *flag.FlagSet) (hub, user, pass, cutoff, out *string, quiet *bool) {
	hub = fs.String("hub", "http://127.0.0.1:8700", "hub base URL")
	user = fs.String("user", "", "finance username (required)")
	pass = fs.String("password", "", "password (better: the environment variable EKTAMALL_PASSWORD)")
	cutoff = fs.String("cutoff", "", "settle what was ingested up to this RFC 3339 time (default: now)")
	out = fs.String("out", "", "write the bank payout CSV to this file")
	quiet = fs.Bool("quiet", false, "no progress bar")
	return
}

func runSettle(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flagSet("settle", stderr)
	hub, user, pass, cutoff, out, quiet := settleFlags(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if *user == "" || *pass == "" {
		return fmt.Errorf("--user and --password (or EKTAMALL_USER, EKTAMALL_PASSWORD) are required")
	}
	body := map[string]any{}
	if *cutoff != "" {
		t, err := time.Parse(time.RFC3339, *cutoff)
		if err != nil {
			return fmt.Errorf("--cutoff %q: want an RFC 3339 time such as 2026-04-30T18:30:00Z", *cutoff)
		}
		body["cutoff"] = t
	}
	c := apiclient.New(*hub, &http.Client{Timeout: 10 * time.Minute})
	if err := c.Login(ctx, *user, *pass); err != nil {
		return fmt.Errorf("login: %w", err)
	}
	// The run is one transaction on the hub; the spinner shows it is alive.
	bar := progressbar.NewOptions(-1, progressbar.OptionSetWriter(stderr), progressbar.OptionSetDescription("settling"),
		progressbar.OptionSpinnerType(14), progressbar.OptionSetVisibility(!*quiet),
		// Our ticker below turns the spinner; the library's own spinner
		// goroutine reads the bar's state without its lock (a data race).
		progressbar.OptionSetSpinnerChangeInterval(0))
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				_ = bar.Add(1)
			}
		}
	}()
	var run settleRun
	err := c.Do(ctx, "POST", "/api/v1/settlements", body, &run)
	close(done)
	_ = bar.Finish()
	fmt.Fprintln(stderr)
	if err != nil {
		return fmt.Errorf("settlement: %w", err)
	}
	fmt.Fprintf(stdout, "run %d (%s) cutoff %s: %d items, %d payouts totalling %s, %s carried forward\n",
		run.No, run.ID, run.Cutoff, run.ItemCount, run.PayoutCount, run.PayoutTotal, run.CarriedTotal)
	if *out == "" {
		return nil
	}
	return downloadCSV(ctx, c, "/api/v1/settlements/"+run.ID+"/payouts", *out, stderr, *quiet, stdout)
}

// downloadCSV saves the payout file with a byte progress bar, writing to a
// temporary name first so a cut-off download never looks complete.
func downloadCSV(ctx context.Context, c *apiclient.Client, path, file string, stderr io.Writer, quiet bool, stdout io.Writer) error {
	res, err := c.Send(ctx, "GET", path, nil, apiclient.Header("Accept", "text/csv"))
	if err != nil {
		return fmt.Errorf("payout file: %w", err)
	}
	defer res.Body.Close()
	f, err := os.CreateTemp(dirOf(file), ".payouts-*.csv")
	if err != nil {
		return fmt.Errorf("--out %s: %w", file, err)
	}
	defer os.Remove(f.Name())
	bar := progressbar.NewOptions64(res.ContentLength, progressbar.OptionSetWriter(stderr), progressbar.OptionSetDescription("payout file"),
		progressbar.OptionShowBytes(true), progressbar.OptionSetVisibility(!quiet))
	n, err := io.Copy(io.MultiWriter(f, bar), res.Body)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("payout file: %w", err)
	}
	if err := os.Rename(f.Name(), file); err != nil {
		return fmt.Errorf("--out %s: %w", file, err)
	}
	fmt.Fprintln(stderr)
	fmt.Fprintf(stdout, "payout file %s (%d bytes, %s payouts, total %s)\n", file, n, res.Header.Get("X-Payout-Count"), res.Header.Get("X-Payout-Total"))
	return nil
}

func dirOf(path string) string {
	if i := strings.LastIndexByte(path, os.PathSeparator); i >= 0 {
		return path[:i+1]
	}
	return "."
}
