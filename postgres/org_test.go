package postgres_test

import (
	"reflect"
	"slices"
	"testing"
	"time"

	"osb/demo"
	"osb/sales"
)

// organisationDump renders the organisation tables as text, to compare.
const organisationDump = `SELECT concat_ws('|',
	(SELECT string_agg(u::text, ',' ORDER BY id) FROM users u),
	(SELECT string_agg(m::text, ',' ORDER BY code) FROM markets m),
	(SELECT string_agg(c::text, ',' ORDER BY id) FROM customers c),
	(SELECT string_agg(k::text, ',' ORDER BY code) FROM skus k),
	(SELECT string_agg(s::text, ',' ORDER BY market, user_id) FROM market_slt_members s),
	(SELECT string_agg(g::text, ',' ORDER BY market, duty, user_id) FROM market_ssg g))`

func TestSaveOrganisationTwiceChangesNothing(t *testing.T) {
	st, url := demoStore(t)
	org := demo.Organisation()
	counts := rowCounts(t, url, "users", "markets", "customers", "skus")
	want := map[string]int{"users": len(org.Users), "markets": len(org.Markets), "customers": len(org.Customers), "skus": len(org.SKUs)}
	for table, n := range want {
		if counts[table] != n {
			t.Errorf("%s has %d rows, want %d", table, counts[table], n)
		}
	}
	before := scalar[string](t, url, organisationDump)

	if err := st.SaveOrganisation(testContext(t), org); err != nil {
		t.Fatalf("second SaveOrganisation: %v", err)
	}
	if after := scalar[string](t, url, organisationDump); after != before {
		t.Errorf("the second save changed the organisation:\nbefore %s\nafter  %s", before, after)
	}
}

func TestSaveOrganisationKeepsAFreezeByOSB(t *testing.T) {
	st, _ := demoStore(t)
	ctx := testContext(t)
	applyChanges(t, st, sales.OrderChanges{Freeze: &sales.Freeze{CustomerID: "C001", Reason: "invoice 30 days overdue", At: t0}})
	if err := st.SaveOrganisation(ctx, demo.Organisation()); err != nil {
		t.Fatalf("SaveOrganisation: %v", err)
	}
	p, err := st.CreditPosition(ctx, "C001", "", 0)
	if err != nil {
		t.Fatalf("CreditPosition: %v", err)
	}
	if !p.Frozen || p.Reason != "invoice 30 days overdue" {
		t.Errorf("after saving the organisation again C001 is frozen=%v (%q), want frozen for the overdue invoice", p.Frozen, p.Reason)
	}
}

func TestSaveOrganisationRejectsAnUnknownKAM(t *testing.T) {
	st, _ := demoStore(t)
	org := sales.Organisation{Customers: []sales.Customer{{ID: "C999", Name: "无名商贸", Market: "华东", KAMID: "nobody", Active: true}}}
	err := st.SaveOrganisation(testContext(t), org)
	wantCode(t, err, sales.ErrInvalid)
	if _, err := st.Customer(testContext(t), "C999"); sales.ErrorCode(err) != sales.ErrNotFound {
		t.Errorf("the failed save left customer C999 behind (%v)", err)
	}
}

func TestUserAndCustomerReadBackAsSaved(t *testing.T) {
	st, _ := demoStore(t)
	ctx := testContext(t)
	org := demo.Organisation()
	for _, want := range org.Users {
		got, err := st.User(ctx, want.ID)
		if err != nil || got != want {
			t.Errorf("User(%s) = %+v, %v; want %+v", want.ID, got, err, want)
		}
	}
	for _, want := range org.Customers {
		got, err := st.Customer(ctx, want.ID)
		if err != nil || got != want {
			t.Errorf("Customer(%s) = %+v, %v; want %+v", want.ID, got, err, want)
		}
	}
	_, err := st.User(ctx, "nobody")
	wantCode(t, err, sales.ErrNotFound)
	_, err = st.Customer(ctx, "C999")
	wantCode(t, err, sales.ErrNotFound)
}

func TestCustomersAreLimitedByScope(t *testing.T) {
	st, _ := demoStore(t)
	ctx := testContext(t)
	all, err := st.Customers(ctx, sales.Scope{All: true})
	if err != nil || len(all) != len(demo.Organisation().Customers) {
		t.Fatalf("Customers(all) = %d customers, %v; want every one", len(all), err)
	}
	mine, err := st.Customers(ctx, sales.Scope{KAMIDs: []string{"kam-huadong-1"}})
	if err != nil {
		t.Fatalf("Customers(kam-huadong-1): %v", err)
	}
	var ids []string
	for _, c := range mine {
		ids = append(ids, c.ID)
	}
	if !slices.Equal(ids, []string{"C001", "C002"}) {
		t.Errorf("kam-huadong-1 sees %v, want [C001 C002]", ids)
	}
	none, err := st.Customers(ctx, sales.Scope{})
	if err != nil || len(none) != 0 {
		t.Errorf("an empty scope sees %d customers, %v; want none", len(none), err)
	}
}

func TestSKUsReturnsTheAskedOnesOrAll(t *testing.T) {
	st, _ := demoStore(t)
	ctx := testContext(t)
	all, err := st.SKUs(ctx, nil)
	if err != nil || len(all) != len(demo.Organisation().SKUs) {
		t.Fatalf("SKUs(nil) = %d SKUs, %v; want every one", len(all), err)
	}
	some, err := st.SKUs(ctx, []string{"SKU-1001", "SKU-1013", "SKU-9999"})
	if err != nil {
		t.Fatalf("SKUs: %v", err)
	}
	if len(some) != 2 || some["SKU-1013"] != all["SKU-1013"] || !some["SKU-1013"].Quota {
		t.Errorf("SKUs(1001, 1013, 9999) = %+v, want 1001 and the quota-controlled 1013", some)
	}
}

func TestLadderResolvesAllFiveRungs(t *testing.T) {
	st, _ := demoStore(t)
	ctx := testContext(t)
	cases := map[string]sales.Ladder{
		"C001": {KAM: "kam-huadong-1", UM: "um-huadong-1", MM: "mm-huadong", SLT: "dsd", GM: "gm",
			SLTs: []string{"dsd", "sd"}, SSGOrders: []string{"csr1"}, SSGSettlement: []string{"ssg-lead"}},
		"C004": {KAM: "kam-huadong-3", UM: "um-huadong-2", MM: "mm-huadong", SLT: "dsd", GM: "gm",
			SLTs: []string{"dsd", "sd"}, SSGOrders: []string{"csr1"}, SSGSettlement: []string{"ssg-lead"}},
		"C017": {KAM: "kam-xinan-1", UM: "um-xinan-1", MM: "mm-xinan", SLT: "sd", GM: "gm",
			SLTs: []string{"sd"}, SSGOrders: []string{"csr1"}, SSGSettlement: []string{"csr2", "ssg-lead"}},
	}
	for customer, want := range cases {
		want.Logistics, want.Finance = []string{"log1", "log2"}, []string{"fin1", "fin2"}
		got, err := st.Ladder(ctx, customer)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("Ladder(%s) = %+v, %v; want %+v", customer, got, err, want)
		}
	}
	_, err := st.Ladder(ctx, "C999")
	wantCode(t, err, sales.ErrNotFound)

	// Deactivated people hold no rung: C001's UM and a Logistics member leave.
	for _, id := range []string{"um-huadong-1", "log2"} {
		if _, err := st.DeactivateUser(ctx, id, admin, t0); err != nil {
			t.Fatalf("DeactivateUser(%s): %v", id, err)
		}
	}
	want := cases["C001"]
	want.UM, want.Logistics, want.Finance = "", []string{"log1"}, []string{"fin1", "fin2"}
	if got, err := st.Ladder(ctx, "C001"); err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("Ladder(C001) with its UM and log2 deactivated = %+v, %v; want %+v", got, err, want)
	}
}

func TestSaveOrganisationReplacesAMarketsOwners(t *testing.T) {
	st, url := demoStore(t)
	ctx := testContext(t)
	if n := scalar[int64](t, url, `SELECT count(*) FROM market_slt_members`); n != 10 {
		t.Errorf("the demo has %d SLT memberships, want 10 (the Director in 7 markets, the Deputy in 3)", n)
	}
	if n := scalar[int64](t, url, `SELECT count(*) FROM market_ssg`); n != 23 {
		t.Errorf("the demo has %d SSG duties, want 23 (orders in 7 markets, settlement and visits 8 times)", n)
	}
	org := demo.Organisation()
	var huadong sales.Market
	for _, m := range org.Markets {
		if m.Code == "华东" {
			huadong = m
		}
	}
	// The Director becomes the first SLT member, the Deputy leaves; CSR-2
	// takes the settlement over from the leader.
	huadong.SLTOwner, huadong.SLTMembers = "", []string{"sd"}
	huadong.SSG = []sales.MarketDuty{{UserID: "csr1", Duty: sales.DutyOrders}, {UserID: "csr2", Duty: sales.DutySettlement}}
	if err := st.SaveOrganisation(ctx, sales.Organisation{Markets: []sales.Market{huadong}}); err != nil {
		t.Fatalf("SaveOrganisation: %v", err)
	}
	got, err := st.Ladder(ctx, "C001")
	if err != nil || got.SLT != "sd" || !slices.Equal(got.SLTs, []string{"sd"}) || !slices.Equal(got.SSGSettlement, []string{"csr2"}) {
		t.Errorf("Ladder(C001) = %+v, %v; want SLT sd alone and settlement csr2", got, err)
	}
	if n := scalar[int64](t, url, `SELECT count(*) FROM market_ssg WHERE market = '华东' AND duty = 'visits'`); n != 0 {
		t.Errorf("华东 keeps %d visit duties, want none", n)
	}
	huadong.SSG = []sales.MarketDuty{{UserID: "csr1", Duty: "payroll"}}
	err = st.SaveOrganisation(ctx, sales.Organisation{Markets: []sales.Market{huadong}})
	wantCode(t, err, sales.ErrInvalid)
}

func TestReportsListsEveryoneBelow(t *testing.T) {
	st, _ := demoStore(t)
	ctx := testContext(t)
	got, err := st.Reports(ctx, "mm-huadong")
	want := []string{"kam-huadong-1", "kam-huadong-2", "kam-huadong-3", "um-huadong-1", "um-huadong-2"}
	if err != nil || !slices.Equal(got, want) {
		t.Errorf("Reports(mm-huadong) = %v, %v; want %v", got, err, want)
	}
	got, err = st.Reports(ctx, "kam-huadong-1")
	if err != nil || len(got) != 0 {
		t.Errorf("Reports(kam-huadong-1) = %v, %v; want nobody", got, err)
	}
	got, err = st.Reports(ctx, "dsd")
	if err != nil || !slices.Contains(got, "kam-huanan-2") || slices.Contains(got, "kam-xinan-1") {
		t.Errorf("Reports(dsd) = %v, %v; want the FSF of 山东, 华东 and 华南 only", got, err)
	}
}

func TestCreditPositionSumsReceivablesOtherOpenOrdersAndTheAmount(t *testing.T) {
	st, _ := demoStore(t)
	ctx := testContext(t)

	// This order: 2,040.00 of its invoice still open, 1,440.00 unbilled.
	this := fullChanges("SO-2026-000001", 5)
	applyChanges(t, st, this)
	// Another open order of C001: 500.00 unbilled and an open invoice of 300.00.
	other := order("SO-2026-000002", "C001", sales.StatusShipping, sales.SP5InTransit, sales.LevelNone)
	other.Unbilled = 50000
	other.Shipments = []sales.Shipment{{No: "SH-2-1", Lines: []sales.LineQty{{LineNo: 1, Quantity: 1}}, IssuedAt: t0, InvoiceNo: "IV-2-1"}}
	other.Invoices = []sales.Invoice{{No: "IV-2-1", ShipmentNo: "SH-2-1", Amount: 30000, IssuedAt: t0, DueAt: t0.Add(30 * sales.Day)}}
	applyChanges(t, st, sales.OrderChanges{Order: other})
	// A closed order and a paid invoice count for nothing.
	closed := order("SO-2026-000003", "C001", sales.StatusRemitted, sales.BC7Close, sales.LevelNone)
	closedAt := t0.Add(40 * sales.Day)
	closed.ClosedAt, closed.Unbilled = &closedAt, 99900
	closed.Shipments = []sales.Shipment{{No: "SH-3-1", Lines: []sales.LineQty{{LineNo: 1, Quantity: 1}}, IssuedAt: t0, InvoiceNo: "IV-3-1"}}
	closed.Invoices = []sales.Invoice{{No: "IV-3-1", ShipmentNo: "SH-3-1", Amount: 70000, Paid: 70000, IssuedAt: t0, DueAt: t0, PaidAt: &closedAt}}
	applyChanges(t, st, sales.OrderChanges{Order: closed})
	// Another customer's order counts for nothing either.
	applyChanges(t, st, sales.OrderChanges{Order: order("SO-2026-000004", "C006", sales.StatusOpen, sales.OP4Credit, sales.LevelNone)})

	got, err := st.CreditPosition(ctx, "C001", "SO-2026-000001", 10000)
	if err != nil {
		t.Fatalf("CreditPosition: %v", err)
	}
	want := sales.CreditPosition{Limit: sales.Yuan(1_500_000), Exposure: 204000 + 30000 + 50000 + 10000,
		Frozen: true, Reason: "IV-SO-2026-000001-1 overdue"} // fullChanges froze C001
	if got != want {
		t.Errorf("CreditPosition(C001) = %+v, want %+v", got, want)
	}

	frozen, err := st.CreditPosition(ctx, "C019", "", 0)
	if err != nil || !frozen.Frozen || frozen.Reason == "" || frozen.Held() == "" {
		t.Errorf("CreditPosition(C019) = %+v, %v; want frozen with a reason", frozen, err)
	}
	_, err = st.CreditPosition(ctx, "C999", "", 0)
	wantCode(t, err, sales.ErrNotFound)
}

func TestCustomerCreditBalanceSumsEntriesOnce(t *testing.T) {
	st, _ := demoStore(t)
	ctx := testContext(t)
	applyChanges(t, st, sales.OrderChanges{Credits: []sales.CreditEntry{
		{Key: "a", CustomerID: "C002", Amount: 12000, Note: "overpayment", At: t0},
		{Key: "b", CustomerID: "C002", Amount: -2000, Note: "used", At: t0.Add(time.Hour)},
	}})
	applyChanges(t, st, sales.OrderChanges{Credits: []sales.CreditEntry{{Key: "a", CustomerID: "C002", Amount: 12000, At: t0}}})
	if got, err := st.CustomerCreditBalance(ctx, "C002"); err != nil || got != 10000 {
		t.Errorf("CustomerCreditBalance(C002) = %s, %v; want 100.00", got, err)
	}
	if got, err := st.CustomerCreditBalance(ctx, "C003"); err != nil || got != 0 {
		t.Errorf("CustomerCreditBalance(C003) = %s, %v; want 0", got, err)
	}
	_, err := st.CustomerCreditBalance(ctx, "C999")
	wantCode(t, err, sales.ErrNotFound)
}
