package starter

import (
	"context"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"osb/sales"
)

// The fixture's store has no dead letters; deadLetterStore has some.

func (s *fakeStore) DeadNotifications(context.Context, int) ([]sales.NotificationRecord, error) {
	return nil, nil
}

func (s *fakeStore) RetryNotification(_ context.Context, key string, _ time.Time) (sales.NotificationRecord, error) {
	return sales.NotificationRecord{}, notFound("notification " + key)
}

// deadLetterStore is the fixture's store with an outbox holding dead letters.
type deadLetterStore struct {
	*fakeStore
	dead      []sales.NotificationRecord
	limit     int
	retried   []string
	retriedAt time.Time
}

func (s *deadLetterStore) DeadNotifications(_ context.Context, limit int) ([]sales.NotificationRecord, error) {
	s.limit = limit
	return s.dead, nil
}

func (s *deadLetterStore) RetryNotification(_ context.Context, key string, at time.Time) (sales.NotificationRecord, error) {
	for _, n := range s.dead {
		if n.Key == key {
			s.retried, s.retriedAt = append(s.retried, key), at
			n.Attempts, n.NextAttempt, n.LastError = 0, at, ""
			return n, nil
		}
	}
	return sales.NotificationRecord{}, notFound("notification " + key)
}

const deadKey = "SO-2026-000042/decision_needed/OP5/7/u-slt"

func deadLetterFixture(t *testing.T) (*fixture, *deadLetterStore) {
	t.Helper()
	f := newFixture(t)
	store := &deadLetterStore{fakeStore: f.store, dead: []sales.NotificationRecord{{
		ID: 7, Notification: sales.Notification{Key: deadKey, OrderNo: "SO-2026-000042", RecipientID: "u-slt", Kind: "decision_needed"},
		Attempts: 20, NextAttempt: now.Add(-time.Hour), LastError: "webhook answered 500 Internal Server Error",
	}}}
	f.handler = New(Config{Store: store, Orders: f.orders, Policy: f.policy, Quota: f.quota, Reports: f.reports, Credit: f.credit,
		Logger: slog.New(slog.DiscardHandler), Now: func() time.Time { return now }})
	return f, store
}

func TestDeadLettersAreForFinanceSSGAndAdminOnly(t *testing.T) {
	f, store := deadLetterFixture(t)
	retry := "/v1/notifications/SO-2026-000042%2Fdecision_needed%2FOP5%2F7%2Fu-slt/retry"
	for _, token := range []string{"t-fin", "t-ssg", "t-admin"} {
		rec := f.do(t, "GET", "/v1/notifications/dead?limit=5", token, nil)
		wantStatus(t, rec, http.StatusOK)
		if got := decodeAs[[]sales.NotificationRecord](t, rec); len(got) != 1 || got[0].Key != deadKey || store.limit != 5 {
			t.Errorf("%s lists %+v (limit %d), want the dead letter (limit 5)", token, got, store.limit)
		}
		wantStatus(t, f.do(t, "POST", retry, token, nil), http.StatusOK)
	}
	for _, token := range []string{"t-kam1", "t-um", "t-slt", "t-log"} {
		wantError(t, f.do(t, "GET", "/v1/notifications/dead", token, nil), http.StatusForbidden, sales.ErrForbidden)
		wantError(t, f.do(t, "POST", retry, token, nil), http.StatusForbidden, sales.ErrForbidden)
	}
	wantError(t, f.do(t, "GET", "/v1/notifications/dead", "", nil), http.StatusUnauthorized, sales.ErrUnauthorized)
	if len(store.retried) != 3 {
		t.Errorf("retried %d times, want once per allowed role", len(store.retried))
	}
}

func TestRetryNotificationTakesAPercentEncodedKey(t *testing.T) {
	f, store := deadLetterFixture(t)
	rec := f.do(t, "POST", "/v1/notifications/SO-2026-000042%2Fdecision_needed%2FOP5%2F7%2Fu-slt/retry", "t-fin", nil)
	wantStatus(t, rec, http.StatusOK)
	got := decodeAs[sales.NotificationRecord](t, rec)
	if got.Key != deadKey || got.Attempts != 0 || !got.NextAttempt.Equal(now) {
		t.Errorf("retried = %+v, want %s due now with no attempts", got, deadKey)
	}
	if len(store.retried) != 1 || store.retried[0] != deadKey || !store.retriedAt.Equal(now) {
		t.Errorf("store asked to retry %v at %s, want %s at %s", store.retried, store.retriedAt, deadKey, now)
	}
	wantError(t, f.do(t, "POST", "/v1/notifications/SO-2026-000042%2Fno-such/retry", "t-fin", nil), http.StatusNotFound, sales.ErrNotFound)
}

func TestDeadLettersRefuseBadParameters(t *testing.T) {
	f, _ := deadLetterFixture(t)
	wantError(t, f.do(t, "GET", "/v1/notifications/dead?limit=0", "t-fin", nil), http.StatusUnprocessableEntity, sales.ErrInvalid)
	wantError(t, f.do(t, "GET", "/v1/notifications/dead?pending=true", "t-fin", nil), http.StatusUnprocessableEntity, sales.ErrInvalid)
	long := make([]byte, maxNotificationKey+1)
	for i := range long {
		long[i] = 'k'
	}
	e := wantError(t, f.do(t, "POST", "/v1/notifications/"+string(long)+"/retry", "t-fin", nil), http.StatusUnprocessableEntity, sales.ErrInvalid)
	if len(e.Fields) != 1 || e.Fields[0].Field != "key" {
		t.Errorf("fields = %+v, want key", e.Fields)
	}
	if rec := f.do(t, "GET", "/v1/notifications", "t-fin", nil); rec.Code == http.StatusNotFound {
		t.Errorf("the notifications list is gone: %d", rec.Code)
	}
}
