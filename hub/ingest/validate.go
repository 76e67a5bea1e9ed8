package ingest

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"ektamall/shared/errs"
	"ektamall/shared/events"
	"ektamall/shared/sqldb"
)

// checkPayload checks what the hub can check of an event's payload on its
// own: it decoded strictly for its type (decodeFor), and every SKU is in
// the master catalog. The ledger (the applier) checks the money. known
// holds the SKUs already found in this transaction, which nothing in it
// can remove.
func checkPayload(ctx context.Context, tx sqldb.Tx, in *incoming, known map[string]bool) error {
	if in.perr != nil {
		return in.perr
	}
	for _, sku := range in.skus {
		if known[sku] {
			continue
		}
		var one int
		err := tx.QueryRowContext(ctx, `SELECT 1 FROM products WHERE sku = ?`, sku).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return errs.E(errs.NotFound, "unknown product %q", sku)
		}
		if err != nil {
			return err
		}
		known[sku] = true
	}
	return nil
}

// decodeFor decodes ev's payload for its type (*events.Sale and so on;
// nil for a type it does not know) and lists the SKUs it names.
func decodeFor(ev events.Envelope) (payload any, skus []string, err error) {
	switch ev.Type {
	case events.SaleCompleted:
		p := new(events.Sale)
		if err := decodePayload(ev.Payload, p); err != nil {
			return nil, nil, err
		}
		if len(p.Lines) == 0 {
			return nil, nil, errs.E(errs.Invalid, "sale %s has no lines", p.SaleID)
		}
		for _, l := range p.Lines {
			skus = append(skus, l.SKU)
		}
		return p, skus, nil
	case events.ReturnCompleted:
		p := new(events.Return)
		if err := decodePayload(ev.Payload, p); err != nil {
			return nil, nil, err
		}
		for _, l := range p.Lines {
			skus = append(skus, l.SKU)
		}
		return p, skus, nil
	case events.StockMoved:
		p := new(events.StockMove)
		if err := decodePayload(ev.Payload, p); err != nil {
			return nil, nil, err
		}
		return p, []string{p.SKU}, nil
	case events.TransferSent:
		p := new(events.Transfer)
		if err := decodePayload(ev.Payload, p); err != nil {
			return nil, nil, err
		}
		for _, l := range p.Lines {
			skus = append(skus, l.SKU)
		}
		return p, skus, nil
	case events.TransferReceived:
		p := new(events.TransferReceipt)
		if err := decodePayload(ev.Payload, p); err != nil {
			return nil, nil, err
		}
		for _, l := range p.Lines {
			skus = append(skus, l.SKU)
		}
		return p, skus, nil
	case events.StockLow:
		p := new(events.LowStock)
		if err := decodePayload(ev.Payload, p); err != nil {
			return nil, nil, err
		}
		return p, []string{p.SKU}, nil
	case events.SaleVoided:
		p := new(events.Void)
		if err := decodePayload(ev.Payload, p); err != nil {
			return nil, nil, err
		}
		return p, nil, nil
	case events.ShiftClosed:
		p := new(events.ShiftClose)
		if err := decodePayload(ev.Payload, p); err != nil {
			return nil, nil, err
		}
		return p, nil, nil
	case events.MallRestored:
		p := new(events.Restore)
		if err := decodePayload(ev.Payload, p); err != nil {
			return nil, nil, err
		}
		if !events.IsEpochStart(ev.Seq) || events.EpochOf(ev.Seq) != p.Epoch || p.PrevSeq >= ev.Seq {
			return nil, nil, errs.E(errs.Invalid, "restore marker of epoch %d at sequence %d after %d does not start that epoch", p.Epoch, ev.Seq, p.PrevSeq)
		}
		return p, nil, nil
	}
	return nil, nil, nil
}

// decodePayload accepts unknown fields: payloads only gain optional fields
// within a version, so a newer mall's event still applies here.
func decodePayload(raw json.RawMessage, v any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if err := dec.Decode(v); err != nil {
		return errs.E(errs.Invalid, "payload: %v", err)
	}
	return nil
}

// route queues a transfer event for the other mall: transfer.sent goes to
// the receiving mall, transfer.received back to the sender. The publisher
// sends it on ROUTED, from where that mall's mirror pulls it.
func route(ctx context.Context, tx sqldb.Tx, ev events.Envelope, now time.Time) error {
	var id, from, to string
	var lines int
	switch ev.Type {
	case events.TransferSent:
		var t events.Transfer
		if err := json.Unmarshal(ev.Payload, &t); err != nil {
			return errs.E(errs.Invalid, "transfer: %v", err)
		}
		id, from, to, lines = t.TransferID, t.FromMall, t.ToMall, len(t.Lines)
		if from != ev.Mall {
			return errs.E(errs.Invalid, "transfer %s says it is from %s but came from %s", id, from, ev.Mall)
		}
	case events.TransferReceived:
		var r events.TransferReceipt
		if err := json.Unmarshal(ev.Payload, &r); err != nil {
			return errs.E(errs.Invalid, "transfer receipt: %v", err)
		}
		id, from, to, lines = r.TransferID, r.ToMall, r.FromMall, len(r.Lines)
		if from != ev.Mall {
			return errs.E(errs.Invalid, "receipt of transfer %s says it was received at %s but came from %s", id, from, ev.Mall)
		}
	default:
		return nil
	}
	switch {
	case to == from:
		return errs.E(errs.Invalid, "transfer %s is between %s and itself", id, from)
	case lines == 0:
		return errs.E(errs.Invalid, "transfer %s has no lines", id)
	}
	var one int
	err := tx.QueryRowContext(ctx, `SELECT 1 FROM malls WHERE id = ?`, to).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return errs.E(errs.NotFound, "transfer %s names unknown mall %q", id, to)
	}
	if err != nil {
		return err
	}
	raw, err := json.Marshal(ev)
	if err != nil {
		return fmt.Errorf("route %s: %w", ev.ID, err)
	}
	// The id is the next one, not the database's sequence: ROUTED is
	// published in id order and a gap would stall it (a PostgreSQL
	// sequence skips the values of rolled-back inserts).
	_, err = tx.ExecContext(ctx, `INSERT INTO routed_events (id, event_id, from_mall, to_mall, type, envelope, created_at)
		SELECT COALESCE(MAX(id), 0) + 1, ?, ?, ?, ?, ?, ? FROM routed_events WHERE true
		ON CONFLICT (event_id) DO NOTHING`, ev.ID, ev.Mall, to, ev.Type, raw, now.UTC().Format(time.RFC3339Nano))
	if err != nil {
		return fmt.Errorf("route %s: %w", ev.ID, err)
	}
	return nil
}
