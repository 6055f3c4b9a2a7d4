package e2e

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"testing"
	"time"

	"osb/sales"
	"osb/workflows"
)

// cashCustomer is the customer of the cash application tests (华北: the
// Director is the SLT member over its market); no other test bills it.
const cashCustomer = "C011"

// shippedInParts places an order of the sum of parts for customer and
// issues and delivers it part by part: one invoice per part.
func (a *api) shippedInParts(customer string, sku sales.SKU, parts ...int64) (string, []workflows.GoodsIssueResult) {
	a.t.Helper()
	var qty int64
	for _, p := range parts {
		qty += p
	}
	no := a.order(customer, sku, qty)
	a.waitStatus(no, sales.StatusReleased)
	a.must(200, token("log1"), "POST", "/v1/orders/"+no+"/acknowledge", map[string]string{"planned_date": time.Now().Format(time.DateOnly)}, nil)
	var out []workflows.GoodsIssueResult
	for _, p := range parts {
		var gi workflows.GoodsIssueResult
		a.must(201, token("log1"), "POST", "/v1/orders/"+no+"/goods-issues", map[string]any{
			"carrier": "顺丰速运", "lines": []sales.LineQty{{LineNo: 1, Quantity: p}}}, &gi)
		a.must(200, token("log1"), "POST", "/v1/orders/"+no+"/shipments/"+gi.ShipmentNo+"/delivery", map[string]any{}, nil)
		out = append(out, gi)
	}
	return no, out
}

// unapplied reads a customer's unapplied cash.
func (a *api) unapplied(customer string) sales.UnappliedCash {
	a.t.Helper()
	var u sales.UnappliedCash
	a.must(200, token("fin1"), "GET", "/v1/customers/"+customer+"/unapplied", nil, &u)
	return u
}

// storedInvoice waits until the store's record of the order shows invoice
// paid as far as paid, and returns it.
func (a *api) storedInvoice(orderNo, invoiceNo string, paid sales.Fen) sales.Invoice {
	a.t.Helper()
	var inv sales.Invoice
	eventually(a.t, 15*time.Second, fmt.Sprintf("%s paid %s in the store", invoiceNo, paid), func() bool {
		snap, err := a.sys.store.Order(context.Background(), orderNo)
		if err != nil {
			return false
		}
		for _, i := range snap.Invoices {
			if i.No == invoiceNo {
				inv = i
			}
		}
		return inv.Paid == paid
	})
	return inv
}

// One transfer pays three invoices of two orders and leaves unapplied cash;
// its bank reference is never counted again; the unapplied cash is applied
// later and refunded, above the limit only once the SLT approves.
func TestOneTransferPaysInvoicesOfTwoOrdersAndTheRestIsUnappliedCash(t *testing.T) {
	a := newAPI(t, sales.DefaultPolicy())
	sku := a.plainSKU()
	before := a.unapplied(cashCustomer).Balance
	first, firstInv := a.shippedInParts(cashCustomer, sku, 40, 60)
	second, secondInv := a.shippedInParts(cashCustomer, sku, 30, 30)
	a1, a2, b1, b2 := firstInv[0], firstInv[1], secondInv[0], secondInv[1]

	valueDate := time.Now().In(sales.Beijing).AddDate(0, 0, -1).Format(time.DateOnly)
	ref := "CASH-" + first
	transfer := map[string]any{"customer_id": cashCustomer, "bank_account": "ICBC-0200", "reference": ref, "value_date": valueDate,
		"amount_fen": a1.Amount + a2.Amount + b1.Amount + 12_345, "currency": "CNY", "payer_name": "北京京泰商贸有限公司",
		"invoice_nos": []string{a1.InvoiceNo, a2.InvoiceNo, b1.InvoiceNo}, "only_named": true}
	var rec sales.BankReceipt
	a.must(201, token("fin1"), "POST", "/v1/receipts", transfer, &rec)
	if rec.Status != sales.ReceiptApplied || len(rec.Applications) != 3 || rec.Unapplied != 12_345 || rec.Source != "manual" {
		t.Fatalf("receipt %+v", rec)
	}
	paid := map[string]sales.Fen{}
	for _, app := range rec.Applications {
		paid[app.OrderNo+" "+app.InvoiceNo] = app.Amount
		if app.ValueDate != valueDate || app.Key != sales.ReceiptKey(rec.ID)+"/"+app.InvoiceNo {
			t.Errorf("application %+v", app)
		}
	}
	if paid[first+" "+a1.InvoiceNo] != a1.Amount || paid[first+" "+a2.InvoiceNo] != a2.Amount || paid[second+" "+b1.InvoiceNo] != b1.Amount {
		t.Errorf("applications %v", paid)
	}
	// The first order is paid; the second still owes its second invoice.
	a.waitStatus(first, sales.StatusRemitted)
	if v := a.status(second); v.Status != sales.StatusBilled || v.Outstanding != b2.Amount {
		t.Errorf("second order %s owes %s, want billed owing %s", v.Status, v.Outstanding, b2.Amount)
	}
	// Paid on the value date, not today: days late count to it.
	inv := a.storedInvoice(first, a1.InvoiceNo, a1.Amount)
	if want, _ := time.ParseInLocation(time.DateOnly, valueDate, sales.Beijing); inv.PaidAt == nil || !inv.PaidAt.Equal(want) {
		t.Errorf("%s paid at %v, want the value date %s", a1.InvoiceNo, inv.PaidAt, valueDate)
	}
	if u := a.unapplied(cashCustomer); u.Balance-before != 12_345 || u.Entries[0].Key != sales.ReceiptKey(rec.ID) {
		t.Errorf("unapplied cash %s (was %s), latest entry %+v", u.Balance, before, u.Entries)
	}

	// The same reference again is refused, naming it, by hand or on an order.
	var refused struct{ Error sales.Error }
	if got := a.call(token("fin1"), "POST", "/v1/receipts", transfer, &refused); got != http.StatusConflict ||
		refused.Error.Code != sales.ErrConflict || len(refused.Error.Fields) != 1 || refused.Error.Fields[0].Field != "reference" {
		t.Errorf("the same reference again: %d %+v", got, refused.Error)
	}
	if got := a.call(token("fin1"), "POST", "/v1/orders/"+second+"/receipts", map[string]any{"reference": ref, "bank_account": "ICBC-0200",
		"amount_fen": b2.Amount, "currency": "CNY"}, &refused); got != http.StatusConflict {
		t.Errorf("the same reference on an order: %d %+v", got, refused.Error)
	}

	// Who sees it: Finance and the customer's KAM; not another market's KAM.
	var list []sales.BankReceipt
	a.must(200, token("kam-huabei-1"), "GET", "/v1/receipts?customer_id="+cashCustomer, nil, &list)
	if len(list) == 0 || list[0].ID != rec.ID {
		t.Errorf("the KAM's list %+v", list)
	}
	a.must(200, token("fin1"), "GET", "/v1/receipts/"+strconv.FormatInt(rec.ID, 10), nil, &rec)
	a.must(403, token("kam-huadong-1"), "GET", "/v1/receipts/"+strconv.FormatInt(rec.ID, 10), nil, nil)
	a.must(200, token("kam-huadong-1"), "GET", "/v1/receipts?customer_id="+cashCustomer, nil, &list)
	if len(list) != 0 {
		t.Errorf("another market's KAM sees %d receipts", len(list))
	}

	// The unapplied cash is applied later to the second invoice of the second order.
	var applied sales.UnappliedApplication
	a.must(201, token("fin1"), "POST", "/v1/customers/"+cashCustomer+"/unapplied/applications",
		map[string]any{"invoice_nos": []string{b2.InvoiceNo}, "amount_fen": 12_345}, &applied)
	if applied.Status != sales.ReceiptApplied || applied.Applied != 12_345 || len(applied.Applications) != 1 {
		t.Fatalf("application %+v", applied)
	}
	if v := a.status(second); v.Outstanding != b2.Amount-12_345 {
		t.Errorf("the second order owes %s, want %s", v.Outstanding, b2.Amount-12_345)
	}
	if u := a.unapplied(cashCustomer); u.Balance != before {
		t.Errorf("unapplied cash %s after applying it, want %s", u.Balance, before)
	}
	a.must(409, token("fin1"), "POST", "/v1/customers/"+cashCustomer+"/unapplied/applications",
		map[string]any{"invoice_nos": []string{b2.InvoiceNo}, "amount_fen": before + 1}, nil)

	// The old per-order route pays the rest of the second order and overpays
	// it by ¥80,000.00: that too is unapplied cash.
	var confirmed workflows.ConfirmPaymentResult
	overpaid := sales.Yuan(80_000)
	a.must(201, token("fin1"), "POST", "/v1/orders/"+second+"/receipts", map[string]any{"reference": "CASH-" + second,
		"amount_fen": b2.Amount - 12_345 + overpaid, "currency": "CNY"}, &confirmed)
	if confirmed.Outstanding != 0 || confirmed.Receipt.Excess != overpaid || confirmed.Duplicate {
		t.Errorf("order receipt %+v", confirmed)
	}
	a.must(200, token("fin1"), "POST", "/v1/orders/"+second+"/receipts", map[string]any{"reference": "CASH-" + second,
		"amount_fen": b2.Amount - 12_345 + overpaid, "currency": "CNY"}, &confirmed)
	if !confirmed.Duplicate {
		t.Error("the order receipt again is no duplicate")
	}
	a.waitStatus(second, sales.StatusRemitted)

	// ¥20,000.00 is refunded at once; ¥60,000.00 waits for the SLT.
	var small, large sales.Refund
	a.must(201, token("fin1"), "POST", "/v1/customers/"+cashCustomer+"/refunds",
		map[string]any{"amount_fen": sales.Yuan(20_000), "bank_account": "6222-0211-0000-0001", "reason": "overpaid"}, &small)
	if small.Status != sales.RefundRefunded || small.NeedsDecision {
		t.Errorf("refund within the limit %+v", small)
	}
	a.must(201, token("fin1"), "POST", "/v1/customers/"+cashCustomer+"/refunds",
		map[string]any{"amount_fen": sales.Yuan(60_000), "bank_account": "6222-0211-0000-0001", "reason": "overpaid"}, &large)
	if large.Status != sales.RefundRequested || !large.NeedsDecision || large.Level != sales.LevelSLT {
		t.Errorf("refund above the limit %+v", large)
	}
	if u := a.unapplied(cashCustomer); u.Balance != before {
		t.Errorf("unapplied cash %s with both refunds reserved, want %s", u.Balance, before)
	}
	a.must(409, token("fin1"), "POST", "/v1/customers/"+cashCustomer+"/refunds",
		map[string]any{"amount_fen": before + 1, "bank_account": "6222", "reason": "more than is there"}, nil)
	var waiting []sales.Refund
	a.must(200, token("sd"), "GET", "/v1/refunds?status=requested&customer_id="+cashCustomer, nil, &waiting)
	if len(waiting) != 1 || waiting[0].ID != large.ID {
		t.Errorf("waiting refunds %+v", waiting)
	}
	decision := "/v1/refunds/" + strconv.FormatInt(large.ID, 10) + "/decision"
	a.must(403, token("fin1"), "POST", decision, map[string]string{"decision": "approve"}, nil)
	a.must(200, token("sd"), "POST", decision, map[string]string{"decision": "approve", "note": "confirmed with the customer"}, &large)
	if large.Status != sales.RefundRefunded || large.DecidedBy != "sd" {
		t.Errorf("approved refund %+v", large)
	}
	a.must(409, token("gm"), "POST", decision, map[string]string{"decision": "reject"}, nil)
	if u := a.unapplied(cashCustomer); u.Balance != before {
		t.Errorf("unapplied cash %s after the refunds, want %s", u.Balance, before)
	}
	// The SLT member over the market was asked, and Finance told.
	eventually(t, 10*time.Second, "the SLT asked about the refund", func() bool {
		var notes []sales.NotificationRecord
		a.must(200, token("sd"), "GET", "/v1/notifications?recipient_id=me", nil, &notes)
		for _, n := range notes {
			if n.Kind == "refund_requested" {
				return true
			}
		}
		return false
	})
	a.sys.saveWorkflowHistory(t, workflows.ReceiptWorkflowID(rec.BankAccount, rec.Reference), "finance-histories", "receipt_three_invoices_two_orders")
	a.sys.saveWorkflowHistory(t, workflows.RefundWorkflowID(large.ID), "finance-histories", "refund_decided_by_the_slt")
}
