package gstr

// The GSTR-1 JSON in the shape the GST portal's offline tool imports:
// key names from the portal's schema as public generators use them
// (research/gst_compliance.md §5.1-5.2). Tax heads a supply does not
// carry are left out (iamt on an intra-State row, camt/samt on an
// inter-State one), as the portal's own downloads do.

// Return is one GSTR-1: a mall's GSTIN and one month.
type Return struct {
	GSTIN    string      `json:"gstin"`
	FP       string      `json:"fp"`
	Version  string      `json:"version"`
	Hash     string      `json:"hash"`
	B2B      []B2BParty  `json:"b2b"`
	B2CL     []B2CLPlace `json:"b2cl"`
	B2CS     []B2CSRow   `json:"b2cs"`
	CDNR     []CDNRParty `json:"cdnr"`
	CDNUR    []CDNURNote `json:"cdnur"`
	HSN      HSN         `json:"hsn"`
	DocIssue DocIssue    `json:"doc_issue"`
	// Amendments of earlier, filed periods (documents the hub booked after
	// their period was filed, or cancelled since).
	B2BA   []B2BParty   `json:"b2ba,omitempty"`
	B2CLA  []B2CLPlace  `json:"b2cla,omitempty"`
	B2CSA  []B2CSAGroup `json:"b2csa,omitempty"`
	CDNRA  []CDNRParty  `json:"cdnra,omitempty"`
	CDNURA []CDNURNote  `json:"cdnura,omitempty"`

	names map[string]string // buyers' names by GSTIN, for the CSVs
}

// Tax is the tax heads of a row; nil heads are not charged on it.
type Tax struct {
	Txval Amt  `json:"txval"`
	Iamt  *Amt `json:"iamt,omitempty"`
	Camt  *Amt `json:"camt,omitempty"`
	Samt  *Amt `json:"samt,omitempty"`
	Csamt Amt  `json:"csamt"`
}

// ItmDet is one rate of a document.
type ItmDet struct {
	Rt Rate `json:"rt"`
	Tax
}

// Item numbers a rate's row within a document.
type Item struct {
	Num    int    `json:"num"`
	ItmDet ItmDet `json:"itm_det"`
}

// B2BParty groups a registered buyer's invoices (b2b, b2ba).
type B2BParty struct {
	CTIN string   `json:"ctin"`
	Inv  []B2BInv `json:"inv"`
}

// B2BInv is one invoice to a registered buyer.
type B2BInv struct {
	OInum  string `json:"oinum,omitempty"` // amendments: the invoice amended
	OIdt   string `json:"oidt,omitempty"`
	Inum   string `json:"inum"`
	Idt    string `json:"idt"`
	Val    Amt    `json:"val"`
	Pos    string `json:"pos"`
	Rchrg  string `json:"rchrg"`
	InvTyp string `json:"inv_typ"`
	Itms   []Item `json:"itms"`
}

// B2CLPlace groups large inter-State invoices to unregistered buyers by
// place of supply.
type B2CLPlace struct {
	Pos string    `json:"pos"`
	Inv []B2CLInv `json:"inv"`
}

// B2CLInv is one such invoice.
type B2CLInv struct {
	OInum string `json:"oinum,omitempty"`
	OIdt  string `json:"oidt,omitempty"`
	Inum  string `json:"inum"`
	Idt   string `json:"idt"`
	Val   Amt    `json:"val"`
	Itms  []Item `json:"itms"`
}

// B2CSRow is the other supplies to unregistered buyers, net of their
// credit notes, by type of supply, place of supply and rate.
type B2CSRow struct {
	SplyTy string `json:"sply_ty"` // INTRA, INTER
	Typ    string `json:"typ"`     // OE: not through an e-commerce operator
	Pos    string `json:"pos"`
	Rt     Rate   `json:"rt"`
	Tax
}

// B2CSAGroup restates an earlier month's b2cs rows for one place of
// supply (Table 10).
type B2CSAGroup struct {
	Omon   string   `json:"omon"` // the month amended, MMYYYY
	SplyTy string   `json:"sply_ty"`
	Typ    string   `json:"typ"`
	Pos    string   `json:"pos"`
	Itms   []ItmDet `json:"itms"`
}

// CDNRParty groups a registered buyer's credit notes (cdnr, cdnra).
type CDNRParty struct {
	CTIN string     `json:"ctin"`
	Nt   []CDNRNote `json:"nt"`
}

// CDNRNote is one credit note to a registered buyer.
type CDNRNote struct {
	ONtNum string `json:"ont_num,omitempty"`
	ONtDt  string `json:"ont_dt,omitempty"`
	Ntty   string `json:"ntty"` // C: credit note
	NtNum  string `json:"nt_num"`
	NtDt   string `json:"nt_dt"`
	Val    Amt    `json:"val"`
	Pos    string `json:"pos"`
	Rchrg  string `json:"rchrg"`
	InvTyp string `json:"inv_typ"`
	Itms   []Item `json:"itms"`
}

// CDNURNote is a credit note to an unregistered buyer against a b2cl
// invoice.
type CDNURNote struct {
	ONtNum string `json:"ont_num,omitempty"`
	ONtDt  string `json:"ont_dt,omitempty"`
	Typ    string `json:"typ"` // B2CL
	Ntty   string `json:"ntty"`
	NtNum  string `json:"nt_num"`
	NtDt   string `json:"nt_dt"`
	Val    Amt    `json:"val"`
	Pos    string `json:"pos"`
	Itms   []Item `json:"itms"`
}

// HSN is Table 12, split into B2B and B2C supplies.
type HSN struct {
	B2B []HSNRow `json:"hsn_b2b"`
	B2C []HSNRow `json:"hsn_b2c"`
}

// HSNRow is one HSN × unit × rate, net of credit notes.
type HSNRow struct {
	Num   int    `json:"num"`
	HSNSc string `json:"hsn_sc"`
	Desc  string `json:"desc"`
	UQC   string `json:"uqc"`
	Qty   int64  `json:"qty"`
	Rt    Rate   `json:"rt"`
	Txval Amt    `json:"txval"`
	Iamt  Amt    `json:"iamt"`
	Camt  Amt    `json:"camt"`
	Samt  Amt    `json:"samt"`
	Csamt Amt    `json:"csamt"`
}

// DocIssue is Table 13, the serial ranges of documents issued.
type DocIssue struct {
	DocDet []DocDet `json:"doc_det"`
}

// DocDet is one nature of document.
type DocDet struct {
	DocNum int        `json:"doc_num"` // 1 invoices, 5 credit notes, 12 delivery challans (other)
	DocTyp string     `json:"doc_typ"`
	Docs   []DocRange `json:"docs"`
}

// DocRange is one series.
type DocRange struct {
	Num      int    `json:"num"`
	From     string `json:"from"`
	To       string `json:"to"`
	TotNum   int64  `json:"totnum"`
	Cancel   int64  `json:"cancel"`
	NetIssue int64  `json:"net_issue"`
}
