package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base32"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"ektamall/cmd/ektamall/internal/demoseed"
	hubapp "ektamall/hub/app"
	"ektamall/hub/producer"
	"ektamall/hub/settle"
	"ektamall/inventory"
	"ektamall/pos/mallapp"
	"ektamall/shared/auth"
	"ektamall/shared/sqldb"
)

type demoMall struct {
	ID, State, Name, Address string
}

// The demo's two malls: Lucknow (Uttar Pradesh) and Bengaluru (Karnataka).
var demoMalls = []demoMall{
	{ID: "LKO1", State: "UP", Name: "PM Ekta Mall, Lucknow", Address: "Awadh Shilpgram, Lucknow, Uttar Pradesh 226010"},
	{ID: "BLR1", State: "KA", Name: "PM Ekta Mall, Bengaluru", Address: "Bengaluru, Karnataka 560001"},
}

// demoUser is one login listed in demo.json.
type demoUser struct {
	Username string `json:"username"`
	Password string `json:"password"`
	Role     string `json:"role"`
	Mall     string `json:"mall,omitempty"`
	Zone     string `json:"zone,omitempty"`
	// ProducerID binds a producer's login at the hub to its producer.
	ProducerID string `json:"producer_id,omitempty"`
	// District binds a district officer's login at the hub to its district.
	District string `json:"district,omitempty"`
}

// demoProducer is the producer whose login the demo prints: Lucknow's
// chikankari cooperative, sold at both malls in the demo's history.
const demoProducer = "PR-UP-LUCKNOW-01"

// demoDistrict is the demo district officer's district (the demo
// producer's).
const demoDistrict = "UP-LUCKNOW"

type demoMallInfo struct {
	ID      string `json:"id"`
	State   string `json:"state"`
	URL     string `json:"url"`
	Metrics string `json:"metrics"` // GET Metrics+"/metrics", on loopback
}

// demoMetrics is where a demo process serves /metrics: on loopback, 1000
// ports above its HTTP port (8700 → 9700), or a random port with port 0.
func demoMetrics(httpAddr string) string {
	_, port, err := net.SplitHostPort(httpAddr)
	n, perr := strconv.Atoi(port)
	if err != nil || perr != nil || n == 0 || n+1000 > 65535 {
		return "127.0.0.1:0"
	}
	return "127.0.0.1:" + strconv.Itoa(n+1000)
}

type demoFile struct {
	Hub struct {
		URL     string `json:"url"`
		Leaf    string `json:"leaf"`
		Metrics string `json:"metrics"`
	} `json:"hub"`
	Malls []demoMallInfo `json:"malls"`
	Users []demoUser     `json:"users"`
	// Channels are the online sales channels and their keys (CONTRACT.md).
	Channels []demoChannel `json:"channels"`
}

// demoChannel is an online channel's id and key as demo.json lists them.
type demoChannel struct {
	ID  string `json:"id"`
	Key string `json:"key"`
}

// demoChannelID is the demo's one buyer app.
const demoChannelID = "ondc-buyer-demo"

// seedChannels keeps the channel key demo.json knows while it still
// works, and issues a new one otherwise.
func (d *demo) seedChannels(ctx context.Context, path string) ([]demoChannel, error) {
	var old demoFile
	if b, err := os.ReadFile(path); err == nil && json.Unmarshal(b, &old) == nil {
		for _, c := range old.Channels {
			if id, err := d.hub.Channel.Authenticate(ctx, c.Key); c.ID == demoChannelID && err == nil && id == c.ID {
				return []demoChannel{c}, nil
			}
		}
	}
	key, err := d.hub.Channel.Issue(ctx, demoChannelID)
	if err != nil {
		return nil, fmt.Errorf("channel %s: %w", demoChannelID, err)
	}
	return []demoChannel{{ID: demoChannelID, Key: key}}, nil
}

// demoUsers are the logins of every role: per mall two cashiers, an admin
// and zone managers for UP and KA; at the hub finance and an admin.
func demoUsers() []demoUser {
	us := []demoUser{
		{Username: "finance", Role: string(auth.Finance)},
		{Username: "hubadmin", Role: string(auth.HubAdmin)},
		{Username: "producer.lucknow", Role: string(auth.Producer), ProducerID: demoProducer},
		{Username: "district.lucknow", Role: string(auth.DistrictOfficer), District: demoDistrict},
	}
	for _, m := range demoMalls {
		p := strings.ToLower(m.ID)
		us = append(us,
			demoUser{Username: p + ".cashier1", Role: string(auth.Cashier), Mall: m.ID},
			demoUser{Username: p + ".cashier2", Role: string(auth.Cashier), Mall: m.ID},
			demoUser{Username: p + ".admin", Role: string(auth.MallAdmin), Mall: m.ID},
			demoUser{Username: p + ".zm.up", Role: string(auth.ZoneManager), Mall: m.ID, Zone: "UP"},
			demoUser{Username: p + ".zm.ka", Role: string(auth.ZoneManager), Mall: m.ID, Zone: "KA"},
		)
	}
	return us
}

func runDemo(ctx context.Context, args []string, stdout io.Writer, stderr *slog.Logger) error {
	fs := flagSet("demo", os.Stderr)
	f := demoFlags(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	host, portStr, err := net.SplitHostPort(*f.addr)
	port, perr := strconv.Atoi(portStr)
	if err != nil || perr != nil || port < 0 || port > 65533 {
		return fmt.Errorf("--http: %q is not host:port", *f.addr)
	}
	mallAddr := func(i int) string {
		if port == 0 {
			return net.JoinHostPort(host, "0")
		}
		return net.JoinHostPort(host, strconv.Itoa(port+1+i))
	}
	log, closeLog, err := demoLogger(*f.dir, stderr)
	if err != nil {
		return err
	}
	defer closeLog()
	if *f.hubDB != "" && !sqldb.IsPostgresURL(*f.hubDB) {
		return fmt.Errorf("--hub-db: %q must be empty (SQLite) or a postgres:// URL", *f.hubDB)
	}
	cfg := demoConfig{Dir: *f.dir, HTTP: *f.addr, MallAddr: mallAddr, Empty: *f.empty, Out: stdout, MaxChange: *f.maxChange, HubDB: *f.hubDB, OnlineOrders: *f.online,
		History: demoseed.Options{Seed: *f.seed, Log: log}}
	d, err := startDemo(ctx, cfg, log)
	if err != nil {
		return err
	}
	printDemo(stdout, d.info, d.summary, *f.dir)
	select {
	case <-ctx.Done():
		return d.Close()
	case err := <-d.errs: // one part died: stop the rest and say why
		return errors.Join(err, d.Close())
	}
}

type demoFlagValues struct {
	dir, addr *string
	seed      *uint64
	empty     *bool
	maxChange *string
	hubDB     *string
	online    *int
}

func demoFlags(fs *flag.FlagSet) demoFlagValues {
	return demoFlagValues{
		dir:       fs.String("dir", "demo-data", "data directory for the hub and both malls"),
		addr:      fs.String("http", "127.0.0.1:8700", "hub HTTP address; the malls take the next two ports (port 0: all random)"),
		seed:      fs.Uint64("seed", 1, "seed of the history written on first start (the same seed, the same history)"),
		empty:     fs.Bool("empty", false, "start a new directory without history (no stock, sales or settlements)"),
		maxChange: fs.String("max-change", "2000.00", "the malls' --max-change: most change in rupees a cash tender may ask for"),
		online:    fs.Int("online-orders", 3, "online orders (0 to 3) the demo channel places once the malls' stock is offered, for the zone managers' online-order screens (not with --empty)"),
		hubDB:     fs.String("hub-db", "", "the hub's books: empty for SQLite in --dir/hub, or a PostgreSQL URL (postgres://user@host:5432/db), an empty database or one this demo used before"),
	}
}

// demoConfig is what startDemo needs.
type demoConfig struct {
	Dir, HTTP string
	MallAddr  func(int) string
	// Empty starts a new directory without history; History shapes it.
	Empty   bool
	History demoseed.Options
	// Out hears that history is being written (nil: nobody).
	Out io.Writer
	// MaxChange is the malls' --max-change ("" keeps their default).
	MaxChange string
	// HubDB is the hub's --db: "" for its SQLite file, or a postgres:// URL.
	HubDB string
	// OnlineOrders is how many demo online orders to place (demo_online.go).
	OnlineOrders int
}

type demo struct {
	hub   *hubapp.Hub
	malls []*mallapp.Mall
	info  demoFile
	// Malls and hub are served under separate contexts so that Close can
	// stop the malls before the hub they are leaf nodes of.
	mallsWG, hubWG     sync.WaitGroup
	stopMalls, stopHub context.CancelFunc
	errs               chan error
	// clock is the hub's booking clock, in the past while history is
	// written; summary is what the data holds, for the banner.
	clock   demoseed.Clock
	summary demoseed.Summary
}

// startDemo opens the hub and the malls, seeds the demo users, writes
// demo.json and starts serving. Close stops the malls, then the hub.
func startDemo(ctx context.Context, cfg demoConfig, log *slog.Logger) (_ *demo, err error) {
	dir, hubAddr, mallAddr := cfg.Dir, cfg.HTTP, cfg.MallAddr
	d := &demo{errs: make(chan error, 1+len(demoMalls))}
	defer func() {
		if err != nil {
			d.Close()
		}
	}()
	d.hub, err = hubapp.Open(ctx, hubapp.Config{Dir: filepath.Join(dir, "hub"), DB: cfg.HubDB, HTTP: hubAddr, Metrics: demoMetrics(hubAddr), Leaf: "127.0.0.1:0",
		Synchronous: "FULL", ShutdownFor: 10 * time.Second, Now: d.clock.Now}, log)
	if err != nil {
		return nil, fmt.Errorf("hub: %w", err)
	}
	for i, dm := range demoMalls {
		creds, err := demoCreds(ctx, d.hub, dm, dir) // each mall authenticates with its own key
		if err != nil {
			return nil, fmt.Errorf("mall %s: %w", dm.ID, err)
		}
		m, err := mallapp.Open(ctx, mallapp.Config{Dir: filepath.Join(dir, dm.ID), ID: dm.ID, State: dm.State, Name: dm.Name,
			Address: dm.Address, HTTP: mallAddr(i), Metrics: demoMetrics(mallAddr(i)), Hub: d.hub.LeafURL, Creds: creds, Synchronous: "FULL", ShutdownFor: 10 * time.Second,
			MaxChange: cfg.MaxChange, HubURL: d.hub.URL}, log)
		if err != nil {
			return nil, fmt.Errorf("mall %s: %w", dm.ID, err)
		}
		d.malls = append(d.malls, m)
		if err := d.hub.RegisterMall(ctx, dm.ID, dm.State, dm.Name, ""); err != nil {
			return nil, fmt.Errorf("register mall %s: %w", dm.ID, err)
		}
		// The seller on the mall's GST documents at the hub: the GSTIN the
		// mall derives for itself, its address and PIN code.
		if err := d.hub.SetMallDetails(ctx, dm.ID, mallapp.DemoGSTIN(dm.State, dm.ID), dm.Address, pincodeOf(dm.Address)); err != nil {
			return nil, fmt.Errorf("register mall %s: %w", dm.ID, err)
		}
	}
	if err := d.seedPartners(ctx); err != nil {
		return nil, err
	}
	path := filepath.Join(dir, "demo.json")
	users, err := d.seedUsers(ctx, path)
	if err != nil {
		return nil, err
	}
	channels, err := d.seedChannels(ctx, path)
	if err != nil {
		return nil, err
	}
	if err := d.history(ctx, cfg, log); err != nil {
		return nil, err
	}
	d.info.Hub.URL, d.info.Hub.Leaf, d.info.Hub.Metrics = d.hub.URL, d.hub.LeafURL, d.hub.MetricsURL
	for i, m := range d.malls {
		d.info.Malls = append(d.info.Malls, demoMallInfo{demoMalls[i].ID, demoMalls[i].State, m.URL, m.MetricsURL})
	}
	d.info.Users, d.info.Channels = users, channels
	if err := writeJSONAtomic(path, d.info); err != nil {
		return nil, err
	}
	hubCtx, stopHub := context.WithCancel(context.Background())
	mallsCtx, stopMalls := context.WithCancel(context.Background())
	d.stopHub, d.stopMalls = stopHub, stopMalls
	d.serve(hubCtx, &d.hubWG, d.hub.Run)
	for _, m := range d.malls {
		d.serve(mallsCtx, &d.mallsWG, m.Run)
	}
	if !cfg.Empty {
		d.serve(mallsCtx, &d.mallsWG, func(ctx context.Context) error { return d.placeOnlineOrders(ctx, cfg.OnlineOrders, log) })
	}
	return d, nil
}

func (d *demo) serve(ctx context.Context, wg *sync.WaitGroup, run func(context.Context) error) {
	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := run(ctx); err != nil {
			d.errs <- err
		}
	}()
}

// seedUsers creates the demo users on first start. Passwords are random
// and kept in demo.json; a user whose password is no longer known (the
// file was deleted) gets a new one.
func (d *demo) seedUsers(ctx context.Context, path string) ([]demoUser, error) {
	known := map[string]string{}
	var old demoFile
	if b, err := os.ReadFile(path); err == nil && json.Unmarshal(b, &old) == nil {
		for _, u := range old.Users {
			known[u.Mall+"/"+u.Username] = u.Password
		}
	}
	users := demoUsers()
	for i := range users {
		u := &users[i]
		store, db := d.hub.Auth, d.hub.Store
		for j, dm := range demoMalls {
			if dm.ID == u.Mall {
				store, db = d.malls[j].Auth, sqldb.FromSQLite(d.malls[j].DB)
			}
		}
		exists, err := store.UserExists(ctx, u.Username)
		if err != nil {
			return nil, err
		}
		u.Password = known[u.Mall+"/"+u.Username]
		if exists && u.Password != "" {
			continue
		}
		u.Password = randomPassword()
		err = db.Transact(ctx, func(tx sqldb.Tx) error {
			if exists {
				return store.SetPassword(ctx, tx, u.Username, u.Password)
			}
			if u.ProducerID != "" {
				return d.hub.Producer.CreateLogin(ctx, tx, u.ProducerID, u.Username, u.Password)
			}
			if u.District != "" {
				return d.hub.Producer.CreateOfficerLogin(ctx, tx, u.Username, u.Password, u.District)
			}
			_, err := store.CreateUser(ctx, tx, u.Username, u.Password, u.Username, auth.Role(u.Role), u.Zone)
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("demo user %s: %w", u.Username, err)
		}
	}
	// The demo's producer agreed to be named on receipts' trace pages.
	for _, u := range users {
		if u.ProducerID != "" {
			if err := d.hub.Producer.SetConsent(ctx, producer.Profile{ProducerID: u.ProducerID}, true, "demo"); err != nil {
				return nil, fmt.Errorf("demo producer consent: %w", err)
			}
		}
	}
	return users, nil
}

// seedPartners lets the demo malls transfer stock to each other and gives
// the demo producers fictional bank accounts so payout files are complete.
// Both are idempotent, so a restart changes nothing.
func (d *demo) seedPartners(ctx context.Context) error {
	for i, m := range d.malls {
		err := m.DB.Transact(ctx, func(tx *sql.Tx) error {
			for j, peer := range demoMalls {
				if j == i {
					continue
				}
				if err := inventory.UpsertPeerMall(ctx, tx, demoMalls[i].ID, inventory.PeerMall{ID: peer.ID, State: peer.State, Name: peer.Name,
					GSTIN: mallapp.DemoGSTIN(peer.State, peer.ID)}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("demo partner malls of %s: %w", demoMalls[i].ID, err)
		}
	}
	return d.hub.Store.Transact(ctx, func(tx sqldb.Tx) error { return settle.SeedDemoBankAccounts(ctx, tx, time.Now()) })
}

func randomPassword() string {
	b := make([]byte, 10)
	rand.Read(b)
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
}

// Close stops the malls first (they depend on the hub's leaf port), then
// the hub.
func (d *demo) Close() error {
	var errList []error
	if d.stopHub != nil { // serving: each Run closes its own process
		d.stopMalls()
		d.mallsWG.Wait()
		d.stopHub()
		d.hubWG.Wait()
		close(d.errs)
		for err := range d.errs {
			errList = append(errList, err)
		}
		return errors.Join(errList...)
	}
	for i := len(d.malls) - 1; i >= 0; i-- {
		errList = append(errList, d.malls[i].Close())
	}
	if d.hub != nil {
		errList = append(errList, d.hub.Close())
	}
	return errors.Join(errList...)
}

func writeJSONAtomic(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append(b, '\n'), 0o600); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return os.Rename(tmp, path)
}

// pincodeOf is the six-digit PIN code that ends an address, or "".
func pincodeOf(address string) string {
	f := strings.Fields(address)
	if len(f) == 0 {
		return ""
	}
	last := f[len(f)-1]
	if len(last) != 6 || strings.Trim(last, "0123456789") != "" {
		return ""
	}
	return last
}
