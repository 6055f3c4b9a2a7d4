package workflows

import (
	"strings"
	"testing"

	"osb/sales"
)

// After a partial shipment the SSG closes the backorder short: the rest is
// cancelled, its quota given back, the order bills what shipped and is
// remitted once that is delivered and paid. Before any goods issue, with
// nothing left, or by another role it is refused.
func TestBackorderClosedShortIsRemitted(t *testing.T) {
	h := newHarness(t)
	quotaOrder(h, 10) // line 1: 10 × SKU-Q at ¥80 (quota), line 2: 20 × SKU-B at ¥50
	h.at(hour, func() {
		h.update("early", UpdateCloseBackorder, CloseBackorderInput{Actor: ssg, Reason: "out of stock"})
		h.update("ack", UpdateAcknowledge, AcknowledgeInput{Actor: logistics, PlannedDate: "2030-01-01"})
	})
	h.at(2*hour, func() {
		h.update("gi", UpdateGoodsIssue, GoodsIssueInput{Actor: logistics, Lines: lineQty(1, 6, 2, 20), Carrier: "顺丰", Waybill: "SF1"})
	})
	h.at(3*hour, func() {
		h.update("kam", UpdateCloseBackorder, CloseBackorderInput{Actor: kam, Reason: "out of stock"})
		h.update("noreason", UpdateCloseBackorder, CloseBackorderInput{Actor: ssg, Reason: " "})
		h.update("close", UpdateCloseBackorder, CloseBackorderInput{Actor: ssg, Reason: "SKU-Q out of stock until next quarter"})
	})
	h.at(4*hour, func() {
		h.update("again", UpdateCloseBackorder, CloseBackorderInput{Actor: ssg, Reason: "again"})
		h.update("pod", UpdateDeliver, DeliverInput{Actor: logistics, ShipmentNo: "SH-2026-000001-1"})
	})
	h.pay(5*hour, "pay", "P", sales.Yuan(6*80+20*50))
	res := h.run()
	if res.Status != sales.StatusRemitted {
		t.Fatalf("status %s, want remitted", res.Status)
	}
	for label, want := range map[string]string{
		"early": "cancel the order instead", "kam": "only the SSG", "noreason": "reason", "again": "nothing left to ship",
	} {
		if err := h.mustRefuse(label); !strings.Contains(err.Error(), want) {
			t.Errorf("%s: refused with %v, want %q named", label, err, want)
		}
	}
	p := h.mustAccept("close").(Progress)
	if p.Backorder != 0 || p.Total != sales.Yuan(6*80+20*50) || p.Unbilled != 0 || p.Status != sales.StatusBilled {
		t.Errorf("after closing short: %+v; want nothing to ship, the total and the bill what shipped", p)
	}
	last := h.w.last()
	if last.Total != sales.Yuan(1480) || last.Unbilled != 0 {
		t.Errorf("stored total %s unbilled %s, want 1480.00 and 0", last.Total, last.Unbilled)
	}
	if got := strings.Join(movesOf(h.w.quotaMoves()), " "); got != "1/confirm=10.00 1/close_short=-4.00" {
		t.Errorf("quota moves %q, want the 4 unshipped units given back", got)
	}
	v := h.query()
	if c := v.BackorderClosed; c == nil || c.By != ssg.UserID || lineList(c.Lines) != "line 1 ×4" {
		t.Errorf("backorder close %+v, want line 1 ×4 by the SSG", c)
	}
	if !contains(h.kinds(), "backorder_closed") {
		t.Errorf("no backorder_closed event: %v", h.kinds())
	}
}
