package demoseed

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"time"

	"ektamall/hub/settle"
)

// hubSeeder runs the hub's weekly settlements of the history.
type hubSeeder struct {
	h   Hub
	o   Options
	svc *settle.Service
}

func (hs *hubSeeder) prepare(ctx context.Context) error {
	hs.svc = settle.New(hs.h.DB, hs.h.Settle, hs.h.Clock.Now, hs.o.Log)
	return nil
}

// settleWeek is finance's Monday: a settlement run at cut, its payout file
// sent to the bank, and the bank's response imported the next day: every
// payout paid with its UTR, or with failOne one returned unpaid (the next
// run pays it again).
func (hs *hubSeeder) settleWeek(ctx context.Context, cut time.Time, failOne bool) error {
	hs.h.Clock.Set(cut)
	run, _, err := hs.svc.Create(ctx, cut, hs.h.Finance, nil)
	if err != nil {
		return err
	}
	payouts, err := hs.svc.Payouts(ctx, run.ID)
	if err != nil {
		return err
	}
	if len(payouts) == 0 {
		return nil
	}
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write([]string{"reference", "status", "utr", "reason"})
	for i, p := range payouts {
		if failOne && i == len(payouts)/2 {
			w.Write([]string{p.Reference, "failed", "", "beneficiary account closed"})
			continue
		}
		w.Write([]string{p.Reference, "paid", fmt.Sprintf("EKTA%s%06d", cut.In(IST).Format("060102"), i+1), ""})
	}
	w.Flush()
	at := cut.Add(26 * time.Hour)
	hs.h.Clock.Set(at)
	name := fmt.Sprintf("bank-response-R%04d.csv", run.No)
	if _, err := settle.ImportResults(ctx, hs.h.DB, name, b.Bytes(), hs.h.Finance, at); err != nil {
		return fmt.Errorf("bank response for run %d: %w", run.No, err)
	}
	return nil
}
