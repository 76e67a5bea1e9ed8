package pos

import (
	"testing"

	"ektamall/shared/money"
)

func TestINRGrouping(t *testing.T) {
	for in, want := range map[string]string{"0.40": "₹0.40", "999.00": "₹999.00", "1000.00": "₹1,000.00", "50000.00": "₹50,000.00",
		"200000.00": "₹2,00,000.00", "199999.99": "₹1,99,999.99", "12345678.90": "₹1,23,45,678.90", "-2500.00": "-₹2,500.00"} {
		if got := inr(money.MustParse(in)); got != want {
			t.Errorf("inr(%s) = %s, want %s", in, got, want)
		}
	}
}
