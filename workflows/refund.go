package workflows

import (
	"fmt"
	"time"

	"go.temporal.io/sdk/workflow"

	"osb/sales"
)

// RefundWorkflowName is the registered name of the refund workflow.
const RefundWorkflowName = "Refund"

// Updates and query of a refund.
const (
	// UpdateRefundRecorded answers once the refund is recorded (its amount
	// reserved) and, within the limit, refunded: the API sends it with the
	// start, so that the requester learns at once what became of it.
	UpdateRefundRecorded = "refund-recorded"
	UpdateDecideRefund   = "decide-refund" // the SLT approves or rejects
	QueryRefund          = "refund"        // the RefundView
)

// RefundWorkflowID derives the workflow id from the refund id.
func RefundWorkflowID(id int64) string { return fmt.Sprintf("refund/%d", id) }

// RefundInput starts the refund of some of a customer's unapplied cash.
type RefundInput struct {
	Refund sales.Refund     `json:"refund"`
	Policy sales.CashPolicy `json:"policy"`
}

// RefundDecisionInput is an SLT member's decision: approve or reject.
type RefundDecisionInput struct {
	Actor    sales.Actor `json:"actor"`
	Decision string      `json:"decision"` // DecisionApprove or DecisionReject
	Note     string      `json:"note,omitempty"`
}

// RefundView is the whole state of a refund: what its query, its updates
// and its result answer.
type RefundView struct {
	Refund       sales.Refund `json:"refund"`
	CustomerName string       `json:"customer_name"`
	Ladder       sales.Ladder `json:"ladder"`
	NextDeadline *time.Time   `json:"next_deadline,omitempty"` // the next escalation, or the automatic rejection
}

// RecordRefundInput records a refund and tells who must decide it.
type RecordRefundInput struct {
	Refund sales.Refund `json:"refund"`
}

// RecordRefundResult is the refund as stored, with the customer's name and
// escalation ladder.
type RecordRefundResult struct {
	Refund       sales.Refund `json:"refund"`
	CustomerName string       `json:"customer_name"`
	Ladder       sales.Ladder `json:"ladder"`
}

// EscalateRefundInput asks the holder of a rung to decide.
type EscalateRefundInput struct {
	ID            int64                `json:"id"`
	Level         sales.Level          `json:"level"`
	Notifications []sales.Notification `json:"notifications"`
}

// DecideRefundInput writes a decision and tells who must know.
type DecideRefundInput struct {
	Decision      sales.RefundDecision `json:"decision"`
	Notifications []sales.Notification `json:"notifications"`
}

// The activities of a refund.
var (
	RecordRefund   = Activity[RecordRefundInput, RecordRefundResult]{"RecordRefund"}
	EscalateRefund = Action[EscalateRefundInput]{"EscalateRefund"}
	DecideRefund   = Activity[DecideRefundInput, sales.Refund]{"DecideRefund"}
)

// refundRun is one refund's workflow and its state.
type refundRun struct {
	ctx      workflow.Context
	policy   sales.CashPolicy
	view     RefundView
	rung     int                  // index in the decision ladder being asked
	settled  bool                 // recorded and, within the limit, refunded: the recorded update answers
	failed   error                // why it could not be recorded
	decision *RefundDecisionInput // waiting to be written
	refused  error                // why the last decision could not be written
	ending   bool                 // rejected for want of a decision: no decision is taken any more
}

// Refund pays back some of a customer's unapplied cash. Its amount is
// reserved when recorded, so that it cannot be spent twice. Within the
// policy's limit it is refunded at once; above it the SLT member over the
// customer's market is asked to decide, then (unanswered) the next rung of
// the ladder, and after the last rung it is rejected. A rejected refund's
// amount comes back to the customer's unapplied cash.
func Refund(ctx workflow.Context, in RefundInput) (RefundView, error) {
	ctx = cashActivityOptions(ctx)
	r := &refundRun{ctx: ctx, policy: in.Policy, view: RefundView{Refund: in.Refund}}
	if err := workflow.SetQueryHandler(ctx, QueryRefund, func() (RefundView, error) { return r.view, nil }); err != nil {
		return r.view, err
	}
	if err := workflow.SetUpdateHandler(ctx, UpdateRefundRecorded, r.recorded); err != nil {
		return r.view, err
	}
	if err := workflow.SetUpdateHandlerWithOptions(ctx, UpdateDecideRefund, r.decide,
		workflow.UpdateHandlerOptions{Validator: r.validateDecide}); err != nil {
		return r.view, err
	}
	err := r.run(in.Refund)
	if err != nil {
		r.failed = err
	}
	r.settled, r.view.NextDeadline = true, nil
	if werr := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); werr != nil {
		return r.view, werr
	}
	return r.view, err
}

// run records the refund, refunds it within the limit, or waits for the
// SLT rung after rung.
func (r *refundRun) run(f sales.Refund) error {
	rec, err := RecordRefund.Run(r.ctx, RecordRefundInput{Refund: f})
	if err != nil {
		return err
	}
	r.view.Refund, r.view.CustomerName, r.view.Ladder = rec.Refund, rec.CustomerName, rec.Ladder
	if r.view.Refund.Status != sales.RefundRequested { // recorded and decided before (a reset workflow)
		return nil
	}
	if !r.view.Refund.NeedsDecision {
		f := r.view.Refund
		note := fmt.Sprintf("within the limit of %s", r.policy.RefundApprovalLimit)
		return r.write(sales.RefundDecision{ID: f.ID, Approve: true, Note: note, At: workflow.Now(r.ctx)}, r.view.Ladder.KAM)
	}
	if err := r.ask(); err != nil {
		return err
	}
	r.settled = true
	return r.await()
}

// recorded answers once the refund is recorded (and, within the limit,
// refunded), or why it could not be.
func (r *refundRun) recorded(ctx workflow.Context) (RefundView, error) {
	if err := workflow.Await(ctx, func() bool { return r.settled }); err != nil {
		return r.view, err
	}
	return r.view, r.failed
}

// await waits for a decision rung after rung until one is written or the
// last rung's time is up.
func (r *refundRun) await() error {
	for r.view.Refund.Status == sales.RefundRequested {
		deadline := r.deadline()
		r.view.NextDeadline = &deadline
		if d := deadline.Sub(workflow.Now(r.ctx)); d > 0 {
			if _, err := workflow.AwaitWithTimeout(r.ctx, d, func() bool { return r.decision != nil }); err != nil {
				return err
			}
		}
		if in := r.decision; in != nil {
			f := r.view.Refund
			d := sales.RefundDecision{ID: f.ID, Approve: in.Decision == DecisionApprove, By: in.Actor.UserID, Note: in.Note, At: workflow.Now(r.ctx)}
			err := r.write(d, f.RequestedBy, r.view.Ladder.KAM)
			r.decision = nil
			if isBusinessError(err) {
				r.refused = err // the update answers with it; the refund keeps waiting
				continue
			}
			if err != nil {
				return err
			}
			continue
		}
		now := workflow.Now(r.ctx)
		if now.Before(deadline) {
			continue
		}
		if r.rung+1 < len(r.policy.RefundLadder) {
			r.rung++
			if err := r.ask(); err != nil {
				return err
			}
			continue
		}
		r.ending = true
		why := fmt.Sprintf("no SLT decision after escalation to the %s", r.level())
		f := r.view.Refund
		if err := r.write(sales.RefundDecision{ID: f.ID, Note: why, At: now}, f.RequestedBy, r.view.Ladder.KAM); err != nil {
			return err
		}
	}
	if r.decision != nil { // accepted while the refund was rejected for want of one
		r.decision, r.refused = nil, refusal(sales.ErrConflict, "refund %d was %s before the decision", r.view.Refund.ID, r.view.Refund.Status)
	}
	return nil
}

// deadline is when the current rung's wait ends.
func (r *refundRun) deadline() time.Time {
	return r.view.Refund.RequestedAt.Add(time.Duration(r.policy.RefundDecision) + time.Duration(r.rung)*time.Duration(r.policy.RefundEscalateEvery))
}

func (r *refundRun) level() sales.Level {
	if len(r.policy.RefundLadder) == 0 {
		return sales.LevelSLT
	}
	return r.policy.RefundLadder[r.rung]
}

func (r *refundRun) customer() string {
	if r.view.CustomerName == "" {
		return r.view.Refund.CustomerID
	}
	return r.view.CustomerName + " (" + r.view.Refund.CustomerID + ")"
}

// ask tells the holder of the current rung that a decision waits.
func (r *refundRun) ask() error {
	f := r.view.Refund
	level := r.level()
	kind, subject := "refund_requested", "Refund %d of %s to %s waits for your decision"
	if r.rung > 0 {
		kind, subject = "refund_escalated", "[%[4]s] Refund %[1]d of %[2]s to %[3]s still waits for an SLT decision"
	}
	notes := r.notes(kind, fmt.Sprintf(subject, f.ID, f.Amount, r.customer(), level),
		fmt.Sprintf("%s asks to refund %s %s of unapplied cash to account %s: %s. Approve or reject it (POST /v1/refunds/%d/decision).",
			f.RequestedBy, f.Amount, f.Currency, f.BankAccount, f.Reason, f.ID),
		r.view.Ladder.Above(level))
	if err := EscalateRefund.Run(r.ctx, EscalateRefundInput{ID: f.ID, Level: level, Notifications: notes}); err != nil {
		return err
	}
	r.view.Refund.Level = level
	return nil
}

func (r *refundRun) validateDecide(in RefundDecisionInput) error {
	f := r.view.Refund
	switch {
	case !in.Actor.Is(sales.RoleSLT):
		return refusal(sales.ErrForbidden, "only an SLT member may decide a refund")
	case in.Actor.UserID == f.RequestedBy:
		return refusal(sales.ErrForbidden, "%s asked for refund %d: another person decides it", in.Actor.UserID, f.ID)
	case f.Status != sales.RefundRequested || !r.settled || r.decision != nil || r.ending:
		return refusal(sales.ErrConflict, "refund %d is %s, not waiting for a decision", f.ID, f.Status)
	}
	var p sales.Problems
	if in.Decision != DecisionApprove && in.Decision != DecisionReject {
		p.Add("decision", "must be approve or reject")
	}
	p.Text("note", in.Note, sales.MaxReason, false)
	return invalid(p, "invalid decision")
}

// decide hands the decision to the main loop and answers once it is written.
func (r *refundRun) decide(ctx workflow.Context, in RefundDecisionInput) (RefundView, error) {
	r.decision, r.refused = &in, nil
	if err := workflow.Await(ctx, func() bool { return r.decision == nil }); err != nil {
		return r.view, err
	}
	return r.view, r.refused
}

// write writes a decision and tells recipients.
func (r *refundRun) write(d sales.RefundDecision, recipients ...string) error {
	f := r.view.Refund
	verb, kind := "rejected", "refund_rejected"
	if d.Approve {
		verb, kind = "refunded", "refund_refunded"
	}
	by := ""
	if d.By != "" {
		by = " by " + d.By
	}
	notes := r.notes(kind, fmt.Sprintf("Refund %d of %s to %s %s%s", f.ID, f.Amount, r.customer(), verb, by),
		fmt.Sprintf("%s %s to account %s (%s). %s", f.Amount, f.Currency, f.BankAccount, f.Reason, d.Note), recipients...)
	out, err := DecideRefund.Run(r.ctx, DecideRefundInput{Decision: d, Notifications: notes})
	if err != nil {
		return err
	}
	r.view.Refund = out
	return nil
}

// notes builds one notification per distinct recipient, keyed by refund,
// kind and rung so that a retried write sends nothing twice.
func (r *refundRun) notes(kind, subject, body string, recipients ...string) []sales.Notification {
	var out []sales.Notification
	seen := map[string]bool{}
	for _, to := range recipients {
		if to == "" || seen[to] {
			continue
		}
		seen[to] = true
		out = append(out, sales.Notification{
			Key:         fmt.Sprintf("%s/%s/%d/%s", RefundWorkflowID(r.view.Refund.ID), kind, r.rung, to),
			RecipientID: to, Kind: kind, Subject: subject, Body: body, At: workflow.Now(r.ctx),
		})
	}
	return out
}
