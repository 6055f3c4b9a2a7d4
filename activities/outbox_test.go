package activities

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"osb/sales"
)

// memOutbox is an in-memory outbox with the store's claim semantics.
type memOutbox struct {
	mu    sync.Mutex
	items []sales.NotificationRecord
}

func (m *memOutbox) ClaimNotifications(_ context.Context, limit int, now time.Time, lease time.Duration) ([]sales.NotificationRecord, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []sales.NotificationRecord
	for i := range m.items {
		n := &m.items[i]
		if n.DeliveredAt == nil && !n.NextAttempt.After(now) && len(out) < limit {
			n.Attempts++
			n.NextAttempt = now.Add(lease)
			out = append(out, *n)
		}
	}
	return out, nil
}

func (m *memOutbox) MarkDelivered(_ context.Context, id int64, at time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.items[id-1].DeliveredAt = &at
	return nil
}

func (m *memOutbox) MarkFailed(_ context.Context, id int64, errText string, next time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.items[id-1].LastError, m.items[id-1].NextAttempt = errText, next
	return nil
}

func TestDispatcherDeliversWithKeyAndRetriesFailures(t *testing.T) {
	var mu sync.Mutex
	received := map[string]int{}
	failFirst := true
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		var n sales.Notification
		b, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(b, &n); err != nil || r.Header.Get("Idempotency-Key") != n.Key {
			t.Errorf("bad delivery %s (key header %q)", b, r.Header.Get("Idempotency-Key"))
		}
		if n.Key == "k2" && failFirst {
			failFirst = false
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		received[n.Key]++
	}))
	defer hook.Close()

	past := time.Now().Add(-time.Minute)
	store := &memOutbox{items: []sales.NotificationRecord{
		{ID: 1, Notification: sales.Notification{Key: "k1", RecipientID: "kam1", Subject: "one"}, NextAttempt: past},
		{ID: 2, Notification: sales.Notification{Key: "k2", RecipientID: "um1", Subject: "two"}, NextAttempt: past},
	}}
	d := &Dispatcher{Store: store, URL: hook.URL, Logger: slog.New(slog.DiscardHandler)}
	ctx := context.Background()
	n, err := d.DeliverOnce(ctx)
	if err != nil || n != 1 {
		t.Fatalf("first round delivered %d, %v; want 1", n, err)
	}
	if store.items[1].LastError == "" || !store.items[1].NextAttempt.After(time.Now()) {
		t.Fatalf("failed delivery not scheduled for later: %+v", store.items[1])
	}
	// Nothing is due now: the failed one waits for its back-off.
	if n, _ := d.DeliverOnce(ctx); n != 0 {
		t.Fatalf("delivered %d before the back-off passed", n)
	}
	store.items[1].NextAttempt = past
	if n, err := d.DeliverOnce(ctx); err != nil || n != 1 {
		t.Fatalf("retry delivered %d, %v", n, err)
	}
	if n, _ := d.DeliverOnce(ctx); n != 0 {
		t.Fatalf("a delivered notification was sent again")
	}
	if received["k1"] != 1 || received["k2"] != 1 {
		t.Errorf("received %v, want each once", received)
	}
}

func TestBackoffGrowsToItsLimit(t *testing.T) {
	d := &Dispatcher{MaxWait: time.Minute}
	if got := d.backoff(1); got != 5*time.Second {
		t.Errorf("first back-off %s", got)
	}
	if got := d.backoff(2); got != 10*time.Second {
		t.Errorf("second back-off %s", got)
	}
	if got := d.backoff(30); got != time.Minute {
		t.Errorf("back-off not capped: %s", got)
	}
}
