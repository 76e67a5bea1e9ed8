package chaos

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"ektamall/cmd/ektamall/internal/linkproxy"
	"ektamall/pos/loadgen"
)

// Options are the flags of 'ektamall chaos'.
type Options struct {
	bin, dir       string
	seed           uint64
	duration       time.Duration
	counters       int
	settleTimeout  time.Duration
	keep, noFaults bool
	stdout         io.Writer
}

func Flags(fs *flag.FlagSet) *Options {
	o := &Options{}
	fs.StringVar(&o.bin, "bin", "", "the ektamall binary to run as hub and malls (default: this one)")
	fs.StringVar(&o.dir, "dir", "", "working directory for the run's data and logs (default: a new temporary one, removed on success)")
	fs.Uint64Var(&o.seed, "seed", 0, "seed of the fault schedule and the load (0: drawn from the clock and printed)")
	fs.DurationVar(&o.duration, "duration", 60*time.Second, "how long to sell while faults are injected")
	fs.IntVar(&o.counters, "counters", 3, "concurrent counters per mall")
	fs.DurationVar(&o.settleTimeout, "settle-timeout", 3*time.Minute, "how long sync may take to settle after the faults stop")
	fs.BoolVar(&o.keep, "keep", false, "keep the working directory even when every check passes")
	fs.BoolVar(&o.noFaults, "no-faults", false, "run the load and the checks without injecting faults (a baseline)")
	return o
}

// Run is 'ektamall chaos': the real binary as a hub and two malls, load
// on both, a seeded schedule of SIGKILLs and link cuts, then checks that
// nothing a counter was answered for was lost or doubled. o comes from
// Flags; Run fills in the seed and the binary when they are unset.
func Run(ctx context.Context, o *Options, stdout io.Writer) error {
	o.stdout = stdout
	if o.seed == 0 {
		o.seed = uint64(time.Now().UnixNano())%1_000_000_000 + 1
	}
	if o.duration < 10*time.Second {
		return errors.New("--duration must be at least 10s")
	}
	if o.counters < 1 || o.counters > 20 {
		return errors.New("--counters must be 1-20")
	}
	if o.bin == "" {
		exe, err := os.Executable()
		if err != nil {
			return err
		}
		o.bin = exe
	}
	fmt.Fprintf(stdout, "chaos: seed %d, %s of load, %d counters per mall (replay: make chaos SEED=%d)\n", o.seed, o.duration, o.counters, o.seed)
	failures, err := execute(ctx, o)
	fmt.Fprintf(stdout, "chaos: seed %d: ", o.seed)
	switch {
	case err != nil:
		fmt.Fprintf(stdout, "ABORTED: %v\n", err)
		return fmt.Errorf("seed %d: %w (data and logs kept in %s)", o.seed, err, o.dir)
	case failures > 0:
		fmt.Fprintf(stdout, "%d checks FAILED (data and logs kept in %s)\n", failures, o.dir)
		return fmt.Errorf("seed %d: %d checks failed", o.seed, failures)
	}
	fmt.Fprintln(stdout, "every check passed")
	return nil
}

// execute sets up, runs the load and the faults, and checks. It returns
// the number of failed checks; an error means the run itself broke.
func execute(ctx context.Context, o *Options) (int, error) {
	if o.dir == "" {
		d, err := os.MkdirTemp("", "ektamall-chaos-")
		if err != nil {
			return 0, err
		}
		o.dir = d
	}
	hubDir := filepath.Join(o.dir, "hub")
	malls := []*mallNode{{id: "LKO1", state: "UP"}, {id: "BLR1", state: "KA"}}
	for _, m := range malls {
		m.dir = filepath.Join(o.dir, m.id)
	}
	if err := prepare(ctx, hubDir, malls); err != nil {
		return 0, err
	}
	hubHTTP, err := freePort()
	if err != nil {
		return 0, err
	}
	hubLeaf, err := freePort()
	if err != nil {
		return 0, err
	}
	hub := &process{name: "hub", bin: o.bin, url: "http://" + hubHTTP, logPath: filepath.Join(o.dir, "hub.log"),
		args: []string{"hub", "--dir", hubDir, "--http", hubHTTP, "--leaf", hubLeaf, "--shutdown-timeout", "5s", "--metrics", "off",
			// A short return window so the end check settles real sales, not none.
			"--return-window", "1s"}}
	defer hub.kill(syscall.SIGKILL)
	for _, m := range malls {
		if m.proxy, err = linkproxy.New(hubLeaf); err != nil {
			return 0, err
		}
		defer m.proxy.Close()
		addr, err := freePort()
		if err != nil {
			return 0, err
		}
		m.proc = &process{name: "mall " + m.id, bin: o.bin, url: "http://" + addr, logPath: filepath.Join(o.dir, m.id+".log"),
			args: []string{"mall", "--dir", m.dir, "--id", m.id, "--state", m.state, "--http", addr,
				"--hub", "nats-leaf://" + m.proxy.Addr, "--creds", m.creds, "--shutdown-timeout", "5s", "--metrics", "off"}}
		defer m.proc.kill(syscall.SIGKILL)
	}
	for _, p := range append([]*process{hub}, malls[0].proc, malls[1].proc) {
		if err := p.start(ctx); err != nil {
			return 0, err
		}
	}
	fmt.Fprintf(o.stdout, "chaos: hub %s (leaf %s), malls %s %s, %s %s; data in %s\n", hub.url, hubLeaf,
		malls[0].id, malls[0].proc.url, malls[1].id, malls[1].proc.url, o.dir)

	results, err := applyLoad(ctx, o, hub, malls)
	if err != nil {
		return 0, err
	}
	if !o.noFaults {
		lost, after, err := restoreScenario(ctx, o, malls[0])
		if err != nil {
			return 0, err
		}
		results[0] = mergeLoad(mergeLoad(results[0], lost), after)
		malls[0].lost = lost
	}
	failures, err := checkAll(ctx, o, hub, malls, results)
	if err != nil {
		return failures, err
	}
	if failures == 0 && !o.keep {
		os.RemoveAll(o.dir)
	}
	return failures, nil
}

// applyLoad runs loadgen against both malls while the schedule of faults
// plays, and returns each mall's load result.
func applyLoad(ctx context.Context, o *Options, hub *process, malls []*mallNode) ([]loadgen.Result, error) {
	results := make([]loadgen.Result, len(malls))
	errc := make([]error, len(malls))
	started := make([]chan struct{}, len(malls))
	var wg sync.WaitGroup
	for i, m := range malls {
		started[i] = make(chan struct{})
		var once sync.Once
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errc[i] = loadgen.Run(ctx, loadgen.Config{
				MallURL: m.proc.url, AdminUser: adminUser, AdminPassword: password,
				Counters: o.counters, Duration: o.duration, Seed: o.seed*2 + uint64(i), Patient: true,
				Client:   &http.Client{Timeout: 15 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: o.counters + 4}},
				Progress: func(loadgen.Progress) { once.Do(func() { close(started[i]) }) },
			})
			once.Do(func() { close(started[i]) })
		}()
	}
	for _, c := range started {
		<-c
	}
	steps := schedule(o.seed, o.duration, len(malls))
	if o.noFaults {
		steps = nil
	}
	fmt.Fprintf(o.stdout, "chaos: load running; %d fault steps scheduled\n", len(steps))
	if err := play(ctx, o.stdout, steps, hub, malls); err != nil {
		return nil, err
	}
	wg.Wait()
	for i, err := range errc {
		if err != nil {
			return nil, fmt.Errorf("load on %s: %w", malls[i].id, err)
		}
	}
	return results, nil
}

// faultStep is one fault: applied at 'at' after the load starts, held for
// 'hold', then healed (killed processes restarted, links restored).
type faultStep struct {
	at, hold time.Duration
	kind     string // kill-mall, kill-hub, cut-link, cut-both, kill-hub+cut-link, kill-mall+kill-hub
	mall     int
}

var faultKinds = []string{"kill-mall", "kill-mall", "kill-hub", "cut-link", "cut-link", "cut-both", "kill-hub+cut-link", "kill-mall+kill-hub"}

// schedule draws the faults from the seed alone, so a seed replays
// the same schedule (the interleaving with the load's requests still
// depends on timing).
func schedule(seed uint64, d time.Duration, nMalls int) []faultStep {
	r := rand.New(rand.NewPCG(seed, 0x6368616f73))
	ms := func(lo, hi int) time.Duration { return time.Duration(lo+r.IntN(hi-lo+1)) * time.Millisecond }
	var steps []faultStep
	end := d - 3*time.Second
	for t := ms(500, 2000); t < end-time.Second; {
		s := faultStep{at: t, kind: faultKinds[r.IntN(len(faultKinds))], mall: r.IntN(nMalls)}
		s.hold = ms(200, 4000)
		if t+s.hold > end {
			s.hold = end - t
		}
		steps = append(steps, s)
		t += s.hold + ms(300, 3000)
	}
	return steps
}

// play applies the steps in order and heals after each.
func play(ctx context.Context, out io.Writer, steps []faultStep, hub *process, malls []*mallNode) error {
	start := time.Now()
	for n, s := range steps {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Until(start.Add(s.at))):
		}
		m := malls[s.mall]
		var desc string
		switch s.kind {
		case "kill-mall":
			m.proc.kill(syscall.SIGKILL)
			desc = "SIGKILL mall " + m.id
		case "kill-hub":
			hub.kill(syscall.SIGKILL)
			desc = "SIGKILL hub"
		case "cut-link":
			m.proxy.SetCut(true)
			desc = "cut " + m.id + "'s leaf link"
		case "cut-both":
			for _, x := range malls {
				x.proxy.SetCut(true)
			}
			desc = "cut both leaf links"
		case "kill-hub+cut-link":
			hub.kill(syscall.SIGKILL)
			m.proxy.SetCut(true)
			desc = "SIGKILL hub and cut " + m.id + "'s leaf link"
		case "kill-mall+kill-hub":
			m.proc.kill(syscall.SIGKILL)
			hub.kill(syscall.SIGKILL)
			desc = "SIGKILL mall " + m.id + " and the hub"
		}
		fmt.Fprintf(out, "  %3d  t=%6.2fs  %-44s for %s\n", n+1, time.Since(start).Seconds(), desc, s.hold)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(s.hold):
		}
		if err := heal(ctx, hub, malls); err != nil {
			return err
		}
	}
	return nil
}

// heal restores every link and restarts whatever is down.
func heal(ctx context.Context, hub *process, malls []*mallNode) error {
	for _, m := range malls {
		m.proxy.SetCut(false)
	}
	if !hub.running() {
		if err := hub.start(ctx); err != nil {
			return err
		}
	}
	for _, m := range malls {
		if !m.proc.running() {
			if err := m.proc.start(ctx); err != nil {
				return err
			}
		}
	}
	return nil
}
