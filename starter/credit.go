package starter

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"osb/sales"
	"osb/workflows"
)

// CreditService is what the API needs for credit management (CMR): limits,
// ratings, reviews, manual adjustments, freezes. Errors are *sales.Error
// where the cause is known.
type CreditService interface {
	// CustomerCredit is a customer's credit at now: limit, rating,
	// exposure, use, overdue, adjustments and history with inputs.
	CustomerCredit(ctx context.Context, customerID string, now time.Time) (sales.CreditView, error)
	// StartReview starts a credit review of every customer now and returns
	// it as started (its id is the workflow id).
	StartReview(ctx context.Context, by sales.Actor, now time.Time) (sales.CreditReview, error)
	CreditReviews(ctx context.Context, limit int) ([]sales.CreditReview, error)
	// ProposeAdjustment validates a proposal, gives it an id and starts its
	// maker–checker workflow.
	ProposeAdjustment(ctx context.Context, p sales.AdjustmentProposal, by sales.Actor, now time.Time) (sales.CreditAdjustment, error)
	// DecideAdjustment sends an SLT decision and waits until it is written.
	DecideAdjustment(ctx context.Context, id string, in workflows.AdjustmentDecisionInput) (workflows.AdjustmentView, error)
	// Adjustment is an adjustment's live state.
	Adjustment(ctx context.Context, id string) (workflows.AdjustmentView, error)
	ListAdjustments(ctx context.Context, f sales.AdjustmentFilter) ([]sales.CreditAdjustment, error)
	FreezeCustomer(ctx context.Context, customerID, by, reason string, at time.Time) error
	UnfreezeCustomer(ctx context.Context, customerID, by, reason string, at time.Time) error
}

// creditRoutes mounts the routes of credit management (CMR): limits, ratings, reviews, manual adjustments.
func (a *api) creditRoutes(r chi.Router) {
	r.Get("/customers/{customerID}/credit", a.customerCredit)
	r.With(a.allow(sales.PermProposeAdjustment)).Post("/customers/{customerID}/credit/adjustments", a.proposeAdjustment)
	r.With(a.allow(sales.PermFreezeCustomer)).Post("/customers/{customerID}/freeze", a.freeze)
	r.With(a.allow(sales.PermFreezeCustomer)).Post("/customers/{customerID}/unfreeze", a.unfreeze)
	r.With(a.allow(sales.PermStartReview)).Post("/credit/reviews", a.startReview)
	r.With(a.allow(sales.PermListReviews)).Get("/credit/reviews", a.creditReviews)
	r.Get("/credit/adjustments", a.listAdjustments)
	r.Get("/credit/adjustments/{adjustmentID}", a.getAdjustment)
	r.With(a.allow(sales.PermDecideAdjustment)).Post("/credit/adjustments/{adjustmentID}/decision", a.decideAdjustment)
}

// Request bodies of credit management.
type (
	adjustmentRequest struct {
		Amount    sales.Fen `json:"amount_fen"`
		Reason    string    `json:"reason"`
		ExpiresOn string    `json:"expires_on"`
	}
	adjustmentDecisionRequest struct {
		Decision string `json:"decision"` // approve or reject
		Note     string `json:"note,omitempty"`
	}
	freezeRequest struct {
		Reason string `json:"reason"`
	}
	startedReview struct {
		ReviewID string `json:"review_id"`
		Quarter  string `json:"quarter"`
	}
)

// The free text of the credit requests, checked before anything is read or
// started; blank reasons are refused with what they are for.
func (b adjustmentRequest) problems() (p sales.Problems) {
	p.Text("reason", b.Reason, sales.MaxReason, false)
	return p
}

func (b adjustmentDecisionRequest) problems() (p sales.Problems) {
	p.Text("note", b.Note, sales.MaxReason, false)
	return p
}

func (b freezeRequest) problems() (p sales.Problems) {
	if strings.TrimSpace(b.Reason) == "" {
		p.Add("reason", "is required: the decision is kept in the credit history")
	}
	p.Text("reason", b.Reason, sales.MaxReason, false)
	return p
}

// visibleCustomer returns the customer of the path when the user may see it.
func (a *api) visibleCustomer(r *http.Request) (sales.Customer, error) {
	c, err := a.store.Customer(r.Context(), strings.TrimSpace(chi.URLParam(r, "customerID")))
	if err != nil {
		return c, err
	}
	scope, err := a.scopeOf(r)
	if err != nil {
		return c, err
	}
	if !scope.Allows(c.KAMID) {
		return c, sales.Errorf(sales.ErrForbidden, "customer %s is not one of your customers", c.ID)
	}
	return c, nil
}

// customerCredit shows a customer's credit with the history of its limit.
func (a *api) customerCredit(w http.ResponseWriter, r *http.Request) {
	c, err := a.visibleCustomer(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	v, err := a.credit.CustomerCredit(r.Context(), c.ID, a.now())
	a.reply(w, r, http.StatusOK, v, err)
}

// startReview starts a credit review on demand.
func (a *api) startReview(w http.ResponseWriter, r *http.Request) {
	var none struct{}
	if err := decode(r, &none); err != nil {
		a.fail(w, r, err)
		return
	}
	rv, err := a.credit.StartReview(r.Context(), actorOf(r), a.now())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	w.Header().Set("Location", "/v1/credit/reviews")
	writeJSON(w, http.StatusAccepted, startedReview{ReviewID: rv.ID, Quarter: rv.Quarter})
}

// creditReviews lists the latest reviews and how far they got.
func (a *api) creditReviews(w http.ResponseWriter, r *http.Request) {
	q := newParams(r, "limit")
	limit := q.limit("limit")
	if err := q.err(); err != nil {
		a.fail(w, r, err)
		return
	}
	list, err := a.credit.CreditReviews(r.Context(), limit)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, nonNil(list))
}

// proposeAdjustment proposes a manual adjustment of a customer's limit.
func (a *api) proposeAdjustment(w http.ResponseWriter, r *http.Request) {
	var b adjustmentRequest
	if err := decode(r, &b); err != nil {
		a.fail(w, r, err)
		return
	}
	if err := b.problems().Err("the credit adjustment is invalid"); err != nil {
		a.fail(w, r, err)
		return
	}
	c, err := a.visibleCustomer(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	p := sales.AdjustmentProposal{CustomerID: c.ID, Amount: b.Amount, Reason: strings.TrimSpace(b.Reason), ExpiresOn: strings.TrimSpace(b.ExpiresOn)}
	adj, err := a.credit.ProposeAdjustment(r.Context(), p, actorOf(r), a.now())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	w.Header().Set("Location", "/v1/credit/adjustments/"+adj.ID)
	writeJSON(w, http.StatusCreated, adj)
}

// adjustmentStatuses are the statuses an adjustment list can be filtered by.
var adjustmentStatuses = []sales.AdjustmentStatus{sales.AdjustmentProposed, sales.AdjustmentApproved, sales.AdjustmentRejected, sales.AdjustmentExpired}

// listAdjustments lists the adjustments of the customers the user may see.
func (a *api) listAdjustments(w http.ResponseWriter, r *http.Request) {
	q := newParams(r, "status", "customer_id", "limit")
	f := sales.AdjustmentFilter{
		Status:     sales.AdjustmentStatus(q.text("status")),
		CustomerID: q.text("customer_id"),
		Limit:      q.limit("limit"),
	}
	if f.Status != "" && !slices.Contains(adjustmentStatuses, f.Status) {
		q.p.Add("status", "must be one of proposed, approved, rejected, expired")
	}
	list, ok := listInScope(a, w, r, q, &f.Scope, func(ctx context.Context) ([]sales.CreditAdjustment, error) { return a.credit.ListAdjustments(ctx, f) })
	if !ok {
		return
	}
	writeJSON(w, http.StatusOK, nonNil(list))
}

// adjustmentID reads and checks the adjustment id of the path.
func adjustmentID(r *http.Request) (string, error) {
	id := chi.URLParam(r, "adjustmentID")
	if !sales.ValidAdjustmentID(id) {
		return "", sales.Errorf(sales.ErrNotFound, "%q is not a credit adjustment id like CA-2026-000001", id)
	}
	return id, nil
}

// getAdjustment shows an adjustment's live state: where it waits, who is
// asked, and the limit it made.
func (a *api) getAdjustment(w http.ResponseWriter, r *http.Request) {
	id, err := adjustmentID(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	v, err := a.credit.Adjustment(r.Context(), id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	scope, err := a.scopeOf(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	// The customer's KAM now, not the one the proposal's ladder recorded.
	ok, err := sales.CustomerVisible(r.Context(), a.store, scope, v.Adjustment.CustomerID)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if !ok {
		a.fail(w, r, sales.Errorf(sales.ErrForbidden, "credit adjustment %s is not for one of your customers", id))
		return
	}
	writeJSON(w, http.StatusOK, v)
}

// decideAdjustment sends an SLT member's decision on a proposal; the
// workflow refuses the proposer's own and anything not waiting.
func (a *api) decideAdjustment(w http.ResponseWriter, r *http.Request) {
	id, err := adjustmentID(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	var b adjustmentDecisionRequest
	if err := decode(r, &b); err != nil {
		a.fail(w, r, err)
		return
	}
	if err := b.problems().Err("invalid decision"); err != nil {
		a.fail(w, r, err)
		return
	}
	v, err := a.credit.DecideAdjustment(r.Context(), id, workflows.AdjustmentDecisionInput{
		Actor: actorOf(r), Decision: strings.TrimSpace(b.Decision), Note: strings.TrimSpace(b.Note),
	})
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

// freeze freezes a customer for new orders by an SLT decision.
func (a *api) freeze(w http.ResponseWriter, r *http.Request) {
	a.changeFreeze(w, r, true)
}

// unfreeze lifts a customer's freeze by an SLT decision.
func (a *api) unfreeze(w http.ResponseWriter, r *http.Request) {
	a.changeFreeze(w, r, false)
}

func (a *api) changeFreeze(w http.ResponseWriter, r *http.Request, freeze bool) {
	var b freezeRequest
	if err := decode(r, &b); err != nil {
		a.fail(w, r, err)
		return
	}
	if err := b.problems().Err("invalid decision"); err != nil {
		a.fail(w, r, err)
		return
	}
	b.Reason = strings.TrimSpace(b.Reason)
	c, err := a.visibleCustomer(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	change := a.credit.UnfreezeCustomer
	if freeze {
		change = a.credit.FreezeCustomer
	}
	now := a.now()
	if err := change(r.Context(), c.ID, userOf(r).ID, b.Reason, now); err != nil {
		a.fail(w, r, err)
		return
	}
	v, err := a.credit.CustomerCredit(r.Context(), c.ID, now)
	a.reply(w, r, http.StatusOK, v, err)
}
