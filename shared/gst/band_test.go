package gst

import (
	"testing"

	"ektamall/shared/money"
)

func TestBandsChoose(t *testing.T) {
	bands := Bands{{UpTo: money.MustParse("2500.00"), Rate: MustRate("5")}, {Open: true, Rate: MustRate("18")}}
	if err := bands.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ unit, rate string }{
		{"2310.00", "5"}, {"2625.00", "5"}, {"2625.01", "18"}, {"2940.00", "18"}, {"2950.00", "18"}, {"4200.00", "18"}, {"1.00", "5"},
	} {
		if b, _ := bands.Choose(money.MustParse(c.unit)); b.Rate.String() != c.rate {
			t.Errorf("a piece at %s: %s%%, want %s%%", c.unit, b.Rate, c.rate)
		}
	}
	if err := (Bands{{Open: true, Rate: MustRate("18")}}).Validate(); err == nil {
		t.Error("a single open band validated")
	}
	if err := (Bands{{UpTo: money.MustParse("2500.00"), Rate: MustRate("5")}, {UpTo: money.MustParse("3000.00"), Rate: MustRate("18")}}).Validate(); err == nil {
		t.Error("bands without an open top validated")
	}
}

func TestRoundOffModes(t *testing.T) {
	for _, c := range []struct {
		mode                  RoundOff
		total, payable, delta string
	}{
		{RoundOffRupee, "999.60", "1000.00", "0.40"},
		{RoundOffRupee, "999.50", "1000.00", "0.50"},
		{RoundOffRupee, "999.49", "999.00", "-0.49"},
		{RoundOffFifty, "999.60", "999.50", "-0.10"},
		{RoundOffFifty, "999.75", "1000.00", "0.25"},
		{RoundOffNone, "999.60", "999.60", "0.00"},
	} {
		p, d := c.mode.Apply(money.MustParse(c.total))
		if p.String() != c.payable || d.String() != c.delta {
			t.Errorf("%s %s: %s (%s), want %s (%s)", c.mode, c.total, p, d, c.payable, c.delta)
		}
	}
	if _, err := ParseRoundOff("paise"); err == nil {
		t.Error("an unknown round-off mode parsed")
	}
}

func TestPANAndGSTINReasons(t *testing.T) {
	if err := ValidPAN("ABCDE1234F"); err != nil {
		t.Error(err)
	}
	if err := ValidPAN("ABCD1234F"); err == nil {
		t.Error("a short PAN passed")
	}
	if MaskPAN("ABCDE1234F") != "XXXXXX234F" {
		t.Errorf("mask: %s", MaskPAN("ABCDE1234F"))
	}
	for _, ok := range []string{"27AAPFU0939F1ZV", "29AAFCC9980M1ZR", "33GSPTN0231G1ZM"} {
		if err := ValidGSTIN(ok); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
	if err := ValidGSTIN("07AAAAA0000A1Z8"); err == nil {
		t.Error("the research note's failing dummy GSTIN passed")
	}
}
