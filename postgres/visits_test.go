package postgres_test

import (
	"testing"
	"time"

	"osb/postgres"
	"osb/sales"
)

// week49 is Monday 30 November to Sunday 6 December 2026.
const week49 = "2026-W49"

func logVisit(t *testing.T, st *postgres.Store, customer, date, by, key string) (sales.Visit, bool) {
	t.Helper()
	in := sales.VisitInput{CustomerID: customer, Date: date, Kind: sales.VisitInPerson, Notes: "谈了12月的订货计划",
		FollowUp: "寄样品", FollowUpDue: "2026-12-10"}
	v, created, err := st.LogVisit(testContext(t), in, sales.Actor{UserID: by, Role: sales.RoleFSF}, key, time.Date(2026, 12, 3, 9, 0, 0, 0, sales.Beijing))
	if err != nil {
		t.Fatalf("log a visit of %s to %s: %v", by, customer, err)
	}
	return v, created
}

func TestVisitsAreLoggedOnceAndListedInScope(t *testing.T) {
	st, url := demoStore(t)
	ctx := testContext(t)
	first, created := logVisit(t, st, "C001", "2026-12-01", "kam-huadong-1", "form-1")
	if !created || first.ID == 0 || first.Market != "华东" || first.CustomerName == "" || first.ByName == "" ||
		first.Date != "2026-12-01" || first.FollowUpDue != "2026-12-10" || first.Kind != sales.VisitInPerson {
		t.Fatalf("logged %+v (created %v)", first, created)
	}
	again, created := logVisit(t, st, "C001", "2026-12-01", "kam-huadong-1", "form-1")
	if created || again.ID != first.ID {
		t.Errorf("the same request again logged %+v (created %v), want visit %d", again, created, first.ID)
	}
	logVisit(t, st, "C002", "2026-12-02", "kam-huadong-1", "")
	logVisit(t, st, "C003", "2026-11-20", "ssg-lead", "form-1") // another person's key is another request
	if n := scalar[int](t, url, "SELECT count(*) FROM visits"); n != 3 {
		t.Errorf("%d visits stored, want 3", n)
	}
	_, _, err := st.LogVisit(ctx, sales.VisitInput{CustomerID: "C999", Date: "2026-12-01", Kind: sales.VisitCall, Notes: "x"},
		sales.Actor{UserID: "csr2"}, "", time.Now())
	wantCode(t, err, sales.ErrNotFound)

	all, err := st.Visits(ctx, sales.VisitFilter{Scope: sales.Scope{All: true}})
	if err != nil || len(all) != 3 || all[0].CustomerID != "C002" || all[2].CustomerID != "C003" {
		t.Fatalf("all visits, newest first: %+v, %v", all, err)
	}
	week, _ := st.Visits(ctx, sales.VisitFilter{From: "2026-11-30", To: "2026-12-06", Scope: sales.Scope{All: true}})
	byCustomer, _ := st.Visits(ctx, sales.VisitFilter{CustomerID: "C001", Scope: sales.Scope{All: true}})
	byPerson, _ := st.Visits(ctx, sales.VisitFilter{By: "ssg-lead", Scope: sales.Scope{All: true}})
	if len(week) != 2 || len(byCustomer) != 1 || len(byPerson) != 1 || byPerson[0].CustomerID != "C003" {
		t.Errorf("filters: week %d, C001 %d, ssg-lead %d", len(week), len(byCustomer), len(byPerson))
	}
	// The FSF see the visits to their customers, whoever logged them.
	mine, _ := st.Visits(ctx, sales.VisitFilter{Scope: sales.Scope{KAMIDs: []string{"kam-huadong-2"}}})
	if len(mine) != 1 || mine[0].CustomerID != "C003" || mine[0].By != "ssg-lead" {
		t.Errorf("kam-huadong-2 sees %+v", mine)
	}
	none, err := st.Visits(ctx, sales.VisitFilter{Scope: sales.Scope{}})
	if err != nil || none == nil || len(none) != 0 {
		t.Errorf("an empty scope sees %v, %v", none, err)
	}
}

func TestTheVisitReportComparesTheWeekWithTheRhythm(t *testing.T) {
	st, _ := demoStore(t)
	ctx := testContext(t)
	logVisit(t, st, "C001", "2026-12-01", "kam-huadong-1", "")
	logVisit(t, st, "C002", "2026-12-06", "kam-huadong-1", "")
	logVisit(t, st, "C001", "2026-12-02", "ssg-lead", "")
	logVisit(t, st, "C003", "2026-11-29", "kam-huadong-2", "") // the week before
	week, err := sales.WeekPeriod(week49)
	if err != nil {
		t.Fatal(err)
	}
	r, err := st.VisitReport(ctx, week, sales.DefaultVisitPolicy(), sales.Scope{All: true})
	if err != nil {
		t.Fatal(err)
	}
	row := func(user, market string) sales.VisitPersonRow {
		t.Helper()
		for _, p := range r.People {
			if p.UserID == user && p.Market == market {
				return p
			}
		}
		t.Fatalf("no row for %s in %s: %+v", user, market, r.People)
		return sales.VisitPersonRow{}
	}
	if p := row("kam-huadong-1", "华东"); p.Expected != 2 || p.Logged != 2 || p.Covered != 2 || p.Behind || p.Name == "" {
		t.Errorf("kam-huadong-1: %+v, want 2 of 2 and on time", p)
	}
	if p := row("kam-huadong-2", "华东"); p.Expected != 1 || p.Logged != 0 || !p.Behind {
		t.Errorf("kam-huadong-2: %+v, want behind (its visit was the week before)", p)
	}
	if p := row("ssg-lead", "华东"); p.Role != sales.RoleSSG || p.Expected != 5 || p.Logged != 1 || !p.Behind {
		t.Errorf("ssg-lead in 华东: %+v, want 1 of 5", p)
	}
	row("csr2", "西南") // both hold 西南's visits
	row("ssg-lead", "西南")
	// C013 is inactive: 华北's KAM-2 owes only C012.
	if p := row("kam-huabei-2", "华北"); p.Owed != 1 {
		t.Errorf("kam-huabei-2 owes %d customers, want 1 (C013 is inactive)", p.Owed)
	}
	var east sales.VisitMarketRow
	for _, m := range r.Markets {
		if m.Market == "华东" {
			east = m
		}
	}
	if east.Logged != 3 || east.Customers != 5 || east.Covered != 2 || east.Behind != 3 || east.Expected != 10 {
		t.Errorf("华东: %+v", east)
	}
	if r.From != "2026-11-30" || r.To != "2026-12-06" || r.Weeks != 1 {
		t.Errorf("period %s..%s, %d weeks", r.From, r.To, r.Weeks)
	}

	// An FSF manager sees their KAMs' rows only, and no SSG rows.
	um, err := st.VisitReport(ctx, week, sales.DefaultVisitPolicy(), sales.Scope{KAMIDs: []string{"um-huadong-1", "kam-huadong-1", "kam-huadong-2"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(um.People) != 2 || len(um.Markets) != 1 || um.Markets[0].Customers != 3 {
		t.Errorf("um-huadong-1 sees %+v and %+v", um.People, um.Markets)
	}
}
