package console

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	"osb/sales"
)

// The dead letters page: My work's task leads to it; those who may send a
// dead letter back to the outbox do it there; the others get no page and
// their forged post is refused by the API.
func TestDeadLettersAreSentBackFromTheirPage(t *testing.T) {
	f := newFixture(t, false)
	ctx := context.Background()
	now := f.clock.now()
	note := sales.Notification{Key: "order/SO-2026-000001/hold/kam-huadong-1", OrderNo: heldOrder, RecipientID: "kam-huadong-1",
		Kind: "hold", Subject: "订单暂挂", At: now.Add(-2 * time.Hour)}
	if err := f.store.AddNotifications(ctx, []sales.Notification{note}); err != nil {
		t.Fatal(err)
	}
	list, err := f.store.ListNotifications(ctx, sales.NotificationFilter{OrderNo: heldOrder})
	if err != nil || len(list) != 1 {
		t.Fatalf("notifications %v %v", list, err)
	}
	if err := f.store.MarkDead(ctx, list[0].ID, "webhook answered 500", now.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}

	b := f.browser()
	b.signIn("ssg-lead")
	if w := b.get("/"); !w.has(`href="/notifications/dead#` + note.Key + `"`) {
		t.Errorf("My work does not lead to the dead letter:\n%s", w.body)
	}
	p := b.get("/notifications/dead")
	if p.status != http.StatusOK || !p.has("webhook answered 500") || !p.has(`id="`+note.Key+`"`) {
		t.Fatalf("%d\n%s", p.status, p.body)
	}
	r := b.post("/notifications/dead/retry", url.Values{"csrf": {p.csrf(t)}, "key": {note.Key}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("retry: %d\n%s", r.status, r.body)
	}
	if p := b.get(r.header.Get("Location")); !p.has("已放回发件箱") || p.has("webhook answered 500") {
		t.Errorf("after the retry:\n%s", p.body)
	}
	if dead, err := f.store.DeadNotifications(ctx, 10); err != nil || len(dead) != 0 {
		t.Errorf("still dead: %v %v", dead, err)
	}

	s := f.browser()
	home := s.signIn("dsd")
	if p := s.get("/notifications/dead"); p.status != http.StatusForbidden {
		t.Errorf("the SLT's dead letters page: %d", p.status)
	}
	if r := s.post("/notifications/dead/retry", url.Values{"csrf": {home.csrf(t)}, "key": {note.Key}}); r.status != http.StatusForbidden {
		t.Errorf("the SLT's forged retry: %d\n%s", r.status, r.body)
	}
}
