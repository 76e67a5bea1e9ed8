// Package syncwire is the NATS side of the contract between malls and the
// hub: stream, consumer and subject names, the per-mall permissions a mall's
// leaf credentials carry, and the small messages the hub sends back (the
// watermark report, catalog changes). Like shared/events, it is where the
// two sides meet without importing each other.
//
// Topology (see ../research/nats_edge.md §1 and research/limits.md):
//
//	mall (domain mall-<ID>)                         hub (domain hub)
//	EVENTS  pos.<ID>.>  ── durable TO_HUB ──────▶  MALL_<ID> (durable mirror)
//	CATALOG (durable mirror) ◀── CAT_<ID> ──────  CATALOG  catalog.>
//	ROUTED  (durable mirror) ◀── RT_<ID> ───────  ROUTED   routed.<ID>.>
//	watermark listener       ◀── core NATS ─────  ekm.wm.<ID>
//
// Every cross-domain link is a mirror pulled by the receiving side through a
// durable AckFlowControl consumer on the origin: a plain cross-domain mirror
// stalls 30-40 s after a hub restart or a cut longer than ~10 s, a durable one
// recovers in seconds (research/limits.md).
package syncwire

import "time"

// Names of streams and consumers.
const (
	HubDomain      = "hub"
	EventsStream   = "EVENTS"  // mall: the relayed outbox
	UplinkConsumer = "TO_HUB"  // mall: durable consumer the hub's mirror drives
	CatalogStream  = "CATALOG" // hub origin and the malls' mirror of it
	RoutedStream   = "ROUTED"  // hub origin (events routed to one mall) and the mall's mirror
)

// MallDomain is the JetStream domain of a mall's embedded server.
func MallDomain(mall string) string { return "mall-" + mall }

// EventSubject is where the relay stores one outbox event in EVENTS.
func EventSubject(mall, typ string) string { return "pos." + mall + "." + typ }

// EventSubjects is the subject filter of a mall's EVENTS stream.
func EventSubjects(mall string) string { return "pos." + mall + ".>" }

// UplinkDeliver is the deliver subject of a mall's TO_HUB consumer.
func UplinkDeliver(mall string) string { return "ekm.up." + mall }

// HubMallStream is the hub's mirror of one mall's EVENTS.
func HubMallStream(mall string) string { return "MALL_" + mall }

// CatalogConsumer is the hub's durable consumer on CATALOG for one mall.
func CatalogConsumer(mall string) string { return "CAT_" + mall }

// CatalogDeliver is where CatalogConsumer delivers.
func CatalogDeliver(mall string) string { return "ekm.down." + mall + ".catalog" }

// RoutedConsumer is the hub's durable consumer on ROUTED for one mall.
func RoutedConsumer(mall string) string { return "RT_" + mall }

// RoutedDeliver is where RoutedConsumer delivers.
func RoutedDeliver(mall string) string { return "ekm.down." + mall + ".routed" }

// RoutedSubject is where the hub stores an event routed to mall.
func RoutedSubject(mall, typ string) string { return "routed." + mall + "." + typ }

// RoutedFilter selects what is routed to mall.
func RoutedFilter(mall string) string { return "routed." + mall + ".>" }

// CatalogSubject is where the hub stores a catalog change of one kind.
func CatalogSubject(kind string) string { return "catalog." + kind }

// WatermarkSubject is where the hub reports a mall's watermark (core NATS).
func WatermarkSubject(mall string) string { return "ekm.wm." + mall }

// Watermark is the hub's report of what it holds from one mall.
type Watermark struct {
	Mall string `json:"mall"`
	// Watermark is the highest sequence up to which the hub holds every
	// event (received, applied or parked) in its database.
	Watermark int64 `json:"watermark"`
	// Highest is the highest sequence the hub has received. Highest >
	// Watermark means a gap: events after the watermark arrived but one
	// before them never did, so the mall must re-send from Watermark+1.
	Highest int64     `json:"highest"`
	At      time.Time `json:"at"`
}

// Gap reports whether the hub is missing events it has seen the successors of.
func (w Watermark) Gap() bool { return w.Highest > w.Watermark }

// Permissions are the subjects a mall's leaf credentials may publish
// (mall → hub) and subscribe to (hub → mall). Leaf connections take on the
// permissions of the user they authenticate as (nats.docs leafnodes).
//
// $JSC.R.> and $JS.FC.> carry consumer-create/reset replies and flow-control
// acks for every mall; they hold stream metadata, never event data.
func Permissions(mall string) (publish, subscribe []string) {
	publish = []string{
		UplinkDeliver(mall),
		"$JSC.R.>",
		"$JS.FC.>",
		"$JS." + HubDomain + ".API.CONSUMER.RESET." + CatalogStream + "." + CatalogConsumer(mall),
		"$JS." + HubDomain + ".API.CONSUMER.RESET." + RoutedStream + "." + RoutedConsumer(mall),
	}
	subscribe = []string{
		"$JS." + MallDomain(mall) + ".API.CONSUMER.RESET." + EventsStream + "." + UplinkConsumer,
		"$JSC.R.>",
		"$JS.FC.>",
		CatalogDeliver(mall),
		RoutedDeliver(mall),
		WatermarkSubject(mall),
	}
	return publish, subscribe
}
