package sales

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// OrderRequest is an order as it enters OSB (OP1): who orders what, at which
// price, for when.
type OrderRequest struct {
	ClientRef     string        `json:"client_ref,omitempty"` // the customer's own reference; idempotent
	CustomerID    string        `json:"customer_id"`
	Currency      Currency      `json:"currency,omitempty"`
	RequestedDate string        `json:"requested_date,omitempty"` // YYYY-MM-DD
	Lines         []LineRequest `json:"lines"`
	POP           []POPRequest  `json:"pop,omitempty"`
	Note          string        `json:"note,omitempty"`
}

// OrderClaim names an order request: the same claim twice is the same
// order. Kind is ClaimClientRef (scope: the customer) or
// ClaimIdempotencyKey (scope: the user who sent it).
type OrderClaim struct {
	Kind  string
	Scope string
	Key   string
}

// Kinds of OrderClaim.
const (
	ClaimClientRef      = "client_ref"
	ClaimIdempotencyKey = "idempotency_key"
)

// Hash identifies the request's content: two requests with the same hash
// ask for the same order.
func (r OrderRequest) Hash() string {
	b, err := json.Marshal(r)
	if err != nil {
		panic(err) // a struct of strings and numbers always encodes
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// LineRequest is one ordered line.
type LineRequest struct {
	SKU       string `json:"sku"`
	Quantity  int64  `json:"quantity"`
	UnitPrice Fen    `json:"unit_price_fen"`
	// TaxRate is the SKU's VAT rate when the order was registered (zero in
	// orders of before VAT: the default rate).
	TaxRate TaxRate `json:"tax_rate_bp,omitempty"`
}

// POPRequest is point-of-purchase material ordered with the goods: shipped, not
// billed.
type POPRequest struct {
	Item     string `json:"item"`
	Quantity int64  `json:"quantity"`
}

// Catalog is what an order is validated against: the customer and the SKUs it
// names, as the store found them (missing ones are absent).
type Catalog struct {
	Customer *Customer
	SKUs     map[string]SKU
}

var clientRefPattern = regexp.MustCompile(`^[A-Za-z0-9._/-]{1,64}$`)

// Normalize fills defaults (currency) and trims text.
func (r *OrderRequest) Normalize() {
	r.ClientRef = strings.TrimSpace(r.ClientRef)
	r.CustomerID = strings.TrimSpace(r.CustomerID)
	if r.Currency == "" {
		r.Currency = CNY
	}
	for i := range r.Lines {
		r.Lines[i].SKU = strings.TrimSpace(r.Lines[i].SKU)
	}
}

// ValidateShape reports every problem that needs no catalog.
func (r OrderRequest) ValidateShape(today time.Time) Problems {
	var p Problems
	p.Text("customer_id", r.CustomerID, MaxCode, true)
	if r.ClientRef != "" && !clientRefPattern.MatchString(r.ClientRef) {
		p.Add("client_ref", "must be 1–64 letters, digits or . _ / -")
	}
	if !r.Currency.Valid() {
		p.Add("currency", "must be a three-letter ISO 4217 code")
	}
	if r.RequestedDate != "" {
		d, err := time.Parse(time.DateOnly, r.RequestedDate)
		if err != nil {
			p.Add("requested_date", "must be a date like 2026-12-01")
		} else if d.Before(today.Truncate(Day).Add(-Day)) {
			p.Add("requested_date", "must not be in the past")
		}
	}
	if len(r.Lines) == 0 {
		p.Add("lines", "at least one line is required")
	}
	if len(r.Lines) > 200 {
		p.Add("lines", "at most 200 lines per order")
	}
	seen := map[string]bool{}
	for i, l := range r.Lines {
		f := fmt.Sprintf("lines[%d]", i)
		n := len(p)
		p.Text(f+".sku", l.SKU, MaxCode, true)
		if len(p) == n && seen[l.SKU] {
			p.Add(f+".sku", "%s appears twice; put the quantity on one line", l.SKU)
		}
		seen[l.SKU] = true
		if l.Quantity <= 0 {
			p.Add(f+".quantity", "must be positive")
		} else if l.Quantity > 1_000_000 {
			p.Add(f+".quantity", "must be at most 1000000")
		}
		if l.UnitPrice <= 0 {
			p.Add(f+".unit_price_fen", "must be positive")
		} else if l.UnitPrice > MaxUnitPrice {
			p.Add(f+".unit_price_fen", "must be at most %d", MaxUnitPrice)
		}
	}
	for i, pop := range r.POP {
		f := fmt.Sprintf("pop[%d]", i)
		p.Text(f+".item", pop.Item, MaxCode, true)
		if pop.Quantity <= 0 {
			p.Add(f+".quantity", "must be positive")
		} else if pop.Quantity > 1_000_000 {
			p.Add(f+".quantity", "must be at most 1000000")
		}
	}
	p.Text("note", r.Note, MaxNote, false)
	return p
}

// ValidateAgainst reports every problem against the catalog (OP2): customer
// known and active, SKUs known and active, prices equal the list price or
// within the discount authority, currency the customer's.
func (r OrderRequest) ValidateAgainst(c Catalog, discountBasisPoints int64) Problems {
	var p Problems
	switch {
	case c.Customer == nil:
		if r.CustomerID != "" {
			p.Add("customer_id", "unknown customer %q", r.CustomerID)
		}
	case !c.Customer.Active:
		p.Add("customer_id", "customer %s is not active", r.CustomerID)
	case c.Customer.Currency != "" && c.Customer.Currency != r.Currency:
		p.Add("currency", "customer %s is billed in %s", r.CustomerID, c.Customer.Currency)
	}
	for i, l := range r.Lines {
		if l.SKU == "" {
			continue
		}
		f := fmt.Sprintf("lines[%d]", i)
		sku, ok := c.SKUs[l.SKU]
		if !ok {
			p.Add(f+".sku", "unknown SKU %q", l.SKU)
			continue
		}
		if !sku.Active {
			p.Add(f+".sku", "SKU %s is no longer sold", l.SKU)
		}
		if sku.Currency != "" && sku.Currency != r.Currency {
			p.Add(f+".unit_price_fen", "SKU %s is priced in %s", l.SKU, sku.Currency)
			continue
		}
		if l.UnitPrice <= 0 {
			continue
		}
		floor := MinPrice(sku.ListPrice, discountBasisPoints)
		if l.UnitPrice > sku.ListPrice {
			p.Add(f+".unit_price_fen", "%s is above the list price %s", l.UnitPrice, sku.ListPrice)
		} else if l.UnitPrice < floor {
			p.Add(f+".unit_price_fen", "%s is below %s, the lowest price within the discount authority", l.UnitPrice, floor)
		}
	}
	return p
}

// MinPrice is the lowest unit price within a discount authority, rounded up to
// the fen so the authority is never exceeded.
func MinPrice(list Fen, discountBasisPoints int64) Fen {
	n := int64(list) * (10000 - discountBasisPoints)
	return Fen((n + 9999) / 10000)
}

// Line is a line of a registered order.
type Line struct {
	LineNo    int    `json:"line_no"`
	SKU       string `json:"sku"`
	Quantity  int64  `json:"quantity"`
	UnitPrice Fen    `json:"unit_price_fen"`
	// TaxRate is the SKU's VAT rate when the order was registered (zero in
	// orders of before VAT: the default rate).
	TaxRate TaxRate `json:"tax_rate_bp,omitempty"`
}

// Amount is quantity × unit price.
func (l Line) Amount() Fen { return Fen(l.Quantity) * l.UnitPrice }

// Lines builds the order lines of a request, numbered from 1.
func (r OrderRequest) OrderLines() []Line {
	out := make([]Line, len(r.Lines))
	for i, l := range r.Lines {
		out[i] = Line{LineNo: i + 1, SKU: l.SKU, Quantity: l.Quantity, UnitPrice: l.UnitPrice}
	}
	return out
}

// Total is the sum of the line amounts.
func Total(lines []Line) Fen {
	var t Fen
	for _, l := range lines {
		t += l.Amount()
	}
	return t
}

var orderNoPattern = regexp.MustCompile(`^SO-[0-9]{4}-[0-9]{6,}$`)

// FormatOrderNo returns the order number for a year and sequence, e.g.
// SO-2026-000042.
func FormatOrderNo(year int, seq int64) string {
	return fmt.Sprintf("SO-%04d-%06d", year, seq)
}

// ValidOrderNo reports whether s is an order number.
func ValidOrderNo(s string) bool { return orderNoPattern.MatchString(s) }
