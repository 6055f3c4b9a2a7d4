package activities

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"osb/sales"
)

// memOutbox is an in-memory outbox with the store's claim semantics.
type memOutbox struct {
	mu     sync.Mutex
	items  []sales.NotificationRecord
	dead   map[int64]time.Time
	leases []time.Duration // of every claim
}

func (m *memOutbox) ClaimNotifications(_ context.Context, limit int, now time.Time, lease time.Duration) ([]sales.NotificationRecord, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.leases = append(m.leases, lease)
	var out []sales.NotificationRecord
	for i := range m.items {
		n := &m.items[i]
		if _, dead := m.dead[n.ID]; n.DeliveredAt == nil && !dead && !n.NextAttempt.After(now) && len(out) < limit {
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

func (m *memOutbox) MarkDead(_ context.Context, id int64, errText string, at time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.dead == nil {
		m.dead = map[int64]time.Time{}
	}
	m.dead[id] = at
	if errText != "" {
		m.items[id-1].LastError = errText
	}
	return nil
}

func (m *memOutbox) item(id int64) sales.NotificationRecord {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.items[id-1]
}

func (m *memOutbox) isDead(id int64) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	_, dead := m.dead[id]
	return dead
}

// dueNotifications returns an outbox of n notifications k1…kn, all due.
func dueNotifications(n int) *memOutbox {
	past := time.Now().Add(-time.Minute)
	m := &memOutbox{}
	for i := range n {
		key := fmt.Sprintf("k%d", i+1)
		m.items = append(m.items, sales.NotificationRecord{ID: int64(i + 1),
			Notification: sales.Notification{Key: key, RecipientID: "kam1", Subject: "subject " + key}, NextAttempt: past})
	}
	return m
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

func TestDispatcherLeaseCoversItsWholeBatch(t *testing.T) {
	d := &Dispatcher{Batch: 50, Lease: time.Minute}
	if got, want := d.lease(), 50*DefaultSendTimeout+leaseMargin; got != want {
		t.Errorf("lease of 50 × %s = %s, want %s", DefaultSendTimeout, got, want)
	}
	d = &Dispatcher{Batch: 2, SendTimeout: time.Second, Lease: time.Hour}
	if got := d.lease(); got != time.Hour {
		t.Errorf("a configured lease longer than the batch's worst case became %s", got)
	}
}

// A batch that takes longer than the configured lease is never sent twice:
// the lease is raised to the batch's worst case.
func TestConcurrentDispatchersNeverResendAClaimedBatch(t *testing.T) {
	var mu sync.Mutex
	received := map[string]int{}
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(30 * time.Millisecond) // three of these outlast the configured lease
		mu.Lock()
		received[r.Header.Get("Idempotency-Key")]++
		mu.Unlock()
	}))
	defer hook.Close()
	const total = 9
	store := dueNotifications(total)
	var wg sync.WaitGroup
	for range 2 {
		d := &Dispatcher{Store: store, URL: hook.URL, Logger: slog.New(slog.DiscardHandler),
			Batch: 3, SendTimeout: time.Second, Lease: 10 * time.Millisecond}
		wg.Go(func() {
			for range 2 * total {
				if _, err := d.DeliverOnce(context.Background()); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	if len(received) != total {
		t.Errorf("received %d notifications, want %d", len(received), total)
	}
	for key, n := range received {
		if n != 1 {
			t.Errorf("%s received %d times, want once", key, n)
		}
	}
	for _, lease := range store.leases {
		if lease < 3*time.Second {
			t.Fatalf("a batch of 3 with a 1s send timeout was claimed for %s", lease)
		}
	}
}

// verifyWebhook is the receiver's check of docs/notifications.md, word for word.
func verifyWebhook(secret string, h http.Header, body []byte, now time.Time) error {
	ts := h.Get("X-OSB-Timestamp")
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return errors.New("missing or malformed X-OSB-Timestamp")
	}
	if age := now.Sub(time.Unix(sec, 0)); age > 5*time.Minute || age < -5*time.Minute {
		return errors.New("timestamp outside the replay window")
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts + "."))
	mac.Write(body)
	want := "sha256=" + hex.EncodeToString(mac.Sum(nil))
	if !hmac.Equal([]byte(want), []byte(h.Get("X-OSB-Signature"))) {
		return errors.New("signature does not match")
	}
	return nil
}

func TestDispatcherSignsEveryRequest(t *testing.T) {
	const secret = "correct horse battery staple"
	var mu sync.Mutex
	var verified int
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if err := verifyWebhook(secret, r.Header, body, time.Now()); err != nil {
			t.Errorf("the receiver refuses a genuine request: %v", err)
		}
		if verifyWebhook("another secret", r.Header, body, time.Now()) == nil {
			t.Error("a request verifies under another secret")
		}
		if verifyWebhook(secret, r.Header, append(body, ' '), time.Now()) == nil {
			t.Error("a changed body verifies")
		}
		if verifyWebhook(secret, r.Header, body, time.Now().Add(time.Hour)) == nil {
			t.Error("a request replayed an hour later verifies")
		}
		mu.Lock()
		verified++
		mu.Unlock()
	}))
	defer hook.Close()
	d := &Dispatcher{Store: dueNotifications(2), URL: hook.URL, SigningSecret: secret, Logger: slog.New(slog.DiscardHandler)}
	if n, err := d.DeliverOnce(context.Background()); err != nil || n != 2 {
		t.Fatalf("DeliverOnce = %d, %v; want both delivered", n, err)
	}
	if verified != 2 {
		t.Errorf("%d requests reached the receiver, want 2", verified)
	}
}

func TestDispatcherDoesNotFollowRedirects(t *testing.T) {
	var followed int
	elsewhere := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { followed++ }))
	defer elsewhere.Close()
	for _, status := range []int{http.StatusFound, http.StatusTemporaryRedirect, http.StatusPermanentRedirect} {
		hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, elsewhere.URL, status)
		}))
		store := dueNotifications(1)
		for _, client := range []*http.Client{nil, {}} {
			d := &Dispatcher{Store: store, URL: hook.URL, Client: client, Logger: slog.New(slog.DiscardHandler)}
			store.items[0].NextAttempt = time.Now().Add(-time.Second)
			if n, err := d.DeliverOnce(context.Background()); err != nil || n != 0 {
				t.Errorf("a %d answer counts as %d delivered (%v), want a failure", status, n, err)
			}
			if got := store.item(1).LastError; !strings.Contains(got, strconv.Itoa(status)) {
				t.Errorf("last error after a %d = %q, want the status", status, got)
			}
		}
		hook.Close()
	}
	if followed != 0 {
		t.Errorf("a redirect was followed %d times", followed)
	}
}

func TestLastErrorNeverHoldsTheWebhookURL(t *testing.T) {
	const secretPath, secretQuery = "/hooks/T0001/B0002/XXsecretXX", "token=qwerty123"
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	}))
	defer slow.Close()
	gone := httptest.NewServer(http.NotFoundHandler())
	gone.Close()
	for name, base := range map[string]string{"timeout": slow.URL, "refused": gone.URL, "bad address": "http://[::1"} {
		t.Run(name, func(t *testing.T) {
			webhook := base + secretPath + "?" + secretQuery
			var logged strings.Builder
			store := dueNotifications(1)
			d := &Dispatcher{Store: store, URL: webhook, SendTimeout: 200 * time.Millisecond,
				Logger: slog.New(slog.NewTextHandler(&logged, nil))}
			if n, err := d.DeliverOnce(context.Background()); err != nil || n != 0 {
				t.Fatalf("DeliverOnce = %d, %v; want a failed delivery", n, err)
			}
			got := store.item(1).LastError
			if got == "" {
				t.Fatal("no last error")
			}
			for _, where := range []string{got, logged.String()} {
				for _, secret := range []string{base + secretPath, "XXsecretXX", "qwerty123"} {
					if strings.Contains(where, secret) {
						t.Errorf("%q shows %q", where, secret)
					}
				}
			}
		})
	}
}

func TestNotificationBecomesADeadLetterAfterMaxAttempts(t *testing.T) {
	var calls int
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++
		http.Error(w, "down", http.StatusInternalServerError)
	}))
	defer hook.Close()
	store := dueNotifications(2)
	store.items[1].Attempts = 3 // claimed three times already; the last never finished
	store.items[1].LastError = "webhook answered 502 Bad Gateway"
	d := &Dispatcher{Store: store, URL: hook.URL, MaxAttempts: 3, Logger: slog.New(slog.DiscardHandler)}
	for round := 1; round <= 3; round++ {
		if _, err := d.DeliverOnce(context.Background()); err != nil {
			t.Fatal(err)
		}
		if dead := store.isDead(1); dead != (round == 3) {
			t.Fatalf("after attempt %d dead = %v", round, dead)
		}
		store.mu.Lock()
		store.items[0].NextAttempt = time.Now().Add(-time.Second)
		store.mu.Unlock()
	}
	if _, err := d.DeliverOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	if calls != 3 {
		t.Errorf("the webhook was called %d times, want 3 (the notification's attempts; none for the abandoned one)", calls)
	}
	if got := store.item(1).LastError; got != "webhook answered 500 Internal Server Error" {
		t.Errorf("dead letter's last error = %q, want the last answer", got)
	}
	if !store.isDead(2) || store.item(2).LastError != "webhook answered 502 Bad Gateway" {
		t.Errorf("a notification past its attempts is dead = %v with %q; want dead, keeping its last error", store.isDead(2), store.item(2).LastError)
	}
}
