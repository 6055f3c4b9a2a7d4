package workflows

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"osb/sales"
)

// One durable timer stands for the next deadline: every action that moves
// the deadline cancels the old timer, so no stale timer wakes the order
// later, and an action with a local activity of its own (the re-check at
// acknowledgement) is written to the store once.
func TestOneDeadlineTimerAtATime(t *testing.T) {
	h := newHarness(t)
	scheduled, fired, cancelled := 0, 0, 0
	h.env.SetOnTimerScheduledListener(func(string, time.Duration) { scheduled++ })
	h.env.SetOnTimerFiredListener(func(string) { fired++ })
	h.env.SetOnTimerCanceledListener(func(string) { cancelled++ })
	h.shipAll(hour)
	h.pay(4*hour, "pay", "BANK-1", sales.Yuan(2000))
	if res := h.run(); res.Status != sales.StatusRemitted {
		t.Fatalf("status %s", res.Status)
	}
	// Deadlines of SP1, SP3, and from the goods issue the invoice's VAT
	// number (earlier than SP5's and the due date's, so the delivery keeps
	// it): each action that moved the deadline cancelled the timer before
	// it, and the payment completed the workflow (no timer for the return
	// window: a return request starts the order again).
	if scheduled != 3 || cancelled != 2 || fired != 0 {
		t.Errorf("timers: %d scheduled, %d cancelled, %d fired; want 3, 2, 0", scheduled, cancelled, fired)
	}
	// Start, acknowledgement, goods issue, delivery, payment: one write each.
	if n := len(h.w.syncs); n != 5 {
		t.Errorf("%d writes to the store, want 5", n)
	}
}

// Each write carries the order and only the lines, shipments, invoices and
// receipts that changed since the write before.
func TestWritesCarryOnlyWhatChanged(t *testing.T) {
	h := newHarness(t)
	h.shipAll(hour)
	h.pay(4*hour, "pay", "BANK-1", sales.Yuan(2000))
	if res := h.run(); res.Status != sales.StatusRemitted {
		t.Fatalf("status %s", res.Status)
	}
	want := []string{
		"lines 2, shipments 0, invoices 0, receipts 0", // registered and released
		"lines 0, shipments 0, invoices 0, receipts 0", // acknowledged
		"lines 2, shipments 1, invoices 1, receipts 0", // goods issue: shipped quantities, shipment, invoice
		"lines 0, shipments 1, invoices 0, receipts 0", // proof of delivery
		"lines 0, shipments 0, invoices 1, receipts 1", // payment
	}
	var got []string
	for _, c := range h.w.syncs {
		o := c.Order
		got = append(got, fmt.Sprintf("lines %d, shipments %d, invoices %d, receipts %d", len(o.Lines), len(o.Shipments), len(o.Invoices), len(o.Receipts)))
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("writes carried\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if last := h.w.last(); last.Shipped[1] != 10 || last.Shipped[2] != 20 {
		t.Errorf("shipped per line %v", last.Shipped)
	}
}

// An order started with what OP1 registers (as the API starts it) does not
// read it again; one started without it does.
func TestPreparedInputSkipsTheRegistrationRead(t *testing.T) {
	h := newHarness(t)
	prep, err := h.w.prepare(t.Context(), h.input.Request)
	if err != nil {
		t.Fatal(err)
	}
	h.w.prepares = 0
	h.input.Prepared = &prep
	h.shipAll(hour)
	h.pay(4*hour, "pay", "BANK-1", sales.Yuan(2000))
	if res := h.run(); res.Status != sales.StatusRemitted {
		t.Fatalf("status %s", res.Status)
	}
	if h.w.prepares != 0 {
		t.Errorf("PrepareOrder ran %d times with the registration in the input", h.w.prepares)
	}
	if v := h.query(); v.CustomerName == "" || v.Ladder.GM == "" {
		t.Errorf("registration not taken from the input: %+v", v.OrderState)
	}

	h = newHarness(t)
	h.shipAll(hour)
	h.pay(4*hour, "pay", "BANK-1", sales.Yuan(2000))
	h.run()
	if h.w.prepares != 1 {
		t.Errorf("PrepareOrder ran %d times without the registration in the input, want 1", h.w.prepares)
	}
}

// An action answers where the order stands once what follows from it by
// itself is done: SP3 after the acknowledgement's re-check, BC2 after the
// proof of delivery.
func TestActionsAnswerTheSettledStep(t *testing.T) {
	h := newHarness(t)
	h.shipAll(hour)
	h.runFor(10 * hour)
	ack, pod := h.mustAccept("ack").(Progress), h.mustAccept("pod").(Progress)
	if ack.Step != sales.SP3Pick || pod.Step != sales.BC2Acknowledge {
		t.Errorf("acknowledge answered %s, delivery %s; want %s and %s", ack.Step, pod.Step, sales.SP3Pick, sales.BC2Acknowledge)
	}
	if v := h.query(); v.Step != pod.Step || v.NextAction != pod.NextAction {
		t.Errorf("the delivery answered %s (%q), the order is at %s (%q)", pod.Step, pod.NextAction, v.Step, v.NextAction)
	}
	if ack.StepOwner != sales.RoleLogistics {
		t.Errorf("after the acknowledgement the order waits for %s, want logistics", ack.StepOwner)
	}
}
