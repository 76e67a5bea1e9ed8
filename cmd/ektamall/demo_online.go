package main

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"time"

	"ektamall/hub/channel"
	"ektamall/shared/errs"
)

// demoOnline are the demo's online orders: where each goes and how many
// catalog items it takes (chosen from what the malls hold when it is
// placed). An order id already placed is left as it is.
var demoOnline = []struct {
	id    string
	items int
	to    channel.Destination
}{
	{"DEMO-ONL-1", 1, channel.Destination{Name: "Asha Rao", Address: "12 Temple Road, Malleswaram, Bengaluru", State: "KA", Pincode: "560003"}},
	{"DEMO-ONL-2", 2, channel.Destination{Name: "Rohan Mehta", Address: "4 Marine Drive, Mumbai", State: "MH", Pincode: "400020"}},
	{"DEMO-ONL-3", 1, channel.Destination{Name: "Farah Naqvi", Address: "7 Hazratganj, Lucknow", State: "UP", Pincode: "226001"}},
}

// placeOnlineOrders places up to n of the demo's online orders through the
// demo channel, once the hub offers stock (it learns the malls' stock from
// their events after they start): the zone managers' screens then have
// online orders to pick. It gives up quietly after a minute: the demo
// works without them.
func (d *demo) placeOnlineOrders(ctx context.Context, n int, log *slog.Logger) error {
	if n <= 0 || d.hub.Channel == nil {
		return nil
	}
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	deadline := time.Now().Add(time.Minute)
	for {
		placed, err := d.tryOnlineOrders(ctx, n)
		if err == nil {
			if placed > 0 {
				log.Info("demo: online orders placed", "orders", placed)
			}
			return nil
		}
		if err != nil && errs.CodeOf(err) != errs.Unavailable {
			log.Warn("demo: online orders", "err", err)
			return nil
		}
		if time.Now().After(deadline) {
			log.Warn("demo: no stock offered online within a minute; no online orders placed")
			return nil
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
}

// tryOnlineOrders places the orders not placed yet and answers how many
// it placed; an Unavailable error means the feed has no stock yet.
func (d *demo) tryOnlineOrders(ctx context.Context, n int) (int, error) {
	feed, err := d.hub.Channel.Catalog(ctx, "")
	if err != nil {
		return 0, err
	}
	// Goods of the zones the demo's zone managers run (UP and KA), so their
	// online-order screens show the orders; any stock when there are none.
	var stock, all []channel.Item
	for _, it := range feed.Items {
		if it.Available <= 0 {
			continue
		}
		all = append(all, it)
		if it.State == "UP" || it.State == "KA" {
			stock = append(stock, it)
		}
	}
	if len(stock) == 0 {
		stock = all
	}
	if len(stock) == 0 {
		return 0, errs.E(errs.Unavailable, "no stock offered yet")
	}
	sort.Slice(stock, func(i, j int) bool { return stock[i].SKU < stock[j].SKU })
	placed, next := 0, 0
	for i, o := range demoOnline {
		if i >= n {
			break
		}
		_, err := d.hub.Channel.Get(ctx, demoChannelID, o.id)
		if err == nil {
			continue // placed on an earlier start
		}
		if errs.CodeOf(err) != errs.NotFound {
			return placed, err
		}
		req := channel.OrderRequest{OrderID: o.id, DeliverTo: o.to}
		for range o.items {
			req.Lines = append(req.Lines, channel.LineReq{SKU: stock[next%len(stock)].SKU, Qty: 1})
			next++
		}
		if _, _, err := d.hub.Channel.Place(ctx, demoChannelID, req); err != nil {
			return placed, fmt.Errorf("order %s: %w", o.id, err)
		}
		placed++
	}
	return placed, nil
}
