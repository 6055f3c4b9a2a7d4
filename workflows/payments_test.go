package workflows

import (
	"strings"
	"testing"
	"time"

	"osb/sales"
)

func (h *harness) applyShare(at time.Duration, label, key, valueDate string, shares ...sales.Allocation) {
	h.at(at, func() {
		h.update(label, UpdateApplyPayment, ApplyPaymentInput{Actor: sales.System, Key: key, Reference: "BANK-" + key,
			ValueDate: valueDate, Currency: sales.CNY, Shares: shares})
	})
}

func share(inv string, yuan int64) sales.Allocation {
	return sales.Allocation{InvoiceNo: inv, Amount: sales.Yuan(yuan)}
}

// A customer's receipt reaches the order as shares: an invoice takes at most
// what it owes, the same key never counts twice, what the order does not
// take is answered as unapplied, and the invoice is paid on the value date.
func TestApplyPaymentTakesSharesOnceAndPaysOnTheValueDate(t *testing.T) {
	h := newHarness(t)
	h.shipAll(hour)
	const inv = "IV-2026-000001-1"
	h.applyShare(5*sales.Day, "part", "receipt/1", "2026-01-03", share(inv, 500))
	h.applyShare(5*sales.Day+hour, "again", "receipt/1", "2026-01-03", share(inv, 500))
	h.at(6*sales.Day, func() {
		h.update("foreign", UpdateApplyPayment, ApplyPaymentInput{Actor: finance, Key: "receipt/9", Reference: "X", ValueDate: "2026-01-03",
			Currency: sales.CNY, Shares: []sales.Allocation{share("IV-OTHER", 1)}})
		h.update("usd", UpdateApplyPayment, ApplyPaymentInput{Actor: finance, Key: "receipt/9", Reference: "X", ValueDate: "2026-01-03",
			Currency: "USD", Shares: []sales.Allocation{share(inv, 1)}})
		h.update("role", UpdateApplyPayment, ApplyPaymentInput{Actor: logistics, Key: "receipt/9", Reference: "X", ValueDate: "2026-01-03",
			Currency: sales.CNY, Shares: []sales.Allocation{share(inv, 1)}})
		h.update("date", UpdateApplyPayment, ApplyPaymentInput{Actor: finance, Key: "receipt/9", Reference: "X", ValueDate: "3.1.2026",
			Currency: sales.CNY, Shares: []sales.Allocation{share(inv, 1)}})
	})
	h.applyShare(8*sales.Day, "rest", "receipt/2", "2026-01-08", share(inv, 1700))
	res := h.run()
	if res.Status != sales.StatusRemitted {
		t.Fatalf("status %s, want remitted", res.Status)
	}
	if r := h.mustAccept("part").(ApplyPaymentResult); r.Unapplied != 0 || len(r.Applied) != 1 || r.Applied[0].Amount != sales.Yuan(500) ||
		r.Progress.Outstanding != sales.Yuan(1500) {
		t.Errorf("first share: %+v", r)
	}
	if r := h.mustAccept("again").(ApplyPaymentResult); !r.Duplicate || len(r.Applied) != 1 || r.Applied[0].Amount != sales.Yuan(500) {
		t.Errorf("the same key again: %+v", r)
	}
	for label, want := range map[string]string{"foreign": "no invoice", "usd": "currency", "role": "only Finance", "date": "value_date"} {
		if err := h.mustRefuse(label); !strings.Contains(err.Error(), want) {
			t.Errorf("%s: refused with %v, want %q", label, err, want)
		}
	}
	r := h.mustAccept("rest").(ApplyPaymentResult)
	if r.Unapplied != sales.Yuan(200) || r.Applied[0].Amount != sales.Yuan(1500) || r.Progress.Status != sales.StatusRemitted {
		t.Errorf("last share: %+v", r)
	}
	snap := h.w.last()
	if len(snap.Receipts) != 2 || snap.Receipts[0].Key != "receipt/1" || snap.Receipts[1].ValueDate != "2026-01-08" {
		t.Errorf("receipts %+v", snap.Receipts)
	}
	if !snap.Receipts[1].ReceivedAt.Equal(time.Date(2026, 1, 8, 0, 0, 0, 0, sales.Beijing)) {
		t.Errorf("received at %v, want the value date", snap.Receipts[1].ReceivedAt)
	}
	paid := snap.Invoices[0].PaidAt
	if paid == nil || !paid.Equal(time.Date(2026, 1, 8, 0, 0, 0, 0, sales.Beijing)) {
		t.Errorf("paid at %v, want the value date 2026-01-08 in Beijing", paid)
	}
	if len(h.w.credits()) != 0 {
		t.Errorf("the order kept unapplied cash itself: %+v", h.w.credits())
	}
}
