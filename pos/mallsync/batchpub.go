package mallsync

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"ektamall/shared/ids"
)

// Atomic batch publishing (issue 24). The mall's JetStream writes with
// sync_always: published one by one, every event cost its own fsync. A
// window published as one atomic batch (nats-server ≥ 2.12, ADR-50) is
// stored all or nothing in order under one flush of the stream, so a
// backlog costs a handful of fsyncs per window instead of one per event.
// Any failure (a duplicate id after a crash, an older server, a lost
// message) stores nothing of the batch, and the window is published again
// one message at a time, which is what the relay always did.

const (
	// minAtomic is the smallest window worth a batch: a batch stages its
	// messages in a store of its own before the commit, which costs more
	// than a couple of single writes.
	minAtomic = 8
	// maxAtomic is the server's default largest batch.
	maxAtomic = 1000
	// commitWait bounds the wait for a batch's commit acknowledgement.
	commitWait = 30 * time.Second
)

// Headers of an atomic batch (nats-server's JSBatchId, JSBatchSeq,
// JSBatchCommit).
const (
	hdrBatchID     = "Nats-Batch-Id"
	hdrBatchSeq    = "Nats-Batch-Sequence"
	hdrBatchCommit = "Nats-Batch-Commit"
)

type batchAck struct {
	Sequence uint64 `json:"seq"`
	Count    int    `json:"count"`
	Error    *struct {
		Code        int    `json:"code"`
		ErrCode     int    `json:"err_code"`
		Description string `json:"description"`
	} `json:"error"`
}

// errAtomicDisabled is nats-server's JSAtomicPublishDisabledErr.
const errAtomicDisabled = 10174

var errBatchRefused = errors.New("relay: atomic batch refused")

// publishAtomic publishes rows as one atomic batch and returns nil once the
// stream has committed them all.
func (s *Service) publishAtomic(ctx context.Context, rows []outRow, gen int64) error {
	id := ids.New()
	for i, r := range rows {
		m := s.eventMsg(r, gen)
		m.Header.Set(hdrBatchID, id)
		m.Header.Set(hdrBatchSeq, strconv.Itoa(i+1))
		if i < len(rows)-1 {
			// No reply subject: the server answers only the commit.
			if err := s.nc.PublishMsg(m); err != nil {
				return fmt.Errorf("relay: batch publish: %w", err)
			}
			continue
		}
		m.Header.Set(hdrBatchCommit, "1")
		cctx, cancel := context.WithTimeout(ctx, commitWait)
		resp, err := s.nc.RequestMsgWithContext(cctx, m)
		cancel()
		if err != nil {
			return fmt.Errorf("relay: batch commit: %w", err)
		}
		var ack batchAck
		if err := json.Unmarshal(resp.Data, &ack); err != nil {
			return fmt.Errorf("relay: batch commit: %w", err)
		}
		if ack.Error != nil {
			if ack.Error.ErrCode == errAtomicDisabled {
				s.atomic.Store(false) // a stream made before; stop trying
			}
			return fmt.Errorf("%w: %s (%d)", errBatchRefused, ack.Error.Description, ack.Error.ErrCode)
		}
		if ack.Count != len(rows) {
			return fmt.Errorf("%w: committed %d of %d", errBatchRefused, ack.Count, len(rows))
		}
	}
	return nil
}
