package workflows

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"osb/sales"
)

// payloadBudget is how large any one payload of an order's workflow may
// grow: far below Temporal's limits (a warning at 512 KiB, a refusal at
// 2 MiB per payload), so no input people may send can bring an order near
// them.
const payloadBudget = 256 << 10

// The largest order people may send (200 lines, the longest note), shipped
// in one go with the longest carrier, waybill and delivery note, disputed
// and paid with the longest reason and reference: every update's input and
// answer, and the state continue-as-new carries, stay within the budget.
func TestTheLargestInputsStayFarBelowPayloadLimits(t *testing.T) {
	h := newHarness(t)
	long := func(n int) string { return strings.Repeat("价", n) } // three bytes each
	var lines []sales.LineRequest
	var all []sales.LineQty
	for i := 1; i <= 200; i++ {
		code := fmt.Sprintf("SKU-%03d-%s", i, strings.Repeat("X", 56))
		h.w.skus[code] = sales.SKU{Code: code, Name: code, ListPrice: sales.Yuan(100), Currency: sales.CNY, Active: true}
		lines = append(lines, sales.LineRequest{SKU: code, Quantity: 1_000_000, UnitPrice: sales.Yuan(100)})
		all = append(all, sales.LineQty{LineNo: i, Quantity: 1_000_000})
	}
	h.w.credit.Limit = sales.MaxAmount * 100
	h.input.Request = sales.OrderRequest{CustomerID: "C001", Currency: sales.CNY, Lines: lines,
		ClientRef: strings.Repeat("R", 64), Note: long(sales.MaxNote)}
	if p := h.input.Request.ValidateShape(h.env.Now()); len(p) > 0 {
		t.Fatalf("the largest order is refused: %v", p)
	}
	inputs := map[string]any{"order": h.input}
	send := func(label, name string, in any) {
		inputs[label] = in
		h.update(label, name, in)
	}
	h.at(hour, func() {
		send("ack", UpdateAcknowledge, AcknowledgeInput{Actor: logistics, PlannedDate: "2030-01-01"})
	})
	h.at(2*hour, func() {
		send("gi", UpdateGoodsIssue, GoodsIssueInput{Actor: logistics, Lines: all,
			Carrier: long(sales.MaxCarrier), Waybill: strings.Repeat("W", sales.MaxWaybill)})
	})
	h.at(3*hour, func() {
		send("pod", UpdateDeliver, DeliverInput{Actor: logistics, ShipmentNo: "SH-2026-000001-1", Note: long(sales.MaxNote)})
	})
	h.at(4*hour, func() {
		send("dispute", UpdateDispute, DisputeInput{Actor: ssg, InvoiceNo: "IV-2026-000001-1", Reason: long(sales.MaxReason)})
	})
	h.at(5*hour, func() {
		send("pay", UpdateConfirmPay, ConfirmPaymentInput{Actor: finance, Reference: strings.Repeat("B", sales.MaxReference),
			Amount: sales.Yuan(1000), Currency: sales.CNY})
	})
	h.runFor(sales.Day)

	for label, in := range inputs {
		if n := size(t, in); n > payloadBudget {
			t.Errorf("input of %s: %d bytes, over %d", label, n, payloadBudget)
		}
		if label != "order" {
			if n := size(t, h.mustAccept(label)); n > payloadBudget {
				t.Errorf("answer of %s: %d bytes, over %d", label, n, payloadBudget)
			}
		}
	}
	v := h.query()
	if len(v.Shipments) != 1 || len(v.Lines) != 200 || !v.Invoices[0].Disputed {
		t.Fatalf("the order did not take the inputs: %d shipments, %d lines", len(v.Shipments), len(v.Lines))
	}
	if n := size(t, v); n > payloadBudget {
		t.Errorf("the status: %d bytes, over %d", n, payloadBudget)
	}
	// What continue-as-new would carry: the state and the bookkeeping.
	carried := OrderInput{State: &v.OrderState, Book: &RunBook{Answers: make([]Answer, maxAnswers)}}
	for i := range carried.Book.Answers {
		carried.Book.Answers[i] = Answer{ID: strings.Repeat("k", 160), Result: json.RawMessage(mustJSON(t, h.mustAccept("pay")))}
	}
	if n := size(t, carried); n > payloadBudget {
		t.Errorf("the continue-as-new input: %d bytes, over %d", n, payloadBudget)
	}
}

func size(t *testing.T, v any) int { return len(mustJSON(t, v)) }

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
