package sales

import (
	"fmt"
	"regexp"
	"strings"
	"time"
)

// Period is a span of whole days in Beijing time, From included, To excluded.
type Period struct {
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
}

var monthPattern = regexp.MustCompile(`^[0-9]{4}-(0[1-9]|1[0-2])$`)

// ValidMonth reports whether s is a month like 2026-03.
func ValidMonth(s string) bool { return monthPattern.MatchString(s) }

// MonthPeriod is the calendar month "2026-03".
func MonthPeriod(month string) (Period, error) {
	if !ValidMonth(month) {
		return Period{}, Errorf(ErrInvalid, "month %q must look like 2026-03", month)
	}
	from, _ := time.ParseInLocation("2006-01", month, Beijing)
	return Period{From: from, To: from.AddDate(0, 1, 0)}, nil
}

// DaysPeriod is the days from through to, both included ("2026-03-01",
// "2026-03-31"), at most ten years.
func DaysPeriod(from, to string) (Period, error) {
	var p Problems
	f, err := time.ParseInLocation(time.DateOnly, from, Beijing)
	if err != nil {
		p.Add("from", "must be a date like 2026-03-01")
	}
	t, err2 := time.ParseInLocation(time.DateOnly, to, Beijing)
	if err2 != nil {
		p.Add("to", "must be a date like 2026-03-31")
	}
	if err == nil && err2 == nil {
		switch {
		case t.Before(f):
			p.Add("to", "must not be before from")
		case t.After(f.AddDate(10, 0, 0)):
			p.Add("to", "must be at most ten years after from")
		}
	}
	if err := p.Err("invalid period"); err != nil {
		return Period{}, err
	}
	return Period{From: f, To: t.AddDate(0, 0, 1)}, nil
}

// Days is the number of days in the period.
func (p Period) Days() int { return int(p.To.Sub(p.From).Round(time.Hour).Hours()) / 24 }

// Last is the last instant of the period as the store keeps time (to the
// microsecond): what "as of the end of the period" reads.
func (p Period) Last() time.Time { return p.To.Add(-time.Microsecond) }

// String names the period by its first and last day, e.g. 2026-03-01..2026-03-31.
func (p Period) String() string {
	return p.From.In(Beijing).Format(time.DateOnly) + ".." + p.To.Add(-Day).In(Beijing).Format(time.DateOnly)
}

// MonthOf is the month of t in Beijing time, e.g. "2026-03".
func MonthOf(t time.Time) string { return t.In(Beijing).Format("2006-01") }

// AddMonths returns the month n months after month (n may be negative).
func AddMonths(month string, n int) string {
	t, err := time.ParseInLocation("2006-01", month, Beijing)
	if err != nil {
		return ""
	}
	return t.AddDate(0, n, 0).Format("2006-01")
}

// DateOf is the calendar day of t in Beijing time, at midnight.
func DateOf(t time.Time) time.Time {
	y, m, d := t.In(Beijing).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, Beijing)
}

// DaysBetween counts the calendar days (Beijing) from a to b: 0 on the same day.
func DaysBetween(a, b time.Time) int {
	return int(DateOf(b).Sub(DateOf(a)).Round(time.Hour).Hours()) / 24
}

// Percent is part as a percentage of whole with one decimal, computed in
// integers; nil when whole is not positive.
func Percent[N ~int | ~int64](part, whole N) *float64 {
	if whole <= 0 {
		return nil
	}
	return tenths(int64(part)*1000, int64(whole))
}

// DSO is days sales outstanding: receivables at the end of a period of days
// over the period's sales, in days with one decimal; nil without sales.
func DSO(receivables, sales Fen, days int) *float64 {
	if sales <= 0 {
		return nil
	}
	return tenths(int64(receivables)*int64(days)*10, int64(sales))
}

// tenths divides num by den rounding half away from zero and returns the
// result in tenths as a number with one decimal.
func tenths(num, den int64) *float64 {
	q := num / den
	if r := num % den; 2*abs(r) >= den {
		if num < 0 {
			q--
		} else {
			q++
		}
	}
	v := float64(q) / 10
	return &v
}

func abs(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}

// ReportFilter selects what a report covers. Scope limits it to the
// customers the asking user may see; zero fields do not filter.
type ReportFilter struct {
	Scope      Scope     `json:"-"`
	Period     Period    `json:"period"`
	AsOf       time.Time `json:"as_of"`
	CustomerID string    `json:"customer_id,omitempty"`
	Market     string    `json:"market,omitempty"`
}

// CreditRatingRow is one customer of the credit rating table (客户信誉等级一览表).
type CreditRatingRow struct {
	CustomerID        string   `json:"customer_id"`
	CustomerName      string   `json:"customer_name"`
	Market            string   `json:"market"`
	KAMID             string   `json:"kam_id"`
	KAMName           string   `json:"kam_name"`
	Rating            string   `json:"rating"`
	Currency          Currency `json:"currency"`
	Limit             Fen      `json:"limit_fen"`
	Exposure          Fen      `json:"exposure_fen"` // open receivables + unbilled open orders
	UsePct            *float64 `json:"use_pct"`      // exposure / limit; null without a limit
	Overdue           Fen      `json:"overdue_fen"`
	OldestOverdueDays int      `json:"oldest_overdue_days"`
	Frozen            bool     `json:"frozen"`
}

// ShipmentRef is one shipment in the customer shipment information.
type ShipmentRef struct {
	No          string     `json:"no"`
	OrderNo     string     `json:"order_no"`
	IssuedAt    time.Time  `json:"issued_at"`
	Carrier     string     `json:"carrier"`
	Waybill     string     `json:"waybill"`
	DeliveredAt *time.Time `json:"delivered_at,omitempty"`
}

// ShipmentInfoRow is one customer of the customer shipment information table
// (客户储运信息维护表): where goods go, how, how long they take, what went last.
type ShipmentInfoRow struct {
	CustomerID   string `json:"customer_id"`
	CustomerName string `json:"customer_name"`
	Market       string `json:"market"`
	KAMID        string `json:"kam_id"`
	ShipTo       string `json:"ship_to"` // the default address
	// The default address's consignee, phone, unloading notes and the
	// carrier the customer prefers, as maintained (master data).
	Consignee        string `json:"consignee"`
	Phone            string `json:"phone"`
	UnloadingNotes   string `json:"unloading_notes"`
	PreferredCarrier string `json:"preferred_carrier"`
	// KeptMonth is the month whose kept version the addresses come from;
	// "" when none was kept for the period's month: they are as they stand.
	KeptMonth     string        `json:"kept_month,omitempty"`
	Carrier       string        `json:"carrier"`        // used most in the period
	Shipments     int           `json:"shipments"`      // issued in the period
	Delivered     int           `json:"delivered"`      // of those, delivered
	LeadTimeDays  *float64      `json:"lead_time_days"` // goods issue to delivery, average
	LastShipments []ShipmentRef `json:"last_shipments"` // the latest three, whenever
}

// ReplenishmentRow is one confirmed order line of the replenishment record (补货记录).
type ReplenishmentRow struct {
	OrderNo      string      `json:"order_no"`
	OrderedAt    time.Time   `json:"ordered_at"`
	CustomerID   string      `json:"customer_id"`
	CustomerName string      `json:"customer_name"`
	Market       string      `json:"market"`
	KAMID        string      `json:"kam_id"`
	Status       OrderStatus `json:"status"`
	LineNo       int         `json:"line_no"`
	SKU          string      `json:"sku"`
	SKUName      string      `json:"sku_name"`
	Quantity     int64       `json:"quantity"`
	Shipped      int64       `json:"shipped"`
	UnitPrice    Fen         `json:"unit_price_fen"`
	Amount       Fen         `json:"amount_fen"`
	Currency     Currency    `json:"currency"`
}

// Kinds of entries of the receivables record.
const (
	EntryOpening    = "opening" // the balance brought forward
	EntryInvoice    = "invoice"
	EntryReceipt    = "receipt"
	EntryCreditNote = "credit_note"
)

// ReceivableEntry is one line of a customer's receivables record (应收款记录):
// the balance brought forward, an invoice, a receipt or a credit note, with
// the running balance. A negative balance is the customer's credit.
type ReceivableEntry struct {
	CustomerID   string     `json:"customer_id"`
	CustomerName string     `json:"customer_name"`
	Currency     Currency   `json:"currency"`
	At           time.Time  `json:"at"`
	Kind         string     `json:"kind"`
	Document     string     `json:"document,omitempty"` // invoice, receipt reference or credit note
	OrderNo      string     `json:"order_no,omitempty"`
	DueAt        *time.Time `json:"due_at,omitempty"`
	Debit        Fen        `json:"debit_fen"`  // an invoice
	Credit       Fen        `json:"credit_fen"` // a receipt or a credit note
	Balance      Fen        `json:"balance_fen"`
}

// AgeBucket is a band of the receivables ageing.
type AgeBucket int

// The ageing bands of DOMAIN.md.
const (
	NotDue AgeBucket = iota
	Days1To30
	Days31To60
	Days61To90
	Over90
)

// BucketOf is the band of an amount daysOverdue days past its due date (zero
// or less: not due).
func BucketOf(daysOverdue int) AgeBucket {
	switch {
	case daysOverdue <= 0:
		return NotDue
	case daysOverdue <= 30:
		return Days1To30
	case daysOverdue <= 60:
		return Days31To60
	case daysOverdue <= 90:
		return Days61To90
	}
	return Over90
}

// Ageing is open receivables by band.
type Ageing struct {
	NotDue     Fen `json:"not_due_fen"`
	Days1To30  Fen `json:"days_1_30_fen"`
	Days31To60 Fen `json:"days_31_60_fen"`
	Days61To90 Fen `json:"days_61_90_fen"`
	Over90     Fen `json:"over_90_fen"`
	Total      Fen `json:"total_fen"`
}

// Add puts amount into band b.
func (a *Ageing) Add(b AgeBucket, amount Fen) {
	switch b {
	case NotDue:
		a.NotDue += amount
	case Days1To30:
		a.Days1To30 += amount
	case Days31To60:
		a.Days31To60 += amount
	case Days61To90:
		a.Days61To90 += amount
	default:
		a.Over90 += amount
	}
	a.Total += amount
}

// Overdue is everything past its due date.
func (a Ageing) Overdue() Fen { return a.Total - a.NotDue }

// AgeingGroups are what the ageing can be grouped by.
var AgeingGroups = []string{"customer", "kam", "market"}

// AgeingRow is the ageing of one customer, KAM or market.
type AgeingRow struct {
	Group    string   `json:"group"` // customer, kam or market
	Key      string   `json:"key"`
	Name     string   `json:"name"`
	Market   string   `json:"market,omitempty"`
	KAMID    string   `json:"kam_id,omitempty"`
	Currency Currency `json:"currency"`
	Ageing
}

// DSORow is the days sales outstanding of one market over a period.
type DSORow struct {
	Market      string   `json:"market"`
	Currency    Currency `json:"currency"`
	Receivables Fen      `json:"receivables_fen"` // open at the end of the period
	Sales       Fen      `json:"sales_fen"`       // invoiced in the period, net of credit notes
	Days        int      `json:"days"`
	DSO         *float64 `json:"dso_days"`
}

// TargetDimension is what a sales target is set for.
type TargetDimension string

// Target dimensions: a market, a person of the FSF, or a distributor.
const (
	ByMarket      TargetDimension = "market"
	ByMM          TargetDimension = "mm"
	ByUM          TargetDimension = "um"
	ByKAM         TargetDimension = "kam"
	ByDistributor TargetDimension = "distributor" // a customer, by its id
)

// TargetDimensions lists the dimensions from the widest.
var TargetDimensions = []TargetDimension{ByMarket, ByMM, ByUM, ByKAM, ByDistributor}

// Valid reports whether d is one of the dimensions.
func (d TargetDimension) Valid() bool {
	return d == ByMarket || d == ByMM || d == ByUM || d == ByKAM || d == ByDistributor
}

// Target is the sales, collections and units target of a market, a person
// or a distributor for a period: a month (2026-03), a quarter (2026-Q1) or a
// year (2026).
type Target struct {
	Period      string          `json:"period"`
	Dimension   TargetDimension `json:"dimension"`
	Key         string          `json:"key"` // market code, user id or customer id
	Currency    Currency        `json:"currency"`
	Sales       Fen             `json:"sales_fen"`
	Collections Fen             `json:"collections_fen"`
	Units       int64           `json:"units"`
	SetBy       string          `json:"set_by"`
	SetAt       time.Time       `json:"set_at"`
}

// Figures returns the target's sales, collections and units.
func (t Target) Figures() Figures {
	return Figures{Currency: t.Currency, Sales: t.Sales, Collections: t.Collections, Units: t.Units}
}

// TargetRequest sets the targets of a period (Period, or Month as before);
// targets not named stay as they are.
type TargetRequest struct {
	Period  string        `json:"period,omitempty"`
	Month   string        `json:"month,omitempty"` // the period when it is a month; kept for older clients
	Targets []TargetEntry `json:"targets"`
}

// PeriodName is the request's period: Period, or Month when Period is empty.
func (r TargetRequest) PeriodName() string {
	if r.Period != "" {
		return r.Period
	}
	return r.Month
}

// TargetEntry is one target of a TargetRequest.
type TargetEntry struct {
	Dimension   TargetDimension `json:"dimension"`
	Key         string          `json:"key"`
	Currency    Currency        `json:"currency,omitempty"`
	Sales       Fen             `json:"sales_fen"`
	Collections Fen             `json:"collections_fen"`
	Units       int64           `json:"units"`
}

// Validate reports every problem of the request at once.
func (r TargetRequest) Validate() Problems {
	var p Problems
	switch {
	case r.Period != "" && r.Month != "" && r.Period != r.Month:
		p.Add("period", "give the period or the month, not both")
	case r.Period != "" && !ValidTargetPeriod(r.Period):
		p.Add("period", "must be a month like 2026-03, a quarter like 2026-Q1 or a year like 2026")
	case r.Period == "" && !ValidMonth(r.Month):
		p.Add("month", "must be a month like 2026-03")
	}
	if len(r.Targets) == 0 || len(r.Targets) > 1000 {
		p.Add("targets", "give 1–1000 targets")
	}
	seen := map[string]bool{}
	for i, t := range r.Targets {
		f := fmt.Sprintf("targets[%d]", i)
		if !t.Dimension.Valid() {
			p.Add(f+".dimension", "must be market, mm, um, kam or distributor")
		}
		if strings.TrimSpace(t.Key) == "" {
			p.Add(f+".key", "is required: a market code, a user id or a customer id")
		} else if why := TextProblem(t.Key, MaxCode, true); why != "" {
			p.Add(f+".key", "%s", why)
		} else if seen[string(t.Dimension)+"/"+t.Key] {
			p.Add(f+".key", "%s %s appears twice", t.Dimension, t.Key)
		}
		seen[string(t.Dimension)+"/"+t.Key] = true
		if t.Currency != "" && !t.Currency.Valid() {
			p.Add(f+".currency", "must be a three-letter ISO 4217 code")
		}
		if t.Sales < 0 {
			p.Add(f+".sales_fen", "must not be negative")
		}
		if t.Collections < 0 {
			p.Add(f+".collections_fen", "must not be negative")
		}
		if t.Units < 0 {
			p.Add(f+".units", "must not be negative")
		}
	}
	return p
}

// TargetRow is sales, collections and units of a period against target, for
// one market, person of the FSF or distributor.
type TargetRow struct {
	Dimension         TargetDimension `json:"dimension"`
	Key               string          `json:"key"`
	Name              string          `json:"name"`
	Currency          Currency        `json:"currency"`
	SalesTarget       Fen             `json:"sales_target_fen"`
	Sales             Fen             `json:"sales_fen"` // invoiced, net of credit notes
	SalesPct          *float64        `json:"sales_pct"`
	CollectionsTarget Fen             `json:"collections_target_fen"`
	Collections       Fen             `json:"collections_fen"` // receipts confirmed
	CollectionsPct    *float64        `json:"collections_pct"`
	UnitsTarget       int64           `json:"units_target"`
	Units             int64           `json:"units"` // shipped
	UnitsPct          *float64        `json:"units_pct"`
	// Split says how the target is split one level down (markets to UMs,
	// UMs to KAMs, KAMs to distributors): SplitNone, SplitIncomplete or
	// SplitComplete; empty for rows that are not split (MMs, distributors,
	// rows without a target). SplitTargets are the children's targets summed.
	Split        SplitState `json:"split,omitempty"`
	SplitTargets *Figures   `json:"split_targets,omitempty"`
}

// ReachRow is the distribution reach of one market over a period: how many
// of its active distributors ordered.
type ReachRow struct {
	Market    string   `json:"market"`
	Customers int      `json:"customers"` // active distributors
	Ordering  int      `json:"ordering"`  // of those, with an order in the period
	ReachPct  *float64 `json:"reach_pct"`
}

// FocusItems are the SLT's focus for a month: one main item and two
// secondary, for a market or (Market empty) the whole department.
type FocusItems struct {
	Month     string    `json:"month"`
	Market    string    `json:"market,omitempty"`
	Main      string    `json:"main"`
	Secondary []string  `json:"secondary"`
	SetBy     string    `json:"set_by"`
	SetAt     time.Time `json:"set_at"`
}

// FocusRequest sets a month's focus: a market's, or the whole department's
// when Market is empty.
type FocusRequest struct {
	Market    string   `json:"market,omitempty"`
	Main      string   `json:"main"`
	Secondary []string `json:"secondary"`
}

// Normalize trims the items.
func (r *FocusRequest) Normalize() {
	r.Market = strings.TrimSpace(r.Market)
	r.Main = strings.TrimSpace(r.Main)
	for i := range r.Secondary {
		r.Secondary[i] = strings.TrimSpace(r.Secondary[i])
	}
}

// Validate reports every problem of the request at once.
func (r FocusRequest) Validate() Problems {
	var p Problems
	p.Text("main", r.Main, MaxFocusItem, true)
	p.Text("market", r.Market, MaxCode, false)
	if len(r.Secondary) != 2 {
		p.Add("secondary", "give exactly two secondary items")
	}
	for i, s := range r.Secondary {
		p.Text(fmt.Sprintf("secondary[%d]", i), s, MaxFocusItem, true)
	}
	return p
}
