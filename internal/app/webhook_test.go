package app

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"osb/activities"
	"osb/sales"
)

// oneNotification is an outbox holding one notification due now.
type oneNotification struct {
	mu        sync.Mutex
	claimed   bool
	delivered bool
}

func (o *oneNotification) ClaimNotifications(context.Context, int, time.Time, time.Duration) ([]sales.NotificationRecord, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.claimed {
		return nil, nil
	}
	o.claimed = true
	return []sales.NotificationRecord{{ID: 1, Notification: sales.Notification{Key: "SO-2026-000001/held/1"}}}, nil
}

func (o *oneNotification) MarkDelivered(context.Context, int64, time.Time) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.delivered = true
	return nil
}

func (o *oneNotification) MarkFailed(context.Context, int64, string, time.Time) error { return nil }
func (o *oneNotification) MarkDead(context.Context, int64, string, time.Time) error   { return nil }

func TestWebhooksAreSignedWithOSB_WEBHOOK_SECRET(t *testing.T) {
	secret := strings.Repeat("0123456789abcdef", 4)
	t.Setenv("OSB_DATA_DIR", t.TempDir())
	t.Setenv("OSB_WEBHOOK_SECRET", " "+secret+"\n") // as read from a mounted secret file
	var got http.Header
	var body []byte
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, body = r.Header.Clone(), must(io.ReadAll(r.Body))
	}))
	defer hook.Close()
	t.Setenv("OSB_WEBHOOK_URL", hook.URL)
	cfg, err := loadConfig()
	if err != nil {
		t.Fatal(err)
	}
	if cfg.WebhookSecret != secret {
		t.Fatalf("WebhookSecret = %q", cfg.WebhookSecret)
	}
	store := &oneNotification{}
	if n, err := outbox(cfg, store, slog.New(slog.DiscardHandler)).DeliverOnce(context.Background()); err != nil || n != 1 {
		t.Fatalf("delivered %d: %v", n, err)
	}
	ts := got.Get(activities.HeaderTimestamp)
	if ts == "" || got.Get(activities.HeaderSignature) != activities.SignWebhook(secret, ts, body) {
		t.Errorf("request not signed with the secret: %v", got)
	}
}

func TestAShortWebhookSecretIsRefused(t *testing.T) {
	t.Setenv("OSB_DATA_DIR", t.TempDir())
	t.Setenv("OSB_WEBHOOK_SECRET", "hunter2")
	_, err := loadConfig()
	if err == nil || !strings.Contains(err.Error(), "OSB_WEBHOOK_SECRET") || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("err = %v, want OSB_WEBHOOK_SECRET named and the secret not shown", err)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
