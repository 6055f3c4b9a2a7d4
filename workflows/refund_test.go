package workflows

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"osb/sales"
)

// refundWorld is a fake store behind a refund's activities: C001 with
// ¥100,000.00 of unapplied cash.
type refundWorld struct {
	mu          sync.Mutex
	balance     sales.Fen
	stored      *sales.Refund
	escalations []EscalateRefundInput
	decisions   []DecideRefundInput
}

func (w *refundWorld) record(_ context.Context, in RecordRefundInput) (RecordRefundResult, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.stored == nil {
		if in.Refund.Amount > w.balance {
			return RecordRefundResult{}, refusal(sales.ErrConflict, "the unapplied cash of C001 is %s", w.balance)
		}
		f := in.Refund
		f.Status, f.Currency = sales.RefundRequested, sales.CNY
		w.balance -= f.Amount
		w.stored = &f
	}
	return RecordRefundResult{Refund: *w.stored, CustomerName: "华东分销一号", Ladder: adjustLadder}, nil
}

func (w *refundWorld) escalate(_ context.Context, in EscalateRefundInput) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.escalations = append(w.escalations, in)
	w.stored.Level = in.Level
	return nil
}

func (w *refundWorld) decide(_ context.Context, in DecideRefundInput) (sales.Refund, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.decisions = append(w.decisions, in)
	d := in.Decision
	w.stored.Status, w.stored.DecidedBy, w.stored.DecidedAt, w.stored.DecisionNote = sales.RefundRefunded, d.By, &d.At, d.Note
	if !d.Approve {
		w.stored.Status = sales.RefundRejected
		w.balance += w.stored.Amount
	}
	return *w.stored, nil
}

func (w *refundWorld) notes() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []string
	for _, e := range w.escalations {
		for _, n := range e.Notifications {
			out = append(out, strings.TrimPrefix(n.Kind, "refund_")+">"+n.RecipientID)
		}
	}
	for _, d := range w.decisions {
		for _, n := range d.Notifications {
			out = append(out, strings.TrimPrefix(n.Kind, "refund_")+">"+n.RecipientID)
		}
	}
	return out
}

// refundHarness drives one refund workflow with time skipping; the API's
// recorded update is sent with the start.
type refundHarness struct {
	t       *testing.T
	env     *testsuite.TestWorkflowEnvironment
	w       *refundWorld
	input   RefundInput
	outcome map[string]*updateOutcome
}

func newRefundHarness(t *testing.T, amount sales.Fen) *refundHarness {
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestWorkflowEnvironment()
	w := &refundWorld{balance: sales.Yuan(100_000)}
	env.RegisterWorkflowWithOptions(Refund, workflow.RegisterOptions{Name: RefundWorkflowName})
	RecordRefund.Register(env, w.record)
	EscalateRefund.Register(env, w.escalate)
	DecideRefund.Register(env, w.decide)
	env.SetStartTime(recordedAt)
	policy := sales.DefaultCashPolicy()
	h := &refundHarness{t: t, env: env, w: w, outcome: map[string]*updateOutcome{}, input: RefundInput{Policy: policy,
		Refund: sales.Refund{ID: 4, CustomerID: "C001", Amount: amount, BankAccount: "6222-0001", Reason: "overpaid twice",
			NeedsDecision: policy.NeedsDecision(amount), RequestedBy: "fin1", RequestedAt: recordedAt, Status: sales.RefundRequested}}}
	h.send(0, "recorded", UpdateRefundRecorded, nil)
	return h
}

func (h *refundHarness) send(d time.Duration, label, name string, arg any) {
	h.env.RegisterDelayedCallback(func() {
		o := &updateOutcome{}
		h.outcome[label] = o
		cb := &testsuite.TestUpdateCallback{
			OnAccept:   func() {},
			OnReject:   func(err error) { o.rejected, o.done = err, true },
			OnComplete: func(res any, err error) { o.result, o.err, o.done = res, err, true },
		}
		if arg == nil {
			h.env.UpdateWorkflow(name, label, cb)
			return
		}
		h.env.UpdateWorkflow(name, label, cb, arg)
	}, d)
}

func (h *refundHarness) decideAt(d time.Duration, label string, by sales.Actor, decision string) {
	h.send(d, label, UpdateDecideRefund, RefundDecisionInput{Actor: by, Decision: decision, Note: label})
}

func (h *refundHarness) run() (RefundView, error) {
	h.t.Helper()
	h.env.ExecuteWorkflow(RefundWorkflowName, h.input)
	if !h.env.IsWorkflowCompleted() {
		h.t.Fatal("refund workflow did not complete")
	}
	var v RefundView
	if err := h.env.GetWorkflowError(); err != nil {
		return v, err
	}
	if err := h.env.GetWorkflowResult(&v); err != nil {
		h.t.Fatal(err)
	}
	return v, nil
}

func (h *refundHarness) answer(label string) (RefundView, error) {
	h.t.Helper()
	o := h.outcome[label]
	if o == nil || !o.done {
		h.t.Fatalf("update %s never answered", label)
	}
	if o.rejected != nil {
		return RefundView{}, o.rejected
	}
	if o.err != nil {
		return RefundView{}, o.err
	}
	return o.result.(RefundView), nil
}

func TestARefundWithinTheLimitIsRefundedAtOnce(t *testing.T) {
	h := newRefundHarness(t, sales.Yuan(50_000)) // exactly the limit
	v, err := h.run()
	if err != nil {
		t.Fatal(err)
	}
	rec, err := h.answer("recorded")
	if err != nil || rec.Refund.Status != sales.RefundRefunded {
		t.Errorf("the recorded update answered %+v, %v; want refunded", rec.Refund, err)
	}
	if v.Refund.Status != sales.RefundRefunded || v.Refund.DecidedBy != "" || len(h.w.escalations) != 0 || h.w.balance != sales.Yuan(50_000) {
		t.Errorf("refund %+v, %d escalations, balance %s", v.Refund, len(h.w.escalations), h.w.balance)
	}
	if got := strings.Join(h.w.notes(), " "); got != "refunded>kam1" {
		t.Errorf("notifications %s", got)
	}
	if now := h.env.Now(); now.After(recordedAt.Add(time.Minute)) {
		t.Errorf("the refund waited until %s", now)
	}
}

func TestARefundAboveTheLimitWaitsForTheSLT(t *testing.T) {
	h := newRefundHarness(t, sales.Yuan(50_000)+1)
	h.send(time.Hour, "recorded-later", UpdateRefundRecorded, nil)
	h.decideAt(2*time.Hour, "own", sales.Actor{UserID: "fin1", Role: sales.RoleSLT}, DecisionApprove)
	h.decideAt(3*time.Hour, "finance", sales.Actor{UserID: "fin2", Role: sales.RoleFinance}, DecisionApprove)
	h.decideAt(4*time.Hour, "maybe", sd, "maybe")
	h.decideAt(5*time.Hour, "approve", sd, DecisionApprove)
	h.decideAt(5*time.Hour, "late", gmA, DecisionReject) // while the approval is written
	v, err := h.run()
	if err != nil {
		t.Fatal(err)
	}
	rec, err := h.answer("recorded")
	if err != nil || rec.Refund.Status != sales.RefundRequested || rec.Refund.Level != sales.LevelSLT ||
		rec.NextDeadline == nil || !rec.NextDeadline.Equal(recordedAt.Add(2*sales.Day)) {
		t.Errorf("the recorded update answered %+v, %v; want requested, the SLT asked, its deadline in 2 days", rec, err)
	}
	for label, code := range map[string]string{"own": sales.ErrForbidden, "finance": sales.ErrForbidden, "maybe": sales.ErrInvalid, "late": sales.ErrConflict} {
		if _, err := h.answer(label); err == nil || !strings.Contains(err.Error(), code) {
			t.Errorf("%s: %v, want refused with %s", label, err, code)
		}
	}
	approved, err := h.answer("approve")
	if err != nil || approved.Refund.Status != sales.RefundRefunded || approved.Refund.DecidedBy != "sd" {
		t.Errorf("approval answered %+v, %v", approved.Refund, err)
	}
	if v.Refund.Status != sales.RefundRefunded || h.w.balance != sales.Yuan(50_000)-1 || len(h.w.decisions) != 1 {
		t.Errorf("refund %+v, balance %s, %d decisions", v.Refund, h.w.balance, len(h.w.decisions))
	}
	if got := strings.Join(h.w.notes(), " "); got != "requested>dsd refunded>fin1 refunded>kam1" {
		t.Errorf("notifications %s", got)
	}
}

func TestAnUnansweredRefundEscalatesToTheGMThenIsRejected(t *testing.T) {
	h := newRefundHarness(t, sales.Yuan(80_000))
	var during RefundView
	h.env.RegisterDelayedCallback(func() {
		v, err := h.env.QueryWorkflow(QueryRefund)
		if err == nil {
			err = v.Get(&during)
		}
		if err != nil {
			t.Error(err)
		}
	}, 2*sales.Day+time.Hour)
	v, err := h.run()
	if err != nil {
		t.Fatal(err)
	}
	var asked []string
	for _, e := range h.w.escalations {
		asked = append(asked, e.Level.String()+"@"+e.Notifications[0].At.Sub(recordedAt).String())
	}
	if strings.Join(asked, " ") != "SLT@0s GM@48h0m0s" {
		t.Errorf("asked %v, want the SLT at once and the GM after 2 days", asked)
	}
	if during.Refund.Level != sales.LevelGM || during.NextDeadline == nil || !during.NextDeadline.Equal(recordedAt.Add(3*sales.Day)) {
		t.Errorf("while the GM is asked: %+v", during)
	}
	if len(h.w.decisions) != 1 || h.w.decisions[0].Decision.Approve || h.w.decisions[0].Decision.By != "" ||
		h.w.decisions[0].Decision.At.Sub(recordedAt) != 3*sales.Day {
		t.Fatalf("decisions %+v, want an automatic rejection after the GM's day", h.w.decisions)
	}
	if v.Refund.Status != sales.RefundRejected || !strings.Contains(v.Refund.DecisionNote, "no SLT decision after escalation to the GM") ||
		h.w.balance != sales.Yuan(100_000) {
		t.Errorf("refund %+v, balance %s: want rejected and the money back", v.Refund, h.w.balance)
	}
	if got := strings.Join(h.w.notes(), " "); got != "requested>dsd escalated>gm rejected>fin1 rejected>kam1" {
		t.Errorf("notifications %s", got)
	}
}

func TestARejectedRefundGivesTheMoneyBack(t *testing.T) {
	h := newRefundHarness(t, sales.Yuan(60_000))
	h.decideAt(3*sales.Day-time.Minute, "gm", gmA, DecisionReject) // the GM's rung, in time
	v, err := h.run()
	if err != nil {
		t.Fatal(err)
	}
	if v.Refund.Status != sales.RefundRejected || v.Refund.DecidedBy != "gm" || h.w.balance != sales.Yuan(100_000) || len(h.w.escalations) != 2 {
		t.Errorf("refund %+v, balance %s, %d escalations", v.Refund, h.w.balance, len(h.w.escalations))
	}
}

func TestARefundOverTheBalanceIsRefusedToTheRequester(t *testing.T) {
	h := newRefundHarness(t, sales.Yuan(100_000)+1)
	if _, err := h.run(); err == nil || !strings.Contains(err.Error(), "unapplied cash") {
		t.Errorf("the run ended with %v, want the refusal", err)
	}
	if _, err := h.answer("recorded"); err == nil || !strings.Contains(err.Error(), sales.ErrConflict) {
		t.Errorf("the recorded update answered %v, want the conflict", err)
	}
	if len(h.w.escalations) != 0 || h.w.balance != sales.Yuan(100_000) {
		t.Errorf("%d escalations, balance %s", len(h.w.escalations), h.w.balance)
	}
}
