package sales

import "fmt"

// Fen is an amount of money in the smallest unit of its currency (分 for CNY).
// Money is never a float: amounts are added and compared as integers.
type Fen int64

// Currency is an ISO 4217 code. Every amount travels with the currency of the
// order it belongs to.
type Currency string

// CNY is the department's currency and the default of every order.
const CNY Currency = "CNY"

// Yuan returns whole yuan as fen.
func Yuan(y int64) Fen { return Fen(y * 100) }

// String formats the amount as yuan with two decimals, e.g. "1234.50".
func (f Fen) String() string {
	sign := ""
	v := int64(f)
	if v < 0 {
		sign, v = "-", -v
	}
	return fmt.Sprintf("%s%d.%02d", sign, v/100, v%100)
}

// Valid reports whether c looks like an ISO 4217 code.
func (c Currency) Valid() bool {
	if len(c) != 3 {
		return false
	}
	for _, r := range c {
		if r < 'A' || r > 'Z' {
			return false
		}
	}
	return true
}

// Upper bounds of money people type, so that no sum of them can overflow:
// an order's 200 lines of at most 1,000,000 units at MaxUnitPrice stay far
// below the range of an int64.
const (
	MaxUnitPrice Fen = 10_000_000_000     // ¥100,000,000.00 a unit
	MaxAmount    Fen = 10_000_000_000_000 // ¥100,000,000,000.00: a receipt, an adjustment, a budget
)
