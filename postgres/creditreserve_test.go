package postgres_test

import (
	"fmt"
	"sync"
	"testing"

	"osb/postgres"
	"osb/sales"
)

// creditHeadroom gives customer a limit that fits n more orders of amount
// on top of what it owes and has open now, and returns that exposure.
func creditHeadroom(t *testing.T, st *postgres.Store, url, customer string, n int, amount sales.Fen) sales.Fen {
	t.Helper()
	p, err := st.CreditPosition(testContext(t), customer, "", 0)
	if err != nil {
		t.Fatalf("CreditPosition: %v", err)
	}
	scalar[int](t, url, `WITH u AS (UPDATE customers SET credit_limit_fen = $2, frozen = false WHERE id = $1 RETURNING 1)
		SELECT count(*) FROM u`, customer, int64(p.Exposure)+int64(n)*int64(amount))
	return p.Exposure
}

func TestConcurrentCreditChecksOfOneCustomerSeeEachOther(t *testing.T) {
	st, url := demoStore(t)
	ctx := testContext(t)
	const amount, fit, orders = sales.Fen(100000), 3, 8
	for round, customer := range []string{"C001", "C002", "C003", "C004", "C005"} {
		base := creditHeadroom(t, st, url, customer, fit, amount)
		var (
			wg        sync.WaitGroup
			ready     sync.WaitGroup
			start     = make(chan struct{})
			positions = make([]sales.CreditPosition, orders)
			errs      = make([]error, orders)
		)
		for i := range orders {
			ready.Add(1)
			wg.Go(func() {
				// Each checker holds a connection of its own before the start.
				_, errs[i] = st.CreditPosition(ctx, customer, "", 0)
				ready.Done()
				<-start
				if errs[i] == nil {
					positions[i], errs[i] = st.ReserveCredit(ctx, customer, fmt.Sprintf("SO-2026-%03d%03d", round, i+1), amount)
				}
			})
		}
		ready.Wait()
		close(start)
		wg.Wait()
		passed := 0
		for i, p := range positions {
			if errs[i] != nil {
				t.Fatalf("ReserveCredit %s/%d: %v", customer, i+1, errs[i])
			}
			if p.Held() == "" {
				passed++
				continue
			}
			if want := base + (fit+1)*amount; p.Exposure != want {
				t.Errorf("%s: order %d held with exposure %s, want %s (the %d that passed and itself)", customer, i+1, p.Exposure, want, fit)
			}
		}
		if passed != fit {
			t.Errorf("%s: %d of %d simultaneous orders passed a limit that fits %d", customer, passed, orders, fit)
		}
		if n := scalar[int](t, url, `SELECT count(*) FROM credit_reservations WHERE customer_id = $1`, customer); n != fit {
			t.Errorf("%s: %d reservations, want %d", customer, n, fit)
		}
	}
}

func TestCreditReservationCountsOnceAndGivesWayToTheOrdersRow(t *testing.T) {
	st, url := demoStore(t)
	ctx := testContext(t)
	const amount = sales.Fen(28800) // the total of the order() fixture
	base := creditHeadroom(t, st, url, "C001", 2, amount)

	first, err := st.ReserveCredit(ctx, "C001", "SO-2026-000001", amount)
	if err != nil || first.Held() != "" || first.Exposure != base+amount {
		t.Fatalf("first check = %+v, %v; want it passed with exposure %s", first, err, base+amount)
	}
	again, err := st.ReserveCredit(ctx, "C001", "SO-2026-000001", amount)
	if err != nil || again != first {
		t.Errorf("the same order checked again = %+v, %v; want %+v (its own reservation not counted)", again, err, first)
	}
	if n := scalar[int](t, url, `SELECT count(*) FROM credit_reservations`); n != 1 {
		t.Errorf("%d reservations after checking one order twice, want 1", n)
	}
	other, err := st.CreditPosition(ctx, "C001", "SO-2026-000002", amount)
	if err != nil || other.Exposure != base+2*amount {
		t.Errorf("another order's position = %+v, %v; want exposure %s (the reservation counted)", other, err, base+2*amount)
	}

	// The order's row arrives: its unbilled amount counts instead, not both.
	applyChanges(t, st, sales.OrderChanges{Order: order("SO-2026-000001", "C001", sales.StatusReleased, sales.OP7Release, sales.LevelNone)})
	if p, err := st.CreditPosition(ctx, "C001", "SO-2026-000002", amount); err != nil || p.Exposure != base+2*amount {
		t.Errorf("with the order's row = %+v, %v; want exposure %s", p, err, base+2*amount)
	}
	second, err := st.ReserveCredit(ctx, "C001", "SO-2026-000002", amount)
	if err != nil || second.Held() != "" || second.Exposure != base+2*amount {
		t.Errorf("second order = %+v, %v; want it passed with exposure %s", second, err, base+2*amount)
	}
	if n := scalar[int](t, url, `SELECT count(*) FROM credit_reservations WHERE order_no = 'SO-2026-000001'`); n != 0 {
		t.Errorf("the superseded reservation is still kept")
	}

	// A third order does not fit; it reserves nothing.
	third, err := st.ReserveCredit(ctx, "C001", "SO-2026-000003", amount)
	if err != nil || third.Held() == "" {
		t.Errorf("third order = %+v, %v; want it held", third, err)
	}
	// A reservation whose order never wrote its row stops counting after a day.
	scalar[int](t, url, `WITH u AS (UPDATE credit_reservations SET reserved_at = now() - interval '25 hours' RETURNING 1) SELECT count(*) FROM u`)
	if p, err := st.CreditPosition(ctx, "C001", "SO-2026-000003", amount); err != nil || p.Exposure != base+2*amount {
		t.Errorf("with an expired reservation = %+v, %v; want exposure %s", p, err, base+2*amount)
	}
	if n := scalar[int](t, url, `SELECT count(*) FROM credit_reservations WHERE order_no = 'SO-2026-000003'`); n != 0 {
		t.Errorf("a held order kept a reservation")
	}

	// The SP2 re-check adds nothing and reserves nothing.
	if _, err := st.ReserveCredit(ctx, "C001", "SO-2026-000001", 0); err != nil {
		t.Errorf("re-check: %v", err)
	}
	_, err = st.ReserveCredit(ctx, "C999", "SO-2026-000009", amount)
	wantCode(t, err, sales.ErrNotFound)
	_, err = st.ReserveCredit(ctx, "C001", "SO-2026-000009", -1)
	wantCode(t, err, sales.ErrInvalid)
}
