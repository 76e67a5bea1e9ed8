package events

import (
	"fmt"
	"time"

	"ektamall/shared/errs"
)

// Online orders (issue 22). The hub allocates a channel order's lines to
// malls and routes each mall its parts (channel.reserve) or a cancellation
// (channel.cancel); the mall answers every step with channel.status.
const (
	ChannelReserve = "channel.reserve" // hub → mall, routed
	ChannelCancel  = "channel.cancel"  // hub → mall, routed
	ChannelStatus  = "channel.status"  // mall → hub
)

// Statuses of a part of an order line at its mall, as channel.status
// reports them.
const (
	PartReserved  = "reserved"
	PartRejected  = "rejected" // the mall could not hold it (Reason says why)
	PartPicked    = "picked"
	PartPacked    = "packed"
	PartShipped   = "shipped" // handed over to the courier, invoiced
	PartCancelled = "cancelled"
	PartReturned  = "returned"
)

// ChannelPart is one part of an ordered line allocated to one mall: Line
// is the line's number as ordered (from 1), Part numbers the line's parts.
type ChannelPart struct {
	Line   int    `json:"line"`
	Part   int    `json:"part"`
	SKU    string `json:"sku"`
	Zone   string `json:"zone"`
	Qty    int64  `json:"qty"`
	Status string `json:"status,omitempty"`
	Reason string `json:"reason,omitempty"`
}

// ChannelAddress is where an online order goes (State: two-letter code).
type ChannelAddress struct {
	Name    string `json:"name"`
	Address string `json:"address"`
	State   string `json:"state"`
	Pincode string `json:"pincode"`
}

// ChannelOrder is the payload of channel.reserve (the parts to hold) and
// channel.cancel (the parts to release, with Reason).
type ChannelOrder struct {
	Channel   string         `json:"channel"`
	OrderID   string         `json:"order_id"`
	Mall      string         `json:"mall"`
	DeliverTo ChannelAddress `json:"deliver_to"`
	Parts     []ChannelPart  `json:"parts"`
	Reason    string         `json:"reason,omitempty"`
	At        time.Time      `json:"at"`
}

// ChannelUpdate is the payload of channel.status: what became of parts
// at the mall. A shipment names the courier's AWB and the invoice issued;
// a return its credit note.
type ChannelUpdate struct {
	Channel    string        `json:"channel"`
	OrderID    string        `json:"order_id"`
	Parts      []ChannelPart `json:"parts"`
	AWB        string        `json:"awb,omitempty"`
	SaleID     string        `json:"sale_id,omitempty"`
	InvoiceNo  string        `json:"invoice_no,omitempty"`
	CreditNote string        `json:"credit_note_no,omitempty"`
	At         time.Time     `json:"at"`
}

func (p *ChannelOrder) Validate(env Envelope) error {
	if p.Channel == "" || p.OrderID == "" || len(p.Parts) == 0 {
		return errs.E(errs.Invalid, "%s %s: channel, order_id and parts are required", env.Type, env.ID)
	}
	return checkParts(p.Parts, env.Type == ChannelReserve)
}

func (p *ChannelOrder) References() Refs { return Refs{} }

func (p *ChannelUpdate) Validate(env Envelope) error {
	if p.Channel == "" || p.OrderID == "" || len(p.Parts) == 0 {
		return errs.E(errs.Invalid, "channel.status %s: channel, order_id and parts are required", env.ID)
	}
	for _, pt := range p.Parts {
		switch pt.Status {
		case PartReserved, PartRejected, PartPicked, PartPacked, PartShipped, PartCancelled, PartReturned:
		default:
			return errs.E(errs.Invalid, "channel.status %s: unknown status %q", env.ID, pt.Status)
		}
	}
	return checkParts(p.Parts, false)
}

func (p *ChannelUpdate) References() Refs { return Refs{} }

func checkParts(ps []ChannelPart, full bool) error {
	seen := map[[2]int]bool{}
	for _, pt := range ps {
		k := [2]int{pt.Line, pt.Part}
		switch {
		case pt.Line < 1 || pt.Part < 1:
			return errs.E(errs.Invalid, "part %d/%d: line and part number from 1", pt.Line, pt.Part)
		case seen[k]:
			return errs.E(errs.Invalid, "part %d/%d appears twice", pt.Line, pt.Part)
		case full && (pt.SKU == "" || pt.Zone == "" || pt.Qty < 1):
			return errs.E(errs.Invalid, "part %d/%d: sku, zone and a positive qty are required", pt.Line, pt.Part)
		}
		seen[k] = true
	}
	return nil
}

// PartKey names a part in messages.
func PartKey(channel, order string, line, part int) string {
	return fmt.Sprintf("%s/%s line %d.%d", channel, order, line, part)
}
