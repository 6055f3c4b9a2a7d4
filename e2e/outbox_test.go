package e2e

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"osb/activities"
	"osb/sales"
)

// deliverOutbox runs the notification dispatcher against a webhook until every
// notification of order has arrived, and checks each arrived exactly once with
// its de-duplication key.
func deliverOutbox(t *testing.T, sys *system, order string, want map[string]bool) {
	t.Helper()
	var mu sync.Mutex
	got := map[string]int{}
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var n sales.Notification
		b, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(b, &n); err != nil {
			t.Errorf("webhook got %s", b)
		}
		if key := r.Header.Get("Idempotency-Key"); key != n.Key {
			t.Errorf("Idempotency-Key %q for notification %q", key, n.Key)
		}
		mu.Lock()
		got[n.Key]++
		mu.Unlock()
	}))
	defer hook.Close()
	d := &activities.Dispatcher{Store: sys.store, URL: hook.URL, Logger: sys.log}
	eventually(t, 20*time.Second, "every notification of "+order+" to reach the webhook", func() bool {
		if _, err := d.DeliverOnce(context.Background()); err != nil {
			t.Fatal(err)
		}
		mu.Lock()
		defer mu.Unlock()
		for k := range want {
			if got[k] == 0 {
				return false
			}
		}
		return true
	})
	mu.Lock()
	defer mu.Unlock()
	for k, n := range got {
		if strings.HasPrefix(k, order+"/") && n != 1 {
			t.Errorf("notification %s delivered %d times", k, n)
		}
	}
	pending, err := sys.store.ListNotifications(context.Background(), sales.NotificationFilter{OrderNo: order, Pending: true})
	if err != nil || len(pending) != 0 {
		t.Errorf("%d notifications of %s still pending (%v)", len(pending), order, err)
	}
}
