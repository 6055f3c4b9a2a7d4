package sales

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Master data is what the department keeps by hand: customers with their
// shipment information, the catalogue and its prices, users and markets.
// Every change is audited (AuditEntry).

// CustomerRecord is a customer as the SSG keeps it; credit (limit, rating,
// freeze) is the credit area's and is left as it is.
type CustomerRecord struct {
	ID               string   `json:"id"`
	Name             string   `json:"name"`
	Market           string   `json:"market"`
	KAMID            string   `json:"kam_id"`
	PaymentTermsDays int      `json:"payment_terms_days"`
	Currency         Currency `json:"currency"`
	Active           bool     `json:"active"`
}

// MaxPaymentTermsDays bounds a customer's payment terms.
const MaxPaymentTermsDays = 365

// Validate checks a customer record's fields.
func (c CustomerRecord) Validate() Problems {
	var p Problems
	p.code("id", c.ID)
	p.Text("name", c.Name, MaxName, true)
	p.code("market", c.Market)
	p.code("kam_id", c.KAMID)
	if c.PaymentTermsDays < 0 || c.PaymentTermsDays > MaxPaymentTermsDays {
		p.Add("payment_terms_days", "must be between 0 and %d", MaxPaymentTermsDays)
	}
	if !c.Currency.Valid() {
		p.Add("currency", "must be an ISO 4217 code like CNY")
	}
	return p
}

var codePattern = regexp.MustCompile(`^[A-Za-z0-9\p{Han}][A-Za-z0-9\p{Han}._/-]*$`)

// code adds a problem when v is not a code: letters, digits, Chinese
// characters and ._/- , at most MaxCode characters.
func (p *Problems) code(field, v string) {
	if why := TextProblem(v, MaxCode, true); why != "" {
		p.Add(field, "%s", why)
	} else if !codePattern.MatchString(v) {
		p.Add(field, "%q is not a code: letters, digits, Chinese characters and . _ / - only", v)
	}
}

// ShipTo is one of a customer's ship-to addresses: a row of the shipment
// information table (客户储运信息维护表).
type ShipTo struct {
	Code           string `json:"code"` // the address's key within the customer: "1", "WH-South"
	Address        string `json:"address"`
	Consignee      string `json:"consignee,omitempty"`
	Phone          string `json:"phone,omitempty"`
	UnloadingNotes string `json:"unloading_notes,omitempty"`
	Carrier        string `json:"carrier,omitempty"` // preferred carrier
	Default        bool   `json:"default"`
}

// Sizes of shipment information.
const (
	MaxAddress    = 500
	MaxPhone      = 64
	MaxShipTos    = 50 // addresses of one customer
	MaxNotesShort = 500
)

// ShipmentInfo is a customer's shipment information: the current one, or as
// kept for a month.
type ShipmentInfo struct {
	CustomerID string   `json:"customer_id"`
	Month      string   `json:"month,omitempty"` // "" = the current information
	Addresses  []ShipTo `json:"addresses"`
}

// ValidateShipTos checks a customer's addresses: codes unique, exactly one
// default when there is any address.
func ValidateShipTos(addrs []ShipTo) Problems {
	var p Problems
	if len(addrs) > MaxShipTos {
		p.Add("addresses", "at most %d addresses", MaxShipTos)
	}
	seen := map[string]bool{}
	defaults := 0
	for i, a := range addrs {
		f := fmt.Sprintf("addresses[%d].", i)
		p.code(f+"code", a.Code)
		if seen[a.Code] {
			p.Add(f+"code", "address %q appears twice", a.Code)
		}
		seen[a.Code] = true
		p.Text(f+"address", a.Address, MaxAddress, true)
		p.Text(f+"consignee", a.Consignee, MaxName, false)
		p.Text(f+"phone", a.Phone, MaxPhone, false)
		p.Text(f+"unloading_notes", a.UnloadingNotes, MaxNotesShort, false)
		p.Text(f+"carrier", a.Carrier, MaxCarrier, false)
		if a.Default {
			defaults++
		}
	}
	if len(addrs) > 0 && defaults != 1 {
		p.Add("addresses", "exactly one address must be the default (%d are)", defaults)
	}
	return p
}

// DefaultShipTo is the default address of addrs, "" without one.
func DefaultShipTo(addrs []ShipTo) string {
	for _, a := range addrs {
		if a.Default {
			return a.Address
		}
	}
	return ""
}

// ShipmentInfoVersion is a month's kept version of the shipment information.
type ShipmentInfoVersion struct {
	Month     string    `json:"month"`
	KeptAt    time.Time `json:"kept_at"`
	KeptBy    string    `json:"kept_by"`
	Addresses int       `json:"addresses"`
}

// ValidateSKU checks a SKU's fields.
func ValidateSKU(k SKU) Problems {
	var p Problems
	p.code("code", k.Code)
	p.Text("name", k.Name, MaxName, true)
	p.Text("unit", k.Unit, MaxUnit, true)
	if k.ListPrice <= 0 || k.ListPrice > MaxUnitPrice {
		p.Add("list_price_fen", "must be more than 0 and at most %s", MaxUnitPrice)
	}
	if !k.Currency.Valid() {
		p.Add("currency", "must be an ISO 4217 code like CNY")
	}
	if k.TaxRate < 0 || k.TaxRate > 10000 {
		p.Add("tax_rate_bp", "must be between 0 and 10000 basis points")
	}
	return p
}

// PriceEntry is a price with its effective dates (Beijing dates,
// YYYY-MM-DD; EffectiveTo "" = open): of the price list when CustomerID is
// "", otherwise that customer's own price.
type PriceEntry struct {
	CustomerID    string   `json:"customer_id,omitempty"`
	SKU           string   `json:"sku"`
	Price         Fen      `json:"price_fen"`
	Currency      Currency `json:"currency"`
	EffectiveFrom string   `json:"effective_from"`
	EffectiveTo   string   `json:"effective_to,omitempty"`
}

// Validate checks a price entry's fields.
func (e PriceEntry) Validate() Problems {
	var p Problems
	if e.CustomerID != "" {
		p.code("customer_id", e.CustomerID)
	}
	p.code("sku", e.SKU)
	if e.Price <= 0 || e.Price > MaxUnitPrice {
		p.Add("price_fen", "must be more than 0 and at most %s", MaxUnitPrice)
	}
	if !e.Currency.Valid() {
		p.Add("currency", "must be an ISO 4217 code like CNY")
	}
	from, err := ParseDay(e.EffectiveFrom)
	if err != nil {
		p.Add("effective_from", "must be a date YYYY-MM-DD")
	}
	if e.EffectiveTo != "" {
		to, err := ParseDay(e.EffectiveTo)
		switch {
		case err != nil:
			p.Add("effective_to", "must be a date YYYY-MM-DD, or empty")
		case !from.IsZero() && to.Before(from):
			p.Add("effective_to", "is before effective_from")
		}
	}
	return p
}

// ParseDay reads a Beijing date YYYY-MM-DD as its midnight in Beijing.
func ParseDay(s string) (time.Time, error) { return time.ParseInLocation(time.DateOnly, s, Beijing) }

// BeijingDay is the Beijing date of t, YYYY-MM-DD.
func BeijingDay(t time.Time) string { return t.In(Beijing).Format(time.DateOnly) }

// NeedsSLT reports whether a new price is lower than the price in force by
// more than the discount authority: it then waits for an SLT member.
func NeedsSLT(price, inForce Fen, discountBasisPoints int64) bool {
	return inForce > 0 && price < MinPrice(inForce, discountBasisPoints)
}

// PriceChangeStatus is where a price change waiting for the SLT stands.
type PriceChangeStatus string

// Price change statuses.
const (
	PricePending  PriceChangeStatus = "pending"
	PriceApproved PriceChangeStatus = "approved"
	PriceRejected PriceChangeStatus = "rejected"
)

// PriceChange is a price lower than the one in force by more than the
// discount authority: it takes effect only when an SLT member other than
// its maker approves it.
type PriceChange struct {
	ID int64 `json:"id"`
	PriceEntry
	InForce     Fen               `json:"in_force_fen"` // the price in force on effective_from when it was asked
	Status      PriceChangeStatus `json:"status"`
	RequestedBy string            `json:"requested_by"`
	RequestedAt time.Time         `json:"requested_at"`
	DecidedBy   string            `json:"decided_by,omitempty"`
	DecidedAt   *time.Time        `json:"decided_at,omitempty"`
	Reason      string            `json:"reason,omitempty"`
}

// PriceSaved is the answer to saving a price: in force from its date, or
// pending the SLT's approval.
type PriceSaved struct {
	Entry   PriceEntry   `json:"entry"`
	InForce Fen          `json:"in_force_fen"` // before the change
	Pending *PriceChange `json:"pending,omitempty"`
	Changed bool         `json:"changed"` // false: the same entry was there already
}

// PriceDecision is an SLT member's answer to a pending price change.
type PriceDecision struct {
	Approve bool   `json:"approve"`
	Reason  string `json:"reason,omitempty"` // required to reject
}

// Validate checks a decision.
func (d PriceDecision) Validate() Problems {
	var p Problems
	p.Text("reason", d.Reason, MaxReason, !d.Approve)
	return p
}

// PricedSKU is a SKU with the price in force for a customer on a day and
// where that price comes from.
type PricedSKU struct {
	SKU
	Source string `json:"price_source"` // customer, price_list or sku
}

// Sources of a price in force.
const (
	PriceFromCustomer  = "customer"
	PriceFromPriceList = "price_list"
	PriceFromSKU       = "sku"
)

// UserRecord is a user as the admin keeps them.
type UserRecord struct {
	User
	Markets []string `json:"markets,omitempty"` // covered besides Market
	Active  bool     `json:"active"`
}

// Validate checks a user record's fields.
func (u UserRecord) Validate() Problems {
	var p Problems
	p.code("id", u.ID)
	p.Text("name", u.Name, MaxName, true)
	p.Text("email", u.Email, MaxName, false)
	if u.Email != "" && !strings.Contains(u.Email, "@") {
		p.Add("email", "%q is not an email address", u.Email)
	}
	if !u.Role.Valid() {
		p.Add("role", "must be one of ssg, fsf, finance, logistics, slt, admin")
	}
	p.Text("title", string(u.Title), MaxCode, true)
	if u.Market != "" {
		p.code("market", u.Market)
	}
	if u.ManagerID != "" {
		p.code("manager_id", u.ManagerID)
		if u.ManagerID == u.ID {
			p.Add("manager_id", "a user cannot be their own manager")
		}
	}
	for i, m := range u.Markets {
		p.code(fmt.Sprintf("markets[%d]", i), m)
		if m == u.Market || slices.Index(u.Markets, m) < i {
			p.Add(fmt.Sprintf("markets[%d]", i), "market %s is named twice", m)
		}
	}
	return p
}

// MarketRecord is a market as the admin keeps it.
type MarketRecord struct {
	Market
}

// Validate checks a market record's fields.
func (m MarketRecord) Validate() Problems {
	var p Problems
	p.code("code", m.Code)
	p.Text("name", m.Name, MaxName, true)
	if m.MMID != "" {
		p.code("mm_id", m.MMID)
	}
	if m.SLTOwner != "" {
		p.code("slt_owner_id", m.SLTOwner)
	}
	return p
}

// KAMChange hands a customer to another KAM.
type KAMChange struct {
	KAMID  string `json:"kam_id"`
	Reason string `json:"reason,omitempty"`
}

// Validate checks a KAM change.
func (k KAMChange) Validate() Problems {
	var p Problems
	p.code("kam_id", k.KAMID)
	p.Text("reason", k.Reason, MaxReason, false)
	return p
}

// KAMHandover is one change of a customer's KAM, kept in its history.
type KAMHandover struct {
	ChangeID   string    `json:"change_id"` // names the ladder refresh of the customer's open orders
	CustomerID string    `json:"customer_id"`
	From       string    `json:"from_kam"`
	To         string    `json:"to_kam"`
	Reason     string    `json:"reason,omitempty"`
	By         string    `json:"changed_by"`
	At         time.Time `json:"changed_at"`
}

// Entities of the audit trail.
const (
	EntityCustomer      = "customer"
	EntityShipmentInfo  = "shipment_info"
	EntitySKU           = "sku"
	EntityPrice         = "price"          // key: sku/effective_from
	EntityCustomerPrice = "customer_price" // key: customer/sku/effective_from
	EntityPriceChange   = "price_change"   // key: its id
	EntityUser          = "user"
	EntityMarket        = "market"
)

// Actions of the audit trail.
const (
	AuditCreate     = "create"
	AuditUpdate     = "update"
	AuditDeactivate = "deactivate"
	AuditKAMChange  = "kam_change"
	AuditKeepMonth  = "keep_month"
	AuditRequest    = "request" // a price change waiting for the SLT
	AuditApprove    = "approve"
	AuditReject     = "reject"
)

// AuditEntry is one change to master data: who, when, what before and after.
type AuditEntry struct {
	ID     int64           `json:"id"`
	Entity string          `json:"entity"`
	Key    string          `json:"key"`
	Action string          `json:"action"`
	Actor  string          `json:"actor"`
	At     time.Time       `json:"at"`
	Before json.RawMessage `json:"before,omitempty"`
	After  json.RawMessage `json:"after,omitempty"`
}

// NewAuditEntry records a change of entity key by actor at at, before and
// after as JSON (nil: none).
func NewAuditEntry(entity, key, action, actor string, at time.Time, before, after any) (AuditEntry, error) {
	e := AuditEntry{Entity: entity, Key: key, Action: action, Actor: actor, At: at}
	var err error
	if e.Before, err = rawJSON(before); err != nil {
		return e, err
	}
	e.After, err = rawJSON(after)
	return e, err
}

func rawJSON(v any) (json.RawMessage, error) {
	if v == nil {
		return nil, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("audit: encode: %w", err)
	}
	return b, nil
}

// InForce returns the entry of entries (one SKU's, of the price list or of
// one customer) in force on day (YYYY-MM-DD): the one with the latest
// effective_from on or before day that has not ended before it.
func InForce(entries []PriceEntry, day string) (PriceEntry, bool) {
	var best PriceEntry
	found := false
	for _, e := range entries {
		if e.EffectiveFrom > day || (e.EffectiveTo != "" && e.EffectiveTo < day) {
			continue
		}
		if !found || e.EffectiveFrom > best.EffectiveFrom {
			best, found = e, true
		}
	}
	return best, found
}

// PriceFilter selects price entries: the price list's (Customers false) or
// customers' own; of one customer and one SKU when set.
type PriceFilter struct {
	Customers   bool
	CustomerID  string
	SKU         string
	CustomerIDs []string // nil: any
	SKUs        []string // nil: any
}
