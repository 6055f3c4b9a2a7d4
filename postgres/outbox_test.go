package postgres_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"osb/postgres"
	"osb/sales"
)

// outboxFixture writes an order with n notifications, all due at t0.
func outboxFixture(t *testing.T, st *postgres.Store, n int) {
	t.Helper()
	c := sales.OrderChanges{Order: order("SO-2026-000001", "C001", sales.StatusOpen, sales.OP4Credit, sales.LevelNone)}
	for i := range n {
		c.Notifications = append(c.Notifications, sales.Notification{
			Key: fmt.Sprintf("SO-2026-000001/n/%d", i), OrderNo: "SO-2026-000001", RecipientID: "kam-huadong-1",
			Kind: "step_overdue", Subject: fmt.Sprintf("notice %d", i), At: t0,
		})
	}
	applyChanges(t, st, c)
}

func TestConcurrentClaimersNeverGetTheSameNotification(t *testing.T) {
	st, _ := demoStore(t)
	ctx := testContext(t)
	const total = 60
	outboxFixture(t, st, total)

	now := t0.Add(time.Minute)
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		claimed = map[int64]int{}
		start   = make(chan struct{})
		errs    = make(chan error, 2)
	)
	for claimer := range 2 {
		wg.Go(func() {
			<-start
			for {
				batch, err := st.ClaimNotifications(ctx, 3, now, time.Hour)
				if err != nil {
					errs <- err
					return
				}
				if len(batch) == 0 {
					return
				}
				mu.Lock()
				for _, n := range batch {
					if other, dup := claimed[n.ID]; dup {
						t.Errorf("notification %d claimed by claimers %d and %d", n.ID, other, claimer)
					}
					claimed[n.ID] = claimer
					if n.Attempts != 1 || !n.NextAttempt.Equal(now.Add(time.Hour)) {
						t.Errorf("claimed notification %d has %d attempts, next at %s; want 1, %s", n.ID, n.Attempts, n.NextAttempt, now.Add(time.Hour))
					}
				}
				mu.Unlock()
			}
		})
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("ClaimNotifications: %v", err)
	}
	if len(claimed) != total {
		t.Errorf("%d notifications claimed, want %d", len(claimed), total)
	}
	again, err := st.ClaimNotifications(ctx, 10, now, time.Hour)
	if err != nil || len(again) != 0 {
		t.Errorf("claiming within the lease = %d notifications, %v; want none", len(again), err)
	}
	later, err := st.ClaimNotifications(ctx, 100, now.Add(2*time.Hour), time.Hour)
	if err != nil || len(later) != total || later[0].Attempts != 2 {
		t.Errorf("claiming after the lease = %d notifications, %v; want all %d again, attempt 2", len(later), err, total)
	}
}

func TestMarkFailedRetriesLaterAndMarkDeliveredEndsDelivery(t *testing.T) {
	st, _ := demoStore(t)
	ctx := testContext(t)
	outboxFixture(t, st, 1)

	now := t0.Add(time.Minute)
	claimed, err := st.ClaimNotifications(ctx, 10, now, time.Minute)
	if err != nil || len(claimed) != 1 {
		t.Fatalf("ClaimNotifications = %v, %v; want the one notification", claimed, err)
	}
	n := claimed[0]
	if n.Key != "SO-2026-000001/n/0" || n.OrderNo != "SO-2026-000001" || n.RecipientID != "kam-huadong-1" || !n.At.Equal(t0) {
		t.Errorf("claimed %+v, want the fixture's notification", n)
	}

	retry := now.Add(10 * time.Minute)
	if err := st.MarkFailed(ctx, n.ID, "webhook answered 502", retry); err != nil {
		t.Fatalf("MarkFailed: %v", err)
	}
	pending, err := st.ListNotifications(ctx, sales.NotificationFilter{Pending: true})
	if err != nil || len(pending) != 1 || pending[0].LastError != "webhook answered 502" || !pending[0].NextAttempt.Equal(retry) {
		t.Fatalf("pending after MarkFailed = %+v, %v; want the notification with its error, next at %s", pending, err, retry)
	}
	if early, err := st.ClaimNotifications(ctx, 10, retry.Add(-time.Second), time.Minute); err != nil || len(early) != 0 {
		t.Errorf("claim before the retry time = %d notifications, %v; want none", len(early), err)
	}
	again, err := st.ClaimNotifications(ctx, 10, retry, time.Minute)
	if err != nil || len(again) != 1 || again[0].Attempts != 2 {
		t.Fatalf("claim at the retry time = %+v, %v; want the notification, attempt 2", again, err)
	}

	delivered := retry.Add(time.Second)
	if err := st.MarkDelivered(ctx, n.ID, delivered); err != nil {
		t.Fatalf("MarkDelivered: %v", err)
	}
	if err := st.MarkDelivered(ctx, n.ID, delivered.Add(time.Hour)); err != nil {
		t.Fatalf("second MarkDelivered: %v", err)
	}
	if err := st.MarkFailed(ctx, n.ID, "late failure", delivered); err != nil {
		t.Fatalf("MarkFailed after delivery: %v", err)
	}
	all, err := st.ListNotifications(ctx, sales.NotificationFilter{OrderNo: "SO-2026-000001"})
	if err != nil || len(all) != 1 {
		t.Fatalf("ListNotifications = %v, %v", all, err)
	}
	if got := all[0]; got.DeliveredAt == nil || !got.DeliveredAt.Equal(delivered) || got.LastError != "" {
		t.Errorf("after delivery: delivered at %v, last error %q; want %s and none", got.DeliveredAt, got.LastError, delivered)
	}
	if pending, err := st.ListNotifications(ctx, sales.NotificationFilter{Pending: true}); err != nil || len(pending) != 0 {
		t.Errorf("pending after delivery = %d, %v; want none", len(pending), err)
	}
	if later, err := st.ClaimNotifications(ctx, 10, delivered.Add(24*time.Hour), time.Minute); err != nil || len(later) != 0 {
		t.Errorf("claim after delivery = %d notifications, %v; want none", len(later), err)
	}

	wantCode(t, st.MarkDelivered(ctx, 999999, now), sales.ErrNotFound)
	wantCode(t, st.MarkFailed(ctx, 999999, "x", now), sales.ErrNotFound)
}

func TestListNotificationsFiltersByRecipient(t *testing.T) {
	st, _ := demoStore(t)
	ctx := testContext(t)
	applyChanges(t, st, fullChanges("SO-2026-000001", 1))
	got, err := st.ListNotifications(ctx, sales.NotificationFilter{RecipientID: "um-huadong-1"})
	if err != nil || len(got) != 1 || got[0].RecipientID != "um-huadong-1" || got[0].Attempts != 0 {
		t.Errorf("ListNotifications(um-huadong-1) = %+v, %v; want its one undelivered notification", got, err)
	}
	if !got[0].NextAttempt.Equal(got[0].At) {
		t.Errorf("a new notification is due at %s, want its time %s", got[0].NextAttempt, got[0].At)
	}
	limited, err := st.ListNotifications(ctx, sales.NotificationFilter{Limit: 1})
	if err != nil || len(limited) != 1 {
		t.Errorf("ListNotifications(limit 1) = %d, %v; want 1", len(limited), err)
	}
}
