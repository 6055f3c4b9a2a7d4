package workflows

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"osb/sales"
)

// world is a fake store behind the activities: one customer, a catalog, a
// credit position, and everything the workflow wrote.
type world struct {
	mu       sync.Mutex
	prepares int // PrepareOrder calls
	customer sales.Customer
	skus     map[string]sales.SKU
	ladder   sales.Ladder
	credit   sales.CreditPosition
	syncs    []sales.OrderChanges
	// quota is the customer's allocation per SKU; pop the POP catalog and
	// popLeft what the market's budget has left.
	quota        map[string]sales.CustomerQuota
	pop          map[string]sales.POPItem
	popLeft      sales.Fen
	reservations []POPInput
	taken        []sales.QuotaMove // consumed by TakeQuota
	// Faults: refuse answers why a write is refused ("" = written);
	// creditDown is how many credit reads fail; problems what was filed.
	refuse     func(sales.OrderChanges) string
	creditDown int
	problems   []sales.ProblemFiling
	creditIns  []CreditInput // what each credit check asked
	// calendar is the working calendar the store holds; calendarReads what
	// LoadCalendar was asked.
	calendar      sales.Calendar
	calendarReads []CalendarYears
}

func (w *world) loadCalendar(_ context.Context, in CalendarYears) (sales.Calendar, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.calendarReads = append(w.calendarReads, in)
	out := sales.Calendar{Days: []sales.CalendarDay{}, Years: []int{}}
	for _, d := range w.calendar.Days {
		if y, _ := strconv.Atoi(d.Date[:4]); y >= in.From && y <= in.To {
			out.Days = append(out.Days, d)
		}
	}
	for _, y := range w.calendar.Years {
		if y >= in.From && y <= in.To {
			out.Years = append(out.Years, y)
		}
	}
	return out, nil
}

// refused is how the store refuses a write or a read: an error retrying
// cannot fix at once.
func refused(msg string) error {
	return temporal.NewNonRetryableApplicationError(msg, sales.ErrInvalid, nil)
}

func (w *world) reportLag(_ context.Context, f sales.ProblemFiling) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.problems = append(w.problems, f)
	return nil
}

func newWorld() *world {
	return &world{
		customer: sales.Customer{ID: "C001", Name: "华东分销一号", Market: "华东", KAMID: "kam1", PaymentTermsDays: 30,
			Active: true, Currency: sales.CNY, CreditLimit: sales.Yuan(1_000_000)},
		skus: map[string]sales.SKU{
			"SKU-A": {Code: "SKU-A", Name: "A", ListPrice: sales.Yuan(100), Currency: sales.CNY, Active: true},
			"SKU-B": {Code: "SKU-B", Name: "B", ListPrice: sales.Yuan(50), Currency: sales.CNY, Active: true},
		},
		ladder: sales.Ladder{KAM: "kam1", UM: "um1", MM: "mm1", SLT: "dsd", GM: "gm", SLTs: []string{"dsd", "sd"},
			Logistics: []string{"log1", "log2"}, Finance: []string{"fin1"}, SSGOrders: []string{"csr1"}, SSGSettlement: []string{"ssg-lead"}},
		credit: sales.CreditPosition{Limit: sales.Yuan(1_000_000), Exposure: sales.Yuan(2_000)},
		quota:  map[string]sales.CustomerQuota{},
		pop: map[string]sales.POPItem{
			"POSTER": {Code: "POSTER", Name: "海报", UnitCost: sales.Yuan(5), Currency: sales.CNY, Active: true},
			"SHELF":  {Code: "SHELF", Name: "货架贴", UnitCost: sales.Yuan(2), Currency: sales.CNY, Active: true},
		},
		popLeft: sales.Yuan(1000),
	}
}

// takeQuota consumes the moves when they all fit what is left (OP3),
// keeping them in taken.
func (w *world) takeQuota(_ context.Context, in TakeQuotaInput) (TakeQuotaResult, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	res := TakeQuotaResult{Left: map[string]int64{}, Taken: true}
	need := map[string]int64{}
	for _, m := range in.Moves {
		res.Left[m.SKU] = w.quota[m.SKU].Remaining()
		need[m.SKU] += m.Quantity
	}
	for _, m := range in.Moves {
		if need[m.SKU] > res.Left[m.SKU] {
			res.Taken = false
		}
	}
	if res.Taken {
		for _, m := range in.Moves {
			q := w.quota[m.SKU]
			q.Consumed += m.Quantity
			w.quota[m.SKU] = q
		}
		w.taken = append(w.taken, in.Moves...)
	}
	return res, nil
}

// takeQuotaWithin consumes of each move what is left (the SLT's
// within_quota), keeping what it took in taken.
func (w *world) takeQuotaWithin(_ context.Context, in TakeQuotaInput) ([]sales.QuotaMove, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []sales.QuotaMove
	for _, m := range in.Moves {
		q := w.quota[m.SKU]
		if n := min(m.Quantity, q.Remaining()); n > 0 {
			m.Quantity = n
			q.Consumed += n
			w.quota[m.SKU] = q
			out = append(out, m)
		}
	}
	w.taken = append(w.taken, out...)
	return out, nil
}

func (w *world) reservePOP(_ context.Context, in POPInput) (sales.POPReservation, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.reservations = append(w.reservations, in)
	cost := sales.POPCost(in.Items, w.pop)
	if cost > w.popLeft {
		return sales.POPReservation{Cost: cost, Reason: fmt.Sprintf("over the 华东 POP budget: %s left, %s asked", w.popLeft, cost)}, nil
	}
	w.popLeft -= cost
	var usage []sales.POPUsage
	for _, p := range in.Items {
		usage = append(usage, sales.POPUsage{Key: in.OrderNo + "/pop/" + p.Item, Month: in.Month, Item: p.Item,
			Quantity: p.Quantity, Cost: sales.Fen(p.Quantity) * w.pop[p.Item].UnitCost})
	}
	return sales.POPReservation{Reserved: true, Cost: cost, Usage: usage}, nil
}

// setQuota gives the customer allocated units of sku, consumed already.
func (w *world) setQuota(sku string, allocated, consumed int64) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.quota[sku] = sales.CustomerQuota{SKU: sku, Allocated: allocated, Consumed: consumed}
}

func (w *world) quotaMoves() []sales.QuotaMove {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := append([]sales.QuotaMove(nil), w.taken...) // OP3 comes before any write
	for _, s := range w.syncs {
		out = append(out, s.Quota...)
	}
	return out
}

func (w *world) popUsage() []sales.POPUsage {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []sales.POPUsage
	for _, s := range w.syncs {
		out = append(out, s.POP...)
	}
	return out
}

func (w *world) creditNotes() []sales.CreditNote {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []sales.CreditNote
	for _, s := range w.syncs {
		out = append(out, s.CreditNotes...)
	}
	return out
}

// lastReturn is the latest state of return no written to the store.
func (w *world) lastReturn(no string) *sales.Return {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out *sales.Return
	for _, s := range w.syncs {
		for i := range s.Returns {
			if s.Returns[i].No == no {
				out = &s.Returns[i]
			}
		}
	}
	return out
}

func (w *world) prepare(_ context.Context, req sales.OrderRequest) (PrepareResult, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.prepares++
	out := PrepareResult{SKUs: map[string]sales.SKU{}, Ladder: w.ladder, POPItems: map[string]sales.POPItem{}}
	for _, p := range req.POP {
		if it, ok := w.pop[p.Item]; ok {
			out.POPItems[p.Item] = it
		}
	}
	if req.CustomerID == w.customer.ID {
		c := w.customer
		out.Customer = &c
	}
	for _, l := range req.Lines {
		if s, ok := w.skus[l.SKU]; ok {
			out.SKUs[l.SKU] = s
		}
	}
	return out, nil
}

func (w *world) checkCredit(_ context.Context, in CreditInput) (sales.CreditPosition, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.creditIns = append(w.creditIns, in)
	if w.creditDown > 0 {
		w.creditDown--
		return sales.CreditPosition{}, refused("the credit read failed")
	}
	return w.credit, nil
}

// resume is the reopen input last written with an order snapshot, as the
// store keeps it (nil if none).
func (w *world) resume() *OrderInput {
	raw := w.resumeRaw()
	if raw == nil {
		return nil
	}
	in, err := DecodeResume(raw)
	if err != nil {
		panic(err)
	}
	return &in
}

// resumeRaw is the reopen input last written, encoded (nil if none).
func (w *world) resumeRaw() []byte {
	w.mu.Lock()
	defer w.mu.Unlock()
	for i := len(w.syncs) - 1; i >= 0; i-- {
		if raw := w.syncs[i].Resume; len(raw) > 0 {
			return raw
		}
	}
	return nil
}

func (w *world) sync(_ context.Context, in sales.OrderChanges) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.refuse != nil {
		if why := w.refuse(in); why != "" {
			return refused(why)
		}
	}
	// Keep a deep copy: the workflow reuses its slices.
	b, _ := json.Marshal(in)
	var cp sales.OrderChanges
	_ = json.Unmarshal(b, &cp)
	w.syncs = append(w.syncs, cp)
	return nil
}

func (w *world) setCredit(c sales.CreditPosition) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.credit = c
}

// last returns the latest snapshot written.
// last is the order as the store has it after every write so far: the
// latest header, and each line, shipment, invoice and receipt as last written
// (a write carries only what changed).
func (w *world) last() *sales.OrderSnapshot {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out *sales.OrderSnapshot
	for _, c := range w.syncs {
		o := c.Order
		if o == nil {
			continue
		}
		if out == nil || o.Version >= out.Version {
			merged := *o
			if out != nil {
				merged.Lines = upsertBy(out.Lines, o.Lines, func(l sales.Line) string { return fmt.Sprint(l.LineNo) })
				merged.Shipments = upsertBy(out.Shipments, o.Shipments, func(s sales.Shipment) string { return s.No })
				merged.Invoices = upsertBy(out.Invoices, o.Invoices, func(i sales.Invoice) string { return i.No })
				merged.Receipts = upsertBy(out.Receipts, o.Receipts, func(r sales.Receipt) string { return r.Reference })
			}
			out = &merged
		}
	}
	return out
}

// upsertBy returns have with each of later replacing the one of the same key,
// or appended.
func upsertBy[T any](have, later []T, key func(T) string) []T {
	out := append([]T(nil), have...)
	for _, v := range later {
		i := slices.IndexFunc(out, func(h T) bool { return key(h) == key(v) })
		if i < 0 {
			out = append(out, v)
		} else {
			out[i] = v
		}
	}
	return out
}

func (w *world) escalations() []sales.Escalation {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []sales.Escalation
	for _, s := range w.syncs {
		out = append(out, s.Escalations...)
	}
	return out
}

func (w *world) notifications() []sales.Notification {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []sales.Notification
	for _, s := range w.syncs {
		out = append(out, s.Notifications...)
	}
	return out
}

func (w *world) events() []sales.Event {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []sales.Event
	for _, s := range w.syncs {
		out = append(out, s.Events...)
	}
	return out
}

func (w *world) credits() []sales.CreditEntry {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []sales.CreditEntry
	for _, s := range w.syncs {
		out = append(out, s.Credits...)
	}
	return out
}

func (w *world) freezes() []sales.Freeze {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []sales.Freeze
	for _, s := range w.syncs {
		if s.Freeze != nil {
			out = append(out, *s.Freeze)
		}
	}
	return out
}

// harness drives one order workflow in the SDK's test environment with time
// skipping: people act through scheduled callbacks at virtual times.
type harness struct {
	t       *testing.T
	env     *testsuite.TestWorkflowEnvironment
	w       *world
	policy  sales.Policy
	input   OrderInput
	outcome map[string]*updateOutcome
}

type updateOutcome struct {
	rejected error
	result   any
	err      error
	done     bool
}

var (
	ssg       = sales.Actor{UserID: "ssg1", Role: sales.RoleSSG}
	logistics = sales.Actor{UserID: "log1", Role: sales.RoleLogistics}
	finance   = sales.Actor{UserID: "fin1", Role: sales.RoleFinance}
	slt       = sales.Actor{UserID: "dsd", Role: sales.RoleSLT}
	um        = sales.Actor{UserID: "um1", Role: sales.RoleFSF}
	kam       = sales.Actor{UserID: "kam1", Role: sales.RoleFSF}
)

func newHarness(t *testing.T) *harness {
	t.Helper()
	return harnessOf(t, newWorld())
}

// reopened is a harness for the run a return request starts at start, from
// the reopen input last written to the store: same world.
func (h *harness) reopened(start time.Time) *harness {
	h.t.Helper()
	in := h.w.resume()
	if in == nil {
		h.t.Fatal("no reopen input was written")
	}
	next := harnessOf(h.t, h.w)
	next.input, next.policy = *in, in.Policy
	next.env.SetStartTime(start)
	return next
}

func harnessOf(t *testing.T, w *world) *harness {
	t.Helper()
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestWorkflowEnvironment()
	env.RegisterWorkflowWithOptions(Order, RegisterOptions())
	PrepareOrder.Register(env, w.prepare)
	CheckCredit.Register(env, w.checkCredit)
	SyncOrder.Register(env, w.sync)
	TakeQuota.Register(env, w.takeQuota)
	TakeQuotaWithin.Register(env, w.takeQuotaWithin)
	ReservePOP.Register(env, w.reservePOP)
	ReportStoreLag.Register(env, w.reportLag)
	LoadCalendar.Register(env, w.loadCalendar)
	h := &harness{t: t, env: env, w: w, policy: sales.DefaultPolicy(), outcome: map[string]*updateOutcome{}}
	h.input = OrderInput{
		OrderNo:   "SO-2026-000001",
		CreatedBy: ssg,
		Request: sales.OrderRequest{CustomerID: "C001", Currency: sales.CNY, Lines: []sales.LineRequest{
			{SKU: "SKU-A", Quantity: 10, UnitPrice: sales.Yuan(100)},
			{SKU: "SKU-B", Quantity: 20, UnitPrice: sales.Yuan(50)},
		}},
	}
	return h
}

// at schedules fn at virtual time d after the start.
func (h *harness) at(d time.Duration, fn func()) { h.env.RegisterDelayedCallback(fn, d) }

// update sends an update now and records its outcome under label.
func (h *harness) update(label, name string, arg any) {
	o := &updateOutcome{}
	h.outcome[label] = o
	h.env.UpdateWorkflow(name, label, &testsuite.TestUpdateCallback{
		OnAccept: func() {},
		OnReject: func(err error) { o.rejected, o.done = err, true },
		OnComplete: func(res any, err error) {
			o.result, o.err, o.done = res, err, true
		},
	}, arg)
}

// run executes the workflow to its end and returns the result.
func (h *harness) run() OrderResult {
	h.t.Helper()
	h.input.Policy = h.policy
	h.env.ExecuteWorkflow(Order, h.input)
	if !h.env.IsWorkflowCompleted() {
		h.t.Fatal("workflow did not complete")
	}
	if err := h.env.GetWorkflowError(); err != nil {
		h.t.Fatalf("workflow failed: %v", err)
	}
	var res OrderResult
	if err := h.env.GetWorkflowResult(&res); err != nil {
		h.t.Fatal(err)
	}
	return res
}

// runOpen executes the workflow until the test environment has nothing more
// to do before limit and returns without requiring completion.
func (h *harness) runFor(limit time.Duration) {
	h.t.Helper()
	h.input.Policy = h.policy
	h.env.SetTestTimeout(30 * time.Second)
	h.at(limit, func() { h.env.CancelWorkflow() })
	h.env.ExecuteWorkflow(Order, h.input)
}

// continuedAsNew returns the input the run continued as new with, failing
// the test if it did not.
func (h *harness) continuedAsNew() OrderInput {
	h.t.Helper()
	var can *workflow.ContinueAsNewError
	if err := h.env.GetWorkflowError(); !errors.As(err, &can) {
		h.t.Fatalf("want continue-as-new, got %v", err)
	}
	var next OrderInput
	if err := converter.GetDefaultDataConverter().FromPayloads(can.Input, &next); err != nil {
		h.t.Fatal(err)
	}
	return next
}

func (h *harness) mustAccept(label string) any {
	h.t.Helper()
	o := h.outcome[label]
	if o == nil || !o.done {
		h.t.Fatalf("update %s never finished", label)
	}
	if o.rejected != nil || o.err != nil {
		h.t.Fatalf("update %s refused: %v %v", label, o.rejected, o.err)
	}
	return o.result
}

func (h *harness) mustRefuse(label string) error {
	h.t.Helper()
	o := h.outcome[label]
	if o == nil || !o.done {
		h.t.Fatalf("update %s never finished", label)
	}
	if o.rejected == nil && o.err == nil {
		h.t.Fatalf("update %s was accepted, want refused", label)
	}
	if o.rejected != nil {
		return o.rejected
	}
	return o.err
}

func (h *harness) query() OrderView {
	h.t.Helper()
	v, err := h.env.QueryWorkflow(QueryStatus)
	if err != nil {
		h.t.Fatal(err)
	}
	var out OrderView
	if err := v.Get(&out); err != nil {
		h.t.Fatal(err)
	}
	return out
}

func (h *harness) kinds() []string {
	var out []string
	for _, e := range h.w.events() {
		out = append(out, e.Kind)
	}
	return out
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

func lineQty(pairs ...int64) []sales.LineQty {
	var out []sales.LineQty
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, sales.LineQty{LineNo: int(pairs[i]), Quantity: pairs[i+1]})
	}
	return out
}

func levelsOf(es []sales.Escalation, kind sales.EscalationKind) []string {
	var out []string
	for _, e := range es {
		if e.Kind == kind {
			out = append(out, e.Level.String())
		}
	}
	return out
}
