package gst

import (
	"fmt"
	"regexp"
)

// A GSTIN is 15 characters: 2-digit state code, 10-character PAN, entity
// number, a default character (usually 'Z'), and a check character (a
// mod-36 Luhn variant). The pattern is the one the GST developer portal
// gives for regular, composition and SEZ taxpayers (gst_compliance.md §1.1).
var gstinRE = regexp.MustCompile(`^[0-9]{2}[A-Z]{5}[0-9]{4}[A-Z][1-9A-Z][Z1-9ABD-J][0-9A-Z]$`)

// panRE is a PAN: five letters, four digits, a letter.
var panRE = regexp.MustCompile(`^[A-Z]{5}[0-9]{4}[A-Z]$`)

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

// ValidGSTIN checks the format and the check character, and says which
// one failed. (Whether the state code names a State is the caller's
// check: this package does not hold the list of States.)
func ValidGSTIN(s string) error {
	switch {
	case len(s) != 15:
		return fmt.Errorf("invalid GSTIN %q: a GSTIN has 15 characters, this has %d", s, len(s))
	case !gstinRE.MatchString(s):
		return fmt.Errorf("invalid GSTIN %q: want a 2-digit state code, a 10-character PAN, an entity number, Z and a check character, like 27AAPFU0939F1ZV", s)
	}
	if want := GSTINCheckChar(s[:14]); want != s[14] {
		return fmt.Errorf("invalid GSTIN %q: the check character (last) is %c but the first 14 characters give %c; check for a typo", s, s[14], want)
	}
	return nil
}

// ValidPAN checks a PAN's format (AAAAA9999A).
func ValidPAN(s string) error {
	if !panRE.MatchString(s) {
		return fmt.Errorf("invalid PAN %q: want 5 letters, 4 digits and a letter, like ABCDE1234F", s)
	}
	return nil
}

// MaskPAN keeps the last four characters: "XXXXXX234F".
func MaskPAN(s string) string {
	if len(s) <= 4 {
		return s
	}
	b := []byte(s)
	for i := 0; i < len(b)-4; i++ {
		b[i] = 'X'
	}
	return string(b)
}
