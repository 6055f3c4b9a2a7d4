package workflows

import (
	"errors"
	"fmt"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"osb/sales"
)

// CreditAdjustmentWorkflowName is the registered name of the manual
// adjustment workflow (maker–checker).
const CreditAdjustmentWorkflowName = "CreditAdjustment"

// Update and query of a manual adjustment.
const (
	UpdateDecideAdjustment = "decide-adjustment" // the SLT approves or rejects
	QueryAdjustment        = "adjustment"        // the AdjustmentView
)

// AdjustmentWorkflowID derives the workflow id from the adjustment id.
func AdjustmentWorkflowID(id string) string { return "credit-adjustment/" + id }

// CreditAdjustmentInput starts the maker–checker of one proposed adjustment.
type CreditAdjustmentInput struct {
	Adjustment sales.CreditAdjustment `json:"adjustment"`
	Policy     sales.CreditPolicy     `json:"policy"`
}

// AdjustmentDecisionInput is an SLT member's decision: approve or reject.
type AdjustmentDecisionInput struct {
	Actor    sales.Actor `json:"actor"`
	Decision string      `json:"decision"` // DecisionApprove or DecisionReject
	Note     string      `json:"note,omitempty"`
}

// AdjustmentView is the whole state of an adjustment: what its query and
// its decision update return.
type AdjustmentView struct {
	Adjustment   sales.CreditAdjustment `json:"adjustment"`
	CustomerName string                 `json:"customer_name"`
	Ladder       sales.Ladder           `json:"ladder"`
	// Limit is the customer's limit after this adjustment's last change
	// (approval or expiry); zero before.
	Limit        sales.Fen  `json:"limit_fen"`
	NextDeadline *time.Time `json:"next_deadline,omitempty"` // the next escalation, or when the adjustment stops counting
}

// RecordAdjustmentResult is the adjustment as stored with what the workflow
// needs to ask for a decision.
type RecordAdjustmentResult struct {
	Adjustment   sales.CreditAdjustment `json:"adjustment"`
	CustomerName string                 `json:"customer_name"`
	Ladder       sales.Ladder           `json:"ladder"`
}

// EscalateAdjustmentInput asks the holder of a rung to decide.
type EscalateAdjustmentInput struct {
	ID            string               `json:"id"`
	Level         sales.Level          `json:"level"`
	Notifications []sales.Notification `json:"notifications"`
	// Escalation is the record of a rung reached after the first (none for
	// the first ask): listed with the orders' escalations.
	Escalation *sales.Escalation `json:"escalation,omitempty"`
}

// DecideAdjustmentInput writes a decision and tells the proposer.
type DecideAdjustmentInput struct {
	Decision      sales.AdjustmentDecision `json:"decision"`
	Notifications []sales.Notification     `json:"notifications"`
}

// EndAdjustmentInput ends an adjustment: a proposal lapses, an approved
// adjustment stops counting.
type EndAdjustmentInput struct {
	ID            string               `json:"id"`
	At            time.Time            `json:"at"`
	Notifications []sales.Notification `json:"notifications"`
}

// AdjustmentOutcome is an adjustment after a change and the customer's limit.
type AdjustmentOutcome struct {
	Adjustment sales.CreditAdjustment `json:"adjustment"`
	Limit      sales.Fen              `json:"limit_fen"`
}

// adjustmentRun is one manual adjustment's workflow and its state.
type adjustmentRun struct {
	ctx      workflow.Context
	credit   sales.CreditPolicy
	view     AdjustmentView
	since    time.Time // when the proposal started waiting
	rung     int       // index in the decision ladder being asked
	decision *AdjustmentDecisionInput
	refused  error // why the last decision could not be written
	lapsing  bool  // the proposal is being ended: no decision is taken any more
}

// CreditAdjustment is the maker–checker of one manual credit adjustment:
// the SLT member over the customer's market is asked to decide; unanswered,
// the proposal climbs the decision ladder (then the GM) and lapses after the
// last rung. An approval changes the limit at once; the adjustment counts
// until its expiry date, when a durable timer ends it and the limit is
// recomputed.
func CreditAdjustment(ctx workflow.Context, in CreditAdjustmentInput) (AdjustmentView, error) {
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 30 * time.Second,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval:        time.Second,
			BackoffCoefficient:     2,
			MaximumInterval:        time.Minute,
			NonRetryableErrorTypes: []string{sales.ErrInvalid, sales.ErrNotFound, sales.ErrConflict, sales.ErrForbidden},
		},
	})
	r := &adjustmentRun{ctx: ctx, credit: in.Policy, since: workflow.Now(ctx), view: AdjustmentView{Adjustment: in.Adjustment}}
	if err := workflow.SetQueryHandler(ctx, QueryAdjustment, func() (AdjustmentView, error) { return r.view, nil }); err != nil {
		return r.view, err
	}
	if err := workflow.SetUpdateHandlerWithOptions(ctx, UpdateDecideAdjustment, r.decide,
		workflow.UpdateHandlerOptions{Validator: r.validateDecide}); err != nil {
		return r.view, err
	}
	rec, err := RecordCreditAdjustment.Run(ctx, in.Adjustment)
	if err != nil {
		return r.view, err
	}
	r.view.Adjustment, r.view.CustomerName, r.view.Ladder = rec.Adjustment, rec.CustomerName, rec.Ladder
	if err := r.await(); err != nil {
		return r.view, err
	}
	if r.view.Adjustment.Status == sales.AdjustmentApproved {
		if err := r.countUntilExpiry(); err != nil {
			return r.view, err
		}
	}
	r.view.NextDeadline = nil
	err = workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) })
	return r.view, err
}

// await asks rung after rung for a decision until one is written or the
// proposal lapses.
func (r *adjustmentRun) await() error {
	if r.view.Adjustment.Status != sales.AdjustmentProposed { // recorded and decided before (a reset workflow)
		return nil
	}
	if err := r.ask(); err != nil {
		return err
	}
	for r.view.Adjustment.Status == sales.AdjustmentProposed {
		deadline := r.deadline()
		r.view.NextDeadline = &deadline
		if d := deadline.Sub(workflow.Now(r.ctx)); d > 0 {
			if _, err := workflow.AwaitWithTimeout(r.ctx, d, func() bool { return r.decision != nil }); err != nil {
				return err
			}
		}
		if r.decision != nil {
			if err := r.write(); err != nil {
				return err
			}
			continue
		}
		now := workflow.Now(r.ctx)
		if now.Before(deadline) {
			continue
		}
		if r.rung+1 < len(r.credit.DecisionLadder) && now.Before(r.view.Adjustment.ExpiresAt) {
			r.rung++
			if err := r.ask(); err != nil {
				return err
			}
			continue
		}
		reason := fmt.Sprintf("no SLT decision after escalation to the %s", r.level())
		if !now.Before(r.view.Adjustment.ExpiresAt) {
			reason = "its expiry date passed before an SLT decision"
		}
		r.lapsing = true
		if err := r.end("lapsed", reason, r.view.Adjustment.ProposedBy); err != nil {
			return err
		}
	}
	if r.decision != nil { // accepted while the proposal lapsed
		r.decision, r.refused = nil, refusal(sales.ErrConflict, "credit adjustment %s lapsed before the decision", r.view.Adjustment.ID)
	}
	return nil
}

// deadline is when the current rung's wait ends (escalation or lapse), or
// the expiry date when that comes first.
func (r *adjustmentRun) deadline() time.Time {
	at := r.since.Add(time.Duration(r.credit.DecisionTime) + time.Duration(r.rung)*time.Duration(r.credit.EscalateEvery))
	if exp := r.view.Adjustment.ExpiresAt; exp.Before(at) {
		return exp
	}
	return at
}

func (r *adjustmentRun) level() sales.Level {
	if len(r.credit.DecisionLadder) == 0 {
		return sales.LevelSLT
	}
	return r.credit.DecisionLadder[r.rung]
}

// ask tells the holder of the current rung that a decision waits.
func (r *adjustmentRun) ask() error {
	a := r.view.Adjustment
	level := r.level()
	kind, subject := "credit_adjustment_proposed", "Credit adjustment %s for %s waits for your decision"
	if r.rung > 0 {
		kind, subject = "credit_adjustment_escalated", "[%[3]s] Credit adjustment %[1]s for %[2]s still waits for an SLT decision"
	}
	notes := r.notes(kind, fmt.Sprintf(subject, a.ID, r.customer(), level),
		fmt.Sprintf("%s proposes %s until %s: %s. Approve or reject it (POST /v1/credit/adjustments/%s/decision).",
			a.ProposedBy, a.Amount, a.ExpiresAt.In(sales.Beijing).Format(time.DateOnly), a.Reason, a.ID),
		r.view.Ladder.Above(level))
	r.view.Adjustment.Level = level
	in := EscalateAdjustmentInput{ID: a.ID, Level: level, Notifications: notes}
	if r.rung > 0 {
		e := &sales.Escalation{
			Key:          fmt.Sprintf("%s/escalated/%d", AdjustmentWorkflowID(a.ID), r.rung),
			AdjustmentID: a.ID, CustomerID: a.CustomerID, Kind: sales.EscalateAdjustment,
			Subject: fmt.Sprintf(subject, a.ID, r.customer(), level), Level: level, At: workflow.Now(r.ctx),
		}
		for _, n := range notes {
			e.Recipients = append(e.Recipients, n.RecipientID)
		}
		in.Escalation = e
	}
	return EscalateCreditAdjustment.Run(r.ctx, in)
}

func (r *adjustmentRun) validateDecide(in AdjustmentDecisionInput) error {
	a := r.view.Adjustment
	switch {
	case !in.Actor.Is(sales.RoleSLT):
		return refusal(sales.ErrForbidden, "only an SLT member may decide a credit adjustment")
	case in.Actor.UserID == a.ProposedBy:
		return refusal(sales.ErrForbidden, "%s proposed credit adjustment %s: another SLT member decides it", in.Actor.UserID, a.ID)
	case a.Status != sales.AdjustmentProposed || r.decision != nil || r.lapsing:
		return refusal(sales.ErrConflict, "credit adjustment %s is %s, not waiting for a decision", a.ID, a.Status)
	}
	var p sales.Problems
	if in.Decision != DecisionApprove && in.Decision != DecisionReject {
		p.Add("decision", "must be approve or reject")
	}
	p.Text("note", in.Note, sales.MaxReason, false)
	return invalid(p, "invalid decision")
}

// decide hands the decision to the main loop and answers once it is written.
func (r *adjustmentRun) decide(ctx workflow.Context, in AdjustmentDecisionInput) (AdjustmentView, error) {
	r.decision, r.refused = &in, nil
	if err := workflow.Await(ctx, func() bool { return r.decision == nil }); err != nil {
		return r.view, err
	}
	return r.view, r.refused
}

// write writes the waiting decision and tells the proposer and the KAM.
func (r *adjustmentRun) write() error {
	in := r.decision
	a := r.view.Adjustment
	approve := in.Decision == DecisionApprove
	verb := "rejected"
	if approve {
		verb = "approved"
	}
	notes := r.notes("credit_adjustment_"+verb, fmt.Sprintf("Credit adjustment %s for %s %s by %s", a.ID, r.customer(), verb, in.Actor.UserID),
		fmt.Sprintf("%s until %s. %s", a.Amount, a.ExpiresAt.In(sales.Beijing).Format(time.DateOnly), in.Note),
		a.ProposedBy, r.view.Ladder.KAM)
	out, err := DecideCreditAdjustment.Run(r.ctx, DecideAdjustmentInput{
		Decision:      sales.AdjustmentDecision{ID: a.ID, Approve: approve, By: in.Actor.UserID, Note: in.Note, At: workflow.Now(r.ctx)},
		Notifications: notes,
	})
	r.decision = nil
	if isBusinessError(err) {
		r.refused = err // the update answers with it; the proposal keeps waiting
		return nil
	}
	if err != nil {
		return err
	}
	r.view.Adjustment, r.view.Limit = out.Adjustment, out.Limit
	return nil
}

// countUntilExpiry waits on a durable timer until the approved adjustment
// expires, then ends it: the limit is recomputed without it.
func (r *adjustmentRun) countUntilExpiry() error {
	exp := r.view.Adjustment.ExpiresAt
	r.view.NextDeadline = &exp
	if d := exp.Sub(workflow.Now(r.ctx)); d > 0 {
		if err := workflow.Sleep(r.ctx, d); err != nil {
			return err
		}
	}
	return r.end("ended", "it reached its expiry date", r.view.Adjustment.ProposedBy, r.view.Ladder.KAM)
}

// end ends the adjustment and tells recipients why.
func (r *adjustmentRun) end(event, why string, recipients ...string) error {
	a := r.view.Adjustment
	notes := r.notes("credit_adjustment_"+event, fmt.Sprintf("Credit adjustment %s for %s %s", a.ID, r.customer(), event),
		fmt.Sprintf("%s of %s %s: %s.", a.ID, a.Amount, event, why), recipients...)
	out, err := EndCreditAdjustment.Run(r.ctx, EndAdjustmentInput{ID: a.ID, At: workflow.Now(r.ctx), Notifications: notes})
	if err != nil {
		return err
	}
	r.view.Adjustment, r.view.Limit = out.Adjustment, out.Limit
	return nil
}

func (r *adjustmentRun) customer() string {
	if r.view.CustomerName == "" {
		return r.view.Adjustment.CustomerID
	}
	return r.view.CustomerName + " (" + r.view.Adjustment.CustomerID + ")"
}

// notes builds one notification per distinct recipient, keyed by adjustment,
// kind and rung so that a retried write sends nothing twice.
func (r *adjustmentRun) notes(kind, subject, body string, recipients ...string) []sales.Notification {
	var out []sales.Notification
	seen := map[string]bool{}
	for _, to := range recipients {
		if to == "" || seen[to] {
			continue
		}
		seen[to] = true
		out = append(out, sales.Notification{
			Key:         fmt.Sprintf("%s/%s/%d/%s", AdjustmentWorkflowID(r.view.Adjustment.ID), kind, r.rung, to),
			RecipientID: to, Kind: kind, Subject: subject, Body: body, At: workflow.Now(r.ctx),
		})
	}
	return out
}

// isBusinessError reports a refusal retrying cannot change (invalid, not
// found, conflict): the adjustment answers with it and keeps waiting.
func isBusinessError(err error) bool {
	var app *temporal.ApplicationError
	if !errors.As(err, &app) {
		return false
	}
	switch app.Type() {
	case sales.ErrInvalid, sales.ErrNotFound, sales.ErrConflict:
		return true
	}
	return false
}
