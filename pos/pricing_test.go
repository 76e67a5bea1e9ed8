package pos

import (
	"testing"

	"ektamall/shared/money"
)

func TestParseDiscount(t *testing.T) {
	tests := []struct {
		in, want string // want "" = none; "!" = error
		off      string // discount on a 999.00 line
	}{
		{"", "", "0.00"},
		{"0", "", "0.00"},
		{"0%", "", "0.00"},
		{"50.00", "50.00", "50.00"},
		{"10%", "10%", "99.90"},
		{"12.5%", "12.5%", "124.88"}, // 124.875 rounds half away from zero
		{"0.01%", "0.01%", "0.10"},
		{"100%", "100%", "999.00"},
		{"100.01%", "!", ""},
		{"-1", "!", ""},
		{"1.005", "!", ""},
		{"10 %", "!", ""},
		{"%", "!", ""},
		{"1e2", "!", ""},
	}
	for _, tc := range tests {
		d, err := ParseDiscount(tc.in)
		if tc.want == "!" {
			if err == nil {
				t.Errorf("ParseDiscount(%q) = %v, want error", tc.in, d)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseDiscount(%q): %v", tc.in, err)
			continue
		}
		if d.String() != tc.want || d.Off(money.MustParse("999.00")).String() != tc.off {
			t.Errorf("ParseDiscount(%q) = %q off %s, want %q off %s", tc.in, d, d.Off(money.MustParse("999.00")), tc.want, tc.off)
		}
	}
}

func TestWithinLimit(t *testing.T) {
	gross := money.MustParse("480.00")
	if !withinLimit(money.MustParse("48.00"), gross, 1000) || withinLimit(money.MustParse("48.01"), gross, 1000) {
		t.Error("10% of 480.00 is exactly 48.00: 48.00 is within, 48.01 is not")
	}
}
