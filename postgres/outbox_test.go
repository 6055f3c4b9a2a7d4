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

func TestDeadLettersLeaveTheOutboxUntilRetried(t *testing.T) {
	st, _ := demoStore(t)
	ctx := testContext(t)
	outboxFixture(t, st, 2)

	now := t0.Add(time.Minute)
	claimed, err := st.ClaimNotifications(ctx, 10, now, time.Minute)
	if err != nil || len(claimed) != 2 {
		t.Fatalf("ClaimNotifications = %d, %v; want both", len(claimed), err)
	}
	dead, alive := claimed[0], claimed[1]
	diedAt := now.Add(time.Second)
	if err := st.MarkDead(ctx, dead.ID, "webhook answered 500 Internal Server Error", diedAt); err != nil {
		t.Fatalf("MarkDead: %v", err)
	}
	if err := st.MarkDead(ctx, dead.ID, "a later reason", diedAt.Add(time.Hour)); err != nil {
		t.Fatalf("second MarkDead: %v", err)
	}
	if err := st.MarkFailed(ctx, dead.ID, "a failure after death", diedAt.Add(time.Minute)); err != nil {
		t.Fatalf("MarkFailed on a dead letter: %v", err)
	}

	later := now.Add(24 * time.Hour)
	again, err := st.ClaimNotifications(ctx, 10, later, time.Minute)
	if err != nil || len(again) != 1 || again[0].ID != alive.ID {
		t.Fatalf("claim after one died = %+v, %v; want only notification %d", again, err, alive.ID)
	}
	if pending, err := st.ListNotifications(ctx, sales.NotificationFilter{Pending: true}); err != nil || len(pending) != 1 || pending[0].ID != alive.ID {
		t.Errorf("pending = %+v, %v; want only notification %d", pending, err, alive.ID)
	}
	if err := st.MarkDelivered(ctx, alive.ID, later); err != nil {
		t.Fatal(err)
	}
	letters, err := st.DeadNotifications(ctx, 0)
	if err != nil || len(letters) != 1 {
		t.Fatalf("DeadNotifications = %+v, %v; want the dead one", letters, err)
	}
	if got := letters[0]; got.ID != dead.ID || got.Key != dead.Key || got.Attempts != 1 || got.LastError != "webhook answered 500 Internal Server Error" || !got.NextAttempt.Equal(diedAt) {
		t.Errorf("dead letter = %+v; want %d with 1 attempt, the first reason and given up at %s", got, dead.ID, diedAt)
	}

	retryAt := later.Add(time.Hour)
	for round := range 2 {
		n, err := st.RetryNotification(ctx, dead.Key, retryAt.Add(time.Duration(round)*time.Hour))
		if err != nil || n.ID != dead.ID || n.Attempts != 0 || !n.NextAttempt.Equal(retryAt) || n.DeliveredAt != nil {
			t.Fatalf("RetryNotification round %d = %+v, %v; want pending again from %s with no attempts", round, n, err, retryAt)
		}
	}
	if letters, err := st.DeadNotifications(ctx, 0); err != nil || len(letters) != 0 {
		t.Errorf("dead letters after the retry = %+v, %v; want none", letters, err)
	}
	back, err := st.ClaimNotifications(ctx, 10, retryAt, time.Minute)
	if err != nil || len(back) != 1 || back[0].ID != dead.ID || back[0].Attempts != 1 {
		t.Errorf("claim after the retry = %+v, %v; want the retried one, attempt 1", back, err)
	}

	if err := st.MarkDead(ctx, alive.ID, "too late", later); err != nil {
		t.Errorf("MarkDead on a delivered notification: %v", err)
	}
	if letters, err := st.DeadNotifications(ctx, 0); err != nil || len(letters) != 0 {
		t.Errorf("dead letters after marking a delivered one dead = %+v, %v; want none", letters, err)
	}
	wantCode(t, st.MarkDead(ctx, 999999, "x", now), sales.ErrNotFound)
	_, err = st.RetryNotification(ctx, "no/such/key", now)
	wantCode(t, err, sales.ErrNotFound)
}
