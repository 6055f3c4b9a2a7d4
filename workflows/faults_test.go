package workflows

import (
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/temporal"

	"osb/sales"
)

// A write the store refuses (here: a dispute whose text the store cannot
// hold) never fails the order: its changes wait, the order shows that its
// record is behind, one problem is filed, and once the cause is gone the
// write passes with everything that waited, by itself.
func TestARefusedWriteNeverFailsTheOrder(t *testing.T) {
	h := newHarness(t)
	var fixed time.Time
	h.w.refuse = func(c sales.OrderChanges) string {
		for _, e := range c.Events {
			if e.Kind == "invoice_disputed" && fixed.IsZero() {
				return "invalid byte sequence for encoding UTF8"
			}
		}
		return ""
	}
	h.shipAll(hour)
	h.at(4*hour, func() {
		h.update("dispute", UpdateDispute, DisputeInput{Actor: ssg, InvoiceNo: "IV-2026-000001-1", Reason: "wrong price"})
	})
	h.at(5*hour, func() {
		v := h.query()
		if v.RecordBehind == nil || v.RecordBehind.Attempts < 1 || !strings.Contains(v.RecordBehind.Error, "UTF8") {
			t.Errorf("an hour after the refused write the order shows %+v", v.RecordBehind)
		}
	})
	h.pay(6*hour, "pay", "P-1", sales.Yuan(1000)) // more changes wait behind the refused ones
	h.at(7*hour, func() { fixed = h.env.Now() })
	h.at(12*hour, func() {
		if v := h.query(); v.RecordBehind != nil {
			t.Errorf("after the cause went away the record is still behind: %+v", v.RecordBehind)
		}
	})
	h.runFor(2 * sales.Day)
	if err := h.env.GetWorkflowError(); err != nil && !temporal.IsCanceledError(err) {
		t.Fatalf("the workflow failed: %v", err) // runFor cancels it at the end
	}
	if len(h.w.problems) != 1 || h.w.problems[0].Source != sales.SourceStoreBehind || h.w.problems[0].OrderNo != "SO-2026-000001" {
		t.Errorf("problems filed %+v, want one store_behind problem of the order", h.w.problems)
	}
	kinds := strings.Join(h.kinds(), " ")
	if !strings.Contains(kinds, "invoice_disputed") || !strings.Contains(kinds, "payment_confirmed") {
		t.Errorf("the waiting changes were not written: %s", kinds)
	}
	if last := h.w.last(); len(last.Receipts) != 1 || last.Outstanding != sales.Yuan(1000) {
		t.Errorf("the store has %d receipts, %s outstanding", len(last.Receipts), last.Outstanding)
	}
}

// A read that fails (the credit check at OP4, here for longer than its own
// retries) never fails the order: it waits and reads again.
func TestAFailingReadNeverFailsTheOrder(t *testing.T) {
	h := newHarness(t)
	h.w.creditDown = 3
	h.runFor(sales.Day)
	if err := h.env.GetWorkflowError(); err != nil && !temporal.IsCanceledError(err) {
		t.Fatalf("the workflow failed: %v", err) // runFor cancels it at the end
	}
	if v := h.query(); v.Status != sales.StatusReleased || v.Step != sales.SP1Plan {
		t.Errorf("after the credit read came back the order is %s at %s", v.Status, v.Step)
	}
	if h.w.creditDown != 0 {
		t.Errorf("%d failures left: the read was not tried again", h.w.creditDown)
	}
}
