package ingest

import (
	"context"
	"errors"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"ektamall/shared/syncwire"
)

// ingestLoop pulls the mall's mirror in batches, ingests each batch in one
// transaction, acks the batch after the commit and reports the new
// watermark to the mall at once.
func (s *Service) ingestLoop(ctx context.Context, mall string) {
	held := false // this node held the mall's lease until just now (lease.go)
	if s.leased() {
		defer s.releaseLease(mall)
	}
	for ctx.Err() == nil {
		if s.leased() && !s.awaitLease(ctx, mall, held) {
			return
		}
		lease := s.keepLease(ctx, mall)
		s.ingestFrom(ctx, mall, lease)
		held = lease.stop()
		if !sleep(ctx, 200*time.Millisecond) {
			return
		}
	}
}

// ingestFrom ingests the mall's stream while this node holds its lease
// (always, on SQLite).
func (s *Service) ingestFrom(ctx context.Context, mall string, lease *leaseKeeper) {
	log := s.log.With("mall", mall)
	cons, err := s.js.Consumer(ctx, syncwire.HubMallStream(mall), ingestConsumer)
	if err != nil {
		log.Warn("ingest consumer", "err", err)
		if !sleep(ctx, time.Second) {
			return
		}
		// The stream or consumer may be gone (a wiped store): recreate.
		if err := s.setupMall(ctx, mall); err != nil && ctx.Err() == nil {
			log.Warn("ingest setup", "err", err)
		}
		return
	}
	for ctx.Err() == nil && lease.holds() {
		batch, err := cons.FetchNoWait(s.cfg.BatchSize)
		if err == nil {
			var msgs []jetstream.Msg
			for m := range batch.Messages() {
				msgs = append(msgs, m)
			}
			err = batch.Error()
			if len(msgs) > 0 {
				if ierr := s.ingestBatch(ctx, mall, msgs); ierr != nil {
					log.Warn("ingest batch failed; will be redelivered", "err", ierr, "events", len(msgs))
					for _, m := range msgs {
						m.NakWithDelay(time.Second)
					}
					sleep(ctx, time.Second)
					continue
				}
				if aerr := msgs[len(msgs)-1].DoubleAck(ctx); aerr != nil && ctx.Err() == nil {
					log.Warn("ingest ack", "err", aerr) // harmless: redelivery is a no-op
				}
				s.report(ctx, mall)
				s.wakePublisher()
				continue
			}
		}
		if err != nil && !errors.Is(err, jetstream.ErrNoMessages) && ctx.Err() == nil {
			log.Warn("ingest fetch", "err", err)
			break
		}
		// Nothing waiting: long-poll for the next event.
		batch, err = cons.Fetch(1, jetstream.FetchMaxWait(time.Second))
		if err != nil {
			if ctx.Err() == nil {
				log.Warn("ingest fetch", "err", err)
			}
			break
		}
		var msgs []jetstream.Msg
		for m := range batch.Messages() {
			msgs = append(msgs, m)
		}
		if len(msgs) > 0 {
			if ierr := s.ingestBatch(ctx, mall, msgs); ierr != nil {
				log.Warn("ingest failed; will be redelivered", "err", ierr)
				msgs[0].NakWithDelay(time.Second)
				sleep(ctx, time.Second)
				continue
			}
			msgs[0].DoubleAck(ctx)
			s.report(ctx, mall)
			s.wakePublisher()
		}
	}
}

// ingestBatch hands one fetched batch to the ingester.
func (s *Service) ingestBatch(ctx context.Context, mall string, msgs []jetstream.Msg) error {
	in := make([]Message, len(msgs))
	for i, m := range msgs {
		in[i] = m
	}
	_, err := s.ing.Ingest(ctx, mall, in)
	return err
}
