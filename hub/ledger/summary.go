package ledger

import (
	"context"
	"fmt"
	"sort"
	"time"

	"ektamall/shared/invoice"
	"ektamall/shared/sqldb"
)

// Sale summaries. A sale's entry posts what is owed to whom per invoice:
// the tenders to the mall's clearing accounts and each line's net to its
// producer. Its output tax, the commission, the commission's GST and the
// round-off are credited to unposted:{mall} instead, and one summary entry
// per mall and tax period (IST month) of the ingest batch moves them from
// there to the GST, commission and round-off accounts: a backlog of
// one-line sales then writes three postings a sale instead of six or
// more. unposted:{mall} is zero after every ingest transaction; each
// sale records the summary that posted its share (hub_sales.summary_entry)
// and Check verifies every summary against the sales it names. A summary
// never spans two malls or two tax periods, so the GST accounts per mall
// and period (GSTR-1, hub/gstr) and the producer accounts per sale are
// what they were with an entry per sale.

// UnpostedAccount holds a mall's sales' tax, commission and round-off
// between a sale's entry and its batch's summary entry.
func UnpostedAccount(mall string) string { return "unposted:" + mall }

// SummaryEntryID is the id of the summary whose first sale is sale.
func SummaryEntryID(mall, sale string) string { return "sale_summary:" + mall + ":" + sale }

// shareLine is what of a sale line its summary posts.
type shareLine struct {
	cgst, sgst, igst    int64
	utgst               bool
	commission, commGST int64
}

// saleShare is the postings a sale's summary makes for it (in a state's
// GST accounts and the mall's commission and round-off accounts) and what
// the sale's entry credits to unposted:{mall} for them (a debit when
// negative, as with a round-off down on a sale with no tax).
func saleShare(mall, state string, lines []shareLine, roundOff int64) (ps []Posting, unposted int64) {
	for _, l := range lines {
		head := "sgst"
		if l.utgst {
			head = "utgst"
		}
		ps = append(ps,
			C(GSTAccount(state, "cgst"), l.cgst),
			C(GSTAccount(state, head), l.sgst),
			C(GSTAccount(state, "igst"), l.igst),
			C(CommissionAccount(mall), l.commission),
			C(CommissionGSTAccount(mall), l.commGST))
		unposted += l.cgst + l.sgst + l.igst + l.commission + l.commGST
	}
	if roundOff > 0 {
		ps = append(ps, C(RoundOffAccount(mall), roundOff))
	} else if roundOff < 0 {
		ps = append(ps, D(RoundOffAccount(mall), -roundOff))
	}
	return ps, unposted + roundOff
}

// unpostedLeg is the posting on unposted:{mall} of amount credited.
func unpostedLeg(mall string, credit int64) Posting {
	if credit < 0 {
		return D(UnpostedAccount(mall), -credit)
	}
	return C(UnpostedAccount(mall), credit)
}

// summaries are the open summaries of one ingest transaction.
type summaries struct {
	open  map[sumKey]*summary
	order []sumKey
	event *eventShare // of the event being booked, until it is booked whole
}

type sumKey struct{ mall, period string }

type summary struct {
	id, eventID string
	at          time.Time        // the earliest business time of its sales
	booked      time.Time        // the latest booking time of its sales
	sales       int              // how many
	net         map[string]int64 // account → debits − credits
}

type eventShare struct {
	key     sumKey
	sale    string
	eventID string
	at, now time.Time
	ps      []Posting
}

func newSummaries() *summaries { return &summaries{open: map[sumKey]*summary{}} }

func periodKey(mall string, at time.Time) sumKey {
	return sumKey{mall, at.In(invoice.IST).Format("2006-01")}
}

// entryFor is the id of the summary a sale at business time at joins.
func (s *summaries) entryFor(mall, sale string, at time.Time) string {
	if sm, ok := s.open[periodKey(mall, at)]; ok {
		return sm.id
	}
	return SummaryEntryID(mall, sale)
}

// hold keeps a sale's share for its summary until the event is booked.
func (s *summaries) hold(mall, sale, eventID string, at, now time.Time, ps []Posting) {
	s.event = &eventShare{key: periodKey(mall, at), sale: sale, eventID: eventID, at: at, now: now, ps: ps}
}

// endEvent adds the share of the event just booked to its summary, or
// drops it if the event was refused (its writes were rolled back).
func (s *summaries) endEvent(booked bool) {
	e := s.event
	s.event = nil
	if e == nil || !booked {
		return
	}
	sm, ok := s.open[e.key]
	if !ok {
		sm = &summary{id: SummaryEntryID(e.key.mall, e.sale), eventID: e.eventID, at: e.at, net: map[string]int64{}}
		s.open[e.key] = sm
		s.order = append(s.order, e.key)
	}
	sm.sales++
	if e.at.Before(sm.at) {
		sm.at = e.at
	}
	if e.now.After(sm.booked) {
		sm.booked = e.now
	}
	for _, p := range e.ps {
		sm.net[p.Account] += p.Debit - p.Credit
	}
}

// flush posts every open summary: its legs, and the debit on
// unposted:{mall} that balances them.
func (s *summaries) flush(ctx context.Context, tx sqldb.Tx, pending *pendingTotals) error {
	for _, k := range s.order {
		sm := s.open[k]
		var ps []Posting
		var sum int64
		accts := make([]string, 0, len(sm.net))
		for a := range sm.net {
			accts = append(accts, a)
		}
		sort.Strings(accts)
		for _, a := range accts {
			v := sm.net[a]
			sum += v
			if v > 0 {
				ps = append(ps, D(a, v))
			} else if v < 0 {
				ps = append(ps, C(a, -v))
			}
		}
		ps = append(ps, unpostedLeg(k.mall, sum))
		e := Entry{ID: sm.id, Kind: "sale_summary", Mall: k.mall, Ref: fmt.Sprintf("%d sales, %s", sm.sales, k.period), EventID: sm.eventID,
			At: sm.at, Postings: ps}
		if err := post(ctx, tx, pending, e, sm.booked); err != nil {
			return err
		}
	}
	clear(s.open)
	s.order = s.order[:0]
	return nil
}
