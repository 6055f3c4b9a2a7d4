package starter

import (
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"osb/sales"
)

// tokenRoutes mounts the administration of bearer tokens on r (/v1): list
// them, revoke one. Tokens are issued with `osb token USER`, never through
// the API.
func (a *api) tokenRoutes(r chi.Router) {
	r.With(a.allow(sales.PermManageTokens)).Get("/tokens", a.listTokens)
	r.With(a.allow(sales.PermManageTokens)).Delete("/tokens/{id}", a.revokeToken)
}

// listTokens lists every token, or a user's (user_id=), without secrets.
func (a *api) listTokens(w http.ResponseWriter, r *http.Request) {
	q := newParams(r, "user_id")
	user := q.text("user_id")
	if err := q.err(); err != nil {
		a.fail(w, r, err)
		return
	}
	list, err := a.store.Tokens(r.Context(), user)
	a.reply(w, r, http.StatusOK, nonNil(list), err)
}

// revokeToken revokes a token: it stops working within the API's
// authentication cache time (DefaultAuthCacheTTL) in every API process.
func (a *api) revokeToken(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil || id <= 0 {
		a.fail(w, r, sales.Errorf(sales.ErrNotFound, "%q is not a token id", chi.URLParam(r, "id")))
		return
	}
	t, err := a.store.RevokeToken(r.Context(), id, a.now())
	a.reply(w, r, http.StatusOK, t, err)
}
