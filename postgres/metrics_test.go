package postgres_test

import (
	"reflect"
	"testing"
	"time"

	"osb/demo"

	"osb/postgres"
	"osb/sales"
)

func TestGaugesCountOpenLateEscalatedOverdueOutboxAndReview(t *testing.T) {
	st, _ := demoStore(t)
	ctx := testContext(t)
	applyChanges(t, st, fullChanges("SO-2026-000001", 1)) // BC5, due at(31), deadline at(38), level UM, 2 notifications
	applyChanges(t, st, sales.OrderChanges{Order: order("SO-2026-000002", "C002", sales.StatusHeld, sales.OP5Hold, sales.LevelNone)})
	applyChanges(t, st, sales.OrderChanges{Order: order("SO-2026-000003", "C002", sales.StatusCancelled, sales.OP5Hold, sales.LevelNone)})

	g, err := st.Gauges(ctx, *at(40))
	if err != nil {
		t.Fatal(err)
	}
	wantOpen := []postgres.StepCount{{Stage: "BC", Step: "BC5", Count: 1}, {Stage: "OP", Step: "OP5", Count: 1}}
	if !reflect.DeepEqual(g.OpenOrders, wantOpen) {
		t.Errorf("open orders %+v, want %+v", g.OpenOrders, wantOpen)
	}
	if want := []postgres.OwnerCount{{Owner: string(sales.RoleFSF), Count: 1}}; !reflect.DeepEqual(g.LateOrders, want) {
		t.Errorf("late orders %+v, want %+v", g.LateOrders, want)
	}
	if want := []postgres.LevelCount{{Level: int(sales.LevelUM), Count: 1}}; !reflect.DeepEqual(g.Escalations, want) {
		t.Errorf("escalations %+v, want %+v", g.Escalations, want)
	}
	wantBands := []postgres.BandAmount{{Band: "1-30", Fen: 204000, Count: 1}, {Band: "31-60"}, {Band: "61-90"}, {Band: "90+"}}
	if !reflect.DeepEqual(g.Overdue, wantBands) {
		t.Errorf("overdue %+v, want %+v", g.Overdue, wantBands)
	}
	if want := (postgres.OutboxCounts{Pending: 2}); g.Outbox != want {
		t.Errorf("outbox %+v, want %+v", g.Outbox, want)
	}
	if g.Review.Found {
		t.Errorf("a review found before any ran: %+v", g.Review)
	}

	// The latest review: its customers done of the active ones, not finished.
	for i, q := range []string{"2025-Q4", "2026-Q1"} {
		started := t0.Add(time.Duration(i) * time.Hour)
		if _, err := st.StartCreditReview(ctx, sales.CreditReview{ID: "credit-review/" + q, Quarter: q, AsOf: started, StartedBy: "sd", StartedAt: started}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.FinishCreditReview(ctx, "credit-review/2025-Q4", t0); err != nil {
		t.Fatal(err)
	}
	active := int64(0)
	for _, c := range demo.Organisation().Customers {
		if c.Active {
			active++
		}
	}
	if g, err = st.Gauges(ctx, *at(40)); err != nil {
		t.Fatal(err)
	}
	if want := (postgres.ReviewProgress{Found: true, Quarter: "2026-Q1", Done: 0, Total: active}); g.Review != want || active == 0 {
		t.Errorf("review %+v, want %+v", g.Review, want)
	}

	// Before the deadline nothing is late; 70 days past due is the 61–90 band.
	if g, err = st.Gauges(ctx, *at(37)); err != nil || len(g.LateOrders) != 0 {
		t.Errorf("late orders before the deadline %+v (%v)", g.LateOrders, err)
	}
	if g, err = st.Gauges(ctx, *at(101)); err != nil || g.Overdue[2] != (postgres.BandAmount{Band: "61-90", Fen: 204000, Count: 1}) {
		t.Errorf("overdue 70 days %+v (%v)", g.Overdue, err)
	}
}
