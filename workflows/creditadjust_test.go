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

// proposedAt is when the test proposals are made: 10 March 2026, 09:00 in Beijing.
var proposedAt = time.Date(2026, 3, 10, 9, 0, 0, 0, sales.Beijing)

// adjustWorld is a fake store behind a manual adjustment's activities: one
// customer whose base limit is ¥500,000.
type adjustWorld struct {
	mu          sync.Mutex
	base        sales.Fen
	stored      *sales.CreditAdjustment
	escalations []EscalateAdjustmentInput
	decisions   []DecideAdjustmentInput
	ends        []EndAdjustmentInput
	decideErr   error // the next decision fails with it
}

var adjustLadder = sales.Ladder{KAM: "kam1", UM: "um1", MM: "mm1", SLT: "dsd", GM: "gm"}

func (w *adjustWorld) record(_ context.Context, a sales.CreditAdjustment) (RecordAdjustmentResult, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.stored == nil {
		a.Status = sales.AdjustmentProposed
		w.stored = &a
	}
	return RecordAdjustmentResult{Adjustment: *w.stored, CustomerName: "华东分销一号", Ladder: adjustLadder}, nil
}

func (w *adjustWorld) escalate(_ context.Context, in EscalateAdjustmentInput) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.escalations = append(w.escalations, in)
	w.stored.Level = in.Level
	return nil
}

func (w *adjustWorld) decide(_ context.Context, in DecideAdjustmentInput) (AdjustmentOutcome, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.decideErr; err != nil {
		w.decideErr = nil
		return AdjustmentOutcome{}, err
	}
	w.decisions = append(w.decisions, in)
	d := in.Decision
	w.stored.DecidedBy, w.stored.DecidedAt = d.By, &d.At
	w.stored.Status = sales.AdjustmentRejected
	limit := w.base
	if d.Approve {
		w.stored.Status = sales.AdjustmentApproved
		limit += w.stored.Amount
	}
	return AdjustmentOutcome{Adjustment: *w.stored, Limit: limit}, nil
}

func (w *adjustWorld) end(_ context.Context, in EndAdjustmentInput) (AdjustmentOutcome, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.ends = append(w.ends, in)
	w.stored.Status, w.stored.EndedAt = sales.AdjustmentExpired, &in.At
	return AdjustmentOutcome{Adjustment: *w.stored, Limit: w.base}, nil
}

// notes returns every notification the workflow asked to send, in order.
func (w *adjustWorld) notes() []sales.Notification {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []sales.Notification
	for _, e := range w.escalations {
		out = append(out, e.Notifications...)
	}
	for _, d := range w.decisions {
		out = append(out, d.Notifications...)
	}
	for _, e := range w.ends {
		out = append(out, e.Notifications...)
	}
	return out
}

// adjustHarness drives one adjustment workflow with time skipping.
type adjustHarness struct {
	t       *testing.T
	env     *testsuite.TestWorkflowEnvironment
	w       *adjustWorld
	input   CreditAdjustmentInput
	outcome map[string]*updateOutcome
}

func newAdjustHarness(t *testing.T) *adjustHarness {
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestWorkflowEnvironment()
	w := &adjustWorld{base: sales.Yuan(500_000)}
	env.RegisterWorkflowWithOptions(CreditAdjustment, workflow.RegisterOptions{Name: CreditAdjustmentWorkflowName})
	RecordCreditAdjustment.Register(env, w.record)
	EscalateCreditAdjustment.Register(env, w.escalate)
	DecideCreditAdjustment.Register(env, w.decide)
	EndCreditAdjustment.Register(env, w.end)
	env.SetStartTime(proposedAt)
	return &adjustHarness{t: t, env: env, w: w, outcome: map[string]*updateOutcome{}, input: CreditAdjustmentInput{
		Policy: sales.DefaultCreditPolicy(),
		Adjustment: sales.CreditAdjustment{ID: "CA-2026-000001", CustomerID: "C001", Amount: sales.Yuan(200_000),
			Currency: sales.CNY, Reason: "spring promotion", ProposedBy: "fin1", ProposedAt: proposedAt,
			ExpiresAt: time.Date(2026, 7, 1, 0, 0, 0, 0, sales.Beijing), Status: sales.AdjustmentProposed},
	}}
}

// decideAt sends a decision at virtual time d after the proposal.
func (h *adjustHarness) decideAt(d time.Duration, label string, by sales.Actor, decision string) {
	h.env.RegisterDelayedCallback(func() {
		o := &updateOutcome{}
		h.outcome[label] = o
		h.env.UpdateWorkflow(UpdateDecideAdjustment, label, &testsuite.TestUpdateCallback{
			OnAccept:   func() {},
			OnReject:   func(err error) { o.rejected, o.done = err, true },
			OnComplete: func(res any, err error) { o.result, o.err, o.done = res, err, true },
		}, AdjustmentDecisionInput{Actor: by, Decision: decision, Note: label})
	}, d)
}

func (h *adjustHarness) run() AdjustmentView {
	h.t.Helper()
	h.env.ExecuteWorkflow(CreditAdjustmentWorkflowName, h.input)
	if !h.env.IsWorkflowCompleted() {
		h.t.Fatal("adjustment workflow did not complete")
	}
	if err := h.env.GetWorkflowError(); err != nil {
		h.t.Fatalf("adjustment workflow failed: %v", err)
	}
	var v AdjustmentView
	if err := h.env.GetWorkflowResult(&v); err != nil {
		h.t.Fatal(err)
	}
	return v
}

func (h *adjustHarness) accepted(label string) AdjustmentView {
	h.t.Helper()
	o := h.outcome[label]
	if o == nil || !o.done || o.rejected != nil || o.err != nil {
		h.t.Fatalf("decision %s not accepted: %+v", label, o)
	}
	return o.result.(AdjustmentView)
}

func (h *adjustHarness) refused(label, code string) {
	h.t.Helper()
	o := h.outcome[label]
	if o == nil || !o.done {
		h.t.Fatalf("decision %s never answered", label)
	}
	err := o.rejected
	if err == nil {
		err = o.err
	}
	if err == nil || !strings.Contains(err.Error(), code) {
		h.t.Errorf("decision %s: %v, want refused with %s", label, err, code)
	}
}

func kindsTo(notes []sales.Notification) []string {
	var out []string
	for _, n := range notes {
		out = append(out, strings.TrimPrefix(n.Kind, "credit_adjustment_")+">"+n.RecipientID)
	}
	return out
}

var (
	sd  = sales.Actor{UserID: "sd", Role: sales.RoleSLT}
	gmA = sales.Actor{UserID: "gm", Role: sales.RoleSLT}
)

func TestApprovedAdjustmentCountsUntilItsExpiryDate(t *testing.T) {
	h := newAdjustHarness(t)
	h.decideAt(3*time.Hour, "approve", sd, DecisionApprove)
	var during AdjustmentView
	h.env.RegisterDelayedCallback(func() {
		v, err := h.env.QueryWorkflow(QueryAdjustment)
		if err == nil {
			err = v.Get(&during)
		}
		if err != nil {
			t.Error(err)
		}
	}, 30*sales.Day)
	v := h.run()

	approved := h.accepted("approve")
	if approved.Adjustment.Status != sales.AdjustmentApproved || approved.Limit != sales.Yuan(700_000) || approved.Adjustment.DecidedBy != "sd" {
		t.Errorf("the approval answered %+v, want approved by sd with limit 700000.00 at once", approved)
	}
	if during.Adjustment.Status != sales.AdjustmentApproved || during.NextDeadline == nil || !during.NextDeadline.Equal(h.input.Adjustment.ExpiresAt) {
		t.Errorf("a month later the adjustment is %+v, want approved until its expiry", during)
	}
	if len(h.w.ends) != 1 || !h.w.ends[0].At.Equal(h.input.Adjustment.ExpiresAt) {
		t.Fatalf("ends %+v, want one at the expiry date", h.w.ends)
	}
	if v.Adjustment.Status != sales.AdjustmentExpired || v.Limit != sales.Yuan(500_000) {
		t.Errorf("after expiry %+v, want expired and the base limit back", v)
	}
	want := []string{"proposed>dsd", "approved>fin1", "approved>kam1", "ended>fin1", "ended>kam1"}
	if got := kindsTo(h.w.notes()); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("notifications %v, want %v", got, want)
	}
	if d := h.w.decisions[0].Decision; !d.Approve || d.By != "sd" || !d.At.Equal(proposedAt.Add(3*time.Hour)) {
		t.Errorf("decision written %+v", d)
	}
}

func TestRejectedAdjustmentEndsAtOnce(t *testing.T) {
	h := newAdjustHarness(t)
	h.decideAt(time.Hour, "reject", gmA, DecisionReject)
	v := h.run()
	if v.Adjustment.Status != sales.AdjustmentRejected || len(h.w.ends) != 0 || v.Limit != sales.Yuan(500_000) {
		t.Errorf("rejected %+v, %d ends", v, len(h.w.ends))
	}
	if now := h.env.Now(); now.After(proposedAt.Add(2 * time.Hour)) {
		t.Errorf("the workflow ran until %s after a rejection", now)
	}
	if got := kindsTo(h.w.notes()); strings.Join(got, " ") != "proposed>dsd rejected>fin1 rejected>kam1" {
		t.Errorf("notifications %v", got)
	}
}

func TestNobodyDecidesTheirOwnProposal(t *testing.T) {
	h := newAdjustHarness(t)
	h.input.Adjustment.ProposedBy = "sd" // even an SLT member who proposed
	h.decideAt(time.Hour, "own", sd, DecisionApprove)
	h.decideAt(2*time.Hour, "finance", sales.Actor{UserID: "fin2", Role: sales.RoleFinance}, DecisionApprove)
	h.decideAt(3*time.Hour, "nonsense", gmA, "maybe")
	h.decideAt(4*time.Hour, "other", gmA, DecisionApprove)
	h.decideAt(5*time.Hour, "late", sales.Actor{UserID: "dsd", Role: sales.RoleSLT}, DecisionReject)
	h.run()
	h.refused("own", sales.ErrForbidden)
	h.refused("finance", sales.ErrForbidden)
	h.refused("nonsense", sales.ErrInvalid)
	if v := h.accepted("other"); v.Adjustment.DecidedBy != "gm" {
		t.Errorf("decided by %q", v.Adjustment.DecidedBy)
	}
	h.refused("late", sales.ErrConflict)
	if len(h.w.decisions) != 1 {
		t.Errorf("%d decisions written, want only the accepted one", len(h.w.decisions))
	}
}

func TestUnansweredProposalEscalatesThenLapses(t *testing.T) {
	h := newAdjustHarness(t)
	v := h.run()

	var levels []string
	var at []time.Duration
	for _, e := range h.w.escalations {
		levels = append(levels, e.Level.String())
		at = append(at, e.Notifications[0].At.Sub(proposedAt))
	}
	if strings.Join(levels, " ") != "SLT GM" || at[0] != 0 || at[1] != 2*sales.Day {
		t.Errorf("asked %v at %v, want the SLT at once and the GM after 2 days", levels, at)
	}
	// The first ask is no escalation; the GM's rung is one, listed with the
	// orders' escalations.
	if e := h.w.escalations[0].Escalation; e != nil {
		t.Errorf("the first ask wrote an escalation: %+v", e)
	}
	e := h.w.escalations[1].Escalation
	if e == nil || e.Kind != sales.EscalateAdjustment || e.Level != sales.LevelGM || e.AdjustmentID != v.Adjustment.ID ||
		strings.Join(e.Recipients, ",") != "gm" || e.At.Sub(proposedAt) != 2*sales.Day || !strings.Contains(e.Subject, "still waits") {
		t.Errorf("escalation to the GM: %+v", e)
	}
	if len(h.w.ends) != 1 || h.w.ends[0].At.Sub(proposedAt) != 3*sales.Day {
		t.Fatalf("ends %+v, want the proposal to lapse after the GM's day", h.w.ends)
	}
	if v.Adjustment.Status != sales.AdjustmentExpired || v.Adjustment.Level != sales.LevelGM || len(h.w.decisions) != 0 {
		t.Errorf("lapsed %+v", v.Adjustment)
	}
	want := "proposed>dsd escalated>gm lapsed>fin1"
	if got := kindsTo(h.w.notes()); strings.Join(got, " ") != want {
		t.Errorf("notifications %v, want %s", got, want)
	}
	if body := h.w.ends[0].Notifications[0].Body; !strings.Contains(body, "no SLT decision after escalation to the GM") {
		t.Errorf("lapse body %q", body)
	}
}

func TestAVacantRungFallsThroughToTheNextHolder(t *testing.T) {
	h := newAdjustHarness(t)
	h.decideAt(2*sales.Day+time.Hour, "gm", gmA, DecisionApprove)
	old := adjustLadder
	adjustLadder.SLT = ""
	defer func() { adjustLadder = old }()
	h.run()
	if got := kindsTo(h.w.notes()); !strings.HasPrefix(strings.Join(got, " "), "proposed>gm escalated>gm approved>fin1") {
		t.Errorf("notifications %v, want the GM asked for the vacant SLT rung", got)
	}
}

func TestAProposalLapsesOnItsExpiryDateBeforeAnyDecision(t *testing.T) {
	h := newAdjustHarness(t)
	h.input.Adjustment.ExpiresAt = proposedAt.Add(20 * time.Hour)
	v := h.run()
	if len(h.w.escalations) != 1 || len(h.w.ends) != 1 || h.w.ends[0].At.Sub(proposedAt) != 20*time.Hour {
		t.Fatalf("escalations %d, ends %+v", len(h.w.escalations), h.w.ends)
	}
	if v.Adjustment.Status != sales.AdjustmentExpired || !strings.Contains(h.w.ends[0].Notifications[0].Body, "expiry date passed") {
		t.Errorf("%+v: %s", v.Adjustment, h.w.ends[0].Notifications[0].Body)
	}
}

func TestADecisionTheStoreRefusesKeepsTheProposalWaiting(t *testing.T) {
	h := newAdjustHarness(t)
	h.w.decideErr = refusal(sales.ErrConflict, "the store says no")
	h.decideAt(time.Hour, "first", sd, DecisionApprove)
	h.decideAt(2*time.Hour, "second", sd, DecisionApprove)
	h.decideAt(3*time.Hour+1, "stop", gmA, DecisionReject) // refused: decided already
	v := h.run()
	h.refused("first", "the store says no")
	if got := h.accepted("second"); got.Adjustment.Status != sales.AdjustmentApproved {
		t.Errorf("second decision %+v", got)
	}
	h.refused("stop", sales.ErrConflict)
	if v.Adjustment.Status != sales.AdjustmentExpired || len(h.w.ends) != 1 {
		t.Errorf("final %+v", v.Adjustment)
	}
}
