// Package gstr builds the GST returns and documents of each mall's
// registration from the hub's books: GSTR-1 per GSTIN and month (with its
// amendments once a period is filed, and a check against the ledger's tax
// accounts), and the e-invoices of business documents.
//
// A return is rebuilt from the booked facts (hub_sales, hub_returns, their
// lines and voids) every time it is asked for; nothing is cached. Each
// fact carries the time the hub booked it, so a filed period is rebuilt
// exactly as it stood when it was filed, and anything booked later about
// it goes into the amendment sections of the next open period instead of
// silently changing what was filed.
package gstr

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"ektamall/hub"
	"ektamall/hub/ledger"
	"ektamall/shared/errs"
	"ektamall/shared/sqldb"
)

// Service builds returns from the hub's store.
type Service struct {
	DB  hub.Store
	Now func() time.Time // nil: time.Now
	// NoTransferEInvoices leaves inter-State transfer tax invoices out of
	// e-invoicing (the hub's --einvoice-transfers off). By default they
	// are e-invoiced as any B2B invoice: a supply to another GSTIN of the
	// same PAN is a supply between distinct persons (CGST s.25(4),
	// Schedule I para 2), and e-invoicing turns on with the PAN's
	// aggregate turnover, which the transfers count in. VERIFY.
	NoTransferEInvoices bool
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Info says how a return was built.
type Info struct {
	Mall    string     `json:"mall"`
	Period  string     `json:"period"`
	FiledAt *time.Time `json:"filed_at,omitempty"`
	AsOf    time.Time  `json:"as_of"` // the filing time, or now
}

// GSTR1 builds the return of mall for period p: as filed if p is filed,
// else as the books stand now, with the amendments of earlier filed
// periods.
func (s *Service) GSTR1(ctx context.Context, mallID string, p Period) (Return, Info, error) {
	q := s.DB.Reader()
	m, err := LoadMall(ctx, q, mallID)
	if err != nil {
		return Return{}, Info{}, err
	}
	fs, err := filings(ctx, q, mallID)
	if err != nil {
		return Return{}, Info{}, err
	}
	info := Info{Mall: mallID, Period: p.String(), AsOf: s.now().UTC()}
	if f, ok := fs[p]; ok {
		info.FiledAt, info.AsOf = &f.At, f.At
	}
	r, err := returnAsOf(ctx, q, m, p, info.AsOf, fs)
	return r, info, err
}

// returnAsOf is period p's return as it stood at asOf.
func returnAsOf(ctx context.Context, q Queryer, m Mall, p Period, asOf time.Time, fs map[Period]Filing) (Return, error) {
	docs, err := loadDocs(ctx, q, m, p.Start(), p.End())
	if err != nil {
		return Return{}, err
	}
	r := build(m, p, docs, asOf)
	if err := amend(ctx, q, m, p, asOf, fs, &r); err != nil {
		return Return{}, err
	}
	return r, nil
}

// Filing is a period finance marked as filed on the portal.
type Filing struct {
	Mall   string    `json:"mall"`
	Period string    `json:"period"`
	At     time.Time `json:"filed_at"`
	By     string    `json:"filed_by"`
	ARN    string    `json:"arn,omitempty"`
	// Totals is the liability of the return as filed.
	Totals Heads `json:"totals"`
}

func filings(ctx context.Context, q Queryer, mall string) (map[Period]Filing, error) {
	rows, err := q.QueryContext(ctx, `SELECT period, filed_at, filed_by, arn, totals FROM gst_filings WHERE mall = ?`, mall)
	if err != nil {
		return nil, fmt.Errorf("gstr1: filings: %w", err)
	}
	defer rows.Close()
	out := map[Period]Filing{}
	for rows.Next() {
		f := Filing{Mall: mall}
		var at, totals string
		if err := rows.Scan(&f.Period, &at, &f.By, &f.ARN, &totals); err != nil {
			return nil, err
		}
		p, err := ParsePeriod(f.Period)
		if err != nil {
			return nil, err
		}
		if f.At, err = ledger.ParseTS(at); err != nil {
			return nil, err
		}
		_ = json.Unmarshal([]byte(totals), &f.Totals)
		out[p] = f
	}
	return out, rows.Err()
}

// File marks period p of a mall as filed, freezing its return: what the
// hub books about the period afterwards goes into amendments. A period
// can be filed once it has ended, and only once.
func (s *Service) File(ctx context.Context, mallID string, p Period, by, arn string) (Filing, error) {
	now := s.now().UTC().Truncate(time.Microsecond)
	if now.Before(p.End()) {
		return Filing{}, errs.Field("period", "period %s has not ended yet (it ends %s)", p, p.End().Format(time.RFC3339))
	}
	if len(arn) > 40 {
		return Filing{}, errs.Field("arn", "the ARN has at most 40 characters")
	}
	var f Filing
	err := s.DB.Transact(ctx, func(tx sqldb.Tx) error {
		m, err := LoadMall(ctx, tx, mallID)
		if err != nil {
			return err
		}
		var have string
		err = tx.QueryRowContext(ctx, `SELECT filed_at FROM gst_filings WHERE mall = ? AND period = ?`, mallID, p.String()).Scan(&have)
		if err == nil {
			return errs.E(errs.Conflict, "GSTR-1 of %s for %s was already marked filed at %s", mallID, p, have)
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		fs, err := filings(ctx, tx, mallID)
		if err != nil {
			return err
		}
		r, err := returnAsOf(ctx, tx, m, p, now, fs)
		if err != nil {
			return err
		}
		f = Filing{Mall: mallID, Period: p.String(), At: now, By: by, ARN: arn, Totals: Summarize(r).Liability}
		tj, _ := json.Marshal(f.Totals)
		_, err = tx.ExecContext(ctx, `INSERT INTO gst_filings (mall, period, filed_at, filed_by, arn, totals) VALUES (?, ?, ?, ?, ?, ?)`,
			mallID, p.String(), ledger.TS(now), by, arn, string(tj))
		return err
	})
	return f, err
}
