package ingest

import "testing"

// TestNewPrice: a percentage of an MRP, rounded half up to the rupee,
// never below one rupee; no float is involved.
func TestNewPrice(t *testing.T) {
	for _, c := range []struct{ old, bp, want int64 }{
		{229900, -2000, 183900}, // ₹2,299 − 20% = ₹1,839.20 → ₹1,839
		{149950, -1000, 135000}, // ₹1,499.50 − 10% = ₹1,349.55 → ₹1,350
		{100000, 550, 105500},   // +5.5%
		{25000, -1000, 22500},   // ₹225.00 exactly
		{150, -8900, 100},       // ₹1.50 − 89% → at least ₹1
		{99, 0, 100},            // ₹0.99 rounds to ₹1
	} {
		if got := newPrice(c.old, c.bp); got != c.want {
			t.Errorf("newPrice(%d, %d) = %d, want %d", c.old, c.bp, got, c.want)
		}
	}
}
