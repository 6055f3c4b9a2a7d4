package sales

import (
	"regexp"
	"time"
)

// OrderFilter selects orders for lists. Zero fields do not filter. Scope
// limits the result to what the asking user may see. Validate says what is
// wrong with the fields people type, by their JSON names.
type OrderFilter struct {
	OrderNo     string      `json:"order_no,omitempty"` // a whole order number, or its beginning (SO-2026-0001)
	ClientRef   string      `json:"client_ref,omitempty"`
	CustomerID  string      `json:"customer_id,omitempty"`
	Market      string      `json:"market,omitempty"`
	KAMID       string      `json:"kam_id,omitempty"`
	Status      OrderStatus `json:"status,omitempty"`
	Step        Step        `json:"step,omitempty"`
	MinLevel    Level       `json:"min_level,omitempty"`
	Open        bool        `json:"open,omitempty"`         // only orders not yet final
	CreatedFrom string      `json:"created_from,omitempty"` // YYYY-MM-DD, Beijing time, that day included
	CreatedTo   string      `json:"created_to,omitempty"`   // YYYY-MM-DD, Beijing time, that day included
	SKU         string      `json:"sku,omitempty"`          // orders with a line of this SKU
	InvoiceNo   string      `json:"invoice_no,omitempty"`   // the order that invoice belongs to
	Waybill     string      `json:"waybill,omitempty"`      // orders with a shipment of this waybill
	Scope       Scope       `json:"-"`
	Before      string      `json:"before,omitempty"` // order number to page after (newest first)
	Limit       int         `json:"limit,omitempty"`  // default 50, at most 500
}

// orderNoPrefixPattern matches the beginning of an order number, the whole
// number included: SO-2026-0001, SO-2026, SO.
var orderNoPrefixPattern = regexp.MustCompile(`^S(O(-([0-9]{1,3}|[0-9]{4}(-[0-9]*)?)?)?)?$`)

// ValidOrderNoPrefix reports whether s is an order number or its beginning.
func ValidOrderNoPrefix(s string) bool { return orderNoPrefixPattern.MatchString(s) }

// Validate returns a problem for each field that cannot be searched by, named
// as in JSON: an order number that is not one or its beginning, a date that
// is not a day like 2026-03-01 (or a range that ends before it starts), and
// text that is not a code (SKU, invoice) or reference (client's, waybill).
func (f OrderFilter) Validate() Problems {
	var p Problems
	if f.OrderNo != "" && !ValidOrderNoPrefix(f.OrderNo) {
		p.Add("order_no", "must be an order number like SO-2026-000042 or its beginning, like SO-2026-0000")
	}
	from, fromErr := beijingDay(f.CreatedFrom)
	if fromErr != nil {
		p.Add("created_from", "must be a date like 2026-03-01")
	}
	to, toErr := beijingDay(f.CreatedTo)
	if toErr != nil {
		p.Add("created_to", "must be a date like 2026-03-31")
	}
	if fromErr == nil && toErr == nil && !from.IsZero() && !to.IsZero() && to.Before(from) {
		p.Add("created_to", "must not be before created_from")
	}
	p.Text("client_ref", f.ClientRef, MaxReference, false)
	p.Text("sku", f.SKU, MaxCode, false)
	p.Text("invoice_no", f.InvoiceNo, MaxCode, false)
	p.Text("waybill", f.Waybill, MaxWaybill, false)
	return p
}

// Created is the span of creation times the filter's dates select, as
// instants: from the first moment of CreatedFrom in Beijing time, up to but
// not including the first moment of the day after CreatedTo. A zero bound
// does not limit; bad dates (see Validate) are an invalid error.
func (f OrderFilter) Created() (from, until time.Time, err error) {
	from, err = beijingDay(f.CreatedFrom)
	if err != nil {
		return time.Time{}, time.Time{}, Errorf(ErrInvalid, "created_from %q must be a date like 2026-03-01", f.CreatedFrom)
	}
	to, err := beijingDay(f.CreatedTo)
	if err != nil {
		return time.Time{}, time.Time{}, Errorf(ErrInvalid, "created_to %q must be a date like 2026-03-31", f.CreatedTo)
	}
	if !to.IsZero() {
		until = to.AddDate(0, 0, 1)
	}
	return from, until, nil
}

// beijingDay is the first moment of the day s (YYYY-MM-DD) in Beijing time;
// zero for "".
func beijingDay(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	return time.ParseInLocation(time.DateOnly, s, Beijing)
}

// Scope is what a user may see: everything, or only the customers of some
// KAMs (the FSF see only their own customers).
type Scope struct {
	All    bool
	KAMIDs []string
}

// ScopeOf returns what u may see: the FSF see the customers of themselves and
// of everyone who reports to them; every other role sees everything.
func ScopeOf(u User, reports []string) Scope {
	if u.Role != RoleFSF {
		return Scope{All: true}
	}
	return Scope{KAMIDs: append([]string{u.ID}, reports...)}
}

// Allows reports whether a customer of kamID is visible.
func (s Scope) Allows(kamID string) bool {
	if s.All {
		return true
	}
	for _, k := range s.KAMIDs {
		if k == kamID {
			return true
		}
	}
	return false
}

// OrderSummary is one row of an order list.
type OrderSummary struct {
	OrderNo      string      `json:"order_no"`
	CustomerID   string      `json:"customer_id"`
	CustomerName string      `json:"customer_name"`
	Market       string      `json:"market"`
	KAMID        string      `json:"kam_id"`
	Currency     Currency    `json:"currency"`
	Total        Fen         `json:"total_fen"`
	Outstanding  Fen         `json:"outstanding_fen"`
	Status       OrderStatus `json:"status"`
	Step         Step        `json:"step"`
	Level        Level       `json:"escalation_level"`
	NextDeadline *time.Time  `json:"next_deadline,omitempty"`
	CreatedAt    time.Time   `json:"created_at"`
	UpdatedAt    time.Time   `json:"updated_at"`
}

// EscalationFilter selects escalations.
type EscalationFilter struct {
	OrderNo      string `json:"order_no,omitempty"`
	AdjustmentID string `json:"adjustment_id,omitempty"`
	Market       string `json:"market,omitempty"`
	MinLevel     Level  `json:"min_level,omitempty"`
	Scope        Scope  `json:"-"`
	Limit        int    `json:"limit,omitempty"`
}

// NotificationFilter selects notifications.
type NotificationFilter struct {
	OrderNo     string `json:"order_no,omitempty"`
	RecipientID string `json:"recipient_id,omitempty"`
	Pending     bool   `json:"pending,omitempty"` // only not yet delivered
	Limit       int    `json:"limit,omitempty"`
}

// NotificationRecord is a notification with its delivery state.
type NotificationRecord struct {
	ID int64 `json:"id"`
	Notification
	Attempts    int        `json:"attempts"`
	NextAttempt time.Time  `json:"next_attempt_at"`
	DeliveredAt *time.Time `json:"delivered_at,omitempty"`
	LastError   string     `json:"last_error,omitempty"`
}

// Organisation is the master data OSB runs on: people, markets, customers and
// the catalog. Demo data and imports are written as one.
type Organisation struct {
	Users     []User     `json:"users"`
	Markets   []Market   `json:"markets"`
	Customers []Customer `json:"customers"`
	SKUs      []SKU      `json:"skus"`
}
