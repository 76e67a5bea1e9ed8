package channel

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"ektamall/hub/ledger"
	"ektamall/shared/csvin"
	"ektamall/shared/errs"
	"ektamall/shared/ids"
	"ektamall/shared/money"
	"ektamall/shared/sqldb"
)

// A channel collects from the buyer and pays the hub what it owes for
// each order less its fee (and GST on the fee), by a settlement file. The
// mall booked each online sale to clearing:<mall>:channel (tender method
// "channel", reference = the order id); a settlement row clears that:
//
//	Dr bank:hub                   net
//	Dr channel_fee:<channel>      fee
//	Dr channel_fee_gst:<channel>  tax on the fee
//	Cr clearing:<mall>:channel    gross, split over the malls that shipped
//	                              the order in proportion to their sales

// Settlement row categories.
const (
	Matched   = "matched"   // gross is what the hub booked for the order
	Short     = "short"     // the channel paid less: the rest stays in clearing
	Over      = "over"      // the channel paid more: clearing goes into credit
	Unknown   = "unknown"   // no online sale of this order at the hub (not booked)
	Duplicate = "duplicate" // the order was settled by an earlier row (not booked)
	Missing   = "missing"   // (report only) an order sold online with no settlement row
)

// SettlementRow is one line of a channel's settlement file.
type SettlementRow struct {
	Line    int          `json:"line"`
	OrderID string       `json:"order_id"`
	Gross   money.Amount `json:"gross"`
	Fee     money.Amount `json:"fee"`
	FeeTax  money.Amount `json:"fee_tax"`
	Net     money.Amount `json:"net"`
	UTR     string       `json:"utr"`
}

// ParseSettlement reads a settlement CSV with the header columns order_id,
// gross, fee, fee_tax, net and utr (any order; other columns ignored).
// Each row must add up (gross − fee − fee_tax = net); any bad row, named
// by its line, rejects the file.
func ParseSettlement(body []byte) ([]SettlementRow, error) {
	var rows []SettlementRow
	err := csvin.Read(body, "settlement", []string{"order_id", "gross", "fee", "fee_tax", "net", "utr"}, func(line int, get func(string) string) []string {
		r := SettlementRow{Line: line, OrderID: get("order_id"), UTR: get("utr")}
		var probs []string
		if !orderIDRE.MatchString(r.OrderID) {
			probs = append(probs, fmt.Sprintf("order_id %q is not an order id", r.OrderID))
		}
		if r.UTR == "" || len(r.UTR) > 40 {
			probs = append(probs, "utr is required (the bank's reference of the payment, at most 40 characters)")
		}
		for _, f := range []struct {
			col string
			to  *money.Amount
		}{{"gross", &r.Gross}, {"fee", &r.Fee}, {"fee_tax", &r.FeeTax}, {"net", &r.Net}} {
			a, err := money.Parse(get(f.col))
			if err != nil || a.IsNegative() {
				probs = append(probs, fmt.Sprintf("%s %q is not an amount such as 1449.00", f.col, get(f.col)))
				continue
			}
			*f.to = a
		}
		if len(probs) == 0 && !r.Gross.Sub(r.Fee).Sub(r.FeeTax).Equal(r.Net) {
			probs = append(probs, fmt.Sprintf("gross %s − fee %s − fee_tax %s is not net %s", r.Gross, r.Fee, r.FeeTax, r.Net))
		}
		if len(probs) == 0 {
			rows = append(rows, r)
		}
		return probs
	})
	return rows, err
}

// SettlementImport is one imported file.
type SettlementImport struct {
	ID         string    `json:"id"`
	Channel    string    `json:"channel"`
	Filename   string    `json:"filename"`
	Rows       int       `json:"rows"`
	ImportedAt time.Time `json:"imported_at"`
	ImportedBy string    `json:"imported_by"`
}

// ImportSettlement stores a channel's settlement file, reconciles each row
// to the hub's online sales of its order and books the rows that match an
// order, all in one transaction. The same file twice is a Conflict; an
// order already settled by an earlier row is a duplicate, not booked again.
func (s *Service) ImportSettlement(ctx context.Context, channel, filename string, body []byte, by string) (SettlementImport, error) {
	rows, err := ParseSettlement(body)
	if err != nil {
		return SettlementImport{}, err
	}
	sum := sha256.Sum256(body)
	now := s.now()
	im := SettlementImport{ID: ids.New(), Channel: channel, Filename: filename, Rows: len(rows), ImportedAt: now.UTC(), ImportedBy: by}
	err = s.db.Transact(ctx, func(tx sqldb.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM channels WHERE id = ?`, channel).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return errs.Field("channel", "no channel %q", channel)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO channel_settlements (id, channel, sha256, filename, rows, imported_at, imported_by)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, im.ID, channel, hex.EncodeToString(sum[:]), filename, len(rows), ledger.TS(now), by)
		if sqldb.IsUnique(err) {
			return errs.E(errs.Conflict, "this settlement file was already imported")
		}
		if err != nil {
			return err
		}
		for _, r := range rows {
			if err := s.settleRow(ctx, tx, im, r, now); err != nil {
				return fmt.Errorf("line %d (order %s): %w", r.Line, r.OrderID, err)
			}
		}
		return nil
	})
	if err != nil {
		return SettlementImport{}, fmt.Errorf("import settlement: %w", err)
	}
	return im, nil
}

// mallShare is what the hub booked to one mall's channel clearing for an
// order: its online sales less refunds of their returns.
type mallShare struct {
	mall   string
	amount int64
}

// booked answers, per mall, what the hub booked for a channel's order.
func booked(ctx context.Context, q sqldb.Querier, channel, orderID string) ([]mallShare, error) {
	rows, err := q.QueryContext(ctx, `SELECT t.mall, SUM(t.amount) FROM hub_sale_tenders t
		JOIN channel_orders o ON o.channel = ? AND o.order_id = t.ref
		LEFT JOIN hub_voids v ON v.mall = t.mall AND v.sale_id = t.sale_id
		WHERE t.method = 'channel' AND t.ref = ? AND v.sale_id IS NULL
		GROUP BY t.mall ORDER BY t.mall`, channel, orderID)
	if err != nil {
		return nil, err
	}
	var out []mallShare
	for rows.Next() {
		var m mallShare
		if err := rows.Scan(&m.mall, &m.amount); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return out, nil
	}
	rows, err = q.QueryContext(ctx, `SELECT f.mall, SUM(f.amount) FROM hub_return_refunds f
		JOIN hub_returns r ON r.mall = f.mall AND r.return_id = f.return_id
		JOIN hub_sale_tenders t ON t.mall = r.mall AND t.sale_id = r.sale_id AND t.method = 'channel' AND t.ref = ?
		WHERE f.method = 'channel'
		GROUP BY f.mall`, orderID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	refunded := map[string]int64{}
	for rows.Next() {
		var mall string
		var n int64
		if err := rows.Scan(&mall, &n); err != nil {
			return nil, err
		}
		refunded[mall] = n
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		out[i].amount -= refunded[out[i].mall]
	}
	return out, nil
}

// SettlementEntryID is the ledger entry of one order's settlement.
func SettlementEntryID(channel, orderID string) string {
	return "channel_settle:" + channel + ":" + orderID
}

func (s *Service) settleRow(ctx context.Context, tx sqldb.Tx, im SettlementImport, r SettlementRow, now time.Time) error {
	shares, err := booked(ctx, tx, im.Channel, r.OrderID)
	if err != nil {
		return err
	}
	var expected int64
	weights := make([]int64, len(shares))
	for i, m := range shares {
		expected += m.amount
		weights[i] = max(m.amount, 0)
	}
	entry := SettlementEntryID(im.Channel, r.OrderID)
	var had string
	err = tx.QueryRowContext(ctx, `SELECT id FROM ledger_entries WHERE id = ?`, entry).Scan(&had)
	already := err == nil
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	gross := r.Gross.Paise()
	cat := Matched
	switch {
	case already:
		cat = Duplicate
	case len(shares) == 0 || expected <= 0:
		cat = Unknown
	case gross < expected:
		cat = Short
	case gross > expected:
		cat = Over
	}
	id := ""
	if cat != Unknown && cat != Duplicate {
		parts, err := money.Allocate(r.Gross, weights)
		if err != nil {
			return err
		}
		ps := []ledger.Posting{ledger.D(ledger.BankAccount, r.Net.Paise()), ledger.D(ledger.ChannelFeeAccount(im.Channel), r.Fee.Paise()),
			ledger.D(ledger.ChannelFeeGSTAccount(im.Channel), r.FeeTax.Paise())}
		for i, m := range shares {
			ps = append(ps, ledger.C(ledger.ClearingAccount(m.mall, "channel"), parts[i].Paise()))
		}
		if err := ledger.Post(ctx, tx, ledger.Entry{ID: entry, Kind: "channel_settlement", Ref: r.UTR, At: now, Postings: ps}, now); err != nil {
			return err
		}
		id = entry
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO channel_settlement_rows (import_id, line, order_id, gross, fee, fee_tax, net, utr, expected, category, entry_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, im.ID, r.Line, r.OrderID, gross, r.Fee.Paise(), r.FeeTax.Paise(), r.Net.Paise(), r.UTR,
		expected, cat, id)
	return err
}

// SettlementLine is one reconciled row, or an order missing from every
// settlement of the channel.
type SettlementLine struct {
	Category string        `json:"category"`
	OrderID  string        `json:"order_id"`
	Line     int           `json:"line,omitempty"`
	UTR      string        `json:"utr,omitempty"`
	Expected money.Amount  `json:"expected"`
	Gross    *money.Amount `json:"gross,omitempty"`
	Fee      *money.Amount `json:"fee,omitempty"`
	FeeTax   *money.Amount `json:"fee_tax,omitempty"`
	Net      *money.Amount `json:"net,omitempty"`
	Diff     money.Amount  `json:"diff"` // gross − expected
	Entry    string        `json:"entry,omitempty"`
}

// SettlementReport is an import's reconciliation: its rows by category
// and the channel's online orders no settlement has covered yet.
type SettlementReport struct {
	Import SettlementImport `json:"import"`
	Counts map[string]int   `json:"counts"`
	Lines  []SettlementLine `json:"lines"`
}

// Settlement reports on one import.
func (s *Service) Settlement(ctx context.Context, importID string) (SettlementReport, error) {
	q := s.db.Reader()
	var rep SettlementReport
	var at string
	err := q.QueryRowContext(ctx, `SELECT id, channel, filename, rows, imported_at, imported_by FROM channel_settlements WHERE id = ?`, importID).
		Scan(&rep.Import.ID, &rep.Import.Channel, &rep.Import.Filename, &rep.Import.Rows, &at, &rep.Import.ImportedBy)
	if errors.Is(err, sql.ErrNoRows) {
		return rep, errs.E(errs.NotFound, "no settlement import %q", importID)
	}
	if err != nil {
		return rep, err
	}
	if rep.Import.ImportedAt, err = ledger.ParseTS(at); err != nil {
		return rep, err
	}
	rep.Counts = map[string]int{Matched: 0, Short: 0, Over: 0, Unknown: 0, Duplicate: 0, Missing: 0}
	rows, err := q.QueryContext(ctx, `SELECT line, order_id, gross, fee, fee_tax, net, utr, expected, category, entry_id
		FROM channel_settlement_rows WHERE import_id = ? ORDER BY line`, importID)
	if err != nil {
		return rep, err
	}
	for rows.Next() {
		var l SettlementLine
		var g, f, ft, n, e int64
		if err := rows.Scan(&l.Line, &l.OrderID, &g, &f, &ft, &n, &l.UTR, &e, &l.Category, &l.Entry); err != nil {
			rows.Close()
			return rep, err
		}
		gross, fee, feeTax, net := money.FromPaise(g), money.FromPaise(f), money.FromPaise(ft), money.FromPaise(n)
		l.Gross, l.Fee, l.FeeTax, l.Net, l.Expected, l.Diff = &gross, &fee, &feeTax, &net, money.FromPaise(e), money.FromPaise(g-e)
		rep.Lines = append(rep.Lines, l)
		rep.Counts[l.Category]++
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return rep, err
	}
	missing, err := unsettled(ctx, q, rep.Import.Channel)
	if err != nil {
		return rep, err
	}
	rep.Lines = append(rep.Lines, missing...)
	rep.Counts[Missing] = len(missing)
	if rep.Lines == nil {
		rep.Lines = []SettlementLine{}
	}
	return rep, nil
}

// unsettled lists the channel's orders with online sales at the hub that
// no settlement row has booked.
func unsettled(ctx context.Context, q sqldb.Querier, channel string) ([]SettlementLine, error) {
	rows, err := q.QueryContext(ctx, `SELECT DISTINCT t.ref FROM hub_sale_tenders t
		JOIN channel_orders o ON o.channel = ? AND o.order_id = t.ref
		WHERE t.method = 'channel'
		AND NOT EXISTS (SELECT 1 FROM ledger_entries e WHERE e.id = 'channel_settle:' || o.channel || ':' || o.order_id)
		ORDER BY t.ref`, channel)
	if err != nil {
		return nil, err
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []SettlementLine
	for _, id := range ids {
		shares, err := booked(ctx, q, channel, id)
		if err != nil {
			return nil, err
		}
		var e int64
		for _, m := range shares {
			e += m.amount
		}
		if e <= 0 {
			continue // voided or refunded in full: nothing to settle
		}
		out = append(out, SettlementLine{Category: Missing, OrderID: id, Expected: money.FromPaise(e), Diff: money.FromPaise(-e)})
	}
	sort.SliceStable(out, func(i, j int) bool { return strings.Compare(out[i].OrderID, out[j].OrderID) < 0 })
	return out, nil
}
