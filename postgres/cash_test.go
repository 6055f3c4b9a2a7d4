package postgres_test

import (
	"reflect"
	"sync"
	"testing"
	"time"

	"osb/postgres"
	"osb/sales"
)

// transfer is C001's transfer of ¥10,000.00 into account ICBC-01 on 5 March.
func transfer(ref string) sales.ReceiptInput {
	return sales.ReceiptInput{CustomerID: "C001", BankAccount: "ICBC-01", Reference: ref, ValueDate: "2026-03-05",
		Amount: sales.Yuan(10_000), Currency: sales.CNY, PayerName: "上海分销", Remittance: "IV-1"}
}

func recordReceipt(t *testing.T, st *postgres.Store, in sales.ReceiptInput) sales.BankReceipt {
	t.Helper()
	r, created, err := st.RecordReceipt(testContext(t), in, "manual", "fin1", t0)
	if err != nil || !created {
		t.Fatalf("RecordReceipt(%s) = created %v, %v", in.Reference, created, err)
	}
	return r
}

func TestARecordedReceiptIsRecordedOnceForItsBankReference(t *testing.T) {
	st, _ := demoStore(t)
	ctx := testContext(t)
	r := recordReceipt(t, st, transfer(" B-1 "))
	if r.ID == 0 || r.Reference != "B-1" || r.Status != sales.ReceiptApplying || r.ValueDate != "2026-03-05" ||
		r.Amount != sales.Yuan(10_000) || r.Source != "manual" || r.RecordedBy != "fin1" || len(r.Applications) != 0 {
		t.Fatalf("recorded %+v", r)
	}

	// The same transfer again (typed differently, imported): the receipt as it is.
	again := transfer("B-1")
	again.PayerName, again.Remittance = "上海分销有限公司", ""
	got, created, err := st.RecordReceipt(ctx, again, "import:7/3", "fin2", t0.Add(time.Hour))
	if err != nil || created || got.ID != r.ID || got.Source != "manual" {
		t.Errorf("the same transfer again = %+v, created %v, %v; want the first receipt", got, created, err)
	}

	// The same reference with another amount, date or customer: refused, naming the reference.
	for name, change := range map[string]func(*sales.ReceiptInput){
		"amount":   func(in *sales.ReceiptInput) { in.Amount++ },
		"date":     func(in *sales.ReceiptInput) { in.ValueDate = "2026-03-06" },
		"customer": func(in *sales.ReceiptInput) { in.CustomerID = "C002" },
	} {
		in := transfer("B-1")
		change(&in)
		_, _, err := st.RecordReceipt(ctx, in, "manual", "fin1", t0)
		wantCode(t, err, sales.ErrConflict)
		if e, ok := err.(*sales.Error); !ok || len(e.Fields) != 1 || e.Fields[0].Field != "reference" {
			t.Errorf("another %s: %v, want a conflict naming reference", name, err)
		}
	}
	// The same reference on another account is another transfer.
	other := transfer("B-1")
	other.BankAccount = "CCB-02"
	recordReceipt(t, st, other)

	unknown := transfer("B-2")
	unknown.CustomerID = "C999"
	_, _, err = st.RecordReceipt(ctx, unknown, "manual", "fin1", t0)
	wantCode(t, err, sales.ErrInvalid)
}

func TestConcurrentRecordsOfOneReferenceMakeOneReceipt(t *testing.T) {
	st, _ := demoStore(t)
	ctx := testContext(t)
	var wg sync.WaitGroup
	ids := make([]int64, 8)
	made := make([]bool, 8)
	for i := range ids {
		wg.Go(func() {
			r, created, err := st.RecordReceipt(ctx, transfer("B-RACE"), "manual", "fin1", t0)
			if err != nil {
				t.Error(err)
			}
			ids[i], made[i] = r.ID, created
		})
	}
	wg.Wait()
	n := 0
	for i := range ids {
		if ids[i] != ids[0] {
			t.Errorf("receipt ids %v differ", ids)
		}
		if made[i] {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d calls recorded the receipt, want 1", n)
	}
}

func TestOpenInvoicesAreWhatTheCustomerStillOwes(t *testing.T) {
	st, _ := demoStore(t)
	ctx := testContext(t)
	paid := bj(2026, 2, 1, 9)
	part := invoice("IV-2", sales.Yuan(3_000), bj(2026, 1, 20, 10), 30, nil, 0)
	part.Paid = sales.Yuan(1_000)
	disputed := invoice("IV-3", sales.Yuan(500), bj(2026, 1, 5, 10), 30, nil, 0)
	disputed.Disputed = true
	credited := invoice("IV-4", sales.Yuan(800), bj(2026, 1, 6, 10), 30, nil, 0)
	credited.Credited = sales.Yuan(800)
	billed(t, st, "SO-2026-000001", "C001",
		invoice("IV-1", sales.Yuan(2_000), bj(2026, 1, 10, 10), 30, &paid, 0), part, disputed, credited)
	billed(t, st, "SO-2026-000002", "C001", invoice("IV-5", sales.Yuan(4_000), bj(2026, 1, 15, 10), 30, nil, 0))
	billed(t, st, "SO-2026-000003", "C002", invoice("IV-6", sales.Yuan(4_000), bj(2026, 1, 15, 10), 30, nil, 0))

	got, err := st.OpenInvoices(ctx, "C001", sales.CNY)
	if err != nil {
		t.Fatal(err)
	}
	var seen []string
	for _, inv := range got {
		seen = append(seen, inv.InvoiceNo+" "+inv.OrderNo+" "+inv.Outstanding.String())
	}
	want := []string{"IV-3 SO-2026-000001 500.00", "IV-5 SO-2026-000002 4000.00", "IV-2 SO-2026-000001 2000.00"}
	if !reflect.DeepEqual(seen, want) {
		t.Errorf("open invoices %v, want %v (oldest due first; paid and credited ones left out)", seen, want)
	}
	if !got[0].Disputed || got[1].Disputed || !got[1].DueAt.Equal(bj(2026, 2, 14, 10)) {
		t.Errorf("open invoices %+v", got)
	}
	if none, err := st.OpenInvoices(ctx, "C001", "USD"); err != nil || len(none) != 0 {
		t.Errorf("in USD: %v, %v", none, err)
	}
}

func apps(receipt sales.BankReceipt, shares ...sales.Share) []sales.CashApplication {
	var out []sales.CashApplication
	for _, s := range shares {
		out = append(out, sales.CashApplication{Key: sales.ReceiptKey(receipt.ID) + "/" + s.InvoiceNo, ReceiptID: receipt.ID,
			CustomerID: receipt.CustomerID, OrderNo: s.OrderNo, InvoiceNo: s.InvoiceNo, Amount: s.Amount, Currency: receipt.Currency,
			ValueDate: receipt.ValueDate, At: t0.Add(time.Minute), By: "fin1"})
	}
	return out
}

func TestSettlingAReceiptKeepsWhatNoInvoiceTookAsUnappliedCashOnce(t *testing.T) {
	st, _ := demoStore(t)
	ctx := testContext(t)
	r := recordReceipt(t, st, transfer("B-9"))
	shares := apps(r, sales.Share{OrderNo: "SO-2026-000001", InvoiceNo: "IV-1", Amount: sales.Yuan(6_000)},
		sales.Share{OrderNo: "SO-2026-000002", InvoiceNo: "IV-2", Amount: sales.Yuan(2_500)})
	settled, err := st.SettleReceipt(ctx, r.ID, shares, t0.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if settled.Status != sales.ReceiptApplied || settled.Unapplied != sales.Yuan(1_500) || len(settled.Applications) != 2 ||
		settled.Applications[0].InvoiceNo != "IV-1" || settled.Applications[1].Amount != sales.Yuan(2_500) {
		t.Fatalf("settled %+v", settled)
	}
	// Settled again (a retried activity), even with other shares: nothing changes.
	again, err := st.SettleReceipt(ctx, r.ID, shares[:1], t0.Add(time.Hour))
	if err != nil || !reflect.DeepEqual(again, settled) {
		t.Errorf("settled again %+v, %v", again, err)
	}
	u, err := st.UnappliedCash(ctx, "C001", 0)
	if err != nil {
		t.Fatal(err)
	}
	if u.Balance != sales.Yuan(1_500) || u.Currency != sales.CNY || len(u.Entries) != 1 || u.Entries[0].Key != sales.ReceiptKey(r.ID) {
		t.Errorf("unapplied cash %+v, want ¥1,500.00 from the receipt", u)
	}
	if got, err := st.CustomerCreditBalance(ctx, "C001"); err != nil || got != sales.Yuan(1_500) {
		t.Errorf("credit balance %s, %v", got, err)
	}

	// More than the receipt: refused whole.
	r2 := recordReceipt(t, st, transfer("B-10"))
	_, err = st.SettleReceipt(ctx, r2.ID, apps(r2, sales.Share{OrderNo: "SO-2026-000001", InvoiceNo: "IV-1", Amount: sales.Yuan(10_001)}), t0)
	wantCode(t, err, sales.ErrInvalid)
	if got, _ := st.Receipt(ctx, r2.ID); got.Status != sales.ReceiptApplying {
		t.Errorf("after a refused settlement %+v", got)
	}
	// Fully applied: no ledger entry.
	if _, err := st.SettleReceipt(ctx, r2.ID, apps(r2, sales.Share{OrderNo: "SO-2026-000001", InvoiceNo: "IV-1", Amount: sales.Yuan(10_000)}), t0); err != nil {
		t.Fatal(err)
	}
	if u, _ := st.UnappliedCash(ctx, "C001", 0); len(u.Entries) != 1 {
		t.Errorf("ledger %+v after a fully applied receipt", u.Entries)
	}
}

func TestReceiptsAreListedByCustomerDatesStatusAndScope(t *testing.T) {
	st, _ := demoStore(t)
	ctx := testContext(t)
	a := recordReceipt(t, st, transfer("L-1"))
	b := transfer("L-2")
	b.ValueDate = "2026-03-01"
	rb := recordReceipt(t, st, b)
	c := transfer("L-3")
	c.CustomerID = "C006"
	recordReceipt(t, st, c)
	if _, err := st.SettleReceipt(ctx, a.ID, apps(a, sales.Share{OrderNo: "SO-1", InvoiceNo: "IV-1", Amount: 100}), t0); err != nil {
		t.Fatal(err)
	}

	refs := func(f sales.ReceiptFilter) []string {
		t.Helper()
		list, err := st.ListReceipts(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, r := range list {
			out = append(out, r.Reference)
		}
		return out
	}
	all := sales.Scope{All: true}
	for name, c := range map[string]struct {
		f    sales.ReceiptFilter
		want []string
	}{
		"all":        {sales.ReceiptFilter{Scope: all}, []string{"L-3", "L-1", "L-2"}},
		"customer":   {sales.ReceiptFilter{Scope: all, CustomerID: "C001"}, []string{"L-1", "L-2"}},
		"from":       {sales.ReceiptFilter{Scope: all, From: "2026-03-02"}, []string{"L-3", "L-1"}},
		"to":         {sales.ReceiptFilter{Scope: all, To: "2026-03-04"}, []string{"L-2"}},
		"applying":   {sales.ReceiptFilter{Scope: all, Status: sales.ReceiptApplying}, []string{"L-3", "L-2"}},
		"kam scope":  {sales.ReceiptFilter{Scope: sales.Scope{KAMIDs: []string{"kam-huadong-1"}}}, []string{"L-1", "L-2"}},
		"no one":     {sales.ReceiptFilter{Scope: sales.Scope{}}, nil},
		"first only": {sales.ReceiptFilter{Scope: all, Limit: 1}, []string{"L-3"}},
	} {
		if got := refs(c.f); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: %v, want %v", name, got, c.want)
		}
	}
	list, _ := st.ListReceipts(ctx, sales.ReceiptFilter{Scope: all, CustomerID: "C001"})
	if len(list[0].Applications) != 1 || len(list[1].Applications) != 0 || list[1].ID != rb.ID {
		t.Errorf("applications %+v", list)
	}
	byRef, err := st.ReceiptByReference(ctx, "ICBC-01", "L-1")
	if err != nil || byRef.ID != a.ID || len(byRef.Applications) != 1 {
		t.Errorf("by reference %+v, %v", byRef, err)
	}
	_, err = st.Receipt(ctx, 999999)
	wantCode(t, err, sales.ErrNotFound)
}

// credit gives C001 unapplied cash of amount (a receipt nothing took).
func credit(t *testing.T, st *postgres.Store, ref string, amount sales.Fen) {
	t.Helper()
	in := transfer(ref)
	in.Amount = amount
	r := recordReceipt(t, st, in)
	if _, err := st.SettleReceipt(testContext(t), r.ID, nil, t0); err != nil {
		t.Fatal(err)
	}
}

func balance(t *testing.T, st *postgres.Store, customer string) sales.Fen {
	t.Helper()
	u, err := st.UnappliedCash(testContext(t), customer, 0)
	if err != nil {
		t.Fatal(err)
	}
	return u.Balance
}

func TestApplyingUnappliedCashReservesItAndGivesBackWhatInvoicesDidNotTake(t *testing.T) {
	st, _ := demoStore(t)
	ctx := testContext(t)
	credit(t, st, "U-1", sales.Yuan(5_000))
	id, err := st.NextUnappliedID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	a := sales.UnappliedApplication{ID: id, CustomerID: "C001", Amount: sales.Yuan(4_000), Invoices: []string{"IV-1", "IV-2"},
		ValueDate: "2026-03-06", RequestedBy: "fin1", RequestedAt: t0}
	got, err := st.RecordUnappliedApplication(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != sales.ReceiptApplying || got.Currency != sales.CNY || got.ValueDate != "2026-03-06" || balance(t, st, "C001") != sales.Yuan(1_000) {
		t.Fatalf("recorded %+v, balance %s", got, balance(t, st, "C001"))
	}
	if again, err := st.RecordUnappliedApplication(ctx, a); err != nil || again.ID != id || balance(t, st, "C001") != sales.Yuan(1_000) {
		t.Errorf("recorded again %+v, %v: reserved twice?", again, err)
	}
	// More than what is left: refused, naming the amount.
	over := a
	over.ID, over.Amount = id+1000, sales.Yuan(1_000)+1
	_, err = st.RecordUnappliedApplication(ctx, over)
	wantCode(t, err, sales.ErrConflict)
	if e, ok := err.(*sales.Error); !ok || e.Fields[0].Field != "amount_fen" {
		t.Errorf("over the balance: %v", err)
	}

	key := a.Key()
	settled, err := st.SettleUnappliedApplication(ctx, id, []sales.CashApplication{{Key: key + "/IV-1", CustomerID: "C001",
		OrderNo: "SO-2026-000001", InvoiceNo: "IV-1", Amount: sales.Yuan(2_500), Currency: sales.CNY, ValueDate: "2026-03-06", At: t0, By: "fin1"}}, t0)
	if err != nil {
		t.Fatal(err)
	}
	if settled.Status != sales.ReceiptApplied || settled.Applied != sales.Yuan(2_500) || len(settled.Applications) != 1 ||
		settled.Applications[0].ReceiptID != 0 {
		t.Errorf("settled %+v", settled)
	}
	if b := balance(t, st, "C001"); b != sales.Yuan(2_500) {
		t.Errorf("balance %s, want ¥2,500.00 (5,000 − 2,500 applied)", b)
	}
	if _, err := st.SettleUnappliedApplication(ctx, id, nil, t0); err != nil || balance(t, st, "C001") != sales.Yuan(2_500) {
		t.Errorf("settled again: %v, balance %s", err, balance(t, st, "C001"))
	}
}

func TestTwoSpendsOfTheSameUnappliedCashAtOnceCannotBothPass(t *testing.T) {
	st, _ := demoStore(t)
	ctx := testContext(t)
	credit(t, st, "U-2", sales.Yuan(1_000))
	var wg sync.WaitGroup
	errs := make([]error, 6)
	for i := range errs {
		wg.Go(func() {
			id, err := st.NextRefundID(ctx)
			if err == nil {
				_, err = st.RecordRefund(ctx, sales.Refund{ID: id, CustomerID: "C001", Amount: sales.Yuan(400), BankAccount: "6222-01",
					Reason: "overpaid", NeedsDecision: false, RequestedBy: "fin1", RequestedAt: t0}, nil)
			}
			errs[i] = err
		})
	}
	wg.Wait()
	passed := 0
	for _, err := range errs {
		switch sales.ErrorCode(err) {
		case "":
			passed++
		case sales.ErrConflict:
		default:
			t.Error(err)
		}
	}
	if passed != 2 || balance(t, st, "C001") != sales.Yuan(200) {
		t.Errorf("%d refunds of ¥400 passed against ¥1,000, balance %s; want 2 and ¥200", passed, balance(t, st, "C001"))
	}
}

func TestARejectedRefundGivesTheMoneyBackAndADecidedOneStaysDecided(t *testing.T) {
	st, _ := demoStore(t)
	ctx := testContext(t)
	credit(t, st, "U-3", sales.Yuan(80_000))
	note := []sales.Notification{{Key: "refund/1/requested/dsd", RecipientID: "dsd", Kind: "refund_requested", Subject: "s", At: t0}}
	f, err := st.RecordRefund(ctx, sales.Refund{ID: 1, CustomerID: "C001", Amount: sales.Yuan(60_000), BankAccount: "6222-01",
		Reason: "customer asks", NeedsDecision: true, RequestedBy: "fin1", RequestedAt: t0}, note)
	if err != nil {
		t.Fatal(err)
	}
	if f.Status != sales.RefundRequested || !f.NeedsDecision || f.Currency != sales.CNY || balance(t, st, "C001") != sales.Yuan(20_000) {
		t.Fatalf("recorded %+v, balance %s", f, balance(t, st, "C001"))
	}
	if err := st.EscalateRefund(ctx, 1, sales.LevelGM, nil); err != nil {
		t.Fatal(err)
	}
	// The one who asked does not decide.
	_, err = st.DecideRefund(ctx, sales.RefundDecision{ID: 1, Approve: true, By: "fin1", At: t0}, nil)
	wantCode(t, err, sales.ErrForbidden)

	rejected, err := st.DecideRefund(ctx, sales.RefundDecision{ID: 1, By: "dsd", Note: "pay the next invoice with it", At: t0.Add(time.Hour)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rejected.Status != sales.RefundRejected || rejected.DecidedBy != "dsd" || rejected.Level != sales.LevelGM || balance(t, st, "C001") != sales.Yuan(80_000) {
		t.Errorf("rejected %+v, balance %s", rejected, balance(t, st, "C001"))
	}
	if again, err := st.DecideRefund(ctx, sales.RefundDecision{ID: 1, By: "dsd", At: t0.Add(2 * time.Hour)}, nil); err != nil ||
		again.Status != sales.RefundRejected || balance(t, st, "C001") != sales.Yuan(80_000) {
		t.Errorf("rejected again %+v, %v, balance %s", again, err, balance(t, st, "C001"))
	}
	_, err = st.DecideRefund(ctx, sales.RefundDecision{ID: 1, Approve: true, By: "gm", At: t0}, nil)
	wantCode(t, err, sales.ErrConflict)

	f2, err := st.RecordRefund(ctx, sales.Refund{ID: 2, CustomerID: "C001", Amount: sales.Yuan(30_000), BankAccount: "6222-01",
		Reason: "small", RequestedBy: "fin1", RequestedAt: t0}, nil)
	if err != nil {
		t.Fatal(err)
	}
	refunded, err := st.DecideRefund(ctx, sales.RefundDecision{ID: f2.ID, Approve: true, At: t0}, nil)
	if err != nil || refunded.Status != sales.RefundRefunded || refunded.DecidedBy != "" || balance(t, st, "C001") != sales.Yuan(50_000) {
		t.Errorf("refunded %+v, %v, balance %s", refunded, err, balance(t, st, "C001"))
	}
	waiting, err := st.ListRefunds(ctx, sales.RefundFilter{Status: sales.RefundRequested, Scope: sales.Scope{All: true}})
	if err != nil || len(waiting) != 0 {
		t.Errorf("waiting %+v, %v", waiting, err)
	}
	mine, err := st.ListRefunds(ctx, sales.RefundFilter{CustomerID: "C001", Scope: sales.Scope{KAMIDs: []string{"kam-huadong-1"}}})
	if err != nil || len(mine) != 2 || mine[0].ID != 2 {
		t.Errorf("C001's refunds %+v, %v", mine, err)
	}
	if other, _ := st.ListRefunds(ctx, sales.RefundFilter{Scope: sales.Scope{KAMIDs: []string{"kam-huanan-1"}}}); len(other) != 0 {
		t.Errorf("another KAM sees %+v", other)
	}
	u, _ := st.UnappliedCash(ctx, "C001", 0)
	var keys []string
	for _, e := range u.Entries {
		keys = append(keys, e.Key)
	}
	if len(keys) != 4 {
		t.Errorf("ledger %v, want the receipt, two refunds and the rejection", keys)
	}
}
