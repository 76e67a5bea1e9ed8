package gstr

// INV-01, the e-invoice schema (version 1.1) the IRP takes: field names
// and rules from the NIC schema as public code uses it
// (research/gst_compliance.md §4.2). Amounts are JSON numbers.

// EInvoice is one INV-01 document.
type EInvoice struct {
	Version    string      `json:"Version"`
	TranDtls   TranDtls    `json:"TranDtls"`
	DocDtls    DocDtls     `json:"DocDtls"`
	SellerDtls Party       `json:"SellerDtls"`
	BuyerDtls  Party       `json:"BuyerDtls"`
	ItemList   []EInvItem  `json:"ItemList"`
	ValDtls    ValDtls     `json:"ValDtls"`
	RefDtls    *RefDtls    `json:"RefDtls,omitempty"`
	EwbDtls    interface{} `json:"EwbDtls,omitempty"`
}

// TranDtls is the transaction: tax scheme and supply type.
type TranDtls struct {
	TaxSch      string `json:"TaxSch"` // GST
	SupTyp      string `json:"SupTyp"` // B2B
	RegRev      string `json:"RegRev"` // reverse charge: N
	IgstOnIntra string `json:"IgstOnIntra"`
}

// DocDtls is the document: type, number, date (DD/MM/YYYY).
type DocDtls struct {
	Typ string `json:"Typ"` // INV, CRN, DBN
	No  string `json:"No"`
	Dt  string `json:"Dt"`
}

// Party is the seller or the buyer.
type Party struct {
	Gstin string `json:"Gstin"`
	LglNm string `json:"LglNm"`
	TrdNm string `json:"TrdNm,omitempty"`
	Pos   string `json:"Pos,omitempty"` // buyer: place of supply, State code
	Addr1 string `json:"Addr1"`
	Loc   string `json:"Loc"`
	Pin   int    `json:"Pin"`
	Stcd  string `json:"Stcd"`
}

// EInvItem is one line.
type EInvItem struct {
	SlNo       string `json:"SlNo"`
	PrdDesc    string `json:"PrdDesc"`
	IsServc    string `json:"IsServc"`
	HsnCd      string `json:"HsnCd"`
	Qty        int64  `json:"Qty"`
	Unit       string `json:"Unit"`
	UnitPrice  Price  `json:"UnitPrice"`
	TotAmt     Amt    `json:"TotAmt"`
	Discount   Amt    `json:"Discount"`
	AssAmt     Amt    `json:"AssAmt"`
	GstRt      Rate   `json:"GstRt"`
	IgstAmt    Amt    `json:"IgstAmt"`
	CgstAmt    Amt    `json:"CgstAmt"`
	SgstAmt    Amt    `json:"SgstAmt"`
	CesRt      Rate   `json:"CesRt"`
	CesAmt     Amt    `json:"CesAmt"`
	OthChrg    Amt    `json:"OthChrg"`
	TotItemVal Amt    `json:"TotItemVal"`
}

// ValDtls is the document's totals.
type ValDtls struct {
	AssVal    Amt `json:"AssVal"`
	CgstVal   Amt `json:"CgstVal"`
	SgstVal   Amt `json:"SgstVal"`
	IgstVal   Amt `json:"IgstVal"`
	CesVal    Amt `json:"CesVal"`
	Discount  Amt `json:"Discount"`
	OthChrg   Amt `json:"OthChrg"`
	RndOffAmt Amt `json:"RndOffAmt"`
	TotInvVal Amt `json:"TotInvVal"`
}

// RefDtls names the invoice a credit note adjusts.
type RefDtls struct {
	PrecDocDtls []PrecDoc `json:"PrecDocDtls"`
}

// PrecDoc is a preceding document.
type PrecDoc struct {
	InvNo string `json:"InvNo"`
	InvDt string `json:"InvDt"`
}

// Price is a unit price in thousandths of a rupee (the schema allows
// three decimals), written as a number.
type Price int64

// MarshalJSON writes 123.457.
func (p Price) MarshalJSON() ([]byte, error) {
	neg := p < 0
	if neg {
		p = -p
	}
	s := itoa(int64(p)/1000) + "." + pad3(int64(p)%1000)
	if neg {
		s = "-" + s
	}
	return []byte(s), nil
}

func itoa(n int64) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

func pad3(n int64) string {
	s := itoa(n)
	for len(s) < 3 {
		s = "0" + s
	}
	return s
}
