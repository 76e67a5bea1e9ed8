package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"

	"ektamall/shared/apiclient"
	"ektamall/shared/ids"
)

type importOpts struct {
	mall, user, password, zone, producer, ref, note string
	quiet                                           bool
	timeout                                         time.Duration
}

func importFlags(fs *flag.FlagSet) *importOpts {
	o := &importOpts{}
	fs.StringVar(&o.mall, "mall", "http://127.0.0.1:8701", "base URL of the mall")
	fs.StringVar(&o.user, "user", "", "zone manager (or mall admin) username (required)")
	fs.StringVar(&o.password, "password", "", "password (prefer the environment variable EKTAMALL_PASSWORD)")
	fs.StringVar(&o.zone, "zone", "", "State/UT zone receiving the consignment, e.g. UP (required)")
	fs.StringVar(&o.producer, "producer", "", "producer id of the consignment, e.g. PR-UP-MORADABAD-01 (required)")
	fs.StringVar(&o.ref, "ref", "", "the producer's challan or invoice number, printed on the goods received note")
	fs.StringVar(&o.note, "note", "", "a note for the goods received note")
	fs.BoolVar(&o.quiet, "quiet", false, "no progress bar")
	fs.DurationVar(&o.timeout, "timeout", 10*time.Minute, "give up after this long")
	return o
}

// runImport uploads a consignment CSV (header sku,qty; a barcode may stand
// for the SKU) as one goods received note: all rows or none. Bad rows are
// printed with their line numbers.
func runImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flagSet("import", stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: ektamall import --mall URL --user U --password P --zone UP --producer ID FILE.csv")
		fs.SetOutput(stderr)
		fs.PrintDefaults()
	}
	o := importFlags(fs)
	// The file comes after the flags; config.Parse (flags plus their
	// environment variables) takes flags only, so split it off first.
	probe := flag.NewFlagSet("import", flag.ContinueOnError)
	probe.SetOutput(io.Discard)
	importFlags(probe)
	var files []string
	if probe.Parse(args) == nil {
		files = probe.Args()
		args = args[:len(args)-len(files)]
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	var missing []string
	for name, v := range map[string]string{"user": o.user, "password": o.password, "zone": o.zone, "producer": o.producer} {
		if v == "" {
			missing = append(missing, "--"+name)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("missing %s", strings.Join(missing, ", "))
	}
	if len(files) != 1 || strings.HasPrefix(files[0], "-") {
		return errors.New("give exactly one CSV file, after the flags")
	}
	base := strings.TrimRight(o.mall, "/")
	if u, err := url.Parse(base); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("--mall %q is not an http(s) URL", o.mall)
	}
	f, err := os.Open(files[0])
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()
	c := apiclient.New(base, nil)
	if err := c.Login(ctx, o.user, o.password); err != nil {
		return fmt.Errorf("login as %s: %w", o.user, err)
	}

	bar := progressbar.NewOptions64(st.Size(), progressbar.OptionSetWriter(stderr), progressbar.OptionSetDescription("uploading "+st.Name()),
		progressbar.OptionShowBytes(true), progressbar.OptionSetVisibility(!o.quiet), progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionOnCompletion(func() { fmt.Fprintln(stderr) }))
	q := url.Values{"producer_id": {o.producer}}
	if o.ref != "" {
		q.Set("producer_ref", o.ref)
	}
	if o.note != "" {
		q.Set("note", o.note)
	}
	res, err := c.Send(ctx, "POST", "/api/v1/zones/"+url.PathEscape(o.zone)+"/receipts/import?"+q.Encode(), io.TeeReader(f, bar),
		apiclient.Header("Content-Type", "text/csv"), apiclient.ContentLength(st.Size()),
		apiclient.Key(ids.New())) // the mall requires a key; this tool sends each file once
	_ = bar.Finish()
	var ae *apiclient.Error
	if errors.As(err, &ae) {
		return importRefused(ae, st.Name(), stderr)
	}
	if err != nil {
		return fmt.Errorf("upload: %w", err)
	}
	defer res.Body.Close()
	var g struct {
		No         string `json:"no"`
		Zone       string `json:"zone"`
		Producer   string `json:"producer_name"`
		TotalQty   int64  `json:"total_qty"`
		TotalValue string `json:"total_value"`
		Lines      []any  `json:"lines"`
	}
	if err := json.NewDecoder(io.LimitReader(res.Body, 16<<20)).Decode(&g); err != nil {
		return fmt.Errorf("read answer: %w", err)
	}
	fmt.Fprintf(stdout, "%s: %d lines, %d units (₹%s at MRP) from %s into the %s backroom\n", g.No, len(g.Lines), g.TotalQty, g.TotalValue, g.Producer, g.Zone)
	return nil
}

// importRefused prints a refused file's bad rows with their line numbers.
func importRefused(ae *apiclient.Error, name string, stderr io.Writer) error {
	if ae.API.Code == "" {
		return fmt.Errorf("import: %w", ae)
	}
	var e struct {
		Error struct {
			BadRows int `json:"bad_rows"`
			Rows    []struct {
				Line    int    `json:"line"`
				Message string `json:"message"`
			} `json:"rows"`
		} `json:"error"`
	}
	_ = json.Unmarshal(ae.Body, &e) // the code came from this body: it is JSON
	for _, r := range e.Error.Rows {
		fmt.Fprintf(stderr, "%s:%d: %s\n", name, r.Line, r.Message)
	}
	if more := e.Error.BadRows - len(e.Error.Rows); more > 0 {
		fmt.Fprintf(stderr, "... and %d more bad rows\n", more)
	}
	return ae
}
