package app

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"time"

	"ektamall/hub/channel/ondc"
	"ektamall/shared/errs"
)

// ondcStatusEvery is how often the hub looks for order changes to push
// to buyer apps as on_status.
const ondcStatusEvery = 2 * time.Second

// startONDC builds the ONDC seller app: its signing key from the books
// (made on first start), the buyer apps from --ondc-buyers, and the
// status pusher.
func (h *Hub) startONDC(ctx context.Context) (*ondc.Seller, error) {
	buyers, err := readBuyerApps(h.cfg.ONDCBuyers)
	if err != nil {
		return nil, err
	}
	buyers = append(buyers, h.cfg.ONDCBuyerApps...)
	uk, key, err := ondc.LoadKey(ctx, h.Store, time.Now())
	if err != nil {
		return nil, err
	}
	uri := h.cfg.ONDCURL
	if uri == "" {
		uri = strings.TrimRight(h.URL, "/") + "/ondc"
	}
	s, err := ondc.New(ctx, ondc.Config{SubscriberID: h.cfg.ONDCID, UniqueKeyID: uk, Key: key, URI: uri, Buyers: buyers,
		Log: h.log.With("component", "ondc")}, h.Channel, h.Store)
	if err != nil {
		return nil, err
	}
	h.ONDC = s
	s.Run(context.Background(), ondcStatusEvery) // stopped by Close
	return s, nil
}

// readBuyerApps reads the table of known buyer apps ("" = none).
func readBuyerApps(path string) ([]ondc.BuyerApp, error) {
	if path == "" {
		return nil, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("--ondc-buyers: %w", err)
	}
	var out []ondc.BuyerApp
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, errs.E(errs.Invalid, "--ondc-buyers %s: not a JSON list of buyer apps: %v", path, err)
	}
	return out, nil
}
