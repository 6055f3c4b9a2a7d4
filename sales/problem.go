package sales

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Department is the part of the organisation an OSB problem belongs to.
type Department string

// The departments of the OSB problem log.
const (
	DeptSales     Department = "sales"     // SSG, FSF and SLT
	DeptFinance   Department = "finance"   // invoices, receipts, credit
	DeptLogistics Department = "logistics" // dispatch, delivery, returns
)

// Departments lists the departments in the order the monthly meeting reviews them.
var Departments = []Department{DeptSales, DeptFinance, DeptLogistics}

// Valid reports whether d is one of the departments.
func (d Department) Valid() bool {
	return d == DeptSales || d == DeptFinance || d == DeptLogistics
}

// DepartmentOf is the department of a role: Finance and Logistics are their
// own; the SSG, the FSF and the SLT are the sales department.
func DepartmentOf(r Role) Department {
	switch r {
	case RoleFinance:
		return DeptFinance
	case RoleLogistics:
		return DeptLogistics
	}
	return DeptSales
}

// ProblemSource says how a problem came into the log.
type ProblemSource string

// Sources of OSB problems.
const (
	SourceEscalation ProblemSource = "escalation" // an escalation reached the SLT
	SourceDispute    ProblemSource = "dispute"    // the customer disputed an invoice
	SourceStuckStep  ProblemSource = "stuck_step" // a step passed its deadline
	SourceManual     ProblemSource = "manual"     // filed by a person
	// SourceStoreBehind: an order's writes to the store keep failing.
	SourceStoreBehind ProblemSource = "store_behind"
)

// Valid reports whether s is one of the sources.
func (s ProblemSource) Valid() bool {
	switch s {
	case SourceEscalation, SourceDispute, SourceStuckStep, SourceManual, SourceStoreBehind:
		return true
	}
	return false
}

// ProblemStatus is where a problem stands.
type ProblemStatus string

// Problem statuses.
const (
	ProblemOpen       ProblemStatus = "open"
	ProblemInProgress ProblemStatus = "in_progress"
	ProblemResolved   ProblemStatus = "resolved"
)

// Valid reports whether s is one of the statuses.
func (s ProblemStatus) Valid() bool {
	return s == ProblemOpen || s == ProblemInProgress || s == ProblemResolved
}

// Problem is one entry of the OSB problem log: numbered per month, owned by a
// department, followed until resolved. Problems are never deleted.
type Problem struct {
	Number     string        `json:"number"` // OSB-2026-11-007
	Department Department    `json:"department"`
	Source     ProblemSource `json:"source"`
	Status     ProblemStatus `json:"status"`
	Title      string        `json:"title"`
	Detail     string        `json:"detail,omitempty"`
	OrderNo    string        `json:"order_no,omitempty"`
	CustomerID string        `json:"customer_id,omitempty"`
	InvoiceNo  string        `json:"invoice_no,omitempty"`
	Step       Step          `json:"step,omitempty"`
	Level      Level         `json:"escalation_level,omitempty"` // highest rung an automatic problem's escalation reached
	Owner      string        `json:"owner"`                      // a user id, or dept:<role> for a department
	Resolution string        `json:"resolution,omitempty"`
	CreatedBy  string        `json:"created_by"`
	CreatedAt  time.Time     `json:"created_at"`
	UpdatedAt  time.Time     `json:"updated_at"`
	ResolvedAt *time.Time    `json:"resolved_at,omitempty"`
	ResolvedBy string        `json:"resolved_by,omitempty"`
}

// Resolved reports whether the problem is closed.
func (p Problem) Resolved() bool { return p.Status == ProblemResolved }

// ProblemMonth is the month a problem filed at at is numbered in (Beijing time).
func ProblemMonth(at time.Time) string { return at.In(Beijing).Format("2006-01") }

// FormatProblemNo returns the number of the n-th problem of month, e.g.
// OSB-2026-11-007.
func FormatProblemNo(month string, n int) string { return fmt.Sprintf("OSB-%s-%03d", month, n) }

var problemNoPattern = regexp.MustCompile(`^OSB-[0-9]{4}-(0[1-9]|1[0-2])-[0-9]{3,}$`)

// ValidProblemNo reports whether s is a problem number.
func ValidProblemNo(s string) bool { return problemNoPattern.MatchString(s) }

// ProblemFiling is a problem to record. Key is set for problems OSB files by
// itself: filing the same key again records nothing.
type ProblemFiling struct {
	Key        string        `json:"key,omitempty"`
	Department Department    `json:"department"`
	Source     ProblemSource `json:"source"`
	Title      string        `json:"title"`
	Detail     string        `json:"detail,omitempty"`
	OrderNo    string        `json:"order_no,omitempty"`
	CustomerID string        `json:"customer_id,omitempty"`
	InvoiceNo  string        `json:"invoice_no,omitempty"`
	Step       Step          `json:"step,omitempty"`
	Level      Level         `json:"escalation_level,omitempty"`
	Owner      string        `json:"owner"`
	CreatedBy  string        `json:"created_by"`
	At         time.Time     `json:"at"`
}

// ProblemRequest is a problem filed by a person through the API.
type ProblemRequest struct {
	Department Department `json:"department"`
	Title      string     `json:"title"`
	Detail     string     `json:"detail,omitempty"`
	OrderNo    string     `json:"order_no,omitempty"`
	CustomerID string     `json:"customer_id,omitempty"`
	Owner      string     `json:"owner,omitempty"` // default: the department (dept:<role>)
}

// Normalize trims the text of the request.
func (r *ProblemRequest) Normalize() {
	r.Title = strings.TrimSpace(r.Title)
	r.Detail = strings.TrimSpace(r.Detail)
	r.OrderNo = strings.TrimSpace(r.OrderNo)
	r.CustomerID = strings.TrimSpace(r.CustomerID)
	r.Owner = strings.TrimSpace(r.Owner)
}

// Validate reports every problem of the request at once.
func (r ProblemRequest) Validate() Problems {
	var p Problems
	if !r.Department.Valid() {
		p.Add("department", "must be sales, finance or logistics")
	}
	p.Text("title", r.Title, MaxTitle, true)
	p.Text("detail", r.Detail, MaxDetail, false)
	if r.OrderNo != "" && !ValidOrderNo(r.OrderNo) {
		p.Add("order_no", "must be an order number like SO-2026-000042")
	}
	p.Text("customer_id", r.CustomerID, MaxCode, false)
	p.Text("owner", r.Owner, MaxCode, false)
	return p
}

// Filing turns the request into a filing by actor at at.
func (r ProblemRequest) Filing(by Actor, at time.Time) ProblemFiling {
	owner := r.Owner
	if owner == "" {
		owner = DepartmentOwner(r.Department)
	}
	return ProblemFiling{
		Department: r.Department, Source: SourceManual, Title: r.Title, Detail: r.Detail,
		OrderNo: r.OrderNo, CustomerID: r.CustomerID, Owner: owner, CreatedBy: by.UserID, At: at,
	}
}

// DepartmentOwner is who owns a department's problems until a person takes
// one: the SSG for sales, otherwise the department itself.
func DepartmentOwner(d Department) string {
	switch d {
	case DeptFinance:
		return "dept:" + string(RoleFinance)
	case DeptLogistics:
		return "dept:" + string(RoleLogistics)
	}
	return "dept:" + string(RoleSSG)
}

// CanManageProblems reports whether actor may file and update problems of
// department d: the SSG, the SLT and admins any, Finance and Logistics their own.
func CanManageProblems(a Actor, d Department) error {
	switch {
	case a.Is(RoleSSG, RoleSLT, RoleAdmin):
		return nil
	case a.Is(RoleFinance, RoleLogistics):
		if DepartmentOf(a.Role) == d {
			return nil
		}
		return Errorf(ErrForbidden, "%s may file and update only %s problems, not %s ones", a.Role, DepartmentOf(a.Role), d)
	}
	return Errorf(ErrForbidden, "only ssg, slt, admin, finance or logistics may file and update problems; you are %s", a.Role)
}

// ProblemUpdate changes a problem: any field left out stays as it is.
type ProblemUpdate struct {
	Status     *ProblemStatus `json:"status,omitempty"`
	Owner      *string        `json:"owner,omitempty"`
	Resolution *string        `json:"resolution,omitempty"`
}

// Validate reports every problem of the update at once.
func (u ProblemUpdate) Validate() Problems {
	var p Problems
	if u.Status == nil && u.Owner == nil && u.Resolution == nil {
		p.Add("status", "give at least one of status, owner or resolution")
	}
	if u.Status != nil && !u.Status.Valid() {
		p.Add("status", "must be open, in_progress or resolved")
	}
	if u.Owner != nil {
		p.Text("owner", *u.Owner, MaxCode, true)
	}
	if u.Resolution != nil {
		p.Text("resolution", *u.Resolution, MaxDetail, false)
	}
	return p
}

// Apply returns p changed by u, done by actor at at. Resolving needs a
// resolution; reopening a resolved problem keeps its resolution as history
// but clears when and by whom it was resolved.
func (p Problem) Apply(u ProblemUpdate, by Actor, at time.Time) (Problem, error) {
	if err := u.Validate().Err("invalid problem update"); err != nil {
		return p, err
	}
	if err := CanManageProblems(by, p.Department); err != nil {
		return p, err
	}
	if u.Owner != nil {
		p.Owner = strings.TrimSpace(*u.Owner)
	}
	if u.Resolution != nil {
		p.Resolution = strings.TrimSpace(*u.Resolution)
	}
	if u.Status != nil && *u.Status != p.Status {
		switch *u.Status {
		case ProblemResolved:
			p.ResolvedAt, p.ResolvedBy = &at, by.UserID
		default:
			p.ResolvedAt, p.ResolvedBy = nil, ""
		}
		p.Status = *u.Status
	}
	if p.Status == ProblemResolved && p.Resolution == "" {
		return p, (Problems{{Field: "resolution", Message: "say how the problem was resolved"}}).Err("invalid problem update")
	}
	p.UpdatedAt = at
	return p, nil
}

// Notes written when OSB resolves a problem whose cause went away.
const (
	NoteInvoicePaid = "resolved automatically: the invoice was paid"
	// NoteCaughtUp resolves a store_behind problem.
	NoteCaughtUp    = "resolved automatically: the order's record caught up with its workflow"
	NoteStepMoved   = "resolved automatically: the order moved on from the step"
	NoteOrderClosed = "resolved automatically: the order is closed"
	NoteHoldDecided = "resolved automatically: the hold was decided"
)

// EventInvoiceDisputed is the audit event of a disputed invoice (BC2).
const EventInvoiceDisputed = "invoice_disputed"

// AutoProblems returns the problems an order's changes file by themselves:
//   - a step overdue (its first rung) is a stuck step, of the department that
//     owns the step;
//   - any other escalation that reaches the SLT (a hold, dunning, a late
//     return) is an escalation problem of the sales department, owned by
//     whoever the rung reached;
//   - a disputed invoice is a dispute, for Finance.
//
// Each is keyed by what is late (not by its rung), so a later rung or a
// retried write files nothing more.
func AutoProblems(c OrderChanges) []ProblemFiling {
	var out []ProblemFiling
	for _, e := range c.Escalations {
		if f, ok := escalationProblem(e); ok {
			out = append(out, f)
		}
	}
	if c.Order == nil {
		return out
	}
	for _, e := range c.Events {
		if e.Kind != EventInvoiceDisputed {
			continue
		}
		inv := e.Detail["invoice"]
		out = append(out, ProblemFiling{
			Key:        fmt.Sprintf("%s/%s/%d", c.Order.OrderNo, EventInvoiceDisputed, e.Seq),
			Department: DeptFinance, Source: SourceDispute,
			Title:   fmt.Sprintf("Invoice %s of order %s disputed", inv, c.Order.OrderNo),
			Detail:  e.Detail["reason"],
			OrderNo: c.Order.OrderNo, CustomerID: c.Order.CustomerID, InvoiceNo: inv, Step: e.Step,
			Owner: DepartmentOwner(DeptFinance), CreatedBy: e.Actor, At: e.At,
		})
	}
	return out
}

// escalationProblem is the problem an escalation files, if any.
func escalationProblem(e Escalation) (ProblemFiling, bool) {
	ref := e.Ref()
	f := ProblemFiling{
		Key: e.Thing(), Title: e.Subject, OrderNo: e.OrderNo, CustomerID: e.CustomerID, Level: e.Level,
		CreatedBy: System.UserID, At: e.At,
	}
	switch {
	case e.Kind == EscalateStep:
		step := Step(beforeAt(ref))
		info, _ := step.Info()
		f.Source, f.Step, f.Department = SourceStuckStep, step, DepartmentOf(info.Owner)
		f.Owner = DepartmentOwner(f.Department)
		if info.Owner == RoleFSF && len(e.Recipients) > 0 {
			f.Owner = e.Recipients[0] // the KAM who owns the customer
		}
		return f, true
	case e.Level >= LevelSLT && e.Kind != EscalateRemind:
		f.Source, f.Department = SourceEscalation, DeptSales
		f.Owner = DepartmentOwner(DeptSales)
		if n := len(e.Recipients); n > 0 {
			f.Owner = e.Recipients[n-1] // the holder of the rung reached
		}
		switch e.Kind {
		case EscalateDunning:
			f.InvoiceNo = beforeAt(ref)
		case EscalateHold:
			f.Step = Step(beforeAt(ref))
		}
		return f, true
	}
	return ProblemFiling{}, false
}

// Ref is what the escalation is about, from its key order/kind/ref/level: a
// step or an invoice, with the time it started ("SP3@1767225600").
func (e Escalation) Ref() string {
	parts := strings.Split(e.Thing(), "/")
	if len(parts) < 3 {
		return ""
	}
	return strings.Join(parts[2:], "/")
}

// Thing is the key of what is late, whatever rung it reached: the
// escalation's key without its level.
func (e Escalation) Thing() string {
	if k, ok := strings.CutSuffix(e.Key, "/"+strconv.Itoa(int(e.Level))); ok {
		return k
	}
	return e.Key
}

func beforeAt(ref string) string {
	s, _, _ := strings.Cut(ref, "@")
	return s
}

// ProblemFilter selects problems. Zero fields do not filter.
type ProblemFilter struct {
	Status     ProblemStatus `json:"status,omitempty"`
	Open       bool          `json:"open,omitempty"` // open or in progress
	Department Department    `json:"department,omitempty"`
	Source     ProblemSource `json:"source,omitempty"`
	OrderNo    string        `json:"order_no,omitempty"`
	CustomerID string        `json:"customer_id,omitempty"`
	Month      string        `json:"month,omitempty"` // numbered in this month
	Scope      Scope         `json:"-"`
	Limit      int           `json:"limit,omitempty"`
}
