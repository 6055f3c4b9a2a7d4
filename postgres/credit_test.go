package postgres_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"osb/postgres"
	"osb/sales"
)

// reviewAsOf is the quarterly review of 1 April 2026, 02:00 in Beijing.
var reviewAsOf = time.Date(2026, 4, 1, 2, 0, 0, 0, sales.Beijing)

// bj is a moment in Beijing time.
func bj(y int, m time.Month, d, h int) time.Time {
	return time.Date(y, m, d, h, 0, 0, 0, sales.Beijing)
}

func ptr[T any](v T) *T { return &v }

// billed writes an order of customer with the given invoices.
func billed(t *testing.T, st *postgres.Store, no, customer string, invoices ...sales.Invoice) {
	t.Helper()
	o := order(no, customer, sales.StatusBilled, sales.BC5Dunning, sales.LevelNone)
	o.Invoices, o.Unbilled = invoices, 0
	applyChanges(t, st, sales.OrderChanges{Order: o})
}

func invoice(no string, amount sales.Fen, issued time.Time, terms int, paid *time.Time, level sales.Level) sales.Invoice {
	inv := sales.Invoice{No: no, ShipmentNo: "SH-" + no, Currency: sales.CNY, Amount: amount, IssuedAt: issued,
		DueAt: issued.AddDate(0, 0, terms), Level: level, PaidAt: paid}
	if paid != nil {
		inv.Paid = amount
	}
	return inv
}

// creditFixture writes the payment histories the input tests read:
//   - C001 pays well: ¥500,000 a year earlier, ¥600,000 net last quarter
//     (¥640,000 invoiced, a ¥40,000 credit note), one invoice paid 4 days late;
//   - C003 has an invoice open 91 days past due and one paid 45 days late;
//   - C005 paid 6 days late but its dunning reached the MM;
//   - C002 was never invoiced.
func creditFixture(t *testing.T, st *postgres.Store) {
	t.Helper()
	billed(t, st, "SO-2025-000001", "C001",
		invoice("IV-A1", sales.Yuan(500_000), bj(2025, 2, 10, 10), 30, ptr(bj(2025, 3, 12, 9)), 0))
	billed(t, st, "SO-2026-000001", "C001",
		invoice("IV-A2", sales.Yuan(400_000), bj(2026, 1, 15, 10), 30, ptr(bj(2026, 2, 18, 9)), sales.LevelKAM),
		invoice("IV-A3", sales.Yuan(240_000), bj(2026, 3, 20, 10), 30, nil, 0), // not due at the review
		invoice("IV-A4", sales.Yuan(999_000), bj(2026, 4, 1, 5), 30, nil, 0))   // after the review
	// A return of ¥40,000 after IV-A2 was paid: a credit note in February.
	issued := bj(2026, 2, 20, 15)
	applyChanges(t, st, sales.OrderChanges{
		Returns: []sales.Return{{No: "RT-2026-000001-1", Source: "request", Reason: "damaged", Lines: []sales.LineQty{{LineNo: 1, Quantity: 1}},
			Value: sales.Yuan(40_000), Approver: sales.LevelUM, Status: sales.ReturnReceived, RequestedBy: "kam-huadong-1",
			RequestedAt: issued, CreditNote: "CN-2026-000001-1", UpdatedAt: issued}},
		CreditNotes: []sales.CreditNote{{No: "CN-2026-000001-1", ReturnNo: "RT-2026-000001-1", OrderNo: "SO-2026-000001",
			CustomerID: "C001", Currency: sales.CNY, Lines: []sales.LineQty{{LineNo: 1, Quantity: 1}}, Amount: sales.Yuan(40_000),
			Refund: sales.Yuan(40_000), IssuedAt: issued}},
	})
	billed(t, st, "SO-2025-000002", "C003",
		invoice("IV-B1", sales.Yuan(100_000), bj(2025, 12, 1, 10), 30, nil, sales.LevelGM),
		invoice("IV-B2", sales.Yuan(80_000), bj(2025, 6, 1, 10), 30, ptr(bj(2025, 8, 15, 10)), sales.LevelMM))
	billed(t, st, "SO-2025-000003", "C005",
		invoice("IV-C1", sales.Yuan(50_000), bj(2025, 9, 1, 10), 30, ptr(bj(2025, 10, 7, 10)), sales.LevelUM))
	for _, e := range []struct {
		level sales.Level
		at    time.Time
	}{{sales.LevelMM, bj(2025, 10, 6, 10)}, {sales.LevelGM, bj(2025, 1, 10, 10)}} { // the GM rung is older than 12 months
		applyChanges(t, st, sales.OrderChanges{Escalations: []sales.Escalation{{
			Key: "SO-2025-000003/dunning/" + e.at.String(), OrderNo: "SO-2025-000003", CustomerID: "C005", Market: "华东",
			Kind: sales.EscalateDunning, Subject: "IV-C1 overdue", Level: e.level, Recipients: []string{"mm-huadong"}, At: e.at,
		}}})
	}
}

func TestCreditInputsAreComputedFromInvoicesReceiptsAndEscalations(t *testing.T) {
	st, _ := demoStore(t)
	ctx := testContext(t)
	creditFixture(t, st)
	p := sales.DefaultCreditPolicy()

	got, err := st.CreditInputs(ctx, []string{"C001", "C002", "C003", "C005"}, reviewAsOf, p)
	if err != nil {
		t.Fatalf("CreditInputs: %v", err)
	}
	if len(got) != 4 {
		t.Fatalf("%d inputs, want 4", len(got))
	}
	months := func(in sales.CreditInputs) map[string]sales.Fen {
		out := map[string]sales.Fen{}
		for _, m := range in.Months {
			if m.Net != 0 {
				out[m.Month] = m.Net
			}
		}
		if len(in.Months) != 24 || in.Months[0].Month != "2024-04" || in.Months[23].Month != "2026-03" {
			t.Errorf("%s: months %s … %s (%d), want 2024-04 … 2026-03", in.CustomerID, in.Months[0].Month, in.Months[len(in.Months)-1].Month, len(in.Months))
		}
		return out
	}
	c001 := got[0]
	if m := months(c001); !reflect.DeepEqual(m, map[string]sales.Fen{"2025-02": sales.Yuan(500_000), "2026-01": sales.Yuan(400_000), "2026-02": sales.Yuan(-40_000), "2026-03": sales.Yuan(240_000)}) {
		t.Errorf("C001 net sales per month %v", m)
	}
	if want := []sales.PaymentRecord{{InvoiceNo: "IV-A2", DueOn: "2026-02-14", DaysLate: 4, Dunning: sales.LevelKAM}}; !reflect.DeepEqual(c001.Payments, want) {
		t.Errorf("C001 payments %+v, want %+v", c001.Payments, want)
	}
	if c001.FirstInvoiceAt == nil || !c001.FirstInvoiceAt.Equal(bj(2025, 2, 10, 10)) {
		t.Errorf("C001 first invoice %v", c001.FirstInvoiceAt)
	}

	c002 := got[1]
	if len(months(c002)) != 0 || len(c002.Payments) != 0 || c002.FirstInvoiceAt != nil {
		t.Errorf("C002 was never invoiced: %+v", c002)
	}
	c003 := got[2]
	want3 := []sales.PaymentRecord{
		{InvoiceNo: "IV-B2", DueOn: "2025-07-01", DaysLate: 45, Dunning: sales.LevelMM},
		{InvoiceNo: "IV-B1", DueOn: "2025-12-31", DaysLate: 91, Open: true, Dunning: sales.LevelGM},
	}
	if !reflect.DeepEqual(c003.Payments, want3) {
		t.Errorf("C003 payments %+v, want %+v", c003.Payments, want3)
	}
	c005 := got[3]
	if c005.DunningReached != sales.LevelMM || len(c005.Payments) != 1 || c005.Payments[0].DaysLate != 6 {
		t.Errorf("C005 dunning %s payments %+v, want MM and one invoice 6 days late", c005.DunningReached, c005.Payments)
	}

	// What the formula makes of them.
	rating := map[string]sales.Rating{}
	limit := map[string]sales.Fen{}
	for _, in := range got {
		r := sales.ComputeCreditLimit(in, p)
		rating[in.CustomerID], limit[in.CustomerID] = r.Rating, r.Limit
	}
	// C005 was dunned to the MM but paid 6 days late: days late alone rate, A.
	wantRating := map[string]sales.Rating{"C001": sales.RatingA, "C002": sales.RatingC, "C003": sales.RatingD, "C005": sales.RatingA}
	if !reflect.DeepEqual(rating, wantRating) {
		t.Errorf("ratings %v, want %v", rating, wantRating)
	}
	// C001: H ¥200,000, g +20%: 200,000 × 2 × 1.1 = ¥440,000.
	if limit["C001"] != sales.Yuan(440_000) || limit["C002"] != sales.Yuan(100_000) || limit["C003"] != 0 {
		t.Errorf("limits %v", limit)
	}
}

func TestCreditInputsCountApprovedUnexpiredAdjustmentsOnly(t *testing.T) {
	st, _ := demoStore(t)
	ctx := testContext(t)
	proposeAndDecide := func(id string, amount sales.Fen, expires time.Time, approve *bool) {
		t.Helper()
		adj := sales.CreditAdjustment{ID: id, CustomerID: "C001", Amount: amount, Reason: "season", ProposedBy: "fin1",
			ProposedAt: bj(2026, 1, 5, 9), ExpiresAt: expires}
		if _, err := st.RecordAdjustment(ctx, adj, nil); err != nil {
			t.Fatalf("RecordAdjustment: %v", err)
		}
		if approve != nil {
			if _, _, err := st.DecideAdjustment(ctx, sales.AdjustmentDecision{ID: id, Approve: *approve, By: "sd", At: bj(2026, 1, 6, 9)}, nil); err != nil {
				t.Fatalf("DecideAdjustment: %v", err)
			}
		}
	}
	yes, no := true, false
	proposeAndDecide("CA-2026-000001", sales.Yuan(50_000), bj(2026, 7, 1, 0), &yes)
	proposeAndDecide("CA-2026-000002", sales.Yuan(70_000), bj(2026, 3, 1, 0), &yes) // expired before the review
	proposeAndDecide("CA-2026-000003", sales.Yuan(90_000), bj(2026, 7, 1, 0), &no)
	proposeAndDecide("CA-2026-000004", sales.Yuan(-20_000), bj(2026, 7, 1, 0), nil)

	got, err := st.CreditInputs(ctx, []string{"C001"}, reviewAsOf, sales.DefaultCreditPolicy())
	if err != nil {
		t.Fatal(err)
	}
	if len(got[0].Adjustments) != 1 || got[0].Adjustments[0].ID != "CA-2026-000001" || got[0].Adjustments[0].Amount != sales.Yuan(50_000) {
		t.Errorf("adjustments %+v, want only the approved unexpired one", got[0].Adjustments)
	}
}

func TestCreditCustomerIDsPageByKey(t *testing.T) {
	st, _ := demoStore(t)
	ctx := testContext(t)
	var all []string
	after := ""
	for {
		ids, err := st.CreditCustomerIDs(ctx, after, 7)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, ids...)
		if len(ids) < 7 {
			break
		}
		after = ids[len(ids)-1]
	}
	if len(all) != 20 || all[0] != "C001" || all[19] != "C020" {
		t.Errorf("paged ids %v, want C001 … C020 once each", all)
	}
	_, err := st.CreditCustomerIDs(ctx, "", 0)
	wantCode(t, err, sales.ErrInvalid)
}

// review computes and applies one review of ids as of reviewAsOf.
func review(t *testing.T, st *postgres.Store, id string, ids ...string) int {
	t.Helper()
	ctx := testContext(t)
	p := sales.DefaultCreditPolicy()
	if _, err := st.StartCreditReview(ctx, sales.CreditReview{ID: id, Quarter: "2026-Q2", AsOf: reviewAsOf, StartedBy: "sd", StartedAt: reviewAsOf}); err != nil {
		t.Fatalf("StartCreditReview: %v", err)
	}
	inputs, err := st.CreditInputs(ctx, ids, reviewAsOf, p)
	if err != nil {
		t.Fatal(err)
	}
	results := make([]sales.CreditResult, len(inputs))
	for i, in := range inputs {
		results[i] = sales.ComputeCreditLimit(in, p)
	}
	changed, err := st.ApplyCreditReview(ctx, id, "sd", results)
	if err != nil {
		t.Fatalf("ApplyCreditReview: %v", err)
	}
	return changed
}

func TestApplyCreditReviewIsIdempotent(t *testing.T) {
	st, url := demoStore(t)
	ctx := testContext(t)
	creditFixture(t, st)

	ids := []string{"C001", "C002", "C003", "C005"}
	if changed := review(t, st, "credit-review/2026-Q2/1", ids...); changed != 4 {
		t.Errorf("first apply changed %d customers, want 4", changed)
	}
	if changed := review(t, st, "credit-review/2026-Q2/1", ids...); changed != 4 {
		t.Errorf("applying again reports %d changed, want the same 4", changed)
	}
	if n := scalar[int](t, url, "SELECT count(*) FROM credit_history WHERE kind = 'review'"); n != 4 {
		t.Errorf("%d history rows, want one per customer", n)
	}
	r, err := st.CreditReview(ctx, "credit-review/2026-Q2/1")
	if err != nil {
		t.Fatal(err)
	}
	if r.CustomersDone != 4 || r.Changed != 4 || r.LastCustomer != "C005" || r.FinishedAt != nil {
		t.Errorf("review %+v, want 4 done, 4 changed, last C005, unfinished", r)
	}
	c, err := st.Customer(ctx, "C001")
	if err != nil {
		t.Fatal(err)
	}
	if c.Rating != "A" || c.CreditLimit != sales.Yuan(440_000) {
		t.Errorf("C001 after the review: %s %s, want A 440000.00", c.Rating, c.CreditLimit)
	}

	// A second review of the same data changes nothing but records its run.
	if changed := review(t, st, "credit-review/2026-Q2/2", ids...); changed != 0 {
		t.Errorf("an identical second review changed %d customers", changed)
	}
	v, err := st.CustomerCredit(ctx, "C001", reviewAsOf)
	if err != nil {
		t.Fatal(err)
	}
	if len(v.History) != 2 || v.History[0].Ref != "credit-review/2026-Q2/2" || v.History[1].OldLimit != sales.Yuan(1_500_000) {
		t.Fatalf("history %+v", v.History)
	}
	res := v.History[1].Result
	if res == nil || res.H != sales.Yuan(200_000) || res.Growth != 2000 || res.Cover != 20000 || len(res.Inputs.Months) != 24 || len(res.Inputs.Payments) != 1 {
		t.Errorf("the history does not show the inputs: %+v", res)
	}
	if n, err := st.CreditReviewCount(ctx, "2026-Q2"); err != nil || n != 2 {
		t.Errorf("CreditReviewCount = %d, %v; want 2", n, err)
	}
	if _, err := st.FinishCreditReview(ctx, "credit-review/2026-Q2/1", reviewAsOf.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	list, err := st.CreditReviews(ctx, 10)
	if err != nil || len(list) != 2 {
		t.Fatalf("CreditReviews = %d, %v", len(list), err)
	}
	_, err = st.FinishCreditReview(ctx, "credit-review/2026-Q2/9", reviewAsOf)
	wantCode(t, err, sales.ErrNotFound)
}

func TestApplyCreditReviewKeepsAnAdjustmentApprovedMeanwhile(t *testing.T) {
	st, _ := demoStore(t)
	ctx := testContext(t)
	creditFixture(t, st)
	p := sales.DefaultCreditPolicy()
	if _, err := st.StartCreditReview(ctx, sales.CreditReview{ID: "r1", Quarter: "2026-Q2", AsOf: reviewAsOf, StartedBy: "schedule", StartedAt: reviewAsOf}); err != nil {
		t.Fatal(err)
	}
	inputs, err := st.CreditInputs(ctx, []string{"C001"}, reviewAsOf, p)
	if err != nil {
		t.Fatal(err)
	}
	// Approved after the inputs were read, before they are applied.
	adj := sales.CreditAdjustment{ID: "CA-2026-000001", CustomerID: "C001", Amount: sales.Yuan(25_000), Reason: "new shop",
		ProposedBy: "kam-huadong-1", ProposedAt: bj(2026, 3, 30, 9), ExpiresAt: bj(2026, 9, 1, 0)}
	if _, err := st.RecordAdjustment(ctx, adj, nil); err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.DecideAdjustment(ctx, sales.AdjustmentDecision{ID: adj.ID, Approve: true, By: "dsd", At: bj(2026, 3, 31, 9)}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := st.ApplyCreditReview(ctx, "r1", "system", []sales.CreditResult{sales.ComputeCreditLimit(inputs[0], p)}); err != nil {
		t.Fatal(err)
	}
	c, _ := st.Customer(ctx, "C001")
	if c.CreditLimit != sales.Yuan(465_000) {
		t.Errorf("limit %s, want the formula's 440000.00 plus the adjustment 25000.00", c.CreditLimit)
	}
}

func TestApprovedAdjustmentChangesTheLimitAtOnceAndExpires(t *testing.T) {
	st, url := demoStore(t)
	ctx := testContext(t)
	adj := sales.CreditAdjustment{ID: "CA-2026-000001", CustomerID: "C003", Amount: sales.Yuan(200_000), Reason: "peak season",
		ProposedBy: "fin1", ProposedAt: bj(2026, 3, 2, 9), ExpiresAt: bj(2026, 6, 1, 0)}
	notes := []sales.Notification{{Key: "credit-adjustment/CA-2026-000001/proposed/dsd", RecipientID: "dsd", Kind: "credit_adjustment_proposed", Subject: "decide", At: adj.ProposedAt}}
	got, err := st.RecordAdjustment(ctx, adj, notes)
	if err != nil {
		t.Fatal(err)
	}
	if again, err := st.RecordAdjustment(ctx, adj, notes); err != nil || again.Status != sales.AdjustmentProposed || !again.ProposedAt.Equal(got.ProposedAt) {
		t.Fatalf("recording again: %+v, %v", again, err)
	}
	if n := scalar[int](t, url, "SELECT count(*) FROM notifications WHERE order_no IS NULL"); n != 1 {
		t.Errorf("%d notifications, want 1", n)
	}
	esc := &sales.Escalation{Key: "credit-adjustment/CA-2026-000001/escalated/1", Kind: sales.EscalateAdjustment,
		Subject: "still waits", Level: sales.LevelGM, Recipients: []string{"gm"}, At: bj(2026, 3, 4, 9)}
	for range 2 { // a retried activity writes the escalation once
		if err := st.EscalateAdjustment(ctx, adj.ID, sales.LevelGM, nil, esc); err != nil {
			t.Fatal(err)
		}
	}
	escs, err := st.ListEscalations(ctx, sales.EscalationFilter{AdjustmentID: adj.ID, Scope: sales.Scope{All: true}})
	if err != nil || len(escs) != 1 {
		t.Fatalf("escalations of %s: %+v, %v", adj.ID, escs, err)
	}
	if e := escs[0]; e.OrderNo != "" || e.CustomerID != "C003" || e.Market == "" || e.Kind != sales.EscalateAdjustment || e.Level != sales.LevelGM {
		t.Errorf("escalation %+v", e)
	}
	c3, _ := st.Customer(ctx, "C003")
	for kam, want := range map[string]int{c3.KAMID: 1, "nobody": 0} {
		if got, err := st.ListEscalations(ctx, sales.EscalationFilter{Scope: sales.Scope{KAMIDs: []string{kam}}}); err != nil || len(got) != want {
			t.Errorf("escalations in the scope of %s: %d, %v; want %d", kam, len(got), err, want)
		}
	}

	decide := func(approve bool, by string) (sales.CreditAdjustment, sales.Fen, error) {
		return st.DecideAdjustment(ctx, sales.AdjustmentDecision{ID: adj.ID, Approve: approve, By: by, Note: "ok", At: bj(2026, 3, 3, 9)}, nil)
	}
	_, _, err = decide(true, "fin1")
	wantCode(t, err, sales.ErrForbidden)
	got, limit, err := decide(true, "sd")
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != sales.AdjustmentApproved || got.DecidedBy != "sd" || got.Level != sales.LevelGM || limit != sales.Yuan(1_000_000) {
		t.Errorf("approved %+v, limit %s; want approved by sd at GM level, 800000.00 + 200000.00", got, limit)
	}
	if _, limit, err := decide(true, "sd"); err != nil || limit != sales.Yuan(1_000_000) {
		t.Errorf("deciding again the same way: %s, %v; want nothing changed", limit, err)
	}
	_, _, err = decide(false, "gm")
	wantCode(t, err, sales.ErrConflict)

	v, err := st.CustomerCredit(ctx, "C003", bj(2026, 3, 4, 9))
	if err != nil {
		t.Fatal(err)
	}
	if v.Limit != sales.Yuan(1_000_000) || v.BaseLimit != sales.Yuan(800_000) || len(v.Adjustments) != 1 || len(v.History) != 1 {
		t.Fatalf("view %+v", v)
	}
	h := v.History[0]
	if h.Kind != sales.CreditChangeAdjustment || h.Ref != adj.ID || h.OldLimit != sales.Yuan(800_000) || h.NewLimit != sales.Yuan(1_000_000) ||
		h.Result == nil || h.Result.Adjustment != sales.Yuan(200_000) || h.Actor != "sd" {
		t.Errorf("history %+v", h)
	}

	ended, limit, err := st.EndAdjustment(ctx, adj.ID, adj.ExpiresAt, nil)
	if err != nil {
		t.Fatal(err)
	}
	if ended.Status != sales.AdjustmentExpired || ended.EndedAt == nil || limit != sales.Yuan(800_000) {
		t.Errorf("ended %+v, limit %s; want expired and back to 800000.00", ended, limit)
	}
	if _, limit, err := st.EndAdjustment(ctx, adj.ID, adj.ExpiresAt, nil); err != nil || limit != sales.Yuan(800_000) {
		t.Errorf("ending again: %s, %v", limit, err)
	}
	if n := scalar[int](t, url, "SELECT count(*) FROM credit_history WHERE customer_id = 'C003'"); n != 2 {
		t.Errorf("%d history rows, want approval and expiry", n)
	}
	list, err := st.ListAdjustments(ctx, sales.AdjustmentFilter{Status: sales.AdjustmentExpired, Scope: sales.Scope{KAMIDs: []string{"kam-huadong-2"}}})
	if err != nil || len(list) != 1 || list[0].ID != adj.ID {
		t.Errorf("ListAdjustments in C003's KAM's scope = %+v, %v", list, err)
	}
	if list, _ := st.ListAdjustments(ctx, sales.AdjustmentFilter{Scope: sales.Scope{KAMIDs: []string{"kam-huanan-1"}}}); len(list) != 0 {
		t.Errorf("another KAM sees %+v", list)
	}
}

func TestAnUnansweredProposalLapsesWithoutChangingTheLimit(t *testing.T) {
	st, _ := demoStore(t)
	ctx := testContext(t)
	adj := sales.CreditAdjustment{ID: "CA-2026-000009", CustomerID: "C004", Amount: sales.Yuan(-100_000), Reason: "risk",
		ProposedBy: "fin1", ProposedAt: bj(2026, 3, 2, 9), ExpiresAt: bj(2026, 6, 1, 0)}
	if _, err := st.RecordAdjustment(ctx, adj, nil); err != nil {
		t.Fatal(err)
	}
	got, limit, err := st.EndAdjustment(ctx, adj.ID, bj(2026, 3, 5, 9), nil)
	if err != nil || got.Status != sales.AdjustmentExpired || got.DecidedBy != "" || limit != sales.Yuan(600_000) {
		t.Errorf("lapsed %+v, limit %s, %v", got, limit, err)
	}
	_, _, err = st.DecideAdjustment(ctx, sales.AdjustmentDecision{ID: adj.ID, Approve: true, By: "sd", At: bj(2026, 3, 6, 9)}, nil)
	wantCode(t, err, sales.ErrConflict)
	_, _, err = st.DecideAdjustment(ctx, sales.AdjustmentDecision{ID: "CA-2026-999999", Approve: true, By: "sd"}, nil)
	wantCode(t, err, sales.ErrNotFound)
}

// dunningChanges is an order of C002 whose invoice reached the GM rung (and
// froze the customer), or was paid when paid is set.
func dunningChanges(version int, paid bool) sales.OrderChanges {
	o := order("SO-2026-000077", "C002", sales.StatusBilled, sales.BC5Dunning, sales.LevelGM)
	o.Version, o.UpdatedAt = version, *at(40 + version)
	inv := invoice("IV-D1", sales.Yuan(10_000), t0, 5, nil, sales.LevelGM)
	c := sales.OrderChanges{Order: o}
	if paid {
		inv.Paid, inv.PaidAt = inv.Amount, at(40+version)
		o.Status = sales.StatusRemitted
	} else {
		c.Freeze = &sales.Freeze{CustomerID: "C002", Reason: "invoice IV-D1 30 days overdue", At: *at(35)}
	}
	o.Invoices = []sales.Invoice{inv}
	return c
}

func TestPayingTheOverdueInvoicesLiftsTheDunningFreeze(t *testing.T) {
	st, url := demoStore(t)
	ctx := testContext(t)
	applyChanges(t, st, dunningChanges(1, false))
	if c, _ := st.Customer(ctx, "C002"); !c.Frozen {
		t.Fatal("the GM rung did not freeze C002")
	}
	// Another order's open invoice at a lower rung does not keep the freeze.
	billed(t, st, "SO-2026-000078", "C002", invoice("IV-D2", sales.Yuan(1_000), t0, 20, nil, sales.LevelMM))
	if c, _ := st.Customer(ctx, "C002"); !c.Frozen {
		t.Fatal("writing another order lifted the freeze")
	}
	applyChanges(t, st, dunningChanges(2, true))
	v, err := st.CustomerCredit(ctx, "C002", *at(43))
	if err != nil {
		t.Fatal(err)
	}
	if v.Frozen || v.FrozenBy != "" {
		t.Fatalf("C002 still frozen after paying: %+v", v)
	}
	if len(v.History) != 2 || v.History[0].Kind != sales.CreditChangeUnfreeze || v.History[1].Kind != sales.CreditChangeFreeze ||
		!strings.Contains(v.History[0].Note, "paid") {
		t.Errorf("history %+v, want the freeze and its lifting", v.History)
	}
	applyChanges(t, st, dunningChanges(2, true))
	if n := scalar[int](t, url, "SELECT count(*) FROM credit_history WHERE customer_id = 'C002'"); n != 2 {
		t.Errorf("writing the payment again: %d history rows, want 2", n)
	}
}

func TestAnSLTFreezeIsNotLiftedByPaying(t *testing.T) {
	st, _ := demoStore(t)
	ctx := testContext(t)
	applyChanges(t, st, dunningChanges(1, false))
	if err := st.FreezeCustomer(ctx, "C002", "sd", "wait for the audit", *at(36)); err != nil {
		t.Fatal(err)
	}
	wantCode(t, st.FreezeCustomer(ctx, "C002", "sd", "again", *at(37)), sales.ErrConflict)
	applyChanges(t, st, dunningChanges(2, true))
	v, _ := st.CustomerCredit(ctx, "C002", *at(43))
	if !v.Frozen || v.FrozenBy != sales.FrozenBySLT || v.FrozenReason != "wait for the audit" {
		t.Fatalf("paying lifted an SLT freeze: %+v", v)
	}
	if err := st.UnfreezeCustomer(ctx, "C002", "dsd", "audit done", *at(44)); err != nil {
		t.Fatal(err)
	}
	v, _ = st.CustomerCredit(ctx, "C002", *at(45))
	if v.Frozen || v.History[0].Kind != sales.CreditChangeUnfreeze || v.History[0].Actor != "dsd" {
		t.Errorf("after the SLT unfroze: %+v", v)
	}
	wantCode(t, st.UnfreezeCustomer(ctx, "C002", "dsd", "again", *at(46)), sales.ErrConflict)
	wantCode(t, st.FreezeCustomer(ctx, "C999", "sd", "x", *at(46)), sales.ErrNotFound)
}

func TestCustomerCreditShowsExposureUseAndOverdue(t *testing.T) {
	st, _ := demoStore(t)
	ctx := testContext(t)
	creditFixture(t, st)
	// An open order that has not billed ¥12,000.
	o := order("SO-2026-000050", "C003", sales.StatusReleased, sales.SP1Plan, sales.LevelNone)
	o.Unbilled = sales.Yuan(12_000)
	applyChanges(t, st, sales.OrderChanges{Order: o})

	v, err := st.CustomerCredit(ctx, "C003", reviewAsOf)
	if err != nil {
		t.Fatal(err)
	}
	want := sales.CreditView{CustomerID: "C003", Rating: "B", Limit: sales.Yuan(800_000), BaseLimit: sales.Yuan(800_000),
		OpenReceivables: sales.Yuan(100_000), UnbilledOrders: sales.Yuan(12_000), Exposure: sales.Yuan(112_000),
		Overdue: sales.Yuan(100_000), OverdueInvoices: 1, OldestOverdueDays: 91}
	got := sales.CreditView{CustomerID: v.CustomerID, Rating: v.Rating, Limit: v.Limit, BaseLimit: v.BaseLimit,
		OpenReceivables: v.OpenReceivables, UnbilledOrders: v.UnbilledOrders, Exposure: v.Exposure,
		Overdue: v.Overdue, OverdueInvoices: v.OverdueInvoices, OldestOverdueDays: v.OldestOverdueDays}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("view\n%+v\nwant\n%+v", got, want)
	}
	if v.UseBasisPoints == nil || *v.UseBasisPoints != 1400 || v.CustomerName == "" || v.Market != "华东" {
		t.Errorf("use %v, name %q, market %q", v.UseBasisPoints, v.CustomerName, v.Market)
	}
	if v.Adjustments == nil || v.History == nil {
		t.Error("empty lists must be [] for the API, not null")
	}
	_, err = st.CustomerCredit(ctx, "C999", reviewAsOf)
	wantCode(t, err, sales.ErrNotFound)
}
