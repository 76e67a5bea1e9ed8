package gst

import (
	"fmt"
	"regexp"
)

// A GSTIN is 15 characters: 2-digit state code, 10-character PAN, entity
// number, 'Z' by default, and a check character (mod-36 Luhn variant).
var gstinRE = regexp.MustCompile(`^[0-9]{2}[A-Z]{5}[0-9]{4}[A-Z][1-9A-Z]Z[0-9A-Z]$`)

const gstinAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"

// GSTINCheckChar computes the check character for the first 14 characters.
func GSTINCheckChar(first14 string) byte {
	sum := 0
	for i := 0; i < 14; i++ {
		v := 0
		for j := 0; j < 36; j++ {
			if gstinAlphabet[j] == first14[i] {
				v = j
				break
			}
		}
		p := v * (1 + i%2) // alternate weights 1, 2
		sum += p/36 + p%36
	}
	return gstinAlphabet[(36-sum%36)%36]
}

// ValidGSTIN checks the format, the state code prefix and the check char.
func ValidGSTIN(s string) error {
	if !gstinRE.MatchString(s) {
		return fmt.Errorf("invalid GSTIN %q: want 15 characters like 09AAAGE1234A1Z5", s)
	}
	if GSTINCheckChar(s[:14]) != s[14] {
		return fmt.Errorf("invalid GSTIN %q: check character does not match", s)
	}
	return nil
}
