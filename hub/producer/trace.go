package producer

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"time"

	"ektamall/hub/ledger"
	"ektamall/hub/settle"
	"ektamall/shared/errs"
	"ektamall/shared/sqldb"
	"ektamall/shared/webui"
)

// TracePage is what the public page behind a receipt's QR code shows: for
// each line, where the product came from and whether its maker has been
// paid. It names no amounts, no buyer, no invoice number, and a producer
// only when they agreed to be named.
type TracePage struct {
	MallName      string
	MallState     string
	MallStateCode string // names the State in the reader's language
	Date          time.Time
	Cancelled     bool
	Lines         []TraceLine
}

// TraceLine is one product of the sale.
type TraceLine struct {
	Product               string
	District              string
	State                 string
	DistrictID, StateCode string // name them in the reader's language
	Names                 string // the catalog's translations of Product, JSON {"hi": "…"}
	GI                    bool
	GIName                string // the registered Geographical Indication, with its
	GIReg                 string // GI Registry number, when the catalog has them
	Producer              string // "" unless the producer agreed to be named
	Qty                   int64
	Returned              bool
	Paid                  *settle.LineSettlement
}

// Trace reads the page of a token; NotFound for a token no sale carries
// (the same answer whether it is malformed, unknown or not yet arrived).
func (s *Service) Trace(ctx context.Context, st *settle.Service, token string) (TracePage, error) {
	notFound := errs.E(errs.NotFound, "no receipt has this link")
	if !tokenRE.MatchString(token) {
		return TracePage{}, notFound
	}
	q := s.db.Reader()
	var mall, sale, at string
	var void int
	look := func() error {
		return q.QueryRowContext(ctx, `SELECT t.mall, t.sale_id, h.at, CASE WHEN v.sale_id IS NULL THEN 0 ELSE 1 END
			FROM trace_tokens t JOIN hub_sales h ON h.mall = t.mall AND h.sale_id = t.sale_id
			LEFT JOIN hub_voids v ON v.mall = t.mall AND v.sale_id = t.sale_id WHERE t.token = ?`, token).Scan(&mall, &sale, &at, &void)
	}
	err := look()
	if errors.Is(err, sql.ErrNoRows) {
		// Perhaps the sale has just arrived: catch up once and look again.
		if err := s.catchUp(ctx); err != nil {
			return TracePage{}, err
		}
		err = look()
	}
	if errors.Is(err, sql.ErrNoRows) {
		return TracePage{}, notFound
	}
	if err != nil {
		return TracePage{}, fmt.Errorf("trace: %w", err)
	}
	p := TracePage{Cancelled: void == 1}
	p.Date, _ = ledger.ParseTS(at)
	if err := q.QueryRowContext(ctx, `SELECT m.name, s.name, s.code FROM malls m JOIN states s ON s.code = m.state WHERE m.id = ?`, mall).
		Scan(&p.MallName, &p.MallState, &p.MallStateCode); err != nil {
		return TracePage{}, fmt.Errorf("trace mall: %w", err)
	}
	rows, err := q.QueryContext(ctx, `SELECT l.line_no, COALESCE(pd.name, l.sku), COALESCE(d.name, l.district_id), COALESCE(st.name, l.state),
			COALESCE(pd.gi, 0), COALESCE(pd.gi_name, ''), COALESCE(pd.gi_reg, ''), CASE WHEN c.show_name = 1 THEN pr.name ELSE '' END, l.qty,
			COALESCE((SELECT SUM(r.qty) FROM hub_return_lines r WHERE r.mall = l.mall AND r.sale_id = l.sale_id AND r.sale_line_no = l.line_no), 0),
			l.district_id, l.state, COALESCE(pd.names, '{}')
		FROM hub_sale_lines l LEFT JOIN products pd ON pd.sku = l.sku LEFT JOIN districts d ON d.id = l.district_id
		LEFT JOIN states st ON st.code = l.state LEFT JOIN producers pr ON pr.id = l.producer_id
		LEFT JOIN producer_consents c ON c.producer_id = l.producer_id
		WHERE l.mall = ? AND l.sale_id = ? ORDER BY l.line_no`, mall, sale)
	if err != nil {
		return TracePage{}, fmt.Errorf("trace lines: %w", err)
	}
	var nos []int
	for rows.Next() {
		var l TraceLine
		var no int
		var returned int64
		if err := rows.Scan(&no, &l.Product, &l.District, &l.State, &l.GI, &l.GIName, &l.GIReg, &l.Producer, &l.Qty, &returned, &l.DistrictID, &l.StateCode, &l.Names); err != nil {
			rows.Close()
			return TracePage{}, err
		}
		l.Returned = returned >= l.Qty
		p.Lines, nos = append(p.Lines, l), append(nos, no)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return TracePage{}, err
	}
	for i := range p.Lines {
		if p.Cancelled || p.Lines[i].Returned {
			continue
		}
		if p.Lines[i].Paid, err = st.SaleLineSettlement(ctx, mall, sale, nos[i]); err != nil {
			return TracePage{}, err
		}
	}
	return p, nil
}

// WriteHTML renders the page: plain HTML with the hub's print style
// sheet, no script.
func (p TracePage) WriteHTML(w io.Writer) error { return p.WriteHTMLIn(w, "en") }

// WriteHTMLIn renders the page in lang (en, hi, kn; any other reads
// English), with plain links to the page in the others.
func (p TracePage) WriteHTMLIn(w io.Writer, lang string) error {
	type choice struct{ Lang, Name string }
	words := webui.WordsIn(lang)
	var others []choice
	for _, l := range webui.Languages("") {
		if l != words.Lang {
			others = append(others, choice{l, webui.WordsIn(l).T("lang.self")})
		}
	}
	return pages.ExecuteTemplate(w, "trace.html", struct {
		TracePage
		W      webui.Words
		Others []choice
	}{p, words, others})
}

// SetConsent records whether the producer agrees to be named on the
// trace pages of receipts of their goods.
func (s *Service) SetConsent(ctx context.Context, p Profile, show bool, by string) error {
	v := 0
	if show {
		v = 1
	}
	now := ledger.TS(s.now())
	return s.db.Transact(ctx, func(tx sqldb.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO producer_consents (producer_id, show_name, updated_at, updated_by) VALUES (?, ?, ?, ?)
			ON CONFLICT (producer_id) DO UPDATE SET show_name = excluded.show_name, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
			p.ProducerID, v, now, by)
		return err
	})
}

// Consent reads whether the producer agreed to be named.
func (s *Service) Consent(ctx context.Context, producerID string) (bool, error) {
	var v int
	err := s.db.Reader().QueryRowContext(ctx, `SELECT show_name FROM producer_consents WHERE producer_id = ?`, producerID).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return v == 1, err
}
