package demoseed

import (
	"sync/atomic"
	"time"
)

// Clock is a clock the seeder moves through the past while it writes
// history, and that tells the real time otherwise. The services that take
// a clock (pos.Config.Now, inventory.Service.Now, the hub's booking clock)
// are given its Now; production code never sees one.
type Clock struct {
	at atomic.Int64 // Unix nanoseconds; 0: the real time
}

// Now is the time set, or the real time.
func (c *Clock) Now() time.Time {
	if n := c.at.Load(); n != 0 {
		return time.Unix(0, n).UTC()
	}
	return time.Now()
}

// Set fixes the clock at t.
func (c *Clock) Set(t time.Time) { c.at.Store(t.UnixNano()) }

// Release returns the clock to the real time.
func (c *Clock) Release() { c.at.Store(0) }
