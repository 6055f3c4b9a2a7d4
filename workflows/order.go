// The order workflow: one run walks an order through the 21 OSB steps,
// from registration to remittance. Each step is performed here:
//
//	Step  What                       Owner      Performed by
//	OP1   register                   SSG        Order → openOrder (PrepareOrder, or the starter's Prepared)
//	OP2   validate                   SSG        openOrder (OrderRequest.ValidateAgainst, ValidatePOP)
//	OP3   quota check                SSG        checkQuota (quota.go: TakeQuota); decide on a quota hold
//	OP4   credit check               Finance    checkCredit (CheckCredit); creditAfterQuota
//	OP5   hold for the SLT           SLT        holdFor / hold; decide (handlers.go); holdDeadline (agenda.go)
//	OP6   confirm                    SSG        confirmAndRelease (consumeQuota, reservePOP)
//	OP7   release to Logistics       SSG        confirmAndRelease (the dispatch instruction)
//	SP1   plan the dispatch          Logistics  acknowledge (handlers.go)
//	SP2   credit re-check            Finance    acknowledge (CheckCredit; a hold goes to the SLT)
//	SP3   pick and pack              Logistics  currentStep (state.go) while a backorder remains; shipPOP
//	SP4   goods issue                Logistics  goodsIssue (handlers.go)
//	SP5   in transit                 Logistics  currentStep, until the proof of delivery
//	SP6   proof of delivery          Logistics  deliver (handlers.go); openShortageReturn (returns.go)
//	SP7   close the shipment         SSG        deliver
//	BC1   invoice                    Finance    goodsIssue (one invoice per goods issue)
//	BC2   invoice acknowledged       SSG        acknowledgeInvoice (signal), dispute (handlers.go)
//	BC3   post the receivable        Finance    goodsIssue (receivable_posted)
//	BC4   reminder before due        FSF        invoiceDeadlines (agenda.go)
//	BC5   dunning                    FSF        invoiceDeadlines: the ladder, then freeze
//	BC6   payment confirmation       Finance    confirmPayment (handlers.go)
//	BC7   close (remitted)           SSG        settle; a return reopens it (returns.go)
//
// Around the steps: deadlines and escalation (agenda.go), the write of each
// change to the store and to Temporal's visibility (flush.go), returns and
// credit notes (returns.go), and the handlers of people's actions
// (handlers.go).

package workflows

import (
	"fmt"
	"strings"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"osb/sales"
)

// orderRun is one run of the order workflow: the state and what it needs to
// move it.
type orderRun struct {
	ctx workflow.Context
	// in is what this run started with: its policy and, for tests,
	// ContinueAfter.
	in      OrderInput
	s       *OrderState // the order
	b       *RunBook    // the run's bookkeeping
	now     time.Time
	woken   bool      // a handler changed something
	dirty   bool      // the snapshot must be written
	retryAt time.Time // a failed write is retried then
	acks    workflow.ReceiveChannel
	ladders workflow.ReceiveChannel // refreshed ladders (ladders.go)
	wakeups int
	actorID string // who does what is being recorded ("system" for timers)
	opened  bool   // OP1–OP7 ran (or the order continued as new)
	// returnRequested: a return request reached its handler in this run.
	returnRequested bool
	// calendarYear is the Beijing year this run last read the working
	// calendar for (ensureCalendar).
	calendarYear int
	// The deadline timer: one at a time, for timerAt.
	timer     workflow.Future
	timerAt   time.Time
	stopTimer workflow.CancelFunc
}

// Order is the workflow of one order's whole OTR cycle, from registration to
// remittance.
func Order(ctx workflow.Context, in OrderInput) (OrderResult, error) {
	r := &orderRun{ctx: ctx, in: in, now: workflow.Now(ctx), actorID: in.CreatedBy.UserID}
	r.acks = workflow.GetSignalChannel(ctx, SignalInvoiceAcked)
	r.ladders = workflow.GetSignalChannel(ctx, SignalRefreshLadder)
	if in.State != nil {
		r.s, r.b = in.State, in.Book
		if r.b == nil {
			r.b = &RunBook{}
		}
	} else {
		r.s, r.b = newState(in, r.now), &RunBook{}
		r.b.SA, r.b.Memo = startAttrs(ctx)
	}
	if err := r.registerHandlers(); err != nil {
		return OrderResult{}, err
	}
	if in.State == nil {
		if err := r.openOrder(in); err != nil {
			return OrderResult{}, err
		}
	}
	r.opened = true
	if in.Reopen {
		if err := r.awaitReturnRequest(); err != nil {
			return OrderResult{}, err
		}
	}
	return r.loop()
}

func newState(in OrderInput, now time.Time) *OrderState {
	req := in.Request
	return &OrderState{
		OrderNo:       in.OrderNo,
		ClientRef:     req.ClientRef,
		CustomerID:    req.CustomerID,
		Currency:      req.Currency,
		RequestedDate: req.RequestedDate,
		Lines:         req.OrderLines(),
		POP:           req.POP,
		CreatedBy:     in.CreatedBy,
		CreatedAt:     now,
		Status:        sales.StatusOpen,
		Step:          sales.OP1Register,
		StepSince:     now,
		Shipments:     []sales.Shipment{},
		Invoices:      []sales.Invoice{},
		Receipts:      []sales.Receipt{},
	}
}

// openOrder runs OP1–OP4 and, when credit allows, OP6–OP7.
func (r *orderRun) openOrder(in OrderInput) error {
	s := r.s
	r.event("registered", map[string]string{"lines": fmt.Sprint(len(s.Lines)), "total": s.Total().String()})

	var prep PrepareResult
	if in.Prepared != nil {
		prep = *in.Prepared
	} else {
		var err error
		if prep, err = PrepareOrder.local(r, r.ctx, in.Request); err != nil {
			return err
		}
	}
	if prep.Calendar != nil {
		r.in.Calendar = prep.Calendar
	}
	if prep.Customer != nil {
		s.CustomerName, s.Market = prep.Customer.Name, prep.Customer.Market
		s.PaymentTermsDays = prep.Customer.PaymentTermsDays
		s.Ladder = prep.Ladder
	}
	r.enter(sales.OP2Validate)
	problems := in.Request.ValidateAgainst(sales.Catalog{Customer: prep.Customer, SKUs: prep.SKUs}, r.in.Policy.DiscountBasisPoints)
	problems = append(problems, sales.ValidatePOP("pop", in.Request.POP, prep.POPItems)...)
	if len(problems) > 0 {
		r.reject(problems.Err("order failed validation").Error(), sales.System)
		return nil
	}
	r.event("validated", nil)
	for i := range s.Lines {
		s.Lines[i].TaxRate = prep.SKUs[s.Lines[i].SKU].TaxRate.Or()
	}

	r.enter(sales.OP3Quota)
	over, err := r.checkQuota(r.ctx, prep.SKUs)
	if err != nil {
		return err
	}
	if over != "" {
		r.holdFor(sales.OP3Quota, HoldQuota, over)
		return nil
	}

	r.enter(sales.OP4Credit)
	held, err := r.checkCredit(r.ctx, s.Total())
	if err != nil {
		return err
	}
	if held != "" {
		r.hold(sales.OP5Hold, held)
		return nil
	}
	r.confirmAndRelease()
	return nil
}

// checkCredit asks for the customer's position with amount added and returns
// why the order must be held ("" when it may go on).
func (r *orderRun) checkCredit(ctx workflow.Context, amount sales.Fen) (string, error) {
	c, err := CheckCredit.local(r, ctx, CreditInput{OrderNo: r.s.OrderNo, CustomerID: r.s.CustomerID, Amount: amount})
	if err != nil {
		return "", err
	}
	r.s.CreditCheckedAt = r.now
	r.event("credit_checked", map[string]string{
		"limit": c.Limit.String(), "exposure": c.Exposure.String(), "frozen": fmt.Sprint(c.Frozen),
	})
	return c.Held(), nil
}

func (r *orderRun) hold(step sales.Step, reason string) { r.holdFor(step, HoldCredit, reason) }

// holdFor makes the order wait for an SLT decision of kind (credit or quota).
func (r *orderRun) holdFor(step sales.Step, kind, reason string) {
	upward := workflow.GetVersion(r.ctx, PatchHoldUpwards, workflow.DefaultVersion, 1) == 1
	r.s.Hold = &Hold{Step: step, Kind: kind, Reason: reason, Since: r.now, Upward: upward}
	r.s.Status = sales.StatusHeld
	r.enter(step)
	r.event("held", map[string]string{"reason": reason})
	ask := "An SLT decision is needed: approve, reject or approve part."
	if kind == HoldQuota {
		ask = "An SLT quota decision is needed: allow, confirm the part within quota, or reject."
	}
	subject := fmt.Sprintf("%s held: %s", r.s.OrderNo, reason)
	if !upward {
		r.notify(r.s.Ladder.SLT, "decision_needed", subject, ask, step)
		return
	}
	// Release 1.2: every SLT member over the market may decide; the KAM
	// learns at once that their customer's order waits.
	for _, to := range r.s.Ladder.SLTMembers() {
		r.notify(to, "decision_needed", subject, ask, step)
	}
	r.notify(r.s.Ladder.KAM, "order_held", fmt.Sprintf("%s of %s is held for an SLT decision", r.s.OrderNo, r.s.CustomerName),
		reason, step)
}

// confirmAndRelease runs OP6 and OP7: the order is confirmed and the dispatch
// instruction goes to Logistics.
func (r *orderRun) confirmAndRelease() {
	s := r.s
	r.enter(sales.OP6Confirm)
	r.event("confirmed", map[string]string{"total": s.Total().String()})
	r.consumeQuota()
	r.reservePOP()
	r.enter(sales.OP7Release)
	s.Status = sales.StatusReleased
	r.event("released", nil)
	r.notify("dept:logistics", "dispatch_instruction", "Dispatch instruction "+s.OrderNo,
		fmt.Sprintf("Customer %s (%s), %d lines, requested %s.%s", s.CustomerName, s.CustomerID, len(s.Lines), s.RequestedDate, r.popLine()), sales.OP7Release)
}

func (r *orderRun) reject(reason string, by sales.Actor) {
	r.s.Hold = nil
	r.s.Status = sales.StatusRejected
	r.s.Reason = reason
	r.event("rejected", map[string]string{"reason": reason, "by": by.UserID})
	r.giveBackAllQuota("reject")
	r.releasePOP()
	r.close()
}

func (r *orderRun) close() {
	now := r.now
	r.s.ClosedAt = &now
	r.dirty = true
}

// loop waits for people and deadlines until the order reaches a final status.
func (r *orderRun) loop() (OrderResult, error) {
	for {
		r.woken = false
		if err := r.ensureCalendar(); err != nil {
			return OrderResult{}, err
		}
		if err := r.creditAfterQuota(); err != nil {
			return OrderResult{}, err
		}
		r.settle()
		if err := r.flush(); err != nil {
			return OrderResult{}, err
		}
		if r.s.Status.Final() && r.retryAt.IsZero() {
			if err := workflow.Await(r.ctx, func() bool { return workflow.AllHandlersFinished(r.ctx) }); err != nil {
				return OrderResult{}, err
			}
			// Complete only with everything written: the action that made
			// the order final may have come while the last write was in
			// flight, or a handler may have changed it since.
			if !r.dirty && r.b.Pending.Empty() {
				return OrderResult{OrderNo: r.s.OrderNo, Status: r.s.Status, Reason: r.s.Reason}, nil
			}
			continue
		}
		if r.shouldContinueAsNew() {
			return OrderResult{}, workflow.NewContinueAsNewError(r.ctx, Order, r.nextInput(false))
		}
		if err := r.wait(); err != nil {
			return OrderResult{}, err
		}
		r.now = workflow.Now(r.ctx)
		r.drainAcks()
		r.drainLadders()
		r.fireDue()
	}
}

// nextInput is the input of a run that goes on from where this one stands:
// continue-as-new, or (reopen) the run a return request starts once this one
// has completed. What OP1 registered is in the state.
func (r *orderRun) nextInput(reopen bool) OrderInput {
	next := r.in
	next.State, next.Book = r.s, r.b
	next.Prepared = nil
	next.Reopen = reopen
	next.Calendar = nil // the next run reads the calendar afresh
	return next
}

func (r *orderRun) shouldContinueAsNew() bool {
	if !r.retryAt.IsZero() || !workflow.AllHandlersFinished(r.ctx) || r.acks.Len() > 0 || r.ladders.Len() > 0 {
		return false
	}
	if r.in.ContinueAfter > 0 && r.wakeups >= r.in.ContinueAfter {
		return true
	}
	return workflow.GetInfo(r.ctx).GetContinueAsNewSuggested()
}

// wait sleeps until a handler or signal wakes the order or the next deadline.
func (r *orderRun) wait() error {
	r.wakeups++
	// Changes waiting for a failed write to be tried again do not wake the
	// order: retryAt does.
	ready := func() bool {
		return r.woken || r.dirty || (!r.b.Pending.Empty() && r.retryAt.IsZero()) || r.acks.Len() > 0 || r.ladders.Len() > 0
	}
	at, ok := r.nextDeadline(true)
	return r.waitTimer(at, ok, ready)
}

func (r *orderRun) drainAcks() {
	var in InvoiceAckInput
	for r.acks.ReceiveAsync(&in) {
		r.acknowledgeInvoice(in)
	}
}

// settle applies what follows from the state by itself: release after an
// approval, remittance when all is paid, and the current step.
func (r *orderRun) settle() {
	s := r.s
	if s.Status == sales.StatusOpen && s.Hold == nil && (s.Step == sales.OP5Hold || s.Step == sales.OP4Credit) {
		r.confirmAndRelease()
	}
	if !s.Status.Final() && s.remitted() {
		r.enter(sales.BC7Close)
		s.Status = sales.StatusRemitted
		r.event("remitted", map[string]string{"paid": s.Billed().String()})
		r.close()
		r.setReturnWindow()
	}
	if !s.Status.Final() {
		if step := s.currentStep(r.now); step != s.Step {
			r.enter(step)
		}
	}
	s.Level = r.openLevel()
}

// enter makes step the current one and restarts its deadline clock.
func (r *orderRun) enter(step sales.Step) {
	if r.s.Step == step {
		return
	}
	if !r.s.WorkingDays && workflow.GetVersion(r.ctx, PatchWorkingDays, workflow.DefaultVersion, 1) == 1 {
		r.s.WorkingDays = true
	}
	r.s.Step, r.s.StepSince, r.s.StepLevel = step, r.now, sales.LevelNone
	r.event("step", nil)
}

// openLevel is the highest escalation level of anything still open.
func (r *orderRun) openLevel() sales.Level {
	s := r.s
	lv := s.StepLevel
	if s.Hold != nil {
		lv = max(lv, s.Hold.Level)
	}
	for _, inv := range s.Invoices {
		if inv.Open() {
			lv = max(lv, inv.Level)
		}
	}
	for _, rt := range s.Returns {
		if rt.Open() {
			lv = max(lv, rt.Level)
		}
	}
	if s.Status.Final() {
		return sales.LevelNone
	}
	return lv
}

// event appends an audit event for the current step.
func (r *orderRun) event(kind string, detail map[string]string) {
	r.s.Seq++
	r.b.Pending.Events = append(r.b.Pending.Events, sales.Event{
		Seq: r.s.Seq, At: r.now, Step: r.s.Step, Kind: kind, Actor: r.actorID, Detail: detail,
	})
	r.dirty = true
}

// notify queues one notification for recipient (a user id or dept:<role>).
func (r *orderRun) notify(recipient, kind, subject, body string, ref sales.Step) {
	if recipient == "" {
		return
	}
	key := fmt.Sprintf("%s/%s/%s/%d/%s", r.s.OrderNo, kind, ref, r.s.Seq, recipient)
	r.b.Pending.Notifications = append(r.b.Pending.Notifications, sales.Notification{
		Key: key, OrderNo: r.s.OrderNo, RecipientID: recipient, Kind: kind, Subject: subject, Body: body, At: r.now,
	})
	r.dirty = true
}

// try runs a short activity in the workflow task (reads and writes of the
// store that must not cost a round trip to the server each) and returns its
// error once its retries are spent.
func (r *orderRun) try(ctx workflow.Context, name string, in, out any) error {
	ctx = workflow.WithLocalActivityOptions(ctx, localOptions(name))
	err := workflow.ExecuteLocalActivity(ctx, name, in).Get(ctx, out)
	r.now = workflow.Now(r.ctx)
	return err
}

// readPause is the first pause before a read whose retries were spent is
// run again; it doubles each time, up to readPauseMax.
const (
	readPause    = time.Minute
	readPauseMax = time.Hour
)

// local runs a read until the store answers: an order's workflow never fails
// because the store is down or refused to answer. Once the activity's own
// retries are spent (two minutes) the order pauses on a durable timer and
// runs it again, logging each failure; only the workflow's cancellation ends
// the wait.
func (r *orderRun) local(ctx workflow.Context, name string, in, out any) error {
	for attempt := 0; ; attempt++ {
		err := r.try(ctx, name, in, out)
		if err == nil || ctx.Err() != nil {
			return err
		}
		pause := min(readPause<<min(attempt, 6), readPauseMax)
		workflow.GetLogger(ctx).Warn("a read of the store failed; the order waits and reads again", "order", r.s.OrderNo,
			"activity", name, "attempts", attempt+1, "retry_in", pause, "error", err)
		if err := workflow.Sleep(ctx, pause); err != nil {
			return err
		}
		r.now = workflow.Now(r.ctx)
	}
}

// localOptions chooses timeouts and retries per activity. Reads are short and
// retried for two minutes (local runs them again after a pause); the write
// of an order's changes is retried for ten minutes, then the changes wait in
// the bookkeeping and flush tries again with back-off.
func localOptions(name string) workflow.LocalActivityOptions {
	retry := &temporal.RetryPolicy{
		InitialInterval:        200 * time.Millisecond,
		BackoffCoefficient:     2,
		MaximumInterval:        30 * time.Second,
		NonRetryableErrorTypes: []string{sales.ErrInvalid, sales.ErrNotFound, sales.ErrConflict, sales.ErrForbidden},
	}
	if name == SyncOrder.Name {
		return workflow.LocalActivityOptions{ScheduleToCloseTimeout: 10 * time.Minute, StartToCloseTimeout: 30 * time.Second, RetryPolicy: retry}
	}
	return workflow.LocalActivityOptions{ScheduleToCloseTimeout: 2 * time.Minute, StartToCloseTimeout: 10 * time.Second, RetryPolicy: retry}
}

// refusal turns a domain error into the application error a caller of an
// update sees: its type is the stable error code.
func refusal(code, format string, args ...any) error {
	e := sales.Errorf(code, format, args...)
	return temporal.NewNonRetryableApplicationError(e.Message, e.Code, nil)
}

func invalid(p sales.Problems, message string) error {
	if len(p) == 0 {
		return nil
	}
	parts := make([]string, len(p))
	for i, f := range p {
		parts[i] = f.Field + ": " + f.Message
	}
	return temporal.NewNonRetryableApplicationError(message+" ("+strings.Join(parts, "; ")+")", sales.ErrInvalid, nil, []sales.FieldError(p))
}

// waitTimer sleeps until ready or the deadline at. The loop wakes once the handlers
// that changed the order have finished, so an action that runs a local
// activity of its own is written in one go; and one durable timer stands for
// the next deadline, kept while the deadline stays and cancelled when it
// moves, so no stale timer wakes the order later.
func (r *orderRun) waitTimer(at time.Time, ok bool, ready func() bool) error {
	if err := r.ctx.Err(); err != nil {
		return err // the workflow was cancelled: a cancelled timer must not wake it again
	}
	settled := func() bool { return ready() && workflow.AllHandlersFinished(r.ctx) }
	if r.timer != nil && (!ok || !r.timerAt.Equal(at)) {
		r.cancelTimer()
	}
	if !ok {
		return workflow.Await(r.ctx, settled)
	}
	d := at.Sub(workflow.Now(r.ctx))
	if d <= 0 {
		r.cancelTimer()
		return nil
	}
	if r.timer == nil {
		tctx, cancel := workflow.WithCancel(r.ctx)
		r.timer, r.timerAt, r.stopTimer = workflow.NewTimer(tctx, d), at, cancel
	}
	timer := r.timer
	err := workflow.Await(r.ctx, func() bool { return settled() || timer.IsReady() })
	if timer.IsReady() {
		r.timer, r.stopTimer = nil, nil
	}
	return err
}

// cancelTimer cancels the deadline timer if one is running.
func (r *orderRun) cancelTimer() {
	if r.timer == nil {
		return
	}
	if !r.timer.IsReady() {
		r.stopTimer()
	}
	r.timer, r.stopTimer = nil, nil
}
