package starter

import (
	"context"
	"net/http"
	"reflect"
	"sync"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"osb/sales"
	"osb/workflows"
)

// fakeCredit is an in-memory CreditService that records what it was asked.
type fakeCredit struct {
	mu         sync.Mutex
	reviews    []sales.Actor
	proposals  []sales.AdjustmentProposal
	proposers  []sales.Actor
	decisions  []workflows.AdjustmentDecisionInput
	filter     *sales.AdjustmentFilter
	freezes    []string // freeze/<customer>/<by>/<reason> or unfreeze/…
	view       workflows.AdjustmentView
	proposeErr error
	decideErr  error
}

func (f *fakeCredit) CustomerCredit(_ context.Context, id string, now time.Time) (sales.CreditView, error) {
	return sales.CreditView{CustomerID: id, Limit: sales.Yuan(100_000), Rating: "B", Adjustments: []sales.CreditAdjustment{}, History: []sales.CreditChange{}}, nil
}

func (f *fakeCredit) StartReview(_ context.Context, by sales.Actor, now time.Time) (sales.CreditReview, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reviews = append(f.reviews, by)
	return sales.CreditReview{ID: sales.ReviewWorkflowID(sales.QuarterOf(now), len(f.reviews)), Quarter: sales.QuarterOf(now)}, nil
}

func (f *fakeCredit) CreditReviews(context.Context, int) ([]sales.CreditReview, error) {
	return nil, nil
}

func (f *fakeCredit) ProposeAdjustment(_ context.Context, p sales.AdjustmentProposal, by sales.Actor, now time.Time) (sales.CreditAdjustment, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.proposeErr != nil {
		return sales.CreditAdjustment{}, f.proposeErr
	}
	f.proposals, f.proposers = append(f.proposals, p), append(f.proposers, by)
	return sales.CreditAdjustment{ID: "CA-2026-000001", CustomerID: p.CustomerID, Amount: p.Amount, ProposedBy: by.UserID,
		ProposedAt: now, Status: sales.AdjustmentProposed}, nil
}

func (f *fakeCredit) DecideAdjustment(_ context.Context, id string, in workflows.AdjustmentDecisionInput) (workflows.AdjustmentView, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.decideErr != nil {
		return workflows.AdjustmentView{}, f.decideErr
	}
	f.decisions = append(f.decisions, in)
	v := f.view
	v.Adjustment.ID, v.Adjustment.Status = id, sales.AdjustmentApproved
	return v, nil
}

func (f *fakeCredit) Adjustment(_ context.Context, id string) (workflows.AdjustmentView, error) {
	if id != f.view.Adjustment.ID {
		return workflows.AdjustmentView{}, notFound("credit adjustment " + id)
	}
	return f.view, nil
}

func (f *fakeCredit) ListAdjustments(_ context.Context, filter sales.AdjustmentFilter) ([]sales.CreditAdjustment, error) {
	f.filter = &filter
	return nil, nil
}

func (f *fakeCredit) FreezeCustomer(_ context.Context, id, by, reason string, _ time.Time) error {
	f.freezes = append(f.freezes, "freeze/"+id+"/"+by+"/"+reason)
	return nil
}

func (f *fakeCredit) UnfreezeCustomer(_ context.Context, id, by, reason string, _ time.Time) error {
	f.freezes = append(f.freezes, "unfreeze/"+id+"/"+by+"/"+reason)
	return nil
}

func TestCustomerCreditIsLimitedToTheUsersCustomers(t *testing.T) {
	f := newFixture(t)
	rec := f.do(t, "GET", "/v1/customers/C-001/credit", "t-kam1", nil)
	wantStatus(t, rec, http.StatusOK)
	if v := decodeAs[sales.CreditView](t, rec); v.CustomerID != "C-001" || v.Limit != sales.Yuan(100_000) {
		t.Errorf("view %+v", v)
	}
	wantError(t, f.do(t, "GET", "/v1/customers/C-002/credit", "t-kam1", nil), http.StatusForbidden, sales.ErrForbidden)
	wantError(t, f.do(t, "GET", "/v1/customers/C-404/credit", "t-fin", nil), http.StatusNotFound, sales.ErrNotFound)
	wantStatus(t, f.do(t, "GET", "/v1/customers/C-002/credit", "t-log", nil), http.StatusOK)
	wantError(t, f.do(t, "GET", "/v1/customers/C-001/credit", "", nil), http.StatusUnauthorized, sales.ErrUnauthorized)
}

func TestReviewsStartOnDemandForTheSLTAndAdmin(t *testing.T) {
	f := newFixture(t)
	rec := f.do(t, "POST", "/v1/credit/reviews", "t-slt", nil)
	wantStatus(t, rec, http.StatusAccepted)
	if got := decodeAs[startedReview](t, rec); got != (startedReview{ReviewID: "credit-review/2026-Q1/1", Quarter: "2026-Q1"}) {
		t.Errorf("started %+v", got)
	}
	wantStatus(t, f.do(t, "POST", "/v1/credit/reviews", "t-admin", map[string]any{}), http.StatusAccepted)
	if !reflect.DeepEqual(f.credit.reviews, []sales.Actor{{UserID: "u-sd", Role: sales.RoleSLT}, {UserID: "u-admin", Role: sales.RoleAdmin}}) {
		t.Errorf("reviews started by %+v", f.credit.reviews)
	}
	wantError(t, f.do(t, "POST", "/v1/credit/reviews", "t-fin", nil), http.StatusForbidden, sales.ErrForbidden)
	wantError(t, f.do(t, "POST", "/v1/credit/reviews", "t-slt", `{"quarter":"2026-Q3"}`), http.StatusBadRequest, sales.ErrInvalid)
	wantStatus(t, f.do(t, "GET", "/v1/credit/reviews?limit=5", "t-fin", nil), http.StatusOK)
	wantError(t, f.do(t, "GET", "/v1/credit/reviews", "t-kam1", nil), http.StatusForbidden, sales.ErrForbidden)
	wantError(t, f.do(t, "GET", "/v1/credit/reviews?limit=0", "t-slt", nil), http.StatusUnprocessableEntity, sales.ErrInvalid)
}

func TestAdjustmentsAreProposedByFinanceAndTheFSFForTheirCustomers(t *testing.T) {
	f := newFixture(t)
	body := map[string]any{"amount_fen": 5_000_000, "reason": " spring promotion ", "expires_on": "2026-06-30"}
	rec := f.do(t, "POST", "/v1/customers/C-001/credit/adjustments", "t-kam1", body)
	wantStatus(t, rec, http.StatusCreated)
	if loc := rec.Header().Get("Location"); loc != "/v1/credit/adjustments/CA-2026-000001" {
		t.Errorf("Location %q", loc)
	}
	want := sales.AdjustmentProposal{CustomerID: "C-001", Amount: 5_000_000, Reason: "spring promotion", ExpiresOn: "2026-06-30"}
	if len(f.credit.proposals) != 1 || f.credit.proposals[0] != want || f.credit.proposers[0] != (sales.Actor{UserID: "u-kam1", Role: sales.RoleFSF}) {
		t.Errorf("proposed %+v by %+v", f.credit.proposals, f.credit.proposers)
	}
	wantStatus(t, f.do(t, "POST", "/v1/customers/C-002/credit/adjustments", "t-fin", body), http.StatusCreated)
	wantError(t, f.do(t, "POST", "/v1/customers/C-002/credit/adjustments", "t-kam1", body), http.StatusForbidden, sales.ErrForbidden)
	wantError(t, f.do(t, "POST", "/v1/customers/C-001/credit/adjustments", "t-slt", body), http.StatusForbidden, sales.ErrForbidden)
	wantError(t, f.do(t, "POST", "/v1/customers/C-001/credit/adjustments", "t-fin", `{"amount_fen":"lots"}`), http.StatusBadRequest, sales.ErrInvalid)

	f.credit.proposeErr = sales.Problems{{Field: "expires_on", Message: "must be after today"}}.Err("the credit adjustment is invalid")
	e := wantError(t, f.do(t, "POST", "/v1/customers/C-001/credit/adjustments", "t-fin", body), http.StatusUnprocessableEntity, sales.ErrInvalid)
	if len(e.Fields) != 1 || e.Fields[0].Field != "expires_on" {
		t.Errorf("fields %+v", e.Fields)
	}
}

func TestOnlyTheSLTDecidesAnAdjustment(t *testing.T) {
	f := newFixture(t)
	f.credit.view = workflows.AdjustmentView{Limit: sales.Yuan(150_000)}
	rec := f.do(t, "POST", "/v1/credit/adjustments/CA-2026-000001/decision", "t-slt", map[string]string{"decision": "approve", "note": " ok "})
	wantStatus(t, rec, http.StatusOK)
	if v := decodeAs[workflows.AdjustmentView](t, rec); v.Limit != sales.Yuan(150_000) || v.Adjustment.Status != sales.AdjustmentApproved {
		t.Errorf("view %+v", v)
	}
	want := workflows.AdjustmentDecisionInput{Actor: sales.Actor{UserID: "u-sd", Role: sales.RoleSLT}, Decision: "approve", Note: "ok"}
	if len(f.credit.decisions) != 1 || f.credit.decisions[0] != want {
		t.Errorf("decisions %+v", f.credit.decisions)
	}
	wantError(t, f.do(t, "POST", "/v1/credit/adjustments/CA-2026-000001/decision", "t-fin", map[string]string{"decision": "approve"}), http.StatusForbidden, sales.ErrForbidden)
	wantError(t, f.do(t, "POST", "/v1/credit/adjustments/nope/decision", "t-slt", map[string]string{"decision": "approve"}), http.StatusNotFound, sales.ErrNotFound)
	f.credit.decideErr = sales.Errorf(sales.ErrForbidden, "u-sd proposed credit adjustment CA-2026-000001: another SLT member decides it")
	wantError(t, f.do(t, "POST", "/v1/credit/adjustments/CA-2026-000001/decision", "t-slt", map[string]string{"decision": "approve"}), http.StatusForbidden, sales.ErrForbidden)
}

func TestAdjustmentsAreListedAndShownInTheUsersScope(t *testing.T) {
	f := newFixture(t)
	wantStatus(t, f.do(t, "GET", "/v1/credit/adjustments?status=proposed&customer_id=C-001&limit=20", "t-um", nil), http.StatusOK)
	want := sales.AdjustmentFilter{Status: sales.AdjustmentProposed, CustomerID: "C-001", Limit: 20, Scope: sales.Scope{KAMIDs: []string{"u-um", "u-kam1"}}}
	if !reflect.DeepEqual(*f.credit.filter, want) {
		t.Errorf("filter %+v, want %+v", *f.credit.filter, want)
	}
	wantError(t, f.do(t, "GET", "/v1/credit/adjustments?status=pending", "t-slt", nil), http.StatusUnprocessableEntity, sales.ErrInvalid)

	f.credit.view = workflows.AdjustmentView{Adjustment: sales.CreditAdjustment{ID: "CA-2026-000007", CustomerID: "C-002"}, Ladder: sales.Ladder{KAM: "u-kam2"}}
	wantStatus(t, f.do(t, "GET", "/v1/credit/adjustments/CA-2026-000007", "t-kam2", nil), http.StatusOK)
	wantError(t, f.do(t, "GET", "/v1/credit/adjustments/CA-2026-000007", "t-kam1", nil), http.StatusForbidden, sales.ErrForbidden)
	wantError(t, f.do(t, "GET", "/v1/credit/adjustments/CA-2026-000008", "t-slt", nil), http.StatusNotFound, sales.ErrNotFound)

	// C-002 handed over to u-kam1: the proposal's ladder still says u-kam2.
	c := f.store.customers["C-002"]
	c.KAMID = "u-kam1"
	f.store.customers["C-002"] = c
	wantStatus(t, f.do(t, "GET", "/v1/credit/adjustments/CA-2026-000007", "t-kam1", nil), http.StatusOK)
	wantError(t, f.do(t, "GET", "/v1/credit/adjustments/CA-2026-000007", "t-kam2", nil), http.StatusForbidden, sales.ErrForbidden)
}

func TestTheSLTFreezesAndUnfreezesWithAReason(t *testing.T) {
	f := newFixture(t)
	rec := f.do(t, "POST", "/v1/customers/C-001/freeze", "t-slt", map[string]string{"reason": "audit"})
	wantStatus(t, rec, http.StatusOK)
	wantStatus(t, f.do(t, "POST", "/v1/customers/C-001/unfreeze", "t-slt", map[string]string{"reason": "audit done"}), http.StatusOK)
	if !reflect.DeepEqual(f.credit.freezes, []string{"freeze/C-001/u-sd/audit", "unfreeze/C-001/u-sd/audit done"}) {
		t.Errorf("freezes %v", f.credit.freezes)
	}
	wantError(t, f.do(t, "POST", "/v1/customers/C-001/freeze", "t-slt", map[string]string{"reason": " "}), http.StatusUnprocessableEntity, sales.ErrInvalid)
	wantError(t, f.do(t, "POST", "/v1/customers/C-001/freeze", "t-fin", map[string]string{"reason": "x"}), http.StatusForbidden, sales.ErrForbidden)
	wantError(t, f.do(t, "POST", "/v1/customers/C-404/unfreeze", "t-slt", map[string]string{"reason": "x"}), http.StatusNotFound, sales.ErrNotFound)
}

// creditStub is a Temporal client that refuses the first starts as already
// started and records every start.
type creditStub struct {
	client.Client
	busy   int
	starts []client.StartWorkflowOptions
	args   []any
}

func (s *creditStub) ExecuteWorkflow(_ context.Context, o client.StartWorkflowOptions, _ any, args ...any) (client.WorkflowRun, error) {
	s.starts = append(s.starts, o)
	if len(s.starts) <= s.busy {
		return nil, serviceerror.NewWorkflowExecutionAlreadyStarted("already started", "req", "run")
	}
	s.args = append(s.args, args...)
	return nil, nil
}

// creditStoreStub answers the adapter's store calls for customer C-001.
type creditStoreStub struct {
	CreditStore
	reviews int
}

func (s creditStoreStub) CreditReviewCount(context.Context, string) (int, error) {
	return s.reviews, nil
}
func (s creditStoreStub) NextAdjustmentID(_ context.Context, year int) (string, error) {
	return sales.FormatAdjustmentID(year, 12), nil
}
func (s creditStoreStub) Customer(_ context.Context, id string) (sales.Customer, error) {
	if id != "C-001" {
		return sales.Customer{}, notFound("customer " + id)
	}
	return sales.Customer{ID: id, Name: "上海分销", Market: "华东", KAMID: "u-kam1", Currency: sales.CNY}, nil
}

func TestStartReviewTakesTheNextFreeReviewNumber(t *testing.T) {
	stub := &creditStub{busy: 1}
	credit := NewTemporalCredit(stub, creditStoreStub{reviews: 2}, sales.DefaultCreditPolicy())
	r, err := credit.StartReview(context.Background(), sales.Actor{UserID: "sd", Role: sales.RoleSLT}, now)
	if err != nil {
		t.Fatal(err)
	}
	if r.ID != "credit-review/2026-Q1/4" || len(stub.starts) != 2 || stub.starts[0].ID != "credit-review/2026-Q1/3" {
		t.Fatalf("started %s after trying %d ids", r.ID, len(stub.starts))
	}
	o := stub.starts[1]
	if o.TaskQueue != workflows.TaskQueue || o.WorkflowIDReusePolicy != enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE {
		t.Errorf("options %+v", o)
	}
	if q, ok := o.TypedSearchAttributes.GetKeyword(workflows.SAReviewQuarter); !ok || q != "2026-Q1" {
		t.Errorf("ReviewQuarter = %q", q)
	}
	in := stub.args[0].(workflows.CreditReviewInput)
	if in.ReviewID != r.ID || in.StartedBy != "sd" || in.Policy == nil {
		t.Errorf("input %+v", in)
	}

	stub = &creditStub{busy: reviewStartAttempts}
	_, err = NewTemporalCredit(stub, creditStoreStub{}, sales.DefaultCreditPolicy()).StartReview(context.Background(), sales.Actor{UserID: "sd"}, now)
	if sales.ErrorCode(err) != sales.ErrConflict {
		t.Errorf("every number taken: %v, want conflict", err)
	}
}

func TestProposeAdjustmentValidatesThenStartsItsWorkflow(t *testing.T) {
	stub := &creditStub{}
	credit := NewTemporalCredit(stub, creditStoreStub{}, sales.DefaultCreditPolicy())
	fin := sales.Actor{UserID: "u-fin", Role: sales.RoleFinance}
	_, err := credit.ProposeAdjustment(context.Background(), sales.AdjustmentProposal{CustomerID: "C-001", Reason: "x", ExpiresOn: "2026-06-30"}, fin, now)
	if sales.ErrorCode(err) != sales.ErrInvalid || len(stub.starts) != 0 {
		t.Fatalf("a zero amount: %v, %d starts", err, len(stub.starts))
	}
	adj, err := credit.ProposeAdjustment(context.Background(), sales.AdjustmentProposal{CustomerID: "C-001", Amount: -100, Reason: "risk", ExpiresOn: "2026-06-30"}, fin, now)
	if err != nil {
		t.Fatal(err)
	}
	wantExpiry := time.Date(2026, 7, 1, 0, 0, 0, 0, sales.Beijing)
	if adj.ID != "CA-2026-000012" || adj.Status != sales.AdjustmentProposed || !adj.ExpiresAt.Equal(wantExpiry) || adj.ProposedBy != "u-fin" || adj.Currency != sales.CNY {
		t.Errorf("adjustment %+v", adj)
	}
	if o := stub.starts[0]; o.ID != "credit-adjustment/CA-2026-000012" {
		t.Errorf("workflow id %s", o.ID)
	} else if c, _ := o.TypedSearchAttributes.GetKeyword(workflows.SACustomerID); c != "C-001" {
		t.Errorf("CustomerID = %q", c)
	}
	if in := stub.args[0].(workflows.CreditAdjustmentInput); in.Adjustment != adj || in.Policy.DecisionTime != sales.DefaultCreditPolicy().DecisionTime {
		t.Errorf("input %+v", in)
	}
}
