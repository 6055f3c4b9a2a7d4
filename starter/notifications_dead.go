package starter

import (
	"net/http"
	"net/url"

	"github.com/go-chi/chi/v5"

	"osb/sales"
)

// maxNotificationKey is the longest notification key the API looks up.
const maxNotificationKey = 500

// deadLetterRoutes mounts the dead-letter routes of the outbox on r (/v1).
func (a *api) deadLetterRoutes(r chi.Router) {
	r.With(a.allow(sales.PermDeadLetters)).Get("/notifications/dead", a.deadNotifications)
	r.With(a.allow(sales.PermDeadLetters)).Post("/notifications/{key}/retry", a.retryNotification)
}

// deadNotifications lists the notifications the dispatcher gave up on.
func (a *api) deadNotifications(w http.ResponseWriter, r *http.Request) {
	q := newParams(r, "limit")
	limit := q.limit("limit")
	if err := q.err(); err != nil {
		a.fail(w, r, err)
		return
	}
	list, err := a.store.DeadNotifications(r.Context(), limit)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, nonNil(list))
}

// retryNotification sends a dead letter back to the outbox, due now.
func (a *api) retryNotification(w http.ResponseWriter, r *http.Request) {
	key, err := notificationKey(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	n, err := a.store.RetryNotification(r.Context(), key, a.now())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.log.InfoContext(r.Context(), "notification sent back to the outbox", "key", n.Key, "by", userOf(r).ID)
	writeJSON(w, http.StatusOK, n)
}

// notificationKey is the {key} of r's path. Keys hold slashes, so clients
// percent-encode them: the router then matches the escaped path and the
// parameter is unescaped here.
func notificationKey(r *http.Request) (string, error) {
	key := chi.URLParam(r, "key")
	var p sales.Problems
	if r.URL.RawPath != "" {
		k, err := url.PathUnescape(key)
		if err != nil {
			p.Add("key", "is not percent-encoded correctly")
		}
		key = k
	}
	if len(key) > maxNotificationKey {
		p.Add("key", "must be at most %d bytes", maxNotificationKey)
	}
	return key, p.Err("invalid notification key")
}
