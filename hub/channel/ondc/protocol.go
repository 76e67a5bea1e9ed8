package ondc

import "encoding/json"

// The subset of the ONDC retail API (Beckn core 1.2.0 as ONDC profiles it)
// the hub speaks as a seller app (BPP). Field names are the
// specification's; what the hub does not use is not modelled and is
// ignored on input.

// CoreVersion is the protocol version the hub answers with.
const CoreVersion = "1.2.0"

// Context is every message's context.
type Context struct {
	Domain        string `json:"domain"`
	Country       string `json:"country"`
	City          string `json:"city"`
	Action        string `json:"action"`
	CoreVersion   string `json:"core_version"`
	BapID         string `json:"bap_id"`
	BapURI        string `json:"bap_uri"`
	BppID         string `json:"bpp_id,omitempty"`
	BppURI        string `json:"bpp_uri,omitempty"`
	TransactionID string `json:"transaction_id"`
	MessageID     string `json:"message_id"`
	Timestamp     string `json:"timestamp"`
	TTL           string `json:"ttl,omitempty"`
}

// Request is an inbound call: its context and the action's message.
type Request struct {
	Context Context         `json:"context"`
	Message json.RawMessage `json:"message"`
}

// Callback is an outbound on_* call.
type Callback struct {
	Context Context `json:"context"`
	Message any     `json:"message,omitempty"`
	Error   *Error  `json:"error,omitempty"`
}

// Ack is the synchronous answer to every call.
type Ack struct {
	Message struct {
		Ack struct {
			Status string `json:"status"` // ACK or NACK
		} `json:"ack"`
	} `json:"message"`
	Error *Error `json:"error,omitempty"`
}

// Error is a Beckn error. Codes are ONDC's retail error codes.
type Error struct {
	Type    string `json:"type"` // CONTEXT-ERROR, CORE-ERROR, DOMAIN-ERROR, POLICY-ERROR, JSON-SCHEMA-ERROR
	Code    string `json:"code"`
	Message string `json:"message"`
}

// ONDC retail error codes the hub sends.
const (
	CodeInvalidRequest   = "10001" // invalid request (JSON schema / context)
	CodeAuthFailed       = "10002" // invalid signature
	CodeItemNotFound     = "30004" // item not found
	CodeOrderNotFound    = "30005" // order not found
	CodeQtyUnavailable   = "40002" // item quantity unavailable
	CodeCancelNotAllowed = "50001" // cancellation not possible
	CodeInternal         = "31001" // internal error
)

func ack() Ack {
	var a Ack
	a.Message.Ack.Status = "ACK"
	return a
}

func nack(e Error) Ack {
	var a Ack
	a.Message.Ack.Status = "NACK"
	a.Error = &e
	return a
}

// Descriptor names a thing.
type Descriptor struct {
	Name      string   `json:"name,omitempty"`
	Code      string   `json:"code,omitempty"`
	ShortDesc string   `json:"short_desc,omitempty"`
	LongDesc  string   `json:"long_desc,omitempty"`
	Images    []string `json:"images,omitempty"`
}

// Price is an amount in rupees as a decimal string.
type Price struct {
	Currency     string `json:"currency"`
	Value        string `json:"value"`
	MaximumValue string `json:"maximum_value,omitempty"`
}

// Tag is a Beckn tag group: a code and its list of code/value pairs.
type Tag struct {
	Code string    `json:"code"`
	List []TagPair `json:"list"`
}

// TagPair is one entry of a tag group.
type TagPair struct {
	Code  string `json:"code"`
	Value string `json:"value"`
}

// Quantity of an item: a count, or what is available or maximum.
type Quantity struct {
	Count     *int64    `json:"count,omitempty"`
	Available *QtyCount `json:"available,omitempty"`
	Maximum   *QtyCount `json:"maximum,omitempty"`
}

// QtyCount is {"count": "n"}: ONDC writes catalog counts as strings.
type QtyCount struct {
	Count string `json:"count"`
}

// Item is a catalog item or an order line.
type Item struct {
	ID             string      `json:"id"`
	Descriptor     *Descriptor `json:"descriptor,omitempty"`
	Price          *Price      `json:"price,omitempty"`
	Quantity       *Quantity   `json:"quantity,omitempty"`
	CategoryID     string      `json:"category_id,omitempty"`
	FulfillmentID  string      `json:"fulfillment_id,omitempty"`
	LocationID     string      `json:"location_id,omitempty"`
	Returnable     *bool       `json:"@ondc/org/returnable,omitempty"`
	Cancellable    *bool       `json:"@ondc/org/cancellable,omitempty"`
	ReturnWindow   string      `json:"@ondc/org/return_window,omitempty"`
	TimeToShip     string      `json:"@ondc/org/time_to_ship,omitempty"`
	AvailableOnCOD *bool       `json:"@ondc/org/available_on_cod,omitempty"`
	Tags           []Tag       `json:"tags,omitempty"`
}

// Provider is the seller: the hub, on behalf of its malls.
type Provider struct {
	ID         string      `json:"id"`
	Descriptor *Descriptor `json:"descriptor,omitempty"`
	Locations  []Location  `json:"locations,omitempty"`
	Items      []Item      `json:"items,omitempty"`
}

// Location is a place: a mall, or where an order goes.
type Location struct {
	ID      string   `json:"id,omitempty"`
	GPS     string   `json:"gps,omitempty"`
	Address *Address `json:"address,omitempty"`
}

// Address is a postal address; AreaCode is the PIN code. ONDC writes the
// State by name ("Karnataka"); the hub accepts a name or a two-letter code.
type Address struct {
	Name     string `json:"name,omitempty"`
	Building string `json:"building,omitempty"`
	Street   string `json:"street,omitempty"`
	Locality string `json:"locality,omitempty"`
	City     string `json:"city,omitempty"`
	State    string `json:"state,omitempty"`
	Country  string `json:"country,omitempty"`
	AreaCode string `json:"area_code,omitempty"`
}

// Contact of the buyer.
type Contact struct {
	Phone string `json:"phone,omitempty"`
	Email string `json:"email,omitempty"`
}

// Stop is a fulfillment's start or end.
type Stop struct {
	Location *Location `json:"location,omitempty"`
	Contact  *Contact  `json:"contact,omitempty"`
	Person   *struct {
		Name string `json:"name,omitempty"`
	} `json:"person,omitempty"`
}

// State is an order's or a fulfillment's state.
type State struct {
	Descriptor Descriptor `json:"descriptor"`
	UpdatedAt  string     `json:"updated_at,omitempty"`
}

// Fulfillment is how (part of) an order reaches the buyer. The hub makes
// one per mall that ships a part of the order; its id is the mall's id.
type Fulfillment struct {
	ID           string `json:"id,omitempty"`
	Type         string `json:"type,omitempty"`
	ProviderName string `json:"@ondc/org/provider_name,omitempty"`
	AWB          string `json:"@ondc/org/awb_no,omitempty"`
	State        *State `json:"state,omitempty"`
	Tracking     *bool  `json:"tracking,omitempty"`
	Start        *Stop  `json:"start,omitempty"`
	End          *Stop  `json:"end,omitempty"`
	Tags         []Tag  `json:"tags,omitempty"`
}

// Billing is who pays.
type Billing struct {
	Name    string   `json:"name,omitempty"`
	Address *Address `json:"address,omitempty"`
	Phone   string   `json:"phone,omitempty"`
	Email   string   `json:"email,omitempty"`
	TaxID   string   `json:"tax_number,omitempty"`
}

// Payment: the buyer app collects (ON-ORDER, collected by the BAP) and
// settles to the seller by its settlement file (see the channel's
// settlement import).
type Payment struct {
	Type        string         `json:"type,omitempty"`
	CollectedBy string         `json:"collected_by,omitempty"`
	Status      string         `json:"status,omitempty"`
	Params      *PaymentParams `json:"params,omitempty"`
}

// PaymentParams of a payment.
type PaymentParams struct {
	Amount        string `json:"amount,omitempty"`
	Currency      string `json:"currency,omitempty"`
	TransactionID string `json:"transaction_id,omitempty"`
}

// Breakup is one line of a quote.
type Breakup struct {
	ItemID    string    `json:"@ondc/org/item_id"`
	ItemQty   *QtyCount `json:"@ondc/org/item_quantity,omitempty"`
	TitleType string    `json:"@ondc/org/title_type"` // item, tax, delivery, ...
	Title     string    `json:"title"`
	Price     Price     `json:"price"`
	Item      *Item     `json:"item,omitempty"`
}

// Quote is the price of a selection or an order.
type Quote struct {
	Price   Price     `json:"price"`
	Breakup []Breakup `json:"breakup"`
	TTL     string    `json:"ttl,omitempty"`
}

// Order is what select, init and confirm carry and what on_* answer.
type Order struct {
	ID           string        `json:"id,omitempty"`
	State        string        `json:"state,omitempty"` // Created, Accepted, In-progress, Completed, Cancelled
	Provider     *Provider     `json:"provider,omitempty"`
	Items        []Item        `json:"items,omitempty"`
	Fulfillments []Fulfillment `json:"fulfillments,omitempty"`
	Billing      *Billing      `json:"billing,omitempty"`
	Quote        *Quote        `json:"quote,omitempty"`
	Payment      *Payment      `json:"payment,omitempty"`
	Cancellation *Cancellation `json:"cancellation,omitempty"`
	Tags         []Tag         `json:"tags,omitempty"`
	CreatedAt    string        `json:"created_at,omitempty"`
	UpdatedAt    string        `json:"updated_at,omitempty"`
}

// Cancellation says who cancelled and why.
type Cancellation struct {
	CancelledBy string      `json:"cancelled_by"`
	Reason      *Descriptor `json:"reason,omitempty"`
}

// Catalog is on_search's answer.
type Catalog struct {
	Descriptor Descriptor `json:"bpp/descriptor"`
	Providers  []Provider `json:"bpp/providers"`
}

// Intent is what a search asks for.
type Intent struct {
	Item *struct {
		Descriptor *Descriptor `json:"descriptor,omitempty"`
	} `json:"item,omitempty"`
	Category *struct {
		ID string `json:"id,omitempty"`
	} `json:"category,omitempty"`
	Fulfillment *Fulfillment `json:"fulfillment,omitempty"`
}

// The messages of each action.
type (
	SearchMsg struct {
		Intent Intent `json:"intent"`
	}
	OrderMsg struct {
		Order Order `json:"order"`
	}
	StatusMsg struct {
		OrderID string `json:"order_id"`
	}
	CancelMsg struct {
		OrderID              string `json:"order_id"`
		CancellationReasonID string `json:"cancellation_reason_id"`
	}
	CatalogMsg struct {
		Catalog Catalog `json:"catalog"`
	}
)
