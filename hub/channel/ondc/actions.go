package ondc

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"ektamall/hub/channel"
	"ektamall/shared/catalogdb"
	"ektamall/shared/errs"
	"ektamall/shared/money"
)

// ProviderID is the one provider the hub lists: the malls together. Each
// mall that ships part of an order is one fulfillment of it.
const ProviderID = "ektamall"

// answer does an action's work and builds its callback message: a
// business refusal travels as the callback's error (berr), a malformed
// message as a protoErr (a NACK), anything else as err.
func (s *Seller) answer(ctx context.Context, action string, b *buyer, req Request) (msg any, berr *Error, err error) {
	switch action {
	case "search":
		var m SearchMsg
		if err := decode(req.Message, &m); err != nil {
			return nil, nil, err
		}
		cat, err := s.catalog(ctx, m.Intent)
		return CatalogMsg{Catalog: cat}, nil, err
	case "select", "init":
		var m OrderMsg
		if err := decode(req.Message, &m); err != nil {
			return nil, nil, err
		}
		return s.quoteOrder(ctx, action, m.Order)
	case "confirm":
		var m OrderMsg
		if err := decode(req.Message, &m); err != nil {
			return nil, nil, err
		}
		return s.confirm(ctx, b, req.Context, m.Order)
	case "status":
		var m StatusMsg
		if err := decode(req.Message, &m); err != nil {
			return nil, nil, err
		}
		return s.status(ctx, b, m.OrderID)
	case "cancel":
		var m CancelMsg
		if err := decode(req.Message, &m); err != nil {
			return nil, nil, err
		}
		return s.cancel(ctx, b, m)
	}
	return nil, nil, schemaErr("unknown action %q", action)
}

func decode(raw json.RawMessage, v any) error {
	if len(raw) == 0 {
		return schemaErr("the message is missing")
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return schemaErr("the message does not match the action's schema: %v", err)
	}
	return nil
}

// catalog is on_search: every active product with what the malls can give
// now, its provenance as tags (origin State and district, GI).
func (s *Seller) catalog(ctx context.Context, in Intent) (Catalog, error) {
	feed, err := s.ch.Catalog(ctx, "")
	if err != nil {
		return Catalog{}, err
	}
	var name, cat string
	if in.Item != nil && in.Item.Descriptor != nil {
		name = strings.ToLower(strings.TrimSpace(in.Item.Descriptor.Name))
	}
	if in.Category != nil {
		cat = in.Category.ID
	}
	p := Provider{ID: ProviderID, Descriptor: &Descriptor{Name: "Ekta Mall", ShortDesc: "One District One Product: goods from every district, sold by their producers through the Ekta Malls"}, Items: []Item{}}
	for _, it := range feed.Items {
		if name != "" && !strings.Contains(strings.ToLower(it.Name), name) {
			continue
		}
		if cat != "" && it.Category != cat {
			continue
		}
		p.Items = append(p.Items, catalogItem(it))
	}
	return Catalog{Descriptor: Descriptor{Name: "Ekta Mall"}, Providers: []Provider{p}}, nil
}

func catalogItem(it channel.Item) Item {
	yes, no := true, false
	origin := Tag{Code: "origin", List: []TagPair{{"country", "IND"}, {"state", it.State}, {"district", it.District}}}
	tags := []Tag{origin, {Code: "producer", List: []TagPair{{"id", it.ProducerID}, {"name", it.ProducerName}}},
		{Code: "tax", List: []TagPair{{"hsn", it.HSN}, {"gst_rate", it.GSTRate.String()}, {"price_includes_tax", "yes"}}}}
	if it.GI {
		gi := Tag{Code: "gi", List: []TagPair{{"tagged", "yes"}}}
		for _, kv := range []TagPair{{"name", it.GIName}, {"registration", it.GIReg}, {"authorised_user", it.GIAuthUser}} {
			if kv.Value != "" {
				gi.List = append(gi.List, kv)
			}
		}
		tags = append(tags, gi)
	}
	return Item{
		ID: it.SKU, Descriptor: &Descriptor{Name: it.Name, Code: it.Barcode},
		Price:      &Price{Currency: "INR", Value: it.MRP.String(), MaximumValue: it.MRP.String()},
		Quantity:   &Quantity{Available: &QtyCount{Count: strconv.FormatInt(it.Available, 10)}, Maximum: &QtyCount{Count: strconv.FormatInt(it.Available, 10)}},
		CategoryID: it.Category, Returnable: &yes, Cancellable: &yes, AvailableOnCOD: &no,
		ReturnWindow: "P7D", TimeToShip: "P2D", Tags: tags,
	}
}

// line is one ordered item as a quote sees it.
type line struct {
	sku string
	qty int64
}

func orderLines(o Order) ([]line, error) {
	if len(o.Items) == 0 {
		return nil, schemaErr("order.items is empty")
	}
	var out []line
	for i, it := range o.Items {
		if it.ID == "" {
			return nil, schemaErr("order.items[%d].id is missing", i)
		}
		if it.Quantity == nil || it.Quantity.Count == nil || *it.Quantity.Count <= 0 {
			return nil, schemaErr("order.items[%d].quantity.count must be a positive whole number", i)
		}
		out = append(out, line{it.ID, *it.Quantity.Count})
	}
	return out, nil
}

// quoteOrder is on_select and on_init: the price of what was asked, each
// line capped at what the malls can give now (nothing is held until
// confirm), with error 40002 when a line is short.
func (s *Seller) quoteOrder(ctx context.Context, action string, o Order) (any, *Error, error) {
	ls, err := orderLines(o)
	if err != nil {
		return nil, nil, err
	}
	if action == "init" {
		if _, err := s.destination(ctx, o); err != nil {
			return nil, nil, err
		}
	}
	feed, err := s.ch.Catalog(ctx, "")
	if err != nil {
		return nil, nil, err
	}
	bySKU := map[string]channel.Item{}
	for _, it := range feed.Items {
		bySKU[it.SKU] = it
	}
	var berr *Error
	q := Quote{TTL: "PT15M"}
	total := money.Zero
	out := Order{Provider: &Provider{ID: ProviderID}, Billing: o.Billing, Fulfillments: []Fulfillment{{ID: "1", Type: "Delivery", ProviderName: "Ekta Mall"}}}
	if len(o.Fulfillments) > 0 {
		out.Fulfillments[0].End = o.Fulfillments[0].End
	}
	for _, l := range ls {
		it, ok := bySKU[l.sku]
		if !ok {
			berr = &Error{Type: "DOMAIN-ERROR", Code: CodeItemNotFound, Message: fmt.Sprintf("item %s is not on sale", l.sku)}
			continue
		}
		qty := l.qty
		if qty > it.Available {
			qty = it.Available
			berr = &Error{Type: "DOMAIN-ERROR", Code: CodeQtyUnavailable, Message: fmt.Sprintf("item %s: %d available", l.sku, it.Available)}
		}
		n := qty
		out.Items = append(out.Items, Item{ID: l.sku, FulfillmentID: "1", Quantity: &Quantity{Count: &n}})
		amt := it.MRP.MulInt(qty)
		total = total.Add(amt)
		q.Breakup = append(q.Breakup, Breakup{ItemID: l.sku, ItemQty: &QtyCount{Count: strconv.FormatInt(qty, 10)}, TitleType: "item",
			Title: it.Name, Price: inr(amt), Item: &Item{Price: &Price{Currency: "INR", Value: it.MRP.String()}}})
	}
	q.Breakup = append(q.Breakup, Breakup{ItemID: "1", TitleType: "delivery", Title: "Delivery charges", Price: inr(money.Zero)})
	q.Price = inr(total)
	out.Quote = &q
	if action == "init" {
		out.Items = nil
		for _, l := range ls {
			n := l.qty
			out.Items = append(out.Items, Item{ID: l.sku, FulfillmentID: "1", Quantity: &Quantity{Count: &n}})
		}
		out.Payment = &Payment{Type: "ON-ORDER", CollectedBy: "BAP", Status: "NOT-PAID", Params: &PaymentParams{Amount: total.String(), Currency: "INR"}}
	}
	return OrderMsg{Order: out}, berr, nil
}

func inr(a money.Amount) Price { return Price{Currency: "INR", Value: a.String()} }

// destination reads where an order goes from its first fulfillment's end.
func (s *Seller) destination(ctx context.Context, o Order) (channel.Destination, error) {
	if len(o.Fulfillments) == 0 || o.Fulfillments[0].End == nil || o.Fulfillments[0].End.Location == nil || o.Fulfillments[0].End.Location.Address == nil {
		return channel.Destination{}, schemaErr("order.fulfillments[0].end.location.address is required")
	}
	end := o.Fulfillments[0].End
	a := end.Location.Address
	state, err := s.stateCode(ctx, a.State)
	if err != nil {
		return channel.Destination{}, err
	}
	name := a.Name
	if end.Person != nil && end.Person.Name != "" {
		name = end.Person.Name
	}
	var parts []string
	for _, p := range []string{a.Building, a.Street, a.Locality, a.City} {
		if p = strings.TrimSpace(p); p != "" {
			parts = append(parts, p)
		}
	}
	return channel.Destination{Name: name, Address: strings.Join(parts, ", "), State: state, Pincode: a.AreaCode}, nil
}

// stateCode maps a State's name or two-letter code to its code.
func (s *Seller) stateCode(ctx context.Context, st string) (string, error) {
	st = strings.TrimSpace(st)
	var code string
	err := s.db.Reader().QueryRowContext(ctx, `SELECT code FROM states WHERE code = ? OR LOWER(name) = LOWER(?)`, strings.ToUpper(st), st).Scan(&code)
	if err != nil {
		return "", schemaErr("order.fulfillments[0].end.location.address.state %q is not a State or UT of India", st)
	}
	return code, nil
}

// confirm places the order through the channel service, the same path as
// the JSON API: idempotent by the ONDC order id (the transaction id when
// the order has none), so the same confirm twice makes one order.
func (s *Seller) confirm(ctx context.Context, b *buyer, c Context, o Order) (any, *Error, error) {
	ls, err := orderLines(o)
	if err != nil {
		return nil, nil, err
	}
	dest, err := s.destination(ctx, o)
	if err != nil {
		return nil, nil, err
	}
	id := o.ID
	if id == "" {
		id = c.TransactionID
	}
	req := channel.OrderRequest{OrderID: id, DeliverTo: dest}
	for _, l := range ls {
		req.Lines = append(req.Lines, channel.LineReq{SKU: l.sku, Qty: l.qty})
	}
	placed, _, err := s.ch.Place(ctx, b.Channel, req)
	if err != nil {
		switch errs.CodeOf(err) {
		case errs.Invalid:
			return nil, nil, schemaErr("%s", errs.Public(err).Message)
		case errs.NotFound:
			return nil, &Error{Type: "DOMAIN-ERROR", Code: CodeItemNotFound, Message: errs.Public(err).Message}, nil
		case errs.Conflict:
			return nil, &Error{Type: "DOMAIN-ERROR", Code: CodeInvalidRequest, Message: errs.Public(err).Message}, nil
		}
		return nil, nil, err
	}
	if err := s.remember(ctx, b, c, placed); err != nil {
		return nil, nil, err
	}
	out, err := s.toOrder(ctx, placed, o.Billing, o.Payment)
	if err != nil {
		return nil, nil, err
	}
	var berr *Error
	switch placed.Placement {
	case channel.Partial:
		berr = &Error{Type: "DOMAIN-ERROR", Code: CodeQtyUnavailable, Message: "part of the order is not available; the quote covers what is accepted"}
	case channel.Refused:
		berr = &Error{Type: "DOMAIN-ERROR", Code: CodeQtyUnavailable, Message: "no mall holds the items ordered"}
	}
	return OrderMsg{Order: out}, berr, nil
}

// status is on_status for one of this buyer app's orders.
func (s *Seller) status(ctx context.Context, b *buyer, id string) (any, *Error, error) {
	if id == "" {
		return nil, nil, schemaErr("message.order_id is required")
	}
	o, err := s.ch.Get(ctx, b.Channel, id)
	if errs.CodeOf(err) == errs.NotFound {
		return nil, &Error{Type: "DOMAIN-ERROR", Code: CodeOrderNotFound, Message: errs.Public(err).Message}, nil
	}
	if err != nil {
		return nil, nil, err
	}
	out, err := s.toOrder(ctx, o, nil, nil)
	return OrderMsg{Order: out}, nil, err
}

// toOrder renders a hub order as an ONDC order: one fulfillment per mall
// shipping a part of it, the quote over what was accepted.
func (s *Seller) toOrder(ctx context.Context, o channel.Order, bill *Billing, pay *Payment) (Order, error) {
	out := Order{ID: o.OrderID, State: orderState(o), Provider: &Provider{ID: ProviderID}, Billing: bill, Payment: pay,
		CreatedAt: o.CreatedAt.UTC().Format("2006-01-02T15:04:05.000Z"), UpdatedAt: s.cfg.Now().UTC().Format("2006-01-02T15:04:05.000Z")}
	q := Quote{}
	total := money.Zero
	seen := map[string]bool{}
	prices := map[string]catalogdb.Product{}
	for _, l := range o.Lines {
		p, ok := prices[l.SKU]
		if !ok {
			var err error
			if p, err = catalogdb.GetProduct(ctx, s.db.Reader(), l.SKU); err != nil {
				return Order{}, err
			}
			prices[l.SKU] = p
		}
		n := l.Qty
		fid := l.Mall
		if fid == "" {
			fid = "unavailable"
		}
		lt := Tag{Code: "line", List: []TagPair{{"line", strconv.Itoa(l.Line)}, {"status", l.Status}, {"mall", l.Mall}}}
		for _, kv := range []TagPair{{"reason", l.Reason}, {"awb", l.AWB}, {"invoice_no", l.InvoiceNo}} {
			if kv.Value != "" {
				lt.List = append(lt.List, kv)
			}
		}
		out.Items = append(out.Items, Item{ID: l.SKU, FulfillmentID: fid, Quantity: &Quantity{Count: &n}, Tags: []Tag{lt}})
		if !seen[fid] {
			seen[fid] = true
			out.Fulfillments = append(out.Fulfillments, Fulfillment{ID: fid, Type: "Delivery", ProviderName: "Ekta Mall " + l.Mall,
				State: &State{Descriptor: Descriptor{Code: fulfillmentState(o, fid)}},
				End:   &Stop{Location: &Location{Address: &Address{Name: o.DeliverTo.Name, Building: o.DeliverTo.Address, State: o.DeliverTo.State, AreaCode: o.DeliverTo.Pincode}}}})
		}
		if l.AWB != "" {
			for i := range out.Fulfillments {
				if out.Fulfillments[i].ID == fid {
					out.Fulfillments[i].AWB = l.AWB
				}
			}
		}
		if l.Mall == "" || !live(l.Status) {
			continue
		}
		amt := p.MRP.MulInt(l.Qty)
		total = total.Add(amt)
		q.Breakup = append(q.Breakup, Breakup{ItemID: l.SKU, ItemQty: &QtyCount{Count: strconv.FormatInt(l.Qty, 10)}, TitleType: "item", Title: p.Name, Price: inr(amt)})
	}
	q.Price = inr(total)
	out.Quote = &q
	return out, nil
}

// live is whether a line's status still counts toward the order's price.
func live(status string) bool {
	switch status {
	case "unavailable", "cancelled", "released", "refused", "reallocated", "returned":
		return false
	}
	return true
}

// orderState is the ONDC order state of a hub order.
func orderState(o channel.Order) string {
	if o.Status == channel.Refused {
		return "Cancelled"
	}
	allDone, anyLive, anyMoved := true, false, false
	for _, l := range o.Lines {
		if l.Mall == "" || !live(l.Status) {
			continue
		}
		anyLive = true
		if l.Status != "allocated" && l.Status != "reserved" {
			anyMoved = true
		}
		if l.Status != "delivered" { // handed to the courier is still in progress
			allDone = false
		}
	}
	switch {
	case !anyLive:
		return "Cancelled"
	case allDone:
		return "Completed"
	case anyMoved:
		return "In-progress"
	}
	return "Accepted"
}

// fulfillmentState is the ONDC fulfillment state of the lines one mall
// ships: the least advanced of them.
func fulfillmentState(o channel.Order, mall string) string {
	rank := map[string]int{"Pending": 0, "Packed": 1, "Order-picked-up": 2, "Order-delivered": 3}
	best := ""
	for _, l := range o.Lines {
		if l.Mall != mall || (mall == "unavailable" && l.Mall != "") {
			continue
		}
		code := lineState(l.Status)
		if code == "Cancelled" {
			if best == "" {
				best = code
			}
			continue
		}
		if best == "" || best == "Cancelled" || rank[code] < rank[best] {
			best = code
		}
	}
	if mall == "unavailable" || best == "" {
		return "Cancelled"
	}
	return best
}

// lineState maps a line's status at the hub to ONDC's fulfillment codes.
func lineState(status string) string {
	switch status {
	case "packed":
		return "Packed"
	case "handed_over", "shipped":
		return "Order-picked-up"
	case "delivered":
		return "Order-delivered"
	case "unavailable", "cancelled", "released", "refused", "reallocated", "returned":
		return "Cancelled"
	}
	return "Pending" // allocated, reserved, picked
}
