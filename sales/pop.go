package sales

import (
	"fmt"
	"regexp"
	"strings"
	"time"
)

// POPItem is point-of-purchase material (posters, displays, shelf strips):
// shipped to customers, never billed; its unit cost counts against the
// market's monthly POP budget.
type POPItem struct {
	Code     string   `json:"code"`
	Name     string   `json:"name"`
	Unit     string   `json:"unit"`
	UnitCost Fen      `json:"unit_cost_fen"`
	Currency Currency `json:"currency"`
	Active   bool     `json:"active"`
}

var popCodePattern = regexp.MustCompile(`^[A-Za-z0-9._-]{1,32}$`)

// Normalize trims text and fills the default currency and unit.
func (i *POPItem) Normalize() {
	i.Code, i.Name, i.Unit = strings.TrimSpace(i.Code), strings.TrimSpace(i.Name), strings.TrimSpace(i.Unit)
	if i.Currency == "" {
		i.Currency = CNY
	}
	if i.Unit == "" {
		i.Unit = "件"
	}
}

// Validate reports every problem of an item.
func (i POPItem) Validate() Problems {
	var p Problems
	if !popCodePattern.MatchString(i.Code) {
		p.Add("code", "must be 1–32 letters, digits or . _ -")
	}
	p.Text("name", i.Name, MaxName, true)
	p.Text("unit", i.Unit, MaxUnit, false)
	if i.UnitCost <= 0 || i.UnitCost > MaxUnitPrice {
		p.Add("unit_cost_fen", "must be positive, at most %d", MaxUnitPrice)
	}
	if !i.Currency.Valid() {
		p.Add("currency", "must be a three-letter ISO 4217 code")
	}
	return p
}

// ValidatePOP reports POP lines that name unknown or withdrawn items, under
// field (e.g. "pop" or "items").
func ValidatePOP(field string, lines []POPRequest, items map[string]POPItem) Problems {
	var p Problems
	seen := map[string]bool{}
	for i, l := range lines {
		f := fmt.Sprintf("%s[%d]", field, i)
		it, ok := items[l.Item]
		switch {
		case strings.TrimSpace(l.Item) == "":
			p.Add(f+".item", "is required")
		case seen[l.Item]:
			p.Add(f+".item", "%s appears twice; put the quantity on one line", l.Item)
		case !ok:
			p.Add(f+".item", "unknown POP item %q", l.Item)
		case !it.Active:
			p.Add(f+".item", "POP item %s is no longer available", l.Item)
		}
		seen[l.Item] = true
		if l.Quantity <= 0 {
			p.Add(f+".quantity", "must be positive")
		} else if l.Quantity > 100_000 {
			p.Add(f+".quantity", "must be at most 100000")
		}
	}
	return p
}

// POPCost is what POP lines cost at the items' unit costs.
func POPCost(lines []POPRequest, items map[string]POPItem) Fen {
	var t Fen
	for _, l := range lines {
		t += Fen(l.Quantity) * items[l.Item].UnitCost
	}
	return t
}

// POPBudget is a market's POP budget for a month and what is used of it.
type POPBudget struct {
	Month    string   `json:"month"`
	Market   string   `json:"market"`
	Budget   Fen      `json:"budget_fen"`
	Used     Fen      `json:"used_fen"`
	Currency Currency `json:"currency"`
}

// Left is what the market may still spend this month.
func (b POPBudget) Left() Fen { return b.Budget - b.Used }

// OverBudget returns why spending cost is refused ("" when it fits), in
// words a KAM can act on.
func (b POPBudget) OverBudget(cost Fen) string {
	if b.Used+cost <= b.Budget {
		return ""
	}
	return fmt.Sprintf("over the %s POP budget for %s: the budget is %s, %s is used, %s is left and this request needs %s",
		b.Market, b.Month, b.Budget, b.Used, max(b.Left(), 0), cost)
}

// CheckBudgetChange returns why a month's budget may not be set to budget
// ("" when it may): never below what is already used.
func CheckBudgetChange(budget, used Fen) string {
	switch {
	case budget < 0:
		return "must not be negative"
	case budget > MaxAmount:
		return fmt.Sprintf("must be at most %d", MaxAmount)
	case budget < used:
		return fmt.Sprintf("%s is less than the %s already used this month", budget, used)
	}
	return ""
}

// POPStandalone is a request for POP material without an order: checked
// against the market's budget when it is made.
type POPStandalone struct {
	CustomerID string       `json:"customer_id"`
	Month      string       `json:"month,omitempty"` // default: the current month
	Items      []POPRequest `json:"items"`
	Note       string       `json:"note,omitempty"`
}

// ValidateShape reports every problem that needs no catalog.
func (r POPStandalone) ValidateShape() Problems {
	var p Problems
	p.Text("customer_id", r.CustomerID, MaxCode, true)
	if r.Month != "" && !ValidPeriod(r.Month) {
		p.Add("month", "must be a month like 2026-11")
	}
	if len(r.Items) == 0 {
		p.Add("items", "at least one item is required")
	}
	for i, it := range r.Items {
		p.Text(fmt.Sprintf("items[%d].item", i), it.Item, MaxCode, true)
	}
	p.Text("note", r.Note, MaxNote, false)
	return p
}

// POPRecord is a POP request as recorded: on its own or with an order.
type POPRecord struct {
	RequestNo   string       `json:"request_no"`
	OrderNo     string       `json:"order_no,omitempty"`
	CustomerID  string       `json:"customer_id"`
	Market      string       `json:"market"`
	Month       string       `json:"month"`
	Items       []POPRequest `json:"items"`
	Cost        Fen          `json:"cost_fen"`
	Currency    Currency     `json:"currency"`
	Note        string       `json:"note,omitempty"`
	RequestedBy string       `json:"requested_by"`
	RequestedAt time.Time    `json:"requested_at"`
	Budget      POPBudget    `json:"budget"` // after this request
}

// POPReservation is the answer to an order's POP material at OP6: reserved
// against the budget, or refused with the reason.
type POPReservation struct {
	Reserved bool       `json:"reserved"`
	Cost     Fen        `json:"cost_fen"`
	Reason   string     `json:"reason,omitempty"`
	Usage    []POPUsage `json:"usage,omitempty"` // what was taken from the budget, item by item
}

// POPUsage moves a market's POP budget: an item requested (positive) or
// released when its order was cancelled (negative). Keyed, so it counts once.
type POPUsage struct {
	Key        string    `json:"key"`
	Month      string    `json:"month"`
	Market     string    `json:"market"`
	CustomerID string    `json:"customer_id"`
	OrderNo    string    `json:"order_no,omitempty"`
	RequestNo  string    `json:"request_no,omitempty"`
	Item       string    `json:"item"`
	Quantity   int64     `json:"quantity"`
	Cost       Fen       `json:"cost_fen"`
	At         time.Time `json:"at"`
}

// POPUsageRow is what one customer used of one item in one month.
type POPUsageRow struct {
	Month    string `json:"month"`
	Item     string `json:"item"`
	Name     string `json:"name"`
	Quantity int64  `json:"quantity"`
	Cost     Fen    `json:"cost_fen"`
}

// POPUsageReport is a customer's POP material by month and item, with its
// market's budgets for those months.
type POPUsageReport struct {
	CustomerID string        `json:"customer_id"`
	Market     string        `json:"market"`
	Rows       []POPUsageRow `json:"rows"`
	Total      Fen           `json:"total_fen"`
	Budgets    []POPBudget   `json:"budgets"`
}
