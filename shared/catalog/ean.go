package catalog

import "fmt"

// gs1India is the GS1 prefix of India. Real producers get a company prefix
// under it from GS1 India; the seed's numbers are derived from SKUs instead
// (BarcodeForSKU), so a producer's own GS1 barcode should replace them
// before those goods are sold.
const gs1India = "890"

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// checkDigit is the GS1 mod-10 check digit of 12 digits: weights 1,3,1,3…
// from the left.
func checkDigit(d12 string) byte {
	sum := 0
	for i := 0; i < 12; i++ {
		w := 1
		if i%2 == 1 {
			w = 3
		}
		sum += int(d12[i]-'0') * w
	}
	return byte('0' + (10-sum%10)%10)
}

// EAN13 appends the GS1 check digit to 12 digits.
func EAN13(first12 string) (string, error) {
	if len(first12) != 12 || !allDigits(first12) {
		return "", fmt.Errorf("EAN-13 body %q: want exactly 12 digits", first12)
	}
	return first12 + string(checkDigit(first12)), nil
}

// ValidEAN13 checks that code is 13 digits with a correct check digit, the
// test a scanner's misread or a typed-in typo fails.
func ValidEAN13(code string) error {
	if len(code) != 13 || !allDigits(code) {
		return fmt.Errorf("barcode %q: want 13 digits (EAN-13)", code)
	}
	if want := checkDigit(code[:12]); code[12] != want {
		return fmt.Errorf("barcode %q: check digit is %c, want %c", code, code[12], want)
	}
	return nil
}

// BarcodeForSKU derives a stable EAN-13 from a seed SKU such as
// "UP-MBD-001": 890, then six digits for the state and district —
// GSTcode×26³ + the three district letters read in base 26 — then the
// three-digit serial, then the check digit. The mapping is one-to-one
// (26³ district codes per state, GST codes unique), so distinct SKUs always
// get distinct barcodes; using GST codes rather than list positions keeps
// the numbers stable if the list of States ever changes.
func BarcodeForSKU(sku string) (string, error) {
	if !skuRE.MatchString(sku) {
		return "", fmt.Errorf("SKU %q: want the form UP-MBD-001", sku)
	}
	st, ok := StateByCode(sku[:2])
	if !ok {
		return "", fmt.Errorf("SKU %q: unknown state %q", sku, sku[:2])
	}
	n := int(st.GSTCode[0]-'0')*10 + int(st.GSTCode[1]-'0')
	for _, c := range sku[3:6] {
		n = n*26 + int(c-'A')
	}
	if n >= 1_000_000 {
		return "", fmt.Errorf("SKU %q: GST state code %s too large for the barcode scheme", sku, st.GSTCode)
	}
	return EAN13(fmt.Sprintf("%s%06d%s", gs1India, n, sku[7:10]))
}
