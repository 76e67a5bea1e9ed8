package events

import (
	"bytes"
	"encoding/json"

	"ektamall/shared/errs"
)

// Payload is an event's payload decoded for its type. It says on its own
// what makes it unusable (Validate) and what it names that the receiver
// must already know (References); the receiver checks those against its
// own records. The hub decodes each event once, into a Payload, and hands
// that to everything that reads it (see hub/ingest).
type Payload interface {
	// Validate checks the payload's own consistency, given the envelope it
	// came in; an error is errs.Invalid.
	Validate(env Envelope) error
	// References lists the catalog entries and malls the payload names.
	References() Refs
}

// Refs are what a payload names: SKUs of the master catalog, producers,
// and malls other than the one that sent it.
type Refs struct {
	SKUs      []string
	Producers []string
	Malls     []string
}

// Forwarded is a payload the hub passes on to another mall: a transfer to
// the mall receiving it, the transfer's receipt back to the sender.
type Forwarded interface {
	Payload
	ForwardTo() string
}

// Event is an envelope with its payload decoded and validated.
type Event struct {
	Envelope
	Payload Payload
}

// kinds makes an empty payload for each event type. Adding a kind of
// event: its type constant, a payload type with Validate and References
// (and ForwardTo if another mall must receive it), and a line here.
var kinds = map[string]func() Payload{
	SaleCompleted:    func() Payload { return new(Sale) },
	SaleVoided:       func() Payload { return new(Void) },
	ReturnCompleted:  func() Payload { return new(Return) },
	StockMoved:       func() Payload { return new(StockMove) },
	ShiftClosed:      func() Payload { return new(ShiftClose) },
	TransferSent:     func() Payload { return new(Transfer) },
	TransferReceived: func() Payload { return new(TransferReceipt) },
	StockLow:         func() Payload { return new(LowStock) },
	MallRestored:     func() Payload { return new(Restore) },
	// Hub → mall only, on the routed downlink.
	EInvoiceGenerated: func() Payload { return new(EInvoiceIRN) },
	ChannelReserve:    func() Payload { return new(ChannelOrder) },
	ChannelCancel:     func() Payload { return new(ChannelOrder) },
	// Mall → hub: what became of an online order's parts.
	ChannelStatus: func() Payload { return new(ChannelUpdate) },
}

// Known reports whether typ is a type of event this binary reads.
func Known(typ string) bool { _, ok := kinds[typ]; return ok }

// DecodePayload decodes env's payload for its type and validates it. An
// error is errs.Invalid: the payload can never be read as it is.
//
// Unknown fields are accepted: payloads only gain optional fields within
// a version, so a newer mall's event still reads here.
func DecodePayload(env Envelope) (Payload, error) {
	mk, ok := kinds[env.Type]
	if !ok {
		return nil, errs.E(errs.Invalid, "event %s: unknown type %q", env.ID, env.Type)
	}
	p := mk()
	if err := json.NewDecoder(bytes.NewReader(env.Payload)).Decode(p); err != nil {
		return nil, errs.E(errs.Invalid, "payload: %v", err)
	}
	if err := p.Validate(env); err != nil {
		return nil, err
	}
	return p, nil
}
