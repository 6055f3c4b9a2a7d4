package sales

import "time"

// OrderFilter selects orders for lists. Zero fields do not filter. Scope
// limits the result to what the asking user may see.
type OrderFilter struct {
	CustomerID string      `json:"customer_id,omitempty"`
	Market     string      `json:"market,omitempty"`
	KAMID      string      `json:"kam_id,omitempty"`
	Status     OrderStatus `json:"status,omitempty"`
	Step       Step        `json:"step,omitempty"`
	MinLevel   Level       `json:"min_level,omitempty"`
	Open       bool        `json:"open,omitempty"` // only orders not yet final
	Scope      Scope       `json:"-"`
	Before     string      `json:"before,omitempty"` // order number to page after (newest first)
	Limit      int         `json:"limit,omitempty"`  // default 50, at most 500
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
