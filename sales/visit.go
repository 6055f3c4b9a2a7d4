package sales

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// VisitKind is how a customer was contacted.
type VisitKind string

// The kinds of contact the visit log knows.
const (
	VisitInPerson VisitKind = "visit"
	VisitCall     VisitKind = "call"
	VisitVideo    VisitKind = "video"
	VisitOther    VisitKind = "other"
)

// VisitKinds lists the kinds, for forms and validation.
var VisitKinds = []VisitKind{VisitInPerson, VisitCall, VisitVideo, VisitOther}

// MaxFollowUp bounds a visit's follow-up.
const MaxFollowUp = 1000

// Visit is one entry of the weekly visit (call) log: who contacted which
// customer on which Beijing date, how, what was said and what follows.
type Visit struct {
	ID           int64     `json:"id"`
	CustomerID   string    `json:"customer_id"`
	CustomerName string    `json:"customer_name"`
	Market       string    `json:"market"` // the customer's market when the visit was logged
	Date         string    `json:"date"`   // YYYY-MM-DD, Beijing
	Kind         VisitKind `json:"kind"`
	Notes        string    `json:"notes"`
	FollowUp     string    `json:"follow_up"`
	FollowUpDue  string    `json:"follow_up_due,omitempty"` // YYYY-MM-DD, Beijing; "" = none
	By           string    `json:"by"`
	ByName       string    `json:"by_name"`
	LoggedAt     time.Time `json:"logged_at"`
}

// VisitInput is a visit as a person logs it.
type VisitInput struct {
	CustomerID  string    `json:"customer_id"`
	Date        string    `json:"date"` // YYYY-MM-DD, Beijing
	Kind        VisitKind `json:"kind"`
	Notes       string    `json:"notes"`
	FollowUp    string    `json:"follow_up"`
	FollowUpDue string    `json:"follow_up_due,omitempty"`
}

// visitBackdating is how far back a visit may be logged.
const visitBackdating = 92 * Day

// Validate checks a visit logged at now: a customer, a Beijing date neither
// in the future nor more than three months back, a known kind, notes, and a
// follow-up due date not before the visit (and only with a follow-up).
func (in VisitInput) Validate(now time.Time) Problems {
	var p Problems
	p.Text("customer_id", in.CustomerID, MaxCode, true)
	today := now.In(Beijing).Format(time.DateOnly)
	day, err := time.ParseInLocation(time.DateOnly, in.Date, Beijing)
	switch {
	case strings.TrimSpace(in.Date) == "":
		p.Add("date", "is required (YYYY-MM-DD)")
	case err != nil || day.Format(time.DateOnly) != in.Date:
		p.Add("date", "must be a date like 2026-03-31")
	case in.Date > today:
		p.Add("date", "must not be in the future (today is %s in Beijing)", today)
	case now.Sub(day) > visitBackdating:
		p.Add("date", "must be within the last three months")
	}
	switch {
	case in.Kind == "":
		p.Add("kind", "is required (visit, call, video or other)")
	case !slices.Contains(VisitKinds, in.Kind):
		p.Add("kind", "must be visit, call, video or other")
	}
	p.Text("notes", in.Notes, MaxNote, true)
	p.Text("follow_up", in.FollowUp, MaxFollowUp, false)
	if in.FollowUpDue != "" {
		due, err := time.ParseInLocation(time.DateOnly, in.FollowUpDue, Beijing)
		switch {
		case err != nil || due.Format(time.DateOnly) != in.FollowUpDue:
			p.Add("follow_up_due", "must be a date like 2026-03-31")
		case strings.TrimSpace(in.FollowUp) == "":
			p.Add("follow_up_due", "give the follow-up the date is for")
		case in.FollowUpDue < in.Date:
			p.Add("follow_up_due", "must not be before the visit")
		}
	}
	return p
}

// VisitFilter selects visits for a list: days From through To (both
// included, YYYY-MM-DD; "" = open), a customer, who logged them. Scope limits
// them to the customers a user may see.
type VisitFilter struct {
	From       string `json:"from,omitempty"`
	To         string `json:"to,omitempty"`
	CustomerID string `json:"customer_id,omitempty"`
	By         string `json:"by,omitempty"`
	Limit      int    `json:"limit,omitempty"`
	Scope      Scope  `json:"-"`
}

// VisitPolicy is the weekly rhythm of the visit log (configuration, under
// "visits" in the policy file): how many contacts a week each person owes.
type VisitPolicy struct {
	// KAMPerCustomer is the visits or calls a KAM owes each active customer
	// of theirs a week.
	KAMPerCustomer int `json:"kam_per_customer"`
	// SSGPerCustomer is the calls an SSG member holding a market's visits
	// duty owes each active customer of the market a week.
	SSGPerCustomer int `json:"ssg_per_customer"`
}

// DefaultVisitPolicy is one contact a week with every active customer, from
// its KAM and from the SSG member who holds its market's visits.
func DefaultVisitPolicy() VisitPolicy { return VisitPolicy{KAMPerCustomer: 1, SSGPerCustomer: 1} }

// Validate refuses a rhythm below zero or beyond reason.
func (v VisitPolicy) Validate() error {
	var p Problems
	if v.KAMPerCustomer < 0 || v.KAMPerCustomer > 20 {
		p.Add("visits.kam_per_customer", "must be from 0 to 20")
	}
	if v.SSGPerCustomer < 0 || v.SSGPerCustomer > 20 {
		p.Add("visits.ssg_per_customer", "must be from 0 to 20")
	}
	return p.Err("invalid visit policy")
}

var weekPattern = regexp.MustCompile(`^([0-9]{4})-W([0-9]{2})$`)

// WeekPeriod is the ISO week "2026-W49": Monday to Sunday in Beijing.
func WeekPeriod(week string) (Period, error) {
	m := weekPattern.FindStringSubmatch(week)
	if m == nil {
		return Period{}, Errorf(ErrInvalid, "week %q must look like 2026-W49", week)
	}
	year, _ := strconv.Atoi(m[1])
	w, _ := strconv.Atoi(m[2])
	// 4 January is always in week 1.
	jan4 := time.Date(year, 1, 4, 0, 0, 0, 0, Beijing)
	monday := jan4.AddDate(0, 0, -((int(jan4.Weekday())+6)%7)+(w-1)*7)
	if y, wk := monday.ISOWeek(); w < 1 || y != year || wk != w {
		return Period{}, Errorf(ErrInvalid, "week %q: %d has no week %d", week, year, w)
	}
	return Period{From: monday, To: monday.AddDate(0, 0, 7)}, nil
}

// WeekOf is the ISO week of t in Beijing, e.g. "2026-W49".
func WeekOf(t time.Time) string {
	y, w := t.In(Beijing).ISOWeek()
	return fmt.Sprintf("%04d-W%02d", y, w)
}

// VisitDuty is someone who owes visits in a market: a KAM for their own
// active customers there, or an SSG member holding the market's visits duty.
type VisitDuty struct {
	UserID string `json:"user_id"`
	Name   string `json:"name"`
	Role   Role   `json:"role"`
	Market string `json:"market"`
	// Customers are the active customers owed a contact: the KAM's own in
	// the market, or all of the market's for the SSG.
	Customers []string `json:"customers"`
}

// VisitReport is the week's visits against the weekly rhythm, per person
// and market, and per market.
type VisitReport struct {
	Week    string           `json:"week,omitempty"` // 2026-W49 when a week was asked for
	From    string           `json:"from"`           // first day, YYYY-MM-DD
	To      string           `json:"to"`             // last day, included
	Weeks   int              `json:"weeks"`          // the rhythm counts whole weeks, at least one
	Policy  VisitPolicy      `json:"policy"`
	People  []VisitPersonRow `json:"people"`
	Markets []VisitMarketRow `json:"markets"`
	Behind  []string         `json:"behind"` // user ids of those behind, in order
}

// VisitPersonRow is one person's visits in one market.
type VisitPersonRow struct {
	UserID   string `json:"user_id"`
	Name     string `json:"name"`
	Role     Role   `json:"role"`
	Market   string `json:"market"`
	Expected int    `json:"expected"`  // visits owed by the rhythm
	Logged   int    `json:"logged"`    // visits logged to the customers owed
	Covered  int    `json:"covered"`   // customers contacted at least once
	Owed     int    `json:"customers"` // customers owed a contact
	Behind   bool   `json:"behind"`
}

// VisitMarketRow is a market's visits: all logged to its customers, and
// how many of its people are behind.
type VisitMarketRow struct {
	Market    string `json:"market"`
	Logged    int    `json:"logged"`
	Customers int    `json:"customers"` // active customers
	Covered   int    `json:"covered"`   // of them contacted at least once, by anyone
	Expected  int    `json:"expected"`  // what its people owe together
	Behind    int    `json:"behind"`    // people behind
}

// BuildVisitReport compares the visits logged in p with the rhythm: each
// duty owes policy's visits per customer per week (for the weeks p spans,
// at least one); a visit counts for a duty when its author holds the duty
// and its customer is one the duty covers. markets lists each market's
// active customers.
func BuildVisitReport(p Period, policy VisitPolicy, duties []VisitDuty, markets map[string][]string, visits []Visit) VisitReport {
	weeks := max(1, (p.Days()+6)/7)
	r := VisitReport{From: p.From.In(Beijing).Format(time.DateOnly), To: p.To.Add(-Day).In(Beijing).Format(time.DateOnly),
		Weeks: weeks, Policy: policy, People: []VisitPersonRow{}, Markets: []VisitMarketRow{}, Behind: []string{}}
	type key struct{ by, customer string }
	count := map[key]int{}
	for _, v := range visits {
		count[key{v.By, v.CustomerID}]++
	}
	marketRows := map[string]*VisitMarketRow{}
	marketCodes := make([]string, 0, len(markets))
	for code := range markets {
		marketCodes = append(marketCodes, code)
	}
	slices.Sort(marketCodes)
	for _, code := range marketCodes {
		row := &VisitMarketRow{Market: code, Customers: len(markets[code])}
		marketRows[code] = row
		in := map[string]bool{}
		for _, c := range markets[code] {
			in[c] = true
		}
		seen := map[string]bool{}
		for _, v := range visits {
			if in[v.CustomerID] {
				row.Logged++
				seen[v.CustomerID] = true
			}
		}
		row.Covered = len(seen)
	}
	sorted := slices.Clone(duties)
	slices.SortFunc(sorted, func(a, b VisitDuty) int {
		return cmpJoin(strings.Compare(a.Market, b.Market), strings.Compare(string(a.Role), string(b.Role)), strings.Compare(a.UserID, b.UserID))
	})
	for _, d := range sorted {
		per := policy.SSGPerCustomer
		if d.Role != RoleSSG {
			per = policy.KAMPerCustomer
		}
		row := VisitPersonRow{UserID: d.UserID, Name: d.Name, Role: d.Role, Market: d.Market,
			Expected: per * len(d.Customers) * weeks, Owed: len(d.Customers)}
		for _, c := range d.Customers {
			if n := count[key{d.UserID, c}]; n > 0 {
				row.Logged += n
				row.Covered++
			}
		}
		row.Behind = row.Logged < row.Expected || (per > 0 && row.Covered < row.Owed)
		if m := marketRows[d.Market]; m != nil {
			m.Expected += row.Expected
			if row.Behind {
				m.Behind++
			}
		}
		if row.Behind && !slices.Contains(r.Behind, d.UserID) {
			r.Behind = append(r.Behind, d.UserID)
		}
		r.People = append(r.People, row)
	}
	for _, code := range marketCodes {
		r.Markets = append(r.Markets, *marketRows[code])
	}
	return r
}

func cmpJoin(cs ...int) int {
	for _, c := range cs {
		if c != 0 {
			return c
		}
	}
	return 0
}

// VisitTable lays out the visits for a download.
func VisitTable(visits []Visit) Table {
	t := Table{Name: "拜访记录", English: "Visits", Columns: []Column{
		col("日期", "Date", Text), col("客户编号", "Customer ID", Text), col("客户名称", "Customer", Text),
		col("市场", "Market", Text), col("方式", "Kind", Text), col("记录", "Notes", Text),
		col("跟进", "Follow-up", Text), col("跟进日期", "Follow-up due", Text), col("拜访人", "By", Text),
	}}
	for _, v := range visits {
		t.Rows = append(t.Rows, []any{v.Date, v.CustomerID, v.CustomerName, v.Market, string(v.Kind), v.Notes,
			v.FollowUp, v.FollowUpDue, nameOr(v.ByName, v.By)})
	}
	return t
}

// VisitReportTable lays out the report's people for a download.
func VisitReportTable(r VisitReport) Table {
	t := Table{Name: "拜访周报", English: "Weekly visits", Columns: []Column{
		col("市场", "Market", Text), col("人员", "Person", Text), col("角色", "Role", Text),
		col("应拜访", "Expected", Integer), col("已拜访", "Logged", Integer),
		col("已覆盖客户", "Customers covered", Integer), col("负责客户", "Customers", Integer), col("落后", "Behind", YesNo),
	}}
	for _, p := range r.People {
		t.Rows = append(t.Rows, []any{p.Market, nameOr(p.Name, p.UserID), string(p.Role), p.Expected, p.Logged, p.Covered, p.Owed, p.Behind})
	}
	return t
}
