package csvin

import (
	"fmt"
	"strings"
	"testing"

	"ektamall/shared/errs"
)

func TestRead(t *testing.T) {
	need := []string{"reference", "amount"}
	check := func(line int, get func(string) string) []string {
		if get("amount") == "" {
			return []string{"no amount"}
		}
		return nil
	}
	// A header in another order and case, after a byte-order mark.
	var got []string
	err := Read([]byte("\ufeffAmount, Reference ,extra\n10,A\n20,B\n"), "statement", need, func(line int, get func(string) string) []string {
		got = append(got, fmt.Sprintf("%d:%s=%s", line, get("reference"), get("amount")))
		return nil
	})
	if err != nil || strings.Join(got, " ") != "2:A=10 3:B=20" {
		t.Fatalf("rows %v, err %v", got, err)
	}
	for body, want := range map[string]string{
		"":                           "no header row",
		"reference,time\nA,1\n":      `header has no "amount" column`,
		"reference,amount\n":         "statement has no rows",
		"reference,amount\nA,1\nB\n": "line 3: no amount",
	} {
		err := Read([]byte(body), "statement", need, check)
		if errs.CodeOf(err) != errs.Invalid || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: got %v, want %q", body, err, want)
		}
	}
	// Many bad lines: the first twenty are named, the rest counted.
	err = Read([]byte("reference,amount\n"+strings.Repeat("A,\n", 25)), "statement", need, check)
	if msg := err.Error(); !strings.Contains(msg, "line 21: no amount") || strings.Contains(msg, "line 22:") || !strings.Contains(msg, "(and 5 more)") {
		t.Fatalf("25 bad lines: %v", err)
	}
}
