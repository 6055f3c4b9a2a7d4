package starter

import (
	"cmp"
	"context"
	"net/http"
	"slices"

	"osb/sales"
)

// me returns the authenticated user.
func (a *api) me(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, userOf(r))
}

// customers lists the customers the user may see.
func (a *api) customers(w http.ResponseWriter, r *http.Request) {
	scope, err := a.scopeOf(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	list, err := a.store.Customers(r.Context(), scope)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, nonNil(list))
}

// skus lists the catalog by SKU code.
func (a *api) skus(w http.ResponseWriter, r *http.Request) {
	all, err := a.store.SKUs(r.Context(), nil)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	list := make([]sales.SKU, 0, len(all))
	for _, s := range all {
		list = append(list, s)
	}
	slices.SortFunc(list, func(x, y sales.SKU) int { return cmp.Compare(x.Code, y.Code) })
	writeJSON(w, http.StatusOK, list)
}

// escalations lists escalations of the orders and credit adjustments of the
// customers the user may see.
func (a *api) escalations(w http.ResponseWriter, r *http.Request) {
	q := newParams(r, "order_no", "adjustment_id", "market", "min_level", "limit")
	f := sales.EscalationFilter{
		OrderNo:      q.orderNo("order_no"),
		AdjustmentID: q.text("adjustment_id"),
		Market:       q.text("market"),
		MinLevel:     q.level("min_level"),
		Limit:        q.limit("limit"),
	}
	list, ok := listInScope(a, w, r, q, &f.Scope, func(ctx context.Context) ([]sales.Escalation, error) { return a.store.ListEscalations(ctx, f) })
	if !ok {
		return
	}
	writeJSON(w, http.StatusOK, nonNil(list))
}

// notificationReaders may list anyone's notifications; everyone else only
// their own (recipient_id=me) and their department's (recipient_id=dept:<role>).
var notificationReaders = []sales.Role{sales.RoleSSG, sales.RoleSLT, sales.RoleAdmin}

// notifications lists notifications and their delivery.
func (a *api) notifications(w http.ResponseWriter, r *http.Request) {
	q := newParams(r, "order_no", "recipient_id", "pending", "limit")
	f := sales.NotificationFilter{
		OrderNo:     q.orderNo("order_no"),
		RecipientID: q.text("recipient_id"),
		Pending:     q.flag("pending"),
		Limit:       q.limit("limit"),
	}
	if err := q.err(); err != nil {
		a.fail(w, r, err)
		return
	}
	u := userOf(r)
	if f.RecipientID == "me" {
		f.RecipientID = u.ID
	}
	own := f.RecipientID == u.ID || f.RecipientID == "dept:"+string(u.Role)
	if !own && !slices.Contains(notificationReaders, u.Role) {
		a.fail(w, r, sales.Errorf(sales.ErrForbidden,
			"only %s may list others' notifications; ask for your own with recipient_id=me", roleList(notificationReaders)))
		return
	}
	list, err := a.store.ListNotifications(r.Context(), f)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, nonNil(list))
}

// listInScope answers the common part of a list request: bad query
// parameters fail it, the user's scope goes into *scope, then list runs. It
// reports false when it already answered with an error.
func listInScope[T any](a *api, w http.ResponseWriter, r *http.Request, q *params, scope *sales.Scope,
	list func(context.Context) ([]T, error)) ([]T, bool) {
	if err := q.err(); err != nil {
		a.fail(w, r, err)
		return nil, false
	}
	s, err := a.scopeOf(r)
	if err != nil {
		a.fail(w, r, err)
		return nil, false
	}
	*scope = s
	out, err := list(r.Context())
	if err != nil {
		a.fail(w, r, err)
		return nil, false
	}
	return out, true
}
