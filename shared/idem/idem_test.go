package idem_test

import (
	"testing"

	"ektamall/shared/errs"
	"ektamall/shared/idem"
)

func TestKeyChecks(t *testing.T) {
	for _, c := range []struct {
		key                string
		required, optional errs.Code // "" when accepted
	}{
		{"0190a0a0-0000-7000-8000-000000000001", "", ""},
		{"k-ret-00001", "", ""},
		{"", errs.Invalid, ""},
		{"short", errs.Invalid, errs.Invalid},
		{"has space 123", errs.Invalid, errs.Invalid},
	} {
		if err := idem.Require(c.key); code(err) != c.required {
			t.Errorf("Require(%q) = %v, want code %q", c.key, err, c.required)
		}
		if err := idem.Optional(c.key); code(err) != c.optional {
			t.Errorf("Optional(%q) = %v, want code %q", c.key, err, c.optional)
		}
	}
}

// The same request, however its JSON was spaced or ordered, hashes the
// same; any change of meaning does not.
func TestHashIsOfTheDecodedRequest(t *testing.T) {
	a := idem.Hash(map[string]any{"sku": "UP-1", "qty": 2})
	b := idem.Hash(map[string]any{"qty": 2, "sku": "UP-1"})
	c := idem.Hash(map[string]any{"sku": "UP-1", "qty": 3})
	if string(a) != string(b) || string(a) == string(c) {
		t.Fatalf("hashes: same request %x vs %x; changed %x", a, b, c)
	}
}

func code(err error) errs.Code {
	if err == nil {
		return ""
	}
	return errs.CodeOf(err)
}
