package sales

import (
	"fmt"
	"regexp"
	"strings"
	"time"
)

// China is the department's clock (UTC+8, no daylight saving): quota periods
// and POP budget months are calendar months in it.
var China = time.FixedZone("CST", 8*3600)

var periodPattern = regexp.MustCompile(`^[0-9]{4}-(0[1-9]|1[0-2])$`)

// ValidPeriod reports whether p is a period: a month like "2026-11".
func ValidPeriod(p string) bool { return periodPattern.MatchString(p) }

// PeriodOf is the period (month, Beijing time) that t falls in.
func PeriodOf(t time.Time) string { return t.In(China).Format("2006-01") }

// QuotaAllocation is a quantity of one quota-controlled SKU given to a market
// or a customer for a period.
type QuotaAllocation struct {
	SKU      string `json:"sku"`
	Quantity int64  `json:"quantity"`
}

// QuotaAllocations is what the SSG or the SLT sets for one market or one
// customer: the SKUs listed are set, the others stay as they are.
type QuotaAllocations struct {
	Allocations []QuotaAllocation `json:"allocations"`
}

// ValidateShape reports every problem that needs no catalog: at least one
// allocation, SKU codes that are text, quantities not negative, no SKU twice.
func (q QuotaAllocations) ValidateShape() Problems { return q.validate(nil, false) }

// Validate reports every problem that needs no stored allocation: SKUs known
// and quota-controlled, quantities not negative, no SKU twice.
func (q QuotaAllocations) Validate(skus map[string]SKU) Problems { return q.validate(skus, true) }

func (q QuotaAllocations) validate(skus map[string]SKU, catalog bool) Problems {
	var p Problems
	if len(q.Allocations) == 0 {
		p.Add("allocations", "at least one allocation is required")
	}
	seen := map[string]bool{}
	for i, a := range q.Allocations {
		f := fmt.Sprintf("allocations[%d]", i)
		sku, ok := skus[a.SKU]
		switch {
		case TextProblem(a.SKU, MaxCode, true) != "":
			p.Text(f+".sku", a.SKU, MaxCode, true)
		case seen[a.SKU]:
			p.Add(f+".sku", "%s appears twice", a.SKU)
		case !catalog:
		case !ok:
			p.Add(f+".sku", "unknown SKU %q", a.SKU)
		case !sku.Quota:
			p.Add(f+".sku", "SKU %s is not quota-controlled", a.SKU)
		}
		seen[a.SKU] = true
		if a.Quantity < 0 {
			p.Add(f+".quantity", "must not be negative")
		}
	}
	return p
}

// MarketQuota is a market's allocation of one SKU for a period, with what it
// passed on to its customers and what they consumed.
type MarketQuota struct {
	Period      string `json:"period"`
	Market      string `json:"market"`
	SKU         string `json:"sku"`
	Allocated   int64  `json:"allocated"`
	ToCustomers int64  `json:"allocated_to_customers"`
	Consumed    int64  `json:"consumed"`
}

// Unassigned is what the market has not passed on to a customer yet.
func (m MarketQuota) Unassigned() int64 { return m.Allocated - m.ToCustomers }

// CustomerQuota is a customer's allocation of one SKU for a period and what
// its confirmed orders consumed (net of what cancellations and returns gave
// back).
type CustomerQuota struct {
	Period     string `json:"period"`
	CustomerID string `json:"customer_id"`
	Market     string `json:"market"`
	SKU        string `json:"sku"`
	Allocated  int64  `json:"allocated"`
	Consumed   int64  `json:"consumed"`
}

// Remaining is what the customer may still order within quota; negative when
// the SLT allowed orders over quota.
func (c CustomerQuota) Remaining() int64 { return c.Allocated - c.Consumed }

// QuotaReport is a period's allocations: per market and per customer.
type QuotaReport struct {
	Period    string          `json:"period"`
	Markets   []MarketQuota   `json:"markets"`
	Customers []CustomerQuota `json:"customers"`
}

// CheckMarketAllocation returns why a market's new allocation of sku is not
// allowed ("" when it is): it may not fall below what the market already
// gave its customers.
func CheckMarketAllocation(sku string, allocated, toCustomers int64) string {
	if allocated < toCustomers {
		return fmt.Sprintf("%d is less than the %d of %s already allocated to the market's customers", allocated, toCustomers, sku)
	}
	return ""
}

// CheckCustomerAllocation returns why a customer's new allocation of sku is
// not allowed ("" when it is): the customers of a market never hold more than
// the market, and no customer holds less than it has consumed.
func CheckCustomerAllocation(sku string, allocated, market, otherCustomers, consumed int64) string {
	switch {
	case allocated+otherCustomers > market:
		return fmt.Sprintf("the market's customers would hold %d of %s, more than the market's %d (%d left to allocate)",
			allocated+otherCustomers, sku, market, max(market-otherCustomers, 0))
	case allocated < consumed:
		return fmt.Sprintf("%d is less than the %d of %s the customer has already consumed", allocated, consumed, sku)
	}
	return ""
}

// QuotaMove consumes (positive quantity) or gives back (negative) quota for
// one order line. The key names the order, the line and why, so writing a
// move twice counts it once.
type QuotaMove struct {
	Key        string    `json:"key"`
	Period     string    `json:"period"`
	SKU        string    `json:"sku"`
	CustomerID string    `json:"customer_id"`
	OrderNo    string    `json:"order_no"`
	LineNo     int       `json:"line_no"`
	Quantity   int64     `json:"quantity"`
	At         time.Time `json:"at"`
}

// QuotaMoveKey is the key of the move of an order line for reason (confirm,
// cancel, reject, approve_part, return/RT-…).
func QuotaMoveKey(orderNo string, lineNo int, reason string) string {
	return fmt.Sprintf("%s/%d/%s", orderNo, lineNo, reason)
}

// CheckGiveBack returns why giving back qty of an order line that holds
// consumed is not allowed ("" when it is): consumption never goes below zero.
func CheckGiveBack(consumed, qty int64) string {
	switch {
	case qty <= 0:
		return "a give-back must be positive"
	case qty > consumed:
		return fmt.Sprintf("giving back %d would leave the line below zero: it consumed %d", qty, consumed)
	}
	return ""
}

// QuotaLine is the quota check of one quota-controlled order line (OP3) and
// what the line holds of the customer's allocation since it was confirmed.
type QuotaLine struct {
	LineNo    int    `json:"line_no"`
	SKU       string `json:"sku"`
	Requested int64  `json:"requested"`
	Remaining int64  `json:"remaining"` // the customer's allocation left when checked
	Consumed  int64  `json:"consumed"`  // what the line holds now
}

// Over reports whether the line asks for more than is left.
func (q QuotaLine) Over() bool { return q.Requested > q.Remaining }

// Within is the part of the line within quota.
func (q QuotaLine) Within() int64 { return max(0, min(q.Requested, q.Remaining)) }

// CheckQuota checks the quota-controlled lines against what the customer has
// left per SKU (a missing SKU has nothing left).
func CheckQuota(lines []Line, skus map[string]SKU, left map[string]int64) []QuotaLine {
	var out []QuotaLine
	for _, l := range lines {
		if !skus[l.SKU].Quota {
			continue
		}
		out = append(out, QuotaLine{LineNo: l.LineNo, SKU: l.SKU, Requested: l.Quantity, Remaining: left[l.SKU]})
	}
	return out
}

// QuotaHoldReason says why an order is over quota for period, or "" when
// every line is within.
func QuotaHoldReason(period string, lines []QuotaLine) string {
	var parts []string
	for _, q := range lines {
		if q.Over() {
			parts = append(parts, fmt.Sprintf("line %d %s asks %d, %d left", q.LineNo, q.SKU, q.Requested, max(q.Remaining, 0)))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return "over quota for " + period + ": " + strings.Join(parts, "; ")
}

// WithinQuota returns the quantities of a confirmation of the part within
// quota: quota lines cut to what is left, the other lines as ordered.
func WithinQuota(lines []Line, quota []QuotaLine) []LineQty {
	within := make(map[int]int64, len(quota))
	for _, q := range quota {
		within[q.LineNo] = q.Within()
	}
	out := make([]LineQty, len(lines))
	for i, l := range lines {
		qty := l.Quantity
		if w, ok := within[l.LineNo]; ok {
			qty = min(qty, w)
		}
		out[i] = LineQty{LineNo: l.LineNo, Quantity: qty}
	}
	return out
}
