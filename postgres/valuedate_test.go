package postgres_test

import (
	"reflect"
	"testing"
	"time"

	"osb/sales"
)

// A transfer that arrived on 29 June (its value date) but that Finance
// recorded on 3 July counts in June: the order workflow writes the receipt
// as received on its value date and pays the invoice then. With a price
// difference credited on 25 June, the figures worked out by hand (yuan):
//
//	C006: invoice 600 issued 1 Jun, due 10 Jun; credit note 60 on 25 Jun;
//	      transfer of 540 with value date 29 Jun, recorded 3 Jul.
//	Ageing on 28 Jun: 540 owed, 18 days late (1–30). On 30 Jun: nothing.
//	Receivables record of June: 0, +600 = 600, −60 = 540, −540 = 0.
func TestReportsCountAReceiptOnItsValueDateAndCreditNotes(t *testing.T) {
	st, _ := demoStore(t)
	ctx := testContext(t)
	y := sales.Yuan
	value := time.Date(2026, 6, 29, 0, 0, 0, 0, sales.Beijing)
	g := order("SO-2026-000207", "C006", sales.StatusRemitted, sales.BC7Close, sales.LevelNone)
	g.CreatedAt, g.Unbilled, g.Total, g.ClosedAt = d26(5, 30), 0, y(600), some(d26(7, 3))
	g.Lines = []sales.Line{{LineNo: 1, SKU: "SKU-1001", Quantity: 10, UnitPrice: y(60)}}
	g.Shipments = []sales.Shipment{{No: "SH-G-1", Lines: []sales.LineQty{{LineNo: 1, Quantity: 10}}, Carrier: "顺丰速运",
		IssuedAt: d26(6, 1), InvoiceNo: "IV-G-1"}}
	g.Invoices = []sales.Invoice{{No: "IV-G-1", ShipmentNo: "SH-G-1", Currency: sales.CNY, Amount: y(600), Paid: y(540), Credited: y(60),
		IssuedAt: d26(6, 1), DueAt: time.Date(2026, 6, 10, 0, 0, 0, 0, sales.Beijing), PaidAt: &value}}
	g.Receipts = []sales.Receipt{{Key: "receipt/7", Reference: "B-0629-1", ValueDate: "2026-06-29", Amount: y(540), Currency: sales.CNY,
		ReceivedAt: value, ConfirmedBy: "fin1", Allocations: []sales.Allocation{{InvoiceNo: "IV-G-1", Amount: y(540)}}}}
	g.UpdatedAt = d26(7, 3)
	applyChanges(t, st, sales.OrderChanges{Order: g})
	cn := creditNote(g, "IV-G-1", y(60), 0, d26(6, 25))
	cn.Returns[0].Source, cn.Returns[0].Lines, cn.Returns[0].InvoiceNo = sales.ReturnByPrice, nil, "IV-G-1"
	cn.CreditNotes[0].Kind, cn.CreditNotes[0].InvoiceNo, cn.CreditNotes[0].Lines = sales.ReturnByPrice, "IV-G-1", nil
	cn.CreditNotes[0].Net, cn.CreditNotes[0].Tax = 5310, 690
	applyChanges(t, st, cn)

	ageing := func(asOf time.Time) []sales.AgeingRow {
		t.Helper()
		rows, err := st.Ageing(ctx, sales.ReportFilter{Scope: everyone, AsOf: asOf, CustomerID: "C006"}, "customer")
		if err != nil {
			t.Fatal(err)
		}
		return rows
	}
	if rows := ageing(d26(6, 28)); len(rows) != 1 || rows[0].Days1To30 != y(540) || rows[0].Total != y(540) {
		t.Errorf("ageing on 28 June %+v, want 540 in 1–30 days", rows)
	}
	if rows := ageing(d26(6, 30)); len(rows) != 0 {
		t.Errorf("ageing on 30 June %+v, want nothing: the transfer arrived on the 29th", rows)
	}

	rows, err := st.Receivables(ctx, sales.ReportFilter{Scope: everyone, Period: june(), CustomerID: "C006"})
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
	want := []line{
		{sales.EntryOpening, "", 0, 0, 0},
		{sales.EntryInvoice, "IV-G-1", y(600), 0, y(600)},
		{sales.EntryCreditNote, "CN-2026-000207-1", 0, y(60), y(540)},
		{sales.EntryReceipt, "B-0629-1", 0, y(540), 0},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("C006 in June:\n got %+v\nwant %+v", got, want)
	}
	notes, err := st.CreditNotes(ctx, "C006")
	if err != nil {
		t.Fatal(err)
	}
	if len(notes) != 1 || notes[0].Kind != sales.ReturnByPrice || notes[0].InvoiceNo != "IV-G-1" || notes[0].Net+notes[0].Tax != y(60) {
		t.Errorf("credit notes %+v", notes)
	}
}

// What the finance rules add to an invoice is written and read back: its
// VAT lines and totals, the VAT invoice, the dispute's pause and a pending
// extension request.
func TestInvoiceVATDisputeAndExtensionAreKept(t *testing.T) {
	st, _ := demoStore(t)
	ctx := testContext(t)
	vatDue := d26(6, 6)
	o := order("SO-2026-000208", "C006", sales.StatusBilled, sales.BC5Dunning, sales.LevelNone)
	o.Lines = []sales.Line{{LineNo: 1, SKU: "SKU-1001", Quantity: 10, UnitPrice: 11300, TaxRate: 1300}}
	o.Shipments = []sales.Shipment{{No: "SH-H-1", Lines: []sales.LineQty{{LineNo: 1, Quantity: 10}}, Carrier: "顺丰速运",
		IssuedAt: d26(6, 1), InvoiceNo: "IV-H-1"}}
	lines, vat := sales.TaxLines(o.Lines, o.Shipments[0].Lines)
	o.Invoices = []sales.Invoice{{No: "IV-H-1", ShipmentNo: "SH-H-1", Currency: sales.CNY, Amount: vat.Gross, IssuedAt: d26(6, 1),
		DueAt: time.Date(2026, 7, 1, 0, 0, 0, 0, sales.Beijing), Lines: lines, Net: vat.Net, Tax: vat.Tax, VATNo: "04400123",
		VATDate: "2026-06-02", VATDue: &vatDue, Disputed: true, Dispute: "price", DunningPaused: true,
		Extension: &sales.Extension{DueDate: "2026-07-31", Reason: "cash flow", RequestedBy: "kam-huanan-1", RequestedAt: d26(6, 20),
			Level: sales.LevelSLT}}}
	applyChanges(t, st, sales.OrderChanges{Order: o})
	got, err := st.Order(ctx, o.OrderNo)
	if err != nil {
		t.Fatal(err)
	}
	inv := got.Invoices[0]
	want := o.Invoices[0]
	if inv.Net != 100000 || inv.Tax != 13000 || !reflect.DeepEqual(inv.Lines, want.Lines) || inv.VATNo != want.VATNo ||
		inv.VATDate != want.VATDate || inv.VATDue == nil || !inv.VATDue.Equal(vatDue) || !inv.DunningPaused ||
		inv.Extension == nil || inv.Extension.DueDate != "2026-07-31" || !inv.Extension.RequestedAt.Equal(d26(6, 20)) {
		t.Errorf("invoice read back %+v\nwritten %+v", inv, want)
	}
}

// Finance's and the SLT's invoice work: invoices without a VAT invoice
// number (paid ones too), and requested extensions of open invoices.
func TestInvoicesAwaitingAVATNumberOrAnExtensionDecision(t *testing.T) {
	st, _ := demoStore(t)
	ctx := testContext(t)
	vatDue := d26(6, 6)
	o := order("SO-2026-000209", "C006", sales.StatusBilled, sales.BC5Dunning, sales.LevelNone)
	inv := func(no string) sales.Invoice {
		return sales.Invoice{No: no, ShipmentNo: "SH-" + no, Currency: sales.CNY, Amount: sales.Yuan(100), IssuedAt: d26(6, 1),
			DueAt: d26(7, 1), VATDue: &vatDue}
	}
	a, b, c := inv("IV-J-1"), inv("IV-J-2"), inv("IV-J-3")
	b.VATNo = "04400124"
	b.Extension = &sales.Extension{DueDate: "2026-07-31", Reason: "cash flow", RequestedBy: "kam-huanan-1", RequestedAt: d26(6, 20), Level: sales.LevelSLT}
	c.Paid, c.PaidAt = c.Amount, some(d26(6, 10))
	o.Invoices = []sales.Invoice{a, b, c}
	applyChanges(t, st, sales.OrderChanges{Order: o})
	nos := func(wait sales.InvoiceWait, scope sales.Scope) []string {
		t.Helper()
		list, err := st.InvoicesAwaiting(ctx, scope, wait, 10)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, x := range list {
			out = append(out, x.No)
		}
		return out
	}
	if got := nos(sales.WaitVATInvoice, everyone); !reflect.DeepEqual(got, []string{"IV-J-1", "IV-J-3"}) {
		t.Errorf("waiting for a VAT number: %v, want IV-J-1 and the paid IV-J-3", got)
	}
	if got := nos(sales.WaitExtension, everyone); !reflect.DeepEqual(got, []string{"IV-J-2"}) {
		t.Errorf("waiting for an extension decision: %v", got)
	}
	if got := nos(sales.WaitExtension, sales.Scope{KAMIDs: []string{"kam-huadong-1"}}); len(got) != 0 {
		t.Errorf("another KAM's scope sees %v", got)
	}
}

// A disputed invoice does not count towards the freeze while the dispute is
// open: disputing the invoice that froze the customer lifts the freeze.
func TestDisputingTheInvoiceThatFrozeTheCustomerLiftsTheFreeze(t *testing.T) {
	st, _ := demoStore(t)
	ctx := testContext(t)
	applyChanges(t, st, dunningChanges(1, false))
	if c, _ := st.Customer(ctx, "C002"); !c.Frozen {
		t.Fatal("the GM rung did not freeze C002")
	}
	disputed := dunningChanges(2, false)
	disputed.Freeze = nil
	inv := &disputed.Order.Invoices[0]
	inv.Disputed, inv.Dispute, inv.DunningPaused = true, "price", true
	applyChanges(t, st, disputed)
	if c, _ := st.Customer(ctx, "C002"); c.Frozen {
		t.Errorf("C002 still frozen for a disputed invoice: %+v", c)
	}
}
