package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"time"

	"ektamall/cmd/ektamall/internal/demoseed"
	"ektamall/hub/settle"
	"ektamall/inventory"
	"ektamall/pos/mallapp"
	"ektamall/shared/auth"
	"ektamall/shared/config"
)

// demoNeighbour is a third mall in Uttar Pradesh, registered at the hub
// when the history is written: LKO1 sends it stock on a delivery challan
// (a transfer within one State), and it receives it. It runs only while
// the history is written; the demo serves the two malls of CONTRACT.md,
// so the hub lists it as not connected.
var demoNeighbour = demoMall{ID: "VNS1", State: "UP", Name: "PM Ekta Mall, Varanasi", Address: "Sigra, Varanasi, Uttar Pradesh 221010"}

// openNeighbour provisions the neighbour at the hub, opens it (its data
// in DIR/VNS1, linked to the hub, not serving), gives it an admin and
// makes it a partner of the first mall. The caller closes it.
func (d *demo) openNeighbour(ctx context.Context, dir string, log *slog.Logger) (*mallapp.Mall, *demoseed.Mall, error) {
	dm := demoNeighbour
	creds, err := demoCreds(ctx, d.hub, dm, dir)
	if err != nil {
		return nil, nil, fmt.Errorf("mall %s: %w", dm.ID, err)
	}
	m, err := mallapp.Open(ctx, mallapp.Config{Dir: filepath.Join(dir, dm.ID), ID: dm.ID, State: dm.State, Name: dm.Name, Address: dm.Address,
		HTTP: "127.0.0.1:0", Hub: d.hub.LeafURL, Creds: creds, Synchronous: "FULL", ShutdownFor: 10 * time.Second, HubURL: d.hub.URL}, log)
	if err != nil {
		return nil, nil, fmt.Errorf("mall %s: %w", dm.ID, err)
	}
	gstin := mallapp.DemoGSTIN(dm.State, dm.ID)
	admin := strings.ToLower(dm.ID) + ".admin"
	err = d.hub.RegisterMall(ctx, dm.ID, dm.State, dm.Name, "")
	if err == nil {
		err = d.hub.SetMallDetails(ctx, dm.ID, gstin, dm.Address, pincodeOf(dm.Address))
	}
	if err == nil {
		err = m.DB.Transact(ctx, func(tx *sql.Tx) error {
			_, err := m.Auth.CreateUser(ctx, tx, admin, randomPassword(), admin, auth.MallAdmin, "")
			return err
		})
	}
	if err == nil {
		err = d.malls[0].DB.Transact(ctx, func(tx *sql.Tx) error {
			return inventory.UpsertPeerMall(ctx, tx, demoMalls[0].ID, inventory.PeerMall{ID: dm.ID, State: dm.State, Name: dm.Name, GSTIN: gstin})
		})
	}
	if err != nil {
		return nil, nil, errors.Join(fmt.Errorf("mall %s: %w", dm.ID, err), m.Close())
	}
	return m, &demoseed.Mall{ID: dm.ID, DB: m.DB, Auth: m.Auth, Admin: admin}, nil
}

// seedMalls are the demo malls as the history seeder sees them.
func (d *demo) seedMalls() []demoseed.Mall {
	var ms []demoseed.Mall
	for i, dm := range demoMalls {
		p := strings.ToLower(dm.ID)
		ms = append(ms, demoseed.Mall{ID: dm.ID, DB: d.malls[i].DB, Auth: d.malls[i].Auth,
			Cashiers: [2]string{p + ".cashier1", p + ".cashier2"}, Admin: p + ".admin",
			Managers: map[string]string{"UP": p + ".zm.up", "KA": p + ".zm.ka"}})
	}
	return ms
}

// history writes the demo's history on the first start of a directory
// (or marks it empty with --empty), then reads what the data holds for
// the banner. A later start changes nothing.
func (d *demo) history(ctx context.Context, cfg demoConfig, log *slog.Logger) error {
	malls := d.seedMalls()
	st, err := demoseed.State(ctx, d.hub.Store, malls)
	if err != nil {
		return err
	}
	switch {
	case st == demoseed.Interrupted:
		return fmt.Errorf("--dir %s was %s", cfg.Dir, st)
	case st == demoseed.Fresh && cfg.Empty:
		err = demoseed.MarkEmpty(ctx, d.hub.Store)
	case st == demoseed.Fresh:
		if cfg.Out != nil {
			fmt.Fprintln(cfg.Out, "First start: writing six weeks of history at both malls and the hub (a few seconds)...")
		}
		start := time.Now()
		if cfg.History.Log == nil {
			cfg.History.Log = log
		}
		h := demoseed.Hub{DB: d.hub.Store, Clock: &d.clock, Settle: settle.Config{}, Finance: "finance"}
		var nb *mallapp.Mall
		if nb, cfg.History.Neighbour, err = d.openNeighbour(ctx, cfg.Dir, log); err != nil {
			return err
		}
		err = demoseed.Seed(ctx, h, malls, cfg.History)
		err = errors.Join(err, nb.Close())
		log.Info("demo history written", "took", time.Since(start).Round(time.Millisecond).String())
	}
	if err != nil {
		return err
	}
	d.summary, err = demoseed.Describe(ctx, d.hub.Store, malls)
	return err
}

// printDemo is the banner, the last thing the demo prints: where each
// process is, what the data holds, and every login.
func printDemo(w io.Writer, info demoFile, sum demoseed.Summary, dir string) {
	fmt.Fprintf(w, "\nEkta Mall demo is running (Ctrl-C to stop). Details in %s\n", filepath.Join(dir, "demo.json"))
	fmt.Fprintf(w, "Logs (every request, sync, settlement) go to %s\n\n", filepath.Join(dir, "demo.log"))
	fmt.Fprintf(w, "  hub   %s   (finance; malls connect on %s)\n", info.Hub.URL, info.Hub.Leaf)
	fmt.Fprintf(w, "  producers' screen %s/producer\n", info.Hub.URL)
	for _, m := range info.Malls {
		fmt.Fprintf(w, "  %-5s %s   (%s)\n", m.ID, m.URL, m.State)
	}
	fmt.Fprintf(w, "  metrics (loopback only): hub %s/metrics", info.Hub.Metrics)
	for _, m := range info.Malls {
		fmt.Fprintf(w, ", %s %s/metrics", m.ID, m.Metrics)
	}
	fmt.Fprint(w, "\n\n")
	for _, m := range sum.Malls {
		if m.Sales == 0 {
			fmt.Fprintf(w, "  %-5s no sales yet; %d units on shelves; %d of %d events at the hub\n", m.ID, m.Shelf, m.AtHub, m.Events)
			continue
		}
		days := int(m.Last.Sub(m.First).Hours()/24) + 1
		fmt.Fprintf(w, "  %-5s %d sales over %d days (%s to %s), %d returns, %d shifts closed\n", m.ID, m.Sales, days,
			m.First.In(demoseed.IST).Format("2 Jan"), m.Last.In(demoseed.IST).Format("2 Jan"), m.Returns, m.ShiftsClosed)
		fmt.Fprintf(w, "        stock: %d units on %d shelves, %d in backrooms, %d products low; %d of %d events at the hub\n",
			m.Shelf, m.SKUsOnShelf, m.Backroom, m.Low, m.AtHub, m.Events)
	}
	fmt.Fprintf(w, "  hub   %d settlement runs, %d payouts paid (₹%s)\n", sum.Runs, sum.Paid, sum.PaidTotal)
	fmt.Fprintf(w, "\n  %-18s %-16s %-6s %-5s %s\n", "username", "role", "mall", "zone", "password")
	for _, u := range info.Users {
		fmt.Fprintf(w, "  %-18s %-16s %-6s %-5s %s\n", u.Username, u.Role, u.Mall, u.Zone, u.Password)
	}
	fmt.Fprintf(w, "\n  try: curl -s %s/healthz\n  env: every flag also reads %s<FLAG>\n\n", info.Hub.URL, config.EnvPrefix)
}
