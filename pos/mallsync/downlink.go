package mallsync

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"ektamall/shared/auth"
	"ektamall/shared/errs"
	"ektamall/shared/events"
	"ektamall/shared/syncwire"
)

// applyFunc applies one downlink message inside tx. A permanent error
// (errs Invalid, NotFound, Conflict) is recorded in the audit log and the
// message is passed over, so one bad change cannot hold back every later
// price; any other error is retried.
type applyFunc func(ctx context.Context, tx *sql.Tx, data []byte) error

// downlinkLoop applies the local mirror `stream` in order from the stored
// position column+1, storing the new position in the same transaction.
// It restarts its consumer after any error.
func (s *Service) downlinkLoop(ctx context.Context, stream, column string, apply applyFunc) {
	for ctx.Err() == nil {
		err := s.downlinkRun(ctx, stream, column, apply)
		if ctx.Err() != nil {
			return
		}
		s.log.Warn("downlink: restarting", "stream", stream, "err", err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Second):
		}
	}
}

func (s *Service) downlinkRun(ctx context.Context, stream, column string, apply applyFunc) error {
	var pos uint64
	if err := s.cfg.DB.R.QueryRowContext(ctx, `SELECT `+column+` FROM sync_state WHERE id = 1`).Scan(&pos); err != nil {
		return err
	}
	cons, err := s.js.OrderedConsumer(ctx, stream, jetstream.OrderedConsumerConfig{
		DeliverPolicy: jetstream.DeliverByStartSequencePolicy,
		OptStartSeq:   pos + 1,
	})
	if err != nil {
		return fmt.Errorf("consumer: %w", err)
	}
	it, err := cons.Messages()
	if err != nil {
		return fmt.Errorf("consumer: %w", err)
	}
	stop := context.AfterFunc(ctx, it.Stop)
	defer stop()
	defer it.Stop()
	for {
		msg, err := it.Next()
		if err != nil {
			return err
		}
		md, err := msg.Metadata()
		if err != nil {
			return err
		}
		seq := md.Sequence.Stream
		if seq <= pos {
			continue
		}
		applied := false
		err = s.cfg.DB.Transact(ctx, func(tx *sql.Tx) error {
			// A savepoint: a message that fails leaves none of its rows.
			err := inSavepoint(ctx, tx, func() error { return apply(ctx, tx, msg.Data()) })
			if err != nil {
				if !permanent(err) {
					return err
				}
				s.log.Error("downlink: message cannot apply, passed over", "stream", stream, "seq", seq, "err", err)
				detail, _ := json.Marshal(map[string]any{"stream": stream, "seq": seq, "error": err.Error(), "data": json.RawMessage(validJSON(msg.Data()))})
				if err := auth.Audit(ctx, tx, s.cfg.Now(), "", "sync.downlink_rejected", string(detail), ""); err != nil {
					return err
				}
				if stream == syncwire.RoutedStream {
					// Kept to be tried again when the catalog changes.
					if err := s.skipRouted(ctx, tx, seq, msg.Data(), err); err != nil {
						return err
					}
				}
			}
			applied = err == nil
			// Only the column name is concatenated, and it is one of ours.
			_, err = tx.ExecContext(ctx, `UPDATE sync_state SET `+column+` = ? WHERE id = 1`, seq)
			return err
		})
		if err != nil {
			return fmt.Errorf("apply %s seq %d: %w", stream, seq, err)
		}
		pos = seq
		if applied && stream == syncwire.CatalogStream {
			s.retrySkippedLogged(ctx)
		}
	}
}

func permanent(err error) bool {
	switch errs.CodeOf(err) {
	case errs.Invalid, errs.NotFound, errs.Conflict:
		return true
	}
	return false
}

func validJSON(b []byte) []byte {
	if json.Valid(b) {
		return b
	}
	q, _ := json.Marshal(string(b))
	return q
}

// applyCatalog applies one hub catalog change (or holds it until its
// effective time).
func (s *Service) applyCatalog(ctx context.Context, tx *sql.Tx, data []byte) error {
	var c syncwire.CatalogChange
	if err := json.Unmarshal(data, &c); err != nil {
		return errs.E(errs.Invalid, "catalog change: %v", err)
	}
	return syncwire.Apply(ctx, tx, c, s.cfg.Now())
}

// applyRouted hands a transfer event another mall sent through the hub to
// inventory: transfer.sent becomes an incoming transfer to receive,
// transfer.received closes a transfer this mall sent.
func (s *Service) applyRouted(ctx context.Context, tx *sql.Tx, data []byte) error {
	ev, err := events.Decode(data)
	if err != nil {
		return errs.E(errs.Invalid, "routed event: %v", err)
	}
	switch ev.Type {
	case events.TransferSent:
		var t events.Transfer
		if err := json.Unmarshal(ev.Payload, &t); err != nil {
			return errs.E(errs.Invalid, "routed transfer %s: %v", ev.ID, err)
		}
		if err := s.cfg.Transfers.RegisterIncoming(ctx, tx, s.cfg.MallID, t); err != nil {
			return fmt.Errorf("incoming transfer %s from %s: %w", t.TransferID, t.FromMall, err)
		}
	case events.TransferReceived:
		var r events.TransferReceipt
		if err := json.Unmarshal(ev.Payload, &r); err != nil {
			return errs.E(errs.Invalid, "routed receipt %s: %v", ev.ID, err)
		}
		if err := s.cfg.Transfers.ConfirmDelivered(ctx, tx, s.cfg.MallID, r); err != nil {
			return fmt.Errorf("receipt of transfer %s at %s: %w", r.TransferID, r.ToMall, err)
		}
	case events.EInvoiceGenerated:
		var p events.EInvoiceIRN
		if err := json.Unmarshal(ev.Payload, &p); err != nil {
			return errs.E(errs.Invalid, "routed e-invoice %s: %v", ev.ID, err)
		}
		if s.cfg.EInvoices == nil {
			return errs.E(errs.Unavailable, "e-invoice %s: this mall records no IRNs", p.DocNo)
		}
		if err := s.cfg.EInvoices(ctx, tx, p); err != nil {
			return fmt.Errorf("e-invoice of %s %s: %w", p.DocType, p.DocNo, err)
		}
	case events.ChannelReserve, events.ChannelCancel:
		var p events.ChannelOrder
		if err := json.Unmarshal(ev.Payload, &p); err != nil {
			return errs.E(errs.Invalid, "routed %s %s: %v", ev.Type, ev.ID, err)
		}
		if s.cfg.Channel == nil {
			return errs.E(errs.Unavailable, "%s of order %s: this mall takes no online orders", ev.Type, p.OrderID)
		}
		if err := s.cfg.Channel(ctx, tx, ev.Type, p); err != nil {
			return fmt.Errorf("%s of order %s/%s: %w", ev.Type, p.Channel, p.OrderID, err)
		}
	default:
		return errs.E(errs.Invalid, "routed event %s: type %s is not routed to malls", ev.ID, ev.Type)
	}
	return nil
}

// dueLoop applies held catalog changes when their time comes, hub or not.
func (s *Service) dueLoop(ctx context.Context) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		due := 0
		err := s.cfg.DB.Transact(ctx, func(tx *sql.Tx) error {
			n, err := syncwire.ApplyDue(ctx, tx, s.cfg.Now())
			if n > 0 {
				s.log.Info("scheduled catalog changes applied", "count", n)
			}
			due = n
			return err
		})
		if err != nil && !errors.Is(err, context.Canceled) {
			s.log.Warn("scheduled catalog changes", "err", err)
		}
		if err == nil && due > 0 {
			s.retrySkippedLogged(ctx)
		}
	}
}
