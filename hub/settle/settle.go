// Package settle runs settlements: it pays each producer what its sold
// lines earned once their return window has passed, net of returns and
// voids, and records exactly which lines and returns each payout covers.
//
// A run is written whole in one transaction and never changed. The sale
// lines it pays are a region fixed by its bounds (see gather), so a run
// over millions of lines is one aggregate; the returns and voids it nets
// are recorded item by item under a unique key (kind, mall, ref, line).
// Nothing is ever settled twice, whatever the cutoffs. A producer whose
// returns exceed what it earned carries the negative balance forward; a
// payout is never negative.
package settle

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"time"

	"ektamall/hub"
	"ektamall/hub/ledger"
	"ektamall/shared/errs"
	"ektamall/shared/ids"
	"ektamall/shared/money"
	"ektamall/shared/sqldb"
)

// Config tunes settlement.
type Config struct {
	// Window is the return window: a sale line is paid only once its sale
	// is at least this old at the cutoff (default 7 days).
	Window time.Duration
	// MinPayout is the smallest payout sent; a smaller positive balance is
	// carried forward (default ₹1.00; research/ledger_gst.md §2.4 cites
	// ₹500 marketplace policies: set it to taste).
	MinPayout money.Amount
}

// DefaultWindow is the return window when none is configured.
const DefaultWindow = 7 * 24 * time.Hour

// Service creates and reads settlement runs.
type Service struct {
	db  hub.Store
	cfg Config
	now func() time.Time
	log *slog.Logger
	// running refuses a second run while one is being computed, rather
	// than queueing it behind the single writer.
	running sync.Mutex
	// onRun, if set, hears how long each new run took (for metrics).
	onRun func(took time.Duration)
}

// OnRun sets a hook called with the time each newly created run took to
// compute and write. Set it before the service is used.
func (s *Service) OnRun(f func(took time.Duration)) { s.onRun = f }

// New returns a settlement service; now nil means time.Now.
func New(db hub.Store, cfg Config, now func() time.Time, log *slog.Logger) *Service {
	if cfg.Window <= 0 {
		cfg.Window = DefaultWindow
	}
	if !cfg.MinPayout.IsPositive() {
		cfg.MinPayout = money.MustParse("1.00")
	}
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.Default()
	}
	return &Service{db: db, cfg: cfg, now: now, log: log}
}

// Config is the service's configuration after defaults.
func (s *Service) Config() Config { return s.cfg }

// Run is a closed settlement run.
type Run struct {
	ID           string       `json:"id"`
	No           int64        `json:"run_no"`
	Status       string       `json:"status"` // always "closed": a run is written whole
	Cutoff       time.Time    `json:"cutoff"`
	Window       string       `json:"return_window"`
	MinPayout    money.Amount `json:"min_payout"`
	CreatedAt    time.Time    `json:"created_at"`
	CreatedBy    string       `json:"created_by"`
	ItemCount    int64        `json:"item_count"`
	PayoutCount  int64        `json:"payout_count"`
	PayoutTotal  money.Amount `json:"payout_total"`
	CarriedTotal money.Amount `json:"carried_forward_total"`
	// HeldCount producers were owed at least the minimum but have no bank
	// account on file: HeldTotal is carried forward, not paid (Held, filled
	// by Get, lists them for finance).
	HeldCount int64         `json:"held_count"`
	HeldTotal money.Amount  `json:"held_total"`
	Held      []HeldBalance `json:"held,omitempty"`
	// Districts and States total the payouts; filled by Get.
	Districts []GroupTotal `json:"districts,omitempty"`
	States    []GroupTotal `json:"states,omitempty"`
	// Nothing says why a run paid nobody (filled by Get).
	Nothing *Nothing `json:"nothing_paid,omitempty"`
}

// GroupTotal is the payouts of one district or state in a run.
type GroupTotal struct {
	ID      string       `json:"id"`
	Name    string       `json:"name"`
	State   string       `json:"state,omitempty"`
	Payouts int64        `json:"payouts"`
	Amount  money.Amount `json:"amount"`
}

// item is a return or void a run nets.
type item struct {
	producer, kind, mall, ref, saleID string
	line                              int64
	amount                            int64 // signed producer net
}

// balance is a producer's position in a run.
type balance struct {
	producer, district, state            string
	bf, credits, debits, payout, carried int64
	saleLines                            int64
	items                                []item       // returns and voids
	damage                               []damageItem // mall-borne damage paid to the producer (damage.go)
	account                              BankAccount
	held                                 string // why a payout due was not made
}

// heldNoAccount is the reason a balance due is held.
const heldNoAccount = "no bank account on file"

// Progress reports the payouts booked so far out of the run's payouts.
type Progress func(done, total int)

// Create runs a settlement up to cutoff (zero: now). It returns the run and
// whether it was created now: a run with the same cutoff as an existing one
// returns that run unchanged. A cutoff in the future is Invalid; one before
// the latest run's cutoff, or a run while another is computing, Conflict.
func (s *Service) Create(ctx context.Context, cutoff time.Time, by string, progress Progress) (Run, bool, error) {
	if !s.running.TryLock() {
		return Run{}, false, errs.E(errs.Conflict, "a settlement run is already in progress; try again when it has finished")
	}
	defer s.running.Unlock()
	start := time.Now() // the wall clock, not s.now: a test clock would not measure
	now := s.now().UTC()
	if cutoff.IsZero() {
		cutoff = now
	}
	cutoff = cutoff.UTC().Truncate(time.Microsecond) // the precision stored
	if cutoff.After(now) {
		return Run{}, false, errs.Field("cutoff", "the cutoff %s is later than now (%s); choose now, today or an earlier day", inWords(cutoff), inWords(now))
	}
	var run Run
	created := false
	err := s.db.Transact(ctx, func(tx sqldb.Tx) error {
		if err := lockRuns(ctx, s.db, tx); err != nil {
			return err
		}
		var id string
		err := tx.QueryRowContext(ctx, `SELECT id FROM settlement_runs WHERE cutoff = ?`, ledger.TS(cutoff)).Scan(&id)
		if err == nil {
			run, err = getRun(ctx, tx, id)
			return err
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		var last sql.NullString
		var no int64
		if err := tx.QueryRowContext(ctx, `SELECT MAX(cutoff), COALESCE(MAX(run_no), 0) + 1 FROM settlement_runs`).Scan(&last, &no); err != nil {
			return err
		}
		if last.Valid && last.String > ledger.TS(cutoff) {
			return errs.E(errs.Conflict, "cutoff %s is before the latest run's cutoff %s", ledger.TS(cutoff), last.String)
		}
		prev, err := lastRegion(ctx, tx, no)
		if err != nil {
			return err
		}
		reg := region{cut: ledger.TS(cutoff), win: max(ledger.TS(cutoff.Add(-s.cfg.Window)), prev.win)}
		bals, err := s.gather(ctx, tx, reg, prev)
		if err != nil {
			return err
		}
		run, err = s.write(ctx, tx, no, cutoff, reg, now, by, bals, progress)
		created = err == nil
		return err
	})
	if err != nil {
		return Run{}, false, fmt.Errorf("settlement: %w", err)
	}
	if created && s.onRun != nil {
		s.onRun(time.Since(start))
	}
	if created {
		s.log.Info("settlement run closed", "run", run.ID, "cutoff", run.Cutoff, "payouts", run.PayoutCount, "total", run.PayoutTotal)
	}
	return run, created, nil
}

// lockRuns is the one lock settlement takes on PostgreSQL, and only there
// (SQLite has one writer). Every booking reads the latest cutoff before it
// writes (hub/ledger stamps ingested_at after it) and the run reads the
// lines those bookings write: two SERIALIZABLE transactions that
// PostgreSQL would part by aborting one, and with hub nodes booking every
// few milliseconds the aborted one is always the run, which is long, so
// it would never commit. Taken as the transaction's first statement (so
// before its snapshot), the lock lets bookings already past that read
// finish, holds new ones at it until the run commits (seconds; they then
// book after the new cutoff), and keeps readers of settlement_runs
// waiting as long. The region's sums stay one set-based GROUP BY.
func lockRuns(ctx context.Context, db sqldb.DB, tx sqldb.Tx) error {
	if db.Dialect() != sqldb.Postgres {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `LOCK TABLE settlement_runs IN ACCESS EXCLUSIVE MODE`); err != nil {
		return fmt.Errorf("lock settlement runs: %w", err)
	}
	return nil
}

// Regions. Run k pays the sale lines with ingested_at <= cutoff_k and
// at <= window_end_k that were not in run k-1's region. Both bounds only
// grow (cutoffs are refused out of order; window_end never moves back even
// if the window is lengthened), so the regions nest and each sale line is
// paid by exactly one run: the first whose region holds it. The ledger
// stamps ingested_at after the latest cutoff, so a closed region never
// gains a line. Returns and voids are netted when ingested by the cutoff
// and their sale line is in the region (paid already or now), and are
// itemized, so each is netted once.
const (
	inRegion   = `l.ingested_at <= :cut AND l.at <= :win`
	inPrevious = `l.ingested_at <= :pcut AND l.at <= :pwin`
)

// region is a run's pair of bounds, as stored text.
type region struct{ cut, win string }

// args binds a run's region and the one before it (zero: no earlier run).
func (r region) args(prev region) []any {
	return []any{sql.Named("cut", r.cut), sql.Named("win", r.win), sql.Named("pcut", prev.cut), sql.Named("pwin", prev.win)}
}

// regionOf reads a run's bounds; runs made before window_end was stored
// used cutoff - window.
func regionOf(cutoff string, windowSecs int64, windowEnd string) (region, error) {
	if windowEnd != "" {
		return region{cutoff, windowEnd}, nil
	}
	c, err := ledger.ParseTS(cutoff)
	if err != nil {
		return region{}, err
	}
	return region{cutoff, ledger.TS(c.Add(-time.Duration(windowSecs) * time.Second))}, nil
}

// lastRegion is the latest run's region (zero if there is none).
func lastRegion(ctx context.Context, q ledger.Queryer, beforeNo int64) (region, error) {
	var cut, end string
	var secs int64
	err := q.QueryRowContext(ctx, `SELECT cutoff, window_secs, window_end FROM settlement_runs WHERE run_no < ? ORDER BY run_no DESC LIMIT 1`,
		beforeNo).Scan(&cut, &secs, &end)
	if errors.Is(err, sql.ErrNoRows) {
		return region{}, nil
	}
	if err != nil {
		return region{}, fmt.Errorf("previous run: %w", err)
	}
	return regionOf(cut, secs, end)
}

// gather computes every producer's balance for a run over reg.
func (s *Service) gather(ctx context.Context, tx sqldb.Tx, reg, prev region) (map[string]*balance, error) {
	bals := map[string]*balance{}
	get := func(p string) *balance {
		b := bals[p]
		if b == nil {
			b = &balance{producer: p}
			bals[p] = b
		}
		return b
	}
	// Sale lines: one aggregate over the new part of the region.
	rows, err := tx.QueryContext(ctx, `SELECT l.producer_id, count(*), SUM(l.producer_net) FROM hub_sale_lines l
		WHERE `+inRegion+` AND NOT (`+inPrevious+`) GROUP BY l.producer_id`, reg.args(prev)...)
	if err != nil {
		return nil, fmt.Errorf("gather sales: %w", err)
	}
	for rows.Next() {
		var p string
		var n, v int64
		if err := rows.Scan(&p, &n, &v); err != nil {
			rows.Close()
			return nil, err
		}
		b := get(p)
		b.saleLines, b.credits = n, v
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if err := s.gatherAdjustments(ctx, tx, reg, prev, get); err != nil {
		return nil, err
	}
	if err := gatherDamage(ctx, tx, reg, get); err != nil {
		return nil, err
	}
	if err := broughtForward(ctx, tx, get); err != nil {
		return nil, err
	}
	who, err := producersOf(ctx, tx)
	if err != nil {
		return nil, err
	}
	for p, b := range bals {
		w, found := who[p]
		if !found {
			return nil, fmt.Errorf("producer %s: %w", p, sql.ErrNoRows)
		}
		b.district, b.state = w.district, w.state
		total := b.bf + b.credits - b.debits
		if total < s.cfg.MinPayout.Paise() {
			b.carried = total
			continue
		}
		// The account is fixed into the payout now: editing it later
		// never changes a file already made.
		acct, ok := w.account, w.account.AccountNo != "" && w.account.IFSC != ""
		if !ok {
			b.carried, b.held = total, heldNoAccount
			continue
		}
		b.payout, b.account = total, acct
	}
	return bals, nil
}

// gatherAdjustments collects the returns and voids due in the run, item
// by item.
func (s *Service) gatherAdjustments(ctx context.Context, tx sqldb.Tx, reg, prev region, get func(string) *balance) error {
	queries := []string{
		`SELECT r.producer_id, 'return', r.mall, r.return_id, r.sale_line_no, r.sale_id, -r.producer_net FROM hub_return_lines r
			JOIN hub_sale_lines l ON l.mall = r.mall AND l.sale_id = r.sale_id AND l.line_no = r.sale_line_no
			WHERE r.ingested_at <= :cut AND ` + inRegion + `
			AND NOT EXISTS (SELECT 1 FROM settlement_items y WHERE y.kind = 'return' AND y.mall = r.mall AND y.ref_id = r.return_id AND y.line_no = r.sale_line_no)`,
		`SELECT l.producer_id, 'void', l.mall, l.sale_id, l.line_no, l.sale_id, -l.producer_net FROM hub_voids v
			JOIN hub_sale_lines l ON l.mall = v.mall AND l.sale_id = v.sale_id
			WHERE v.ingested_at <= :cut AND ` + inRegion + `
			AND NOT EXISTS (SELECT 1 FROM settlement_items y WHERE y.kind = 'void' AND y.mall = l.mall AND y.ref_id = l.sale_id AND y.line_no = l.line_no)`,
	}
	for _, q := range queries {
		rows, err := tx.QueryContext(ctx, q, reg.args(prev)...)
		if err != nil {
			return fmt.Errorf("gather adjustments: %w", err)
		}
		for rows.Next() {
			var it item
			if err := rows.Scan(&it.producer, &it.kind, &it.mall, &it.ref, &it.line, &it.saleID, &it.amount); err != nil {
				rows.Close()
				return err
			}
			b := get(it.producer)
			b.items = append(b.items, it)
			b.debits -= it.amount // amount is the (negative) signed net
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}

// producer is where a producer is and the bank account it has on file
// (empty: none).
type producer struct {
	district, state string
	account         BankAccount
}

// producersOf reads every producer and its account in one query, not two
// round trips a producer: a run touches most producers, and on a server
// database each statement is a round trip.
func producersOf(ctx context.Context, tx sqldb.Tx) (map[string]producer, error) {
	rows, err := tx.QueryContext(ctx, `SELECT p.id, p.district_id, p.state, COALESCE(a.beneficiary, ''), COALESCE(a.account_no, ''), COALESCE(a.ifsc, '')
		FROM producers p LEFT JOIN producer_bank_accounts a ON a.producer_id = p.id`)
	if err != nil {
		return nil, fmt.Errorf("producers: %w", err)
	}
	defer rows.Close()
	out := map[string]producer{}
	for rows.Next() {
		var id string
		var w producer
		if err := rows.Scan(&id, &w.district, &w.state, &w.account.Beneficiary, &w.account.AccountNo, &w.account.IFSC); err != nil {
			return nil, err
		}
		w.account.ProducerID = id
		out[id] = w
	}
	return out, rows.Err()
}

// broughtForward: everything settled before, less what was paid or is on
// its way (a failed payout, or a paid one whose credit the bank returned,
// goes back into the balance).
func broughtForward(ctx context.Context, tx sqldb.Tx, get func(string) *balance) error {
	rows, err := tx.QueryContext(ctx, `SELECT producer_id, SUM(v) FROM (
			SELECT producer_id, credits - debits AS v FROM settlement_balances
			UNION ALL
			SELECT p.producer_id, -p.amount FROM settlement_payouts p
			WHERE NOT EXISTS (SELECT 1 FROM payout_results r WHERE r.payout_id = p.id AND r.status = 'failed')
			AND NOT EXISTS (SELECT 1 FROM payout_returns x WHERE x.payout_id = p.id)) AS b
		GROUP BY producer_id HAVING SUM(v) != 0`)
	if err != nil {
		return fmt.Errorf("brought forward: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var p string
		var v int64
		if err := rows.Scan(&p, &v); err != nil {
			return err
		}
		get(p).bf = v
	}
	return rows.Err()
}

func (s *Service) write(ctx context.Context, tx sqldb.Tx, no int64, cutoff time.Time, reg region, now time.Time, by string, bals map[string]*balance, progress Progress) (Run, error) {
	list := make([]*balance, 0, len(bals))
	for _, b := range bals {
		list = append(list, b)
	}
	// Payout lines grouped by state, district, producer.
	sort.Slice(list, func(i, j int) bool {
		a, b := list[i], list[j]
		if a.state != b.state {
			return a.state < b.state
		}
		if a.district != b.district {
			return a.district < b.district
		}
		return a.producer < b.producer
	})
	run := Run{ID: ids.New(), No: no, Status: "closed", Cutoff: cutoff, Window: s.cfg.Window.String(), MinPayout: s.cfg.MinPayout,
		CreatedAt: now, CreatedBy: by}
	var itemCount, payouts, total, carried, held, heldTotal int64
	for _, b := range list {
		itemCount += b.saleLines + int64(len(b.items)+len(b.damage))
		carried += b.carried
		if b.payout > 0 {
			payouts++
			total += b.payout
		}
		if b.held != "" {
			held++
			heldTotal += b.carried
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO settlement_runs (id, run_no, cutoff, window_secs, window_end, min_payout, created_at,
		created_by, item_count, payout_count, payout_total, carried_total, held_count, held_total) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		run.ID, no, reg.cut, int64(s.cfg.Window/time.Second), reg.win, s.cfg.MinPayout.Paise(), ledger.TS(now), by,
		itemCount, payouts, total, carried, held, heldTotal); err != nil {
		return Run{}, fmt.Errorf("insert run: %w", err)
	}
	itemStmt, err := tx.PrepareContext(ctx, `INSERT INTO settlement_items (run_id, producer_id, kind, mall, ref_id, line_no, sale_id, amount)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return Run{}, err
	}
	defer itemStmt.Close()
	// Balances and payouts go in as multi-row INSERTs, a few hundred rows a
	// statement; returns and voids item by item (a duplicate is named).
	balances := rowsInsert{head: `INSERT INTO settlement_balances (run_id, producer_id, district_id, state, brought_forward, credits,
			debits, payout, carried_forward, sale_lines, adjust_lines, held) VALUES `, width: 12}
	payoutRows := rowsInsert{head: `INSERT INTO settlement_payouts (id, reference, run_id, line_no, producer_id, district_id, state, amount,
			beneficiary, account_no, ifsc) VALUES `, width: 11}
	type posting struct {
		pid, ref, producer string
		amount             int64
	}
	var posts []posting
	line := 0
	for _, b := range list {
		balances.add(run.ID, b.producer, b.district, b.state, b.bf, b.credits, b.debits, b.payout, b.carried, b.saleLines, len(b.items)+len(b.damage), b.held)
		if b.payout > 0 {
			line++
			p := posting{pid: ids.New(), ref: fmt.Sprintf("EKTA-R%04d-%05d", no, line), producer: b.producer, amount: b.payout}
			payoutRows.add(p.pid, p.ref, run.ID, line, b.producer, b.district, b.state, b.payout, b.account.Beneficiary, b.account.AccountNo, b.account.IFSC)
			posts = append(posts, p)
		}
	}
	if err := balances.exec(ctx, tx); err != nil {
		return Run{}, fmt.Errorf("insert balances: %w", err)
	}
	for _, b := range list {
		for _, it := range b.items {
			if _, err := itemStmt.ExecContext(ctx, run.ID, it.producer, it.kind, it.mall, it.ref, it.line, it.saleID, it.amount); err != nil {
				if sqldb.IsUnique(err) {
					return Run{}, errs.E(errs.Conflict, "%s %s/%s line %d is already settled", it.kind, it.mall, it.ref, it.line)
				}
				return Run{}, fmt.Errorf("insert item: %w", err)
			}
		}
	}
	if err := writeDamage(ctx, tx, run.ID, list); err != nil {
		return Run{}, err
	}
	if err := payoutRows.exec(ctx, tx); err != nil {
		return Run{}, fmt.Errorf("insert payouts: %w", err)
	}
	for i, p := range posts {
		if err := ledger.Post(ctx, tx, ledger.Entry{ID: ledger.PayoutEntryID(p.pid), Kind: "payout", Ref: p.ref, At: cutoff,
			Postings: []ledger.Posting{ledger.D(ledger.ProducerAccount(p.producer), p.amount), ledger.C(ledger.PayoutsInFlight, p.amount)}}, now); err != nil {
			return Run{}, err
		}
		if progress != nil {
			progress(i+1, len(posts))
		}
	}
	if progress != nil && len(posts) == 0 {
		progress(len(list), len(list))
	}
	run.ItemCount, run.PayoutCount, run.HeldCount = itemCount, payouts, held
	run.PayoutTotal, run.CarriedTotal, run.HeldTotal = money.FromPaise(total), money.FromPaise(carried), money.FromPaise(heldTotal)
	return run, nil
}

// rowsInsert collects the rows of one multi-row INSERT (head ends in
// VALUES) and writes them a chunk a statement, within both databases'
// limits on arguments.
type rowsInsert struct {
	head  string
	width int
	args  []any
}

// insertChunk is rows a statement: 400 rows of 12 columns is 4,800
// arguments (SQLite allows 32,766, PostgreSQL 65,535).
const insertChunk = 400

func (r *rowsInsert) add(vals ...any) { r.args = append(r.args, vals...) }

func (r *rowsInsert) exec(ctx context.Context, tx sqldb.Tx) error {
	return sqldb.InsertRows(ctx, tx, r.head, r.width, insertChunk, r.args)
}
