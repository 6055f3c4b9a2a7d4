package sales

import (
	"fmt"
	"sort"
	"time"
)

// LineQty is a quantity of one order line (shipped, approved, short).
type LineQty struct {
	LineNo   int   `json:"line_no"`
	Quantity int64 `json:"quantity"`
}

// Shipment is one goods issue (SP4) and what became of it.
type Shipment struct {
	No           string       `json:"no"`
	Lines        []LineQty    `json:"lines"`
	Carrier      string       `json:"carrier"`
	Waybill      string       `json:"waybill"`
	IssuedAt     time.Time    `json:"issued_at"`
	DeliveredAt  *time.Time   `json:"delivered_at,omitempty"`
	Shortages    []LineQty    `json:"shortages,omitempty"`
	Damaged      bool         `json:"damaged,omitempty"`
	DeliveryNote string       `json:"delivery_note,omitempty"`
	InvoiceNo    string       `json:"invoice_no"`
	POP          []POPRequest `json:"pop,omitempty"` // material shipped with the goods, not billed
}

// Delivered reports whether proof of delivery arrived.
func (s Shipment) Delivered() bool { return s.DeliveredAt != nil }

// Invoice is billed for one shipment (BC1) and collected (BC6).
type Invoice struct {
	No           string     `json:"no"`
	ShipmentNo   string     `json:"shipment_no"`
	Currency     Currency   `json:"currency"`
	Amount       Fen        `json:"amount_fen"`
	Paid         Fen        `json:"paid_fen"`
	Credited     Fen        `json:"credited_fen"`
	IssuedAt     time.Time  `json:"issued_at"`
	DueAt        time.Time  `json:"due_at"`
	Acknowledged bool       `json:"acknowledged"`
	Disputed     bool       `json:"disputed"`
	Dispute      string     `json:"dispute,omitempty"`
	Reminded     bool       `json:"reminded"`
	Level        Level      `json:"dunning_level"`
	PaidAt       *time.Time `json:"paid_at,omitempty"` // the value date of the payment that settled it

	// VAT: the billed lines with net, tax and gross (empty in invoices of
	// before VAT), and the official VAT invoice (发票) Finance records.
	Lines   []TaxedLine `json:"lines,omitempty"`
	Net     Fen         `json:"net_fen,omitempty"`
	Tax     Fen         `json:"tax_fen,omitempty"`
	VATNo   string      `json:"vat_invoice_no,omitempty"`
	VATDate string      `json:"vat_invoice_date,omitempty"` // Beijing date
	// VATDue is when a missing VAT invoice number makes BC1 late for
	// Finance (nil in invoices of before the rule).
	VATDue *time.Time `json:"vat_due,omitempty"`
	// DunningPaused: a dispute is open; no reminder, rung or freeze until
	// it is withdrawn or settled by a credit note.
	DunningPaused bool `json:"dunning_paused,omitempty"`
	// VATLevel is how far a missing VAT invoice number has escalated.
	VATLevel Level `json:"vat_level,omitempty"`
	// Extension is a due-date extension waiting for the SLT.
	Extension *Extension `json:"extension,omitempty"`
}

// Extension is a request to move an invoice's due date (FSF or Finance ask,
// the SLT decides).
type Extension struct {
	DueDate     string    `json:"due_date"` // Beijing date
	Reason      string    `json:"reason"`
	RequestedBy string    `json:"requested_by"`
	RequestedAt time.Time `json:"requested_at"`
	Level       Level     `json:"escalation_level"`
}

// DueOn is the due date of an invoice issued at issued with termsDays of
// credit: the Beijing date of issue plus the terms, from its first moment in
// Beijing. An invoice issued at 07:00 Beijing time (23:00 UTC the day
// before) is due on its Beijing date plus the terms.
func DueOn(issued time.Time, termsDays int) time.Time {
	y, m, d := issued.In(Beijing).Date()
	return time.Date(y, m, d+termsDays, 0, 0, 0, 0, Beijing)
}

// DaysLate is how many days after its due date an invoice was paid, counted
// in Beijing dates (zero when paid on or before the due date).
func DaysLate(due, paid time.Time) int {
	dy, dm, dd := due.In(Beijing).Date()
	py, pm, pd := paid.In(Beijing).Date()
	days := int(time.Date(py, pm, pd, 0, 0, 0, 0, time.UTC).Sub(time.Date(dy, dm, dd, 0, 0, 0, 0, time.UTC)).Hours() / 24)
	return max(days, 0)
}

// Outstanding is what is still owed on the invoice.
func (i Invoice) Outstanding() Fen { return i.Amount - i.Paid - i.Credited }

// Open reports whether anything is still owed.
func (i Invoice) Open() bool { return i.Outstanding() > 0 }

// Overdue reports whether the invoice is open past its due date at now.
func (i Invoice) Overdue(now time.Time) bool { return i.Open() && now.After(i.DueAt) }

// Allocation is the part of a receipt applied to one invoice.
type Allocation struct {
	InvoiceNo string `json:"invoice_no"`
	Amount    Fen    `json:"amount_fen"`
}

// Receipt is a payment confirmed by Finance (BC6).
type Receipt struct {
	// Key names the share's source once for ever ("receipt/<id>"); empty
	// in receipts confirmed on the order itself (release 1.0).
	Key         string       `json:"key,omitempty"`
	Reference   string       `json:"reference"`
	ValueDate   string       `json:"value_date,omitempty"` // Beijing date the money arrived
	Amount      Fen          `json:"amount_fen"`
	Currency    Currency     `json:"currency"`
	ReceivedAt  time.Time    `json:"received_at"`
	ConfirmedBy string       `json:"confirmed_by"`
	Allocations []Allocation `json:"allocations"`
	Excess      Fen          `json:"excess_fen"` // kept as customer credit
}

// AllocateReceipt applies amount to the open invoices: to preferred first when
// named, then the oldest due date first. What no invoice owes is the excess,
// kept as the customer's credit balance.
func AllocateReceipt(invoices []Invoice, amount Fen, preferred string) (allocs []Allocation, excess Fen) {
	order := make([]int, 0, len(invoices))
	for i := range invoices {
		order = append(order, i)
	}
	sort.SliceStable(order, func(a, b int) bool {
		ia, ib := invoices[order[a]], invoices[order[b]]
		if (ia.No == preferred) != (ib.No == preferred) {
			return ia.No == preferred
		}
		return ia.DueAt.Before(ib.DueAt)
	})
	left := amount
	for _, i := range order {
		if left == 0 {
			break
		}
		owed := invoices[i].Outstanding()
		if owed <= 0 {
			continue
		}
		pay := min(owed, left)
		allocs = append(allocs, Allocation{InvoiceNo: invoices[i].No, Amount: pay})
		left -= pay
	}
	return allocs, left
}

// Remaining returns, per order line, what is still to ship: ordered (or
// approved) quantity minus what shipments took.
func Remaining(lines []Line, shipments []Shipment) map[int]int64 {
	shipped := Shipped(shipments)
	left := make(map[int]int64, len(lines))
	for _, l := range lines {
		left[l.LineNo] = l.Quantity - shipped[l.LineNo]
	}
	return left
}

// Shipped returns, per order line, what shipments took.
func Shipped(shipments []Shipment) map[int]int64 {
	shipped := make(map[int]int64)
	for _, s := range shipments {
		for _, q := range s.Lines {
			shipped[q.LineNo] += q.Quantity
		}
	}
	return shipped
}

// Backorder is the total quantity still to ship.
func Backorder(lines []Line, shipments []Shipment) int64 {
	var n int64
	for _, l := range lines {
		n += l.Quantity
	}
	for _, s := range shipments {
		for _, q := range s.Lines {
			n -= q.Quantity
		}
	}
	return n
}

// ValidateShipLines checks a goods issue against what is still to ship: known
// lines, positive quantities, nothing shipped twice, something shipped at all.
func ValidateShipLines(lines []Line, shipments []Shipment, ship []LineQty) Problems {
	p := checkLineQtys("lines", Remaining(lines, shipments), ship, false, func(q LineQty, left int64) string {
		return fmt.Sprintf("%d is more than the %d still to ship on line %d", q.Quantity, left, q.LineNo)
	})
	if len(ship) == 0 {
		p.Add("lines", "at least one line must ship")
	}
	return p
}

// checkLineQtys reports, for each of lines, a line the order does not have, a
// line named twice, a quantity below one (below zero with allowZero), or
// more than limit leaves, worded by tooMuch.
func checkLineQtys(field string, limit map[int]int64, lines []LineQty, allowZero bool, tooMuch func(q LineQty, left int64) string) Problems {
	var p Problems
	seen := map[int]bool{}
	for i, q := range lines {
		f := fmt.Sprintf("%s[%d]", field, i)
		left, ok := limit[q.LineNo]
		switch {
		case !ok:
			p.Add(f+".line_no", "the order has no line %d", q.LineNo)
		case seen[q.LineNo]:
			p.Add(f+".line_no", "line %d appears twice", q.LineNo)
		case q.Quantity < 0 && allowZero:
			p.Add(f+".quantity", "must not be negative")
		case q.Quantity <= 0 && !allowZero:
			p.Add(f+".quantity", "must be positive")
		case q.Quantity > left:
			p.Add(f+".quantity", "%s", tooMuch(q, left))
		}
		seen[q.LineNo] = true
	}
	return p
}

// ShipmentAmount prices a shipment at the order's unit prices.
func ShipmentAmount(lines []Line, ship []LineQty) Fen {
	price := make(map[int]Fen, len(lines))
	for _, l := range lines {
		price[l.LineNo] = l.UnitPrice
	}
	var t Fen
	for _, q := range ship {
		t += Fen(q.Quantity) * price[q.LineNo]
	}
	return t
}

// DueDate is the invoice date plus the payment terms.
func DueDate(issued time.Time, termsDays int) time.Time {
	return issued.Add(time.Duration(termsDays) * Day)
}
