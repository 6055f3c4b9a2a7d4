package postgres_test

import (
	"reflect"
	"strconv"
	"testing"
	"time"

	"osb/postgres"
	"osb/sales"
)

// bankShare records a transfer of C002 that arrived on 28 June and was
// recorded on 3 July: a bank receipt of 150 and its share on order B,
// applied to IV-B-1 (now paid 550).
func bankShare(t *testing.T, st *postgres.Store, url string) {
	t.Helper()
	id := scalar[int64](t, url, `
		INSERT INTO bank_receipts (customer_id, bank_account, reference, value_date, amount_fen, currency, source,
			status, recorded_by, recorded_at)
		VALUES ('C002', '6222-0001', 'BK-1', '2026-06-28', 15000, 'CNY', 'manual', 'applied', 'fin1', $1)
		RETURNING id`, d26(7, 3))
	o, err := st.Order(testContext(t), "SO-2026-000202")
	if err != nil {
		t.Fatal(err)
	}
	o.Version++
	o.Invoices[0].Paid += sales.Yuan(150)
	share := sales.Receipt{Key: "receipt/" + strconv.FormatInt(id, 10), Reference: "BK-1", ValueDate: "2026-06-28",
		Amount: sales.Yuan(150), Currency: sales.CNY, ReceivedAt: d26(6, 28), ConfirmedBy: "fin1",
		Allocations: []sales.Allocation{{InvoiceNo: "IV-B-1", Amount: sales.Yuan(150)}}}
	o.Receipts = []sales.Receipt{share}
	applyChanges(t, st, sales.OrderChanges{Order: &o})
}

func TestAccountStatementInputGathersTheMonthByValueDate(t *testing.T) {
	st, url := demoStore(t)
	reportFixture(t, st)
	bankShare(t, st, url)
	// C004's credit balance of 100 paid back on 28 June; a refund asked on
	// 29 June and rejected changes nothing.
	refund := scalar[int64](t, url, `
		INSERT INTO refunds (customer_id, amount_fen, currency, bank_account, reason, status, needs_decision,
			requested_by, requested_at, decided_by, decided_at)
		VALUES ('C004', 10000, 'CNY', '6222-9', 'overpaid', 'refunded', false, 'fin1', $1, '', NULL) RETURNING id`, d26(6, 28))
	scalar[int64](t, url, `
		INSERT INTO refunds (customer_id, amount_fen, currency, bank_account, reason, status, needs_decision,
			requested_by, requested_at, decided_by, decided_at)
		VALUES ('C004', 5000, 'CNY', '6222-9', 'again', 'rejected', true, 'fin1', $1, 'dsd', $1) RETURNING id`, d26(6, 29))
	ctx := testContext(t)
	y := sales.Yuan
	for _, tc := range []struct {
		customer, month string
		opening         sales.Fen
		entries         []sales.AccountEntry
		open            []sales.OpenItem
		closing         sales.Fen
		ageing          sales.Ageing
		unapplied       sales.Fen
	}{
		{
			// Two invoices, the receipt confirmed on the order on 15 June, and the
			// bank receipt of 28 June (recorded in July) whole; its share on the
			// order is not counted again. 1000 + 500 − 400 − 150 = 950.
			customer: "C002", month: "2026-06",
			entries: []sales.AccountEntry{
				{Kind: sales.EntryInvoice, Date: "2026-06-05", No: "IV-B-1", OrderNo: "SO-2026-000202", DueDate: "2026-06-20", Amount: y(1000)},
				{Kind: sales.EntryInvoice, Date: "2026-06-10", No: "IV-B-2", OrderNo: "SO-2026-000202", DueDate: "2026-07-15", Amount: y(500)},
				{Kind: sales.EntryReceipt, Date: "2026-06-15", No: "R-B-1", OrderNo: "SO-2026-000202", Amount: y(400)},
				{Kind: sales.EntryReceipt, Date: "2026-06-28", No: "BK-1", Amount: y(150)},
			},
			// IV-B-1: 1000 − 400 − 150, 10 days late on 30 June; IV-B-2: the 300
			// paid on 2 July still owed on 30 June.
			open: []sales.OpenItem{
				{InvoiceNo: "IV-B-1", OrderNo: "SO-2026-000202", DueDate: "2026-06-20", Outstanding: y(450), DaysOverdue: 10},
				{InvoiceNo: "IV-B-2", OrderNo: "SO-2026-000202", DueDate: "2026-07-15", Outstanding: y(500), DaysOverdue: -15},
			},
			closing: y(950), ageing: sales.Ageing{NotDue: y(500), Days1To30: y(450), Total: y(950)},
		},
		{
			// July: 950 brought forward, the 300 of 2 July.
			customer: "C002", month: "2026-07", opening: y(950),
			entries: []sales.AccountEntry{{Kind: sales.EntryReceipt, Date: "2026-07-02", No: "R-B-2", OrderNo: "SO-2026-000202", Amount: y(300)}},
			open: []sales.OpenItem{
				{InvoiceNo: "IV-B-1", OrderNo: "SO-2026-000202", DueDate: "2026-06-20", Outstanding: y(450), DaysOverdue: 41},
				{InvoiceNo: "IV-B-2", OrderNo: "SO-2026-000202", DueDate: "2026-07-15", Outstanding: y(200), DaysOverdue: 16},
			},
			closing: y(650), ageing: sales.Ageing{Days1To30: y(200), Days31To60: y(450), Total: y(650)},
		},
		{
			// Nothing in June: 1000 less May's 250 credit note brought forward;
			// the cancelled order's 9999 is left out.
			customer: "C003", month: "2026-06", opening: y(750), entries: []sales.AccountEntry{},
			open:    []sales.OpenItem{{InvoiceNo: "IV-C-1", OrderNo: "SO-2026-000203", DueDate: "2026-05-16", Outstanding: y(750), DaysOverdue: 45}},
			closing: y(750), ageing: sales.Ageing{Days31To60: y(750), Total: y(750)},
		},
		{
			// Invoiced, paid, then a 100 credit note refunded to the customer's
			// credit, which was paid back to the customer.
			customer: "C004", month: "2026-06",
			entries: []sales.AccountEntry{
				{Kind: sales.EntryInvoice, Date: "2026-06-12", No: "IV-E-1", OrderNo: "SO-2026-000205", DueDate: "2026-07-12", Amount: y(2000)},
				{Kind: sales.EntryReceipt, Date: "2026-06-20", No: "R-E-1", OrderNo: "SO-2026-000205", Amount: y(2000)},
				{Kind: sales.EntryCreditNote, Date: "2026-06-25", No: "CN-2026-000205-1", OrderNo: "SO-2026-000205", Amount: y(100)},
				{Kind: sales.EntryRefund, Date: "2026-06-28", No: "RF-" + strconv.FormatInt(refund, 10), Amount: y(100)},
			},
			open:    []sales.OpenItem{},
			closing: 0, unapplied: 0,
		},
	} {
		in, err := st.AccountStatementInput(ctx, tc.customer, tc.month)
		if err != nil {
			t.Fatalf("%s %s: %v", tc.customer, tc.month, err)
		}
		if in.Opening != tc.opening || in.Currency != sales.CNY || in.CustomerName == "" {
			t.Errorf("%s %s: opening %s currency %q name %q, want opening %s", tc.customer, tc.month, in.Opening, in.Currency, in.CustomerName, tc.opening)
		}
		if !reflect.DeepEqual(in.Entries, tc.entries) {
			t.Errorf("%s %s entries:\n got %+v\nwant %+v", tc.customer, tc.month, in.Entries, tc.entries)
		}
		if !reflect.DeepEqual(in.OpenItems, tc.open) {
			t.Errorf("%s %s open items:\n got %+v\nwant %+v", tc.customer, tc.month, in.OpenItems, tc.open)
		}
		s, err := sales.ComputeAccountStatement(in)
		if err != nil {
			t.Fatal(err)
		}
		if s.Closing != tc.closing || s.Ageing != tc.ageing || s.Unapplied != tc.unapplied {
			t.Errorf("%s %s: closing %s ageing %+v unapplied %s, want %s %+v %s", tc.customer, tc.month, s.Closing, s.Ageing,
				s.Unapplied, tc.closing, tc.ageing, tc.unapplied)
		}
	}
	if _, err := st.AccountStatementInput(ctx, "C-NONE", "2026-06"); sales.ErrorCode(err) != sales.ErrNotFound {
		t.Errorf("an unknown customer: %v, want not_found", err)
	}
}

func TestStatementCustomersAreThoseWithActivityOrABalance(t *testing.T) {
	st, url := demoStore(t)
	reportFixture(t, st)
	bankShare(t, st, url)
	ctx := testContext(t)
	// C001 and C003 only bring balances forward; C005's order is held, unbilled.
	got, err := st.StatementCustomers(ctx, "2026-06", "", 10)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"C001", "C002", "C003", "C004"}; !reflect.DeepEqual(got, want) {
		t.Errorf("June: %v, want %v", got, want)
	}
	page, err := st.StatementCustomers(ctx, "2026-06", "C002", 1)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(page, []string{"C003"}) {
		t.Errorf("one after C002: %v, want [C003]", page)
	}
	// In February nothing had happened yet.
	if none, err := st.StatementCustomers(ctx, "2026-02", "", 10); err != nil || len(none) != 0 {
		t.Errorf("February: %v %v, want none", none, err)
	}
}

func TestSaveAccountStatementKeepsTheFirst(t *testing.T) {
	st, _ := demoStore(t)
	reportFixture(t, st)
	ctx := testContext(t)
	in, err := st.AccountStatementInput(ctx, "C003", "2026-06")
	if err != nil {
		t.Fatal(err)
	}
	s, err := sales.ComputeAccountStatement(in)
	if err != nil {
		t.Fatal(err)
	}
	first := time.Date(2026, 7, 1, 0, 30, 0, 0, sales.Beijing)
	rec, created, err := st.SaveAccountStatement(ctx, s, first)
	if err != nil || !created {
		t.Fatalf("first save: created %v, %v", created, err)
	}
	changed := s
	changed.Closing = 1
	again, created, err := st.SaveAccountStatement(ctx, changed, first.Add(time.Hour))
	if err != nil || created {
		t.Fatalf("second save: created %v, %v", created, err)
	}
	if !again.GeneratedAt.Equal(first) || again.Closing != sales.Yuan(750) || again.Statement.Closing != sales.Yuan(750) ||
		!reflect.DeepEqual(again.Statement.OpenItems, s.OpenItems) {
		t.Errorf("kept %+v, want the first (closing 750 generated %s)", again, first)
	}
	if rec.Month != "2026-06" || rec.Currency != sales.CNY {
		t.Errorf("record %+v", rec)
	}
	list, err := st.AccountStatements(ctx, "C003")
	if err != nil || len(list) != 1 || list[0].Month != "2026-06" || list[0].Statement != nil || list[0].Closing != sales.Yuan(750) {
		t.Errorf("list %+v %v", list, err)
	}
	if _, err := st.AccountStatement(ctx, "C003", "2026-05"); sales.ErrorCode(err) != sales.ErrNotFound {
		t.Errorf("a month not kept: %v, want not_found", err)
	}
}
