package postgres_test

import (
	"reflect"
	"testing"
	"time"

	"osb/postgres"
	"osb/sales"
)

// d26 is a day of 2026 at 09:00 in Beijing.
func d26(month time.Month, day int) time.Time {
	return time.Date(2026, month, day, 9, 0, 0, 0, sales.Beijing)
}

func some[T any](v T) *T { return &v }

// asOfDay is the day the hand-computed figures are as of: 30 June 2026.
var asOfDay = d26(6, 30)

// overdueBy is a due date d days before asOfDay.
func overdueBy(d int) time.Time { return asOfDay.AddDate(0, 0, -d).Add(time.Hour) }

var everyone = sales.Scope{All: true}

// reportFixture writes orders whose report figures are worked out by hand in
// the tests (amounts in yuan):
//
//	A  C001 billed    created 1 Mar: invoices of 100…800 due 0, 1, 30, 31, 60, 61, 90, 91 days before 30 Jun
//	B  C002 billed    created 2 Jun: invoice 1000 due 20 Jun, 400 paid 15 Jun; invoice 500 due 15 Jul, 300 paid 2 Jul
//	C  C003 billed    created 10 Apr: invoice 1000 due 16 May, a 250 credit note on 20 May
//	D  C003 cancelled created 5 Jun: an invoice of 9999 that no report may count
//	E  C004 remitted  created 10 Jun: invoice 2000 issued 12 Jun, paid 20 Jun; a 100 credit note
//	                  refunded to the customer's credit on 25 Jun
//	F  C005 held      created 12 Jun: 800 unbilled
func reportFixture(t *testing.T, st *postgres.Store) {
	t.Helper()
	a := order("SO-2026-000201", "C001", sales.StatusBilled, sales.BC5Dunning, sales.LevelNone)
	a.CreatedAt, a.Unbilled, a.Total = d26(3, 1), 0, sales.Yuan(3600)
	a.Lines = []sales.Line{{LineNo: 1, SKU: "SKU-1001", Quantity: 100, UnitPrice: 3600}}
	for i, d := range []int{0, 1, 30, 31, 60, 61, 90, 91} {
		due := overdueBy(d)
		a.Invoices = append(a.Invoices, sales.Invoice{No: "IV-A-" + string(rune('0'+i)), ShipmentNo: "SH-A",
			Currency: sales.CNY, Amount: sales.Yuan(int64(100 * (i + 1))), IssuedAt: due.AddDate(0, 0, -30), DueAt: due})
	}

	b := order("SO-2026-000202", "C002", sales.StatusBilled, sales.BC6Payment, sales.LevelNone)
	b.CreatedAt, b.Unbilled, b.Total = d26(6, 2), 0, sales.Yuan(1500)
	b.Lines = []sales.Line{{LineNo: 1, SKU: "SKU-1002", Quantity: 10, UnitPrice: sales.Yuan(150)}}
	b.Shipments = []sales.Shipment{
		{No: "SH-B-1", Lines: []sales.LineQty{{LineNo: 1, Quantity: 6}}, Carrier: "顺丰速运", Waybill: "SF1",
			IssuedAt: d26(6, 5), DeliveredAt: some(d26(6, 7)), InvoiceNo: "IV-B-1"},
		{No: "SH-B-2", Lines: []sales.LineQty{{LineNo: 1, Quantity: 4}}, Carrier: "顺丰速运", Waybill: "SF2",
			IssuedAt: d26(6, 10), DeliveredAt: some(d26(6, 13).Add(12 * time.Hour)), InvoiceNo: "IV-B-2"},
	}
	b.Invoices = []sales.Invoice{
		{No: "IV-B-1", ShipmentNo: "SH-B-1", Currency: sales.CNY, Amount: sales.Yuan(1000), Paid: sales.Yuan(400),
			IssuedAt: d26(6, 5), DueAt: d26(6, 20)},
		{No: "IV-B-2", ShipmentNo: "SH-B-2", Currency: sales.CNY, Amount: sales.Yuan(500), Paid: sales.Yuan(300),
			IssuedAt: d26(6, 10), DueAt: d26(7, 15)},
	}
	b.Receipts = []sales.Receipt{
		{Reference: "R-B-1", Amount: sales.Yuan(400), Currency: sales.CNY, ReceivedAt: d26(6, 15), ConfirmedBy: "fin1",
			Allocations: []sales.Allocation{{InvoiceNo: "IV-B-1", Amount: sales.Yuan(400)}}},
		{Reference: "R-B-2", Amount: sales.Yuan(300), Currency: sales.CNY, ReceivedAt: d26(7, 2), ConfirmedBy: "fin1",
			Allocations: []sales.Allocation{{InvoiceNo: "IV-B-2", Amount: sales.Yuan(300)}}},
	}

	c := order("SO-2026-000203", "C003", sales.StatusBilled, sales.BC5Dunning, sales.LevelNone)
	c.CreatedAt, c.Unbilled = d26(4, 10), 0
	c.Invoices = []sales.Invoice{{No: "IV-C-1", ShipmentNo: "SH-C-1", Currency: sales.CNY, Amount: sales.Yuan(1000),
		Credited: sales.Yuan(250), IssuedAt: d26(4, 16), DueAt: d26(5, 16)}}

	d := order("SO-2026-000204", "C003", sales.StatusCancelled, sales.OP7Release, sales.LevelNone)
	d.CreatedAt, d.Unbilled, d.ClosedAt = d26(6, 5), 0, some(d26(6, 6))
	d.Shipments = []sales.Shipment{{No: "SH-D-1", Lines: []sales.LineQty{{LineNo: 1, Quantity: 10}}, Carrier: "德邦物流",
		IssuedAt: d26(6, 5), InvoiceNo: "IV-D-1"}}
	d.Invoices = []sales.Invoice{{No: "IV-D-1", ShipmentNo: "SH-D-1", Currency: sales.CNY, Amount: sales.Yuan(9999),
		IssuedAt: d26(6, 5), DueAt: d26(6, 25)}}

	e := order("SO-2026-000205", "C004", sales.StatusRemitted, sales.BC7Close, sales.LevelNone)
	e.CreatedAt, e.Unbilled, e.ClosedAt = d26(6, 10), 0, some(d26(6, 20))
	e.Lines = []sales.Line{{LineNo: 1, SKU: "SKU-1005", Quantity: 20, UnitPrice: sales.Yuan(100)}}
	e.Shipments = []sales.Shipment{{No: "SH-E-1", Lines: []sales.LineQty{{LineNo: 1, Quantity: 20}}, Carrier: "德邦物流",
		Waybill: "DB1", IssuedAt: d26(6, 12), InvoiceNo: "IV-E-1"}}
	e.Invoices = []sales.Invoice{{No: "IV-E-1", ShipmentNo: "SH-E-1", Currency: sales.CNY, Amount: sales.Yuan(2000),
		Paid: sales.Yuan(2000), IssuedAt: d26(6, 12), DueAt: d26(7, 12), PaidAt: some(d26(6, 20))}}
	e.Receipts = []sales.Receipt{{Reference: "R-E-1", Amount: sales.Yuan(2000), Currency: sales.CNY, ReceivedAt: d26(6, 20),
		ConfirmedBy: "fin1", Allocations: []sales.Allocation{{InvoiceNo: "IV-E-1", Amount: sales.Yuan(2000)}}}}

	f := order("SO-2026-000206", "C005", sales.StatusHeld, sales.OP5Hold, sales.LevelNone)
	f.CreatedAt, f.Unbilled, f.Total = d26(6, 12), sales.Yuan(800), sales.Yuan(800)

	for _, o := range []*sales.OrderSnapshot{a, b, c, d, e, f} {
		o.UpdatedAt = o.CreatedAt
		applyChanges(t, st, sales.OrderChanges{Order: o})
	}
	applyChanges(t, st, creditNote(c, "IV-C-1", sales.Yuan(250), 0, d26(5, 20)))
	applyChanges(t, st, creditNote(e, "", sales.Yuan(100), sales.Yuan(100), d26(6, 25)))
}

// creditNote is a received return of order o credited at at: amount against
// invoice (none when it was paid), refund to the customer's credit.
func creditNote(o *sales.OrderSnapshot, invoice string, amount, refund sales.Fen, at time.Time) sales.OrderChanges {
	rt := sales.Return{No: "RT-" + o.OrderNo[3:] + "-1", Source: sales.ReturnByRequest, Reason: "破损",
		Lines: []sales.LineQty{{LineNo: 1, Quantity: 1}}, Value: amount, Approver: sales.LevelUM,
		Status: sales.ReturnReceived, RequestedBy: "csr1", RequestedAt: at.AddDate(0, 0, -3), Since: at,
		ReceivedBy: "log1", ReceivedAt: &at, CreditNote: "CN-" + o.OrderNo[3:] + "-1", UpdatedAt: at}
	cn := sales.CreditNote{No: rt.CreditNote, ReturnNo: rt.No, OrderNo: o.OrderNo, CustomerID: o.CustomerID,
		Currency: sales.CNY, Lines: rt.Lines, Amount: amount, Refund: refund, IssuedAt: at}
	if invoice != "" {
		cn.Allocations = []sales.Allocation{{InvoiceNo: invoice, Amount: amount - refund}}
	}
	return sales.OrderChanges{Returns: []sales.Return{rt}, CreditNotes: []sales.CreditNote{cn}}
}

func june() sales.Period {
	p, _ := sales.MonthPeriod("2026-06")
	return p
}

func TestAgeingPutsEveryBoundaryInItsBand(t *testing.T) {
	st, _ := demoStore(t)
	reportFixture(t, st)
	ctx := testContext(t)
	f := sales.ReportFilter{Scope: everyone, AsOf: june().Last()}
	y := sales.Yuan
	row := func(group, key string, a sales.Ageing) sales.AgeingRow {
		a.Total = a.NotDue + a.Days1To30 + a.Days31To60 + a.Days61To90 + a.Over90
		return sales.AgeingRow{Group: group, Key: key, Currency: sales.CNY, Ageing: a}
	}
	for _, tc := range []struct {
		group string
		want  []sales.AgeingRow
	}{
		{"customer", []sales.AgeingRow{
			// 0 days: not due; 1 and 30: 1–30; 31 and 60: 31–60; 61 and 90: 61–90; 91: over 90.
			row("customer", "C001", sales.Ageing{NotDue: y(100), Days1To30: y(200 + 300), Days31To60: y(400 + 500), Days61To90: y(600 + 700), Over90: y(800)}),
			// Paid 400 of 1000 before; the 300 paid on 2 July still counts as owed on 30 June.
			row("customer", "C002", sales.Ageing{NotDue: y(500), Days1To30: y(600)}),
			// 1000 less a 250 credit note, 45 days late; the cancelled order's 9999 is left out.
			row("customer", "C003", sales.Ageing{Days31To60: y(750)}),
		}},
		{"kam", []sales.AgeingRow{
			row("kam", "kam-huadong-1", sales.Ageing{NotDue: y(600), Days1To30: y(1100), Days31To60: y(900), Days61To90: y(1300), Over90: y(800)}),
			row("kam", "kam-huadong-2", sales.Ageing{Days31To60: y(750)}),
		}},
		{"market", []sales.AgeingRow{
			row("market", "华东", sales.Ageing{NotDue: y(600), Days1To30: y(1100), Days31To60: y(1650), Days61To90: y(1300), Over90: y(800)}),
		}},
	} {
		got, err := st.Ageing(ctx, f, tc.group)
		if err != nil {
			t.Fatalf("Ageing by %s: %v", tc.group, err)
		}
		for i := range got {
			got[i].Name, got[i].Market, got[i].KAMID = "", "", ""
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("ageing by %s:\n got %+v\nwant %+v", tc.group, got, tc.want)
		}
	}

	// Five days later the 2 July receipt counts and every band has moved on.
	later, err := st.Ageing(ctx, sales.ReportFilter{Scope: everyone, AsOf: d26(7, 5), CustomerID: "C002"}, "customer")
	if err != nil {
		t.Fatal(err)
	}
	if want := (sales.Ageing{NotDue: y(200), Days1To30: y(600), Total: y(800)}); len(later) != 1 || later[0].Ageing != want {
		t.Errorf("C002 on 5 July: %+v, want %+v", later, want)
	}
	// Before its credit note C003 owed the whole 1000, two days late.
	before, err := st.Ageing(ctx, sales.ReportFilter{Scope: everyone, AsOf: d26(5, 18), CustomerID: "C003"}, "customer")
	if err != nil {
		t.Fatal(err)
	}
	if want := (sales.Ageing{Days1To30: y(1000), Total: y(1000)}); len(before) != 1 || before[0].Ageing != want {
		t.Errorf("C003 on 18 May: %+v, want %+v", before, want)
	}
	// A KAM sees only their own customers.
	scoped, err := st.Ageing(ctx, sales.ReportFilter{Scope: sales.Scope{KAMIDs: []string{"kam-huadong-2"}}, AsOf: f.AsOf}, "customer")
	if err != nil {
		t.Fatal(err)
	}
	if len(scoped) != 1 || scoped[0].Key != "C003" {
		t.Errorf("kam-huadong-2 sees %+v, want C003 only", scoped)
	}
	if _, err := st.Ageing(ctx, f, "sku"); sales.ErrorCode(err) != sales.ErrInvalid {
		t.Errorf("ageing by sku: %v, want invalid", err)
	}
}

func TestCreditRatingTableShowsExposureUseAndOverdue(t *testing.T) {
	st, _ := demoStore(t)
	reportFixture(t, st)
	rows, err := st.CreditRatings(testContext(t), sales.ReportFilter{Scope: everyone, AsOf: asOfDay, Market: "华东"})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]sales.CreditRatingRow{}
	for _, r := range rows {
		got[r.CustomerID] = r
	}
	if len(rows) != 5 {
		t.Fatalf("华东 has %d customers in the table, want 5", len(rows))
	}
	for _, want := range []sales.CreditRatingRow{
		{CustomerID: "C001", Exposure: sales.Yuan(3600), UsePct: some(0.2), Overdue: sales.Yuan(3500), OldestOverdueDays: 91},
		// Balances are current: the 2 July receipt counts.
		{CustomerID: "C002", Exposure: sales.Yuan(800), UsePct: some(0.0), Overdue: sales.Yuan(600), OldestOverdueDays: 10},
		{CustomerID: "C003", Exposure: sales.Yuan(750), UsePct: some(0.1), Overdue: sales.Yuan(750), OldestOverdueDays: 45},
		{CustomerID: "C004", Exposure: 0, UsePct: some(0.0)},
		// The held order's unbilled amount is exposure too.
		{CustomerID: "C005", Exposure: sales.Yuan(800), UsePct: some(0.3)},
	} {
		g := got[want.CustomerID]
		if g.Exposure != want.Exposure || *g.UsePct != *want.UsePct || g.Overdue != want.Overdue ||
			g.OldestOverdueDays != want.OldestOverdueDays {
			t.Errorf("%s: exposure %s use %v overdue %s oldest %d; want %s %v %s %d", want.CustomerID, g.Exposure,
				*g.UsePct, g.Overdue, g.OldestOverdueDays, want.Exposure, *want.UsePct, want.Overdue, want.OldestOverdueDays)
		}
	}
	if c := got["C001"]; c.KAMName != "彭磊" || c.Rating != "A" || c.Limit != sales.Yuan(1_500_000) {
		t.Errorf("C001 row %+v", c)
	}
}

func TestReplenishmentRecordHasTheConfirmedLinesOfThePeriod(t *testing.T) {
	st, _ := demoStore(t)
	reportFixture(t, st)
	rows, err := st.Replenishment(testContext(t), sales.ReportFilter{Scope: everyone, Period: june()})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rows {
		got = append(got, r.OrderNo+" "+r.SKU+" "+r.Amount.String())
	}
	// B and E; the cancelled D and the held F were never confirmed or no longer stand.
	want := []string{"SO-2026-000202 SKU-1002 1500.00", "SO-2026-000205 SKU-1005 2000.00"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("replenishment record %v, want %v", got, want)
	}
	if rows[0].SKUName == "" || rows[0].Shipped != 10 || rows[0].CustomerName == "" {
		t.Errorf("first row %+v", rows[0])
	}
}

func TestReceivablesRecordRunsTheBalanceFromWhatWasBroughtForward(t *testing.T) {
	st, _ := demoStore(t)
	reportFixture(t, st)
	ctx := testContext(t)
	rows, err := st.Receivables(ctx, sales.ReportFilter{Scope: everyone, Period: june(), CustomerID: "C002"})
	if err != nil {
		t.Fatal(err)
	}
	type line struct {
		kind, doc              string
		debit, credit, balance sales.Fen
	}
	var got []line
	for _, r := range rows {
		got = append(got, line{r.Kind, r.Document, r.Debit, r.Credit, r.Balance})
	}
	y := sales.Yuan
	want := []line{
		{sales.EntryOpening, "", 0, 0, 0},
		{sales.EntryInvoice, "IV-B-1", y(1000), 0, y(1000)},
		{sales.EntryInvoice, "IV-B-2", y(500), 0, y(1500)},
		{sales.EntryReceipt, "R-B-1", 0, y(400), y(1100)},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("C002 in June:\n got %+v\nwant %+v", got, want)
	}
	// C003: the April invoice less its May credit note is brought forward;
	// the cancelled order's invoice is not there at all.
	rows, err = st.Receivables(ctx, sales.ReportFilter{Scope: everyone, Period: june(), CustomerID: "C003"})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].Kind != sales.EntryOpening || rows[0].Balance != y(750) {
		t.Errorf("C003 in June: %+v, want only 750 brought forward", rows)
	}
	// C004 paid in full, then was credited 100: the customer is owed 100.
	rows, err = st.Receivables(ctx, sales.ReportFilter{Scope: everyone, Period: june(), CustomerID: "C004"})
	if err != nil {
		t.Fatal(err)
	}
	got = nil
	for _, r := range rows {
		got = append(got, line{r.Kind, r.Document, r.Debit, r.Credit, r.Balance})
	}
	want = []line{
		{sales.EntryOpening, "", 0, 0, 0},
		{sales.EntryInvoice, "IV-E-1", y(2000), 0, y(2000)},
		{sales.EntryReceipt, "R-E-1", 0, y(2000), 0},
		{sales.EntryCreditNote, "CN-2026-000205-1", 0, y(100), y(-100)},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("C004 in June:\n got %+v\nwant %+v", got, want)
	}
}

func TestDSOIsReceivablesAtTheEndOverTheMonthsSales(t *testing.T) {
	st, _ := demoStore(t)
	reportFixture(t, st)
	rows, err := st.DSO(testContext(t), sales.ReportFilter{Scope: everyone, Period: june()})
	if err != nil {
		t.Fatal(err)
	}
	// 5450 open on 30 June over June's 1000 + 500 + 2000 invoiced less the
	// 100 credit note, times 30 days: 48.09.
	want := []sales.DSORow{{Market: "华东", Currency: sales.CNY, Receivables: sales.Yuan(5450), Sales: sales.Yuan(3400),
		Days: 30, DSO: some(48.1)}}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("DSO %+v, want %+v", rows, want)
	}
}

func TestSalesAndCollectionsAgainstTargetRollUpTheLine(t *testing.T) {
	st, _ := demoStore(t)
	reportFixture(t, st)
	ctx := testContext(t)
	y := sales.Yuan
	_, err := st.SetTargets(ctx, sales.TargetRequest{Month: "2026-06", Targets: []sales.TargetEntry{
		{Dimension: sales.ByMarket, Key: "华东", Sales: y(10000), Collections: y(5000)},
		{Dimension: sales.ByMM, Key: "mm-huadong", Sales: y(8000)},
		{Dimension: sales.ByUM, Key: "um-huadong-1", Sales: y(5000)},
		{Dimension: sales.ByKAM, Key: "kam-huadong-1", Sales: y(4000)},
		{Dimension: sales.ByKAM, Key: "kam-huanan-1", Sales: y(1000), Collections: y(1000)},
	}}, "sd", d26(6, 1))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := st.TargetReport(ctx, "2026-06", everyone)
	if err != nil {
		t.Fatal(err)
	}
	type fig struct {
		key                 string
		target, sales, coll sales.Fen
		salesPct            *float64
	}
	var got []fig
	for _, r := range rows {
		got = append(got, fig{string(r.Dimension) + ":" + r.Key, r.SalesTarget, r.Sales, r.Collections, r.SalesPct})
	}
	want := []fig{
		{"market:华东", y(10000), y(3400), y(2400), some(34.0)},
		{"mm:mm-huadong", y(8000), y(3400), y(2400), some(42.5)},
		{"um:um-huadong-1", y(5000), y(1500), y(400), some(30.0)},
		{"um:um-huadong-2", 0, y(1900), y(2000), nil},
		{"kam:kam-huadong-1", y(4000), y(1500), y(400), some(37.5)},
		{"kam:kam-huadong-3", 0, y(1900), y(2000), nil},
		{"kam:kam-huanan-1", y(1000), 0, 0, some(0.0)},
		{"distributor:C002", 0, y(1500), y(400), nil},
		{"distributor:C004", 0, y(1900), y(2000), nil},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("against target:\n got %+v\nwant %+v", got, want)
	}
	if rows[0].Name != "华东" || rows[1].Name != "徐振华" || *rows[0].CollectionsPct != 48.0 {
		t.Errorf("rows %+v %+v", rows[0], rows[1])
	}
	// A UM sees themselves and their KAMs, not whole markets.
	scoped, err := st.TargetReport(ctx, "2026-06", sales.Scope{KAMIDs: []string{"um-huadong-1", "kam-huadong-1", "kam-huadong-2"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(scoped) != 3 || scoped[0].Key != "um-huadong-1" || scoped[1].Key != "kam-huadong-1" || scoped[2].Key != "C002" {
		t.Errorf("the UM sees %+v", scoped)
	}
	_, err = st.SetTargets(ctx, sales.TargetRequest{Month: "2026-06", Targets: []sales.TargetEntry{
		{Dimension: sales.ByUM, Key: "kam-huadong-1", Sales: 1}}}, "sd", d26(6, 1))
	wantCode(t, err, sales.ErrInvalid)
}

func TestReachCountsDistributorsWithAnOrderInThePeriod(t *testing.T) {
	st, _ := demoStore(t)
	reportFixture(t, st)
	rows, err := st.Reach(testContext(t), sales.ReportFilter{Scope: everyone, Period: june(), Market: "华东"})
	if err != nil {
		t.Fatal(err)
	}
	// C002, C004 and C005 (held, still an order) ordered; C003 only cancelled.
	want := []sales.ReachRow{{Market: "华东", Customers: 5, Ordering: 3, ReachPct: some(60.0)}}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("reach %+v, want %+v", rows, want)
	}
}

func TestShipmentInfoShowsCarrierLeadTimeAndTheLastShipments(t *testing.T) {
	st, _ := demoStore(t)
	reportFixture(t, st)
	rows, err := st.ShipmentInfo(testContext(t), sales.ReportFilter{Scope: everyone, Period: june(), CustomerID: "C002"})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 {
		t.Fatalf("rows %+v", rows)
	}
	r := rows[0]
	// 2 days and 3.5 days: 2.75, shown as 2.8.
	if r.Carrier != "顺丰速运" || r.Shipments != 2 || r.Delivered != 2 || r.LeadTimeDays == nil || *r.LeadTimeDays != 2.8 ||
		r.ShipTo == "" {
		t.Errorf("C002 %+v", r)
	}
	if len(r.LastShipments) != 2 || r.LastShipments[0].No != "SH-B-2" || !r.LastShipments[0].IssuedAt.Equal(d26(6, 10)) ||
		r.LastShipments[0].DeliveredAt == nil {
		t.Errorf("last shipments %+v", r.LastShipments)
	}
}

func TestFocusAndPacksAreStoredOncePerMonth(t *testing.T) {
	st, _ := demoStore(t)
	ctx := testContext(t)
	if _, err := st.Focus(ctx, "2026-07"); sales.ErrorCode(err) != sales.ErrNotFound {
		t.Errorf("focus before it was set: %v", err)
	}
	_, err := st.SetFocus(ctx, "2026-07", sales.FocusRequest{Main: "回款", Secondary: []string{"铺货", "新品"}}, "sd", d26(6, 28))
	if err != nil {
		t.Fatal(err)
	}
	f, err := st.SetFocus(ctx, "2026-07", sales.FocusRequest{Main: "回款率到95%", Secondary: []string{"华南铺货", "新品上市"}}, "gm", d26(6, 29))
	if err != nil {
		t.Fatal(err)
	}
	if f.Main != "回款率到95%" || !reflect.DeepEqual(f.Secondary, []string{"华南铺货", "新品上市"}) || f.SetBy != "gm" {
		t.Errorf("focus %+v", f)
	}
	_, err = st.SetFocus(ctx, "2026-07", sales.FocusRequest{Main: "x", Secondary: []string{"only one"}}, "gm", d26(6, 29))
	wantCode(t, err, sales.ErrInvalid)

	pack := sales.MeetingPack{Kind: sales.PackSLT, Month: "2026-06", GeneratedAt: d26(7, 5), Focus: &f}
	first, err := st.SavePack(ctx, pack, "w1", "r1", []byte("PK-first"))
	if err != nil {
		t.Fatal(err)
	}
	pack.GeneratedAt = d26(7, 6)
	again, err := st.SavePack(ctx, pack, "w2", "r2", []byte("PK-second!"))
	if err != nil {
		t.Fatal(err)
	}
	if again.ID != first.ID || again.XLSXBytes != 10 || again.RunID != "r2" {
		t.Errorf("saved again %+v after %+v, want the same pack replaced", again, first)
	}
	list, err := st.ListPacks(ctx, sales.PackFilter{Kind: sales.PackSLT})
	if err != nil || len(list) != 1 || list[0].Content != nil {
		t.Fatalf("packs %+v (%v)", list, err)
	}
	rec, err := st.Pack(ctx, first.ID)
	if err != nil || rec.Content == nil || rec.Content.Focus.Main != "回款率到95%" || !rec.GeneratedAt.Equal(d26(7, 6)) {
		t.Errorf("pack %+v (%v)", rec, err)
	}
	_, xlsx, err := st.PackWorkbook(ctx, first.ID)
	if err != nil || string(xlsx) != "PK-second!" {
		t.Errorf("workbook %q (%v)", xlsx, err)
	}
	if _, err := st.Pack(ctx, 999); sales.ErrorCode(err) != sales.ErrNotFound {
		t.Errorf("pack 999: %v", err)
	}
}

func TestTargetsListedForAnFSFUserAreTheirLinesOnly(t *testing.T) {
	st, _ := demoStore(t)
	ctx := testContext(t)
	y := sales.Yuan
	if _, err := st.SetTargets(ctx, sales.TargetRequest{Month: "2026-06", Targets: []sales.TargetEntry{
		{Dimension: sales.ByMarket, Key: "华东", Sales: y(10000)},
		{Dimension: sales.ByMM, Key: "mm-huadong", Sales: y(8000)},
		{Dimension: sales.ByUM, Key: "um-huadong-1", Sales: y(5000)},
		{Dimension: sales.ByKAM, Key: "kam-huadong-1", Sales: y(4000)},
		{Dimension: sales.ByKAM, Key: "kam-huanan-1", Sales: y(1000)},
	}}, "sd", d26(6, 1)); err != nil {
		t.Fatal(err)
	}
	all, err := st.Targets(ctx, "2026-06", everyone)
	if err != nil || len(all) != 5 {
		t.Fatalf("everyone sees %d targets, want 5: %v", len(all), err)
	}
	reports, err := st.Reports(ctx, "um-huadong-1")
	if err != nil {
		t.Fatal(err)
	}
	um := sales.ScopeOf(sales.User{ID: "um-huadong-1", Role: sales.RoleFSF}, reports)
	got, err := st.Targets(ctx, "2026-06", um)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, x := range got {
		keys = append(keys, string(x.Dimension)+":"+x.Key)
	}
	if want := []string{"um:um-huadong-1", "kam:kam-huadong-1"}; !reflect.DeepEqual(keys, want) {
		t.Errorf("the UM sees %v, want %v (never the market's or another line's)", keys, want)
	}
}
