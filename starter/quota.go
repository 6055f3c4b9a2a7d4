package starter

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"osb/sales"
	"osb/workflows"
)

// QuotaService is what the API needs for quota allocations and POP material
// (returns are messages to the order's workflow).
type QuotaService interface {
	SetMarketQuota(ctx context.Context, period, market string, q sales.QuotaAllocations, by string, at time.Time) error
	SetCustomerQuota(ctx context.Context, period, customerID string, q sales.QuotaAllocations, by string, at time.Time) error
	QuotaReport(ctx context.Context, period string, scope sales.Scope) (sales.QuotaReport, error)
	ListPOPItems(ctx context.Context) ([]sales.POPItem, error)
	SavePOPItem(ctx context.Context, item sales.POPItem) error
	SetPOPBudget(ctx context.Context, month, market string, budget sales.Fen, by string, at time.Time) (sales.POPBudget, error)
	RequestPOP(ctx context.Context, req sales.POPStandalone, by string, at time.Time) (sales.POPRecord, error)
	POPUsage(ctx context.Context, customerID, month string) (sales.POPUsageReport, error)
}

// quotaRoutes mounts the routes of quota allocations, POP material and returns.
func (a *api) quotaRoutes(r chi.Router) {
	r.With(a.allow(sales.PermSetQuota)).Put("/quota/{period}/markets/{market}", a.setMarketQuota)
	r.With(a.allow(sales.PermSetQuota)).Put("/quota/{period}/customers/{customer}", a.setCustomerQuota)
	r.Get("/quota/{period}", a.quotaReport)

	r.Get("/pop/items", a.popItems)
	r.With(a.allow(sales.PermSavePOPItem)).Post("/pop/items", a.savePOPItem)
	r.With(a.allow(sales.PermSetPOPBudget)).Put("/pop/budgets/{month}/{market}", a.setPOPBudget)
	r.With(a.allow(sales.PermRequestPOP)).Post("/pop/requests", a.requestPOP)
	r.Get("/pop/usage", a.popUsage)

	r.With(a.allow(sales.PermRequestReturn)).Post("/orders/{orderNo}/returns", a.requestReturn)
	r.With(a.allow(sales.PermDecideReturn)).Post("/orders/{orderNo}/returns/{returnNo}/decision", a.decideReturn)
	r.With(a.allow(sales.PermReceiveReturn)).Post("/orders/{orderNo}/returns/{returnNo}/receipt", a.receiveReturn)
}

// pathPeriod returns the period (or month) named in the path.
func pathPeriod(r *http.Request, name string) (string, error) {
	p := chi.URLParam(r, name)
	if !sales.ValidPeriod(p) {
		var pr sales.Problems
		pr.Add(name, "%q is not a month like 2026-11", p)
		return "", pr.Err("the path names no valid " + name)
	}
	return p, nil
}

// setMarketQuota sets a market's allocations for a period; the answer is the
// period's allocations.
func (a *api) setMarketQuota(w http.ResponseWriter, r *http.Request) {
	a.setQuota(w, r, "market", a.quota.SetMarketQuota)
}

// setCustomerQuota sets a customer's allocations for a period: its market's
// customers never hold more than the market.
func (a *api) setCustomerQuota(w http.ResponseWriter, r *http.Request) {
	a.setQuota(w, r, "customer", a.quota.SetCustomerQuota)
}

type quotaSetter func(ctx context.Context, period, who string, q sales.QuotaAllocations, by string, at time.Time) error

func (a *api) setQuota(w http.ResponseWriter, r *http.Request, who string, set quotaSetter) {
	var b sales.QuotaAllocations
	if err := decode(r, &b); err != nil {
		a.fail(w, r, err)
		return
	}
	if err := b.ValidateShape().Err("invalid allocations"); err != nil {
		a.fail(w, r, err)
		return
	}
	period, err := pathPeriod(r, "period")
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if err := set(r.Context(), period, chi.URLParam(r, who), b, userOf(r).ID, a.now()); err != nil {
		a.fail(w, r, err)
		return
	}
	a.writeQuotaReport(w, r, period)
}

// quotaReport returns a period's allocations per market and per customer;
// the FSF see only their own customers.
func (a *api) quotaReport(w http.ResponseWriter, r *http.Request) {
	if err := newParams(r).err(); err != nil {
		a.fail(w, r, err)
		return
	}
	period, err := pathPeriod(r, "period")
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.writeQuotaReport(w, r, period)
}

func (a *api) writeQuotaReport(w http.ResponseWriter, r *http.Request, period string) {
	scope, err := a.scopeOf(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	rep, err := a.quota.QuotaReport(r.Context(), period, scope)
	a.reply(w, r, http.StatusOK, rep, err)
}

// popItems lists the POP items.
func (a *api) popItems(w http.ResponseWriter, r *http.Request) {
	items, err := a.quota.ListPOPItems(r.Context())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, nonNil(items))
}

// savePOPItem adds a POP item or changes one (by code).
func (a *api) savePOPItem(w http.ResponseWriter, r *http.Request) {
	var item sales.POPItem
	if err := decode(r, &item); err != nil {
		a.fail(w, r, err)
		return
	}
	item.Normalize()
	if err := item.Validate().Err("invalid POP item"); err != nil {
		a.fail(w, r, err)
		return
	}
	if err := a.quota.SavePOPItem(r.Context(), item); err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, item)
}

type popBudgetRequest struct {
	Budget sales.Fen `json:"budget_fen"`
}

// setPOPBudget sets a market's POP budget for a month.
func (a *api) setPOPBudget(w http.ResponseWriter, r *http.Request) {
	var b popBudgetRequest
	if err := decode(r, &b); err != nil {
		a.fail(w, r, err)
		return
	}
	month, err := pathPeriod(r, "month")
	if err != nil {
		a.fail(w, r, err)
		return
	}
	budget, err := a.quota.SetPOPBudget(r.Context(), month, chi.URLParam(r, "market"), b.Budget, userOf(r).ID, a.now())
	a.reply(w, r, http.StatusOK, budget, err)
}

// requestPOP records POP material for a customer without an order, refused
// with the figures when it does not fit the market's budget.
func (a *api) requestPOP(w http.ResponseWriter, r *http.Request) {
	var req sales.POPStandalone
	if err := decode(r, &req); err != nil {
		a.fail(w, r, err)
		return
	}
	req.CustomerID = strings.TrimSpace(req.CustomerID)
	if err := req.ValidateShape().Err("invalid POP request"); err != nil {
		a.fail(w, r, err)
		return
	}
	if err := a.customerInScope(r, req.CustomerID); err != nil {
		a.fail(w, r, err)
		return
	}
	rec, err := a.quota.RequestPOP(r.Context(), req, userOf(r).ID, a.now())
	a.reply(w, r, http.StatusCreated, rec, err)
}

// popUsage reports a customer's POP material by month and item.
func (a *api) popUsage(w http.ResponseWriter, r *http.Request) {
	q := newParams(r, "customer_id", "month")
	customer, month := q.text("customer_id"), q.text("month")
	if customer == "" {
		q.p.Add("customer_id", "is required")
	}
	if month != "" && !sales.ValidPeriod(month) {
		q.p.Add("month", "must be a month like 2026-11")
	}
	if err := q.err(); err != nil {
		a.fail(w, r, err)
		return
	}
	if err := a.customerInScope(r, customer); err != nil {
		a.fail(w, r, err)
		return
	}
	rep, err := a.quota.POPUsage(r.Context(), customer, month)
	a.reply(w, r, http.StatusOK, rep, err)
}

// customerInScope refuses a customer the user may not act for.
func (a *api) customerInScope(r *http.Request, id string) error {
	scope, err := a.scopeOf(r)
	if err != nil || scope.All {
		return err
	}
	c, err := a.store.Customer(r.Context(), id)
	if err != nil {
		return err
	}
	if !scope.Allows(c.KAMID) {
		return sales.Errorf(sales.ErrForbidden, "customer %s is not one of your customers", id)
	}
	return nil
}

// Request bodies of returns.
type (
	returnRequest struct {
		Lines  []sales.LineQty `json:"lines"`
		Reason string          `json:"reason"`
	}
	returnDecisionRequest struct {
		Decision string `json:"decision"` // approve or reject
		Reason   string `json:"reason,omitempty"`
	}
	returnReceiptRequest struct {
		Lines []sales.LineQty `json:"lines"`
		Note  string          `json:"note,omitempty"`
	}
)

func (b returnRequest) problems() (p sales.Problems) {
	p.Text("reason", strings.TrimSpace(b.Reason), sales.MaxReason, true)
	return p
}

func (b returnDecisionRequest) problems() (p sales.Problems) {
	p.Text("reason", b.Reason, sales.MaxReason, false)
	return p
}

func (b returnReceiptRequest) problems() (p sales.Problems) {
	p.Text("note", b.Note, sales.MaxNote, false)
	return p
}

// requestReturn asks to take delivered goods back; the order's workflow
// checks the lines against what was delivered within the return window.
func (a *api) requestReturn(w http.ResponseWriter, r *http.Request) {
	var b returnRequest
	no, id, err := a.prepare(r, workflows.UpdateRequestReturn, &b)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.updateReturn(w, r, no, workflows.UpdateRequestReturn, id, http.StatusCreated,
		workflows.ReturnRequestInput{Actor: actorOf(r), Lines: b.Lines, Reason: b.Reason})
}

// decideReturn sends the UM's or the SLT's decision on a return.
func (a *api) decideReturn(w http.ResponseWriter, r *http.Request) {
	var b returnDecisionRequest
	no, id, err := a.prepare(r, workflows.UpdateDecideReturn, &b)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.updateReturn(w, r, no, workflows.UpdateDecideReturn, id, http.StatusOK, workflows.ReturnDecisionInput{
		Actor: actorOf(r), ReturnNo: chi.URLParam(r, "returnNo"), Decision: b.Decision, Reason: b.Reason,
	})
}

// receiveReturn sends what Logistics received of a return; the answer holds
// the credit note.
func (a *api) receiveReturn(w http.ResponseWriter, r *http.Request) {
	var b returnReceiptRequest
	no, id, err := a.prepare(r, workflows.UpdateReceiveReturn, &b)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.updateReturn(w, r, no, workflows.UpdateReceiveReturn, id, http.StatusOK, workflows.ReturnReceiptInput{
		Actor: actorOf(r), ReturnNo: chi.URLParam(r, "returnNo"), Lines: b.Lines, Note: b.Note,
	})
}

func (a *api) updateReturn(w http.ResponseWriter, r *http.Request, orderNo, update, updateID string, status int, arg any) {
	var res workflows.ReturnResult
	if err := a.update(r.Context(), orderNo, update, updateID, arg, &res); err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, status, res)
}
