package workflows

import (
	"fmt"
	"strings"
	"time"

	"go.temporal.io/sdk/workflow"

	"osb/sales"
)

// validateApplyPayment lets in only a share Finance (or OSB's own cash
// application) sends for invoices of this order, in its currency.
func (r *orderRun) validateApplyPayment(in ApplyPaymentInput) error {
	if !in.Actor.Is(sales.RoleFinance) && in.Actor.UserID != sales.System.UserID {
		return refusal(sales.ErrForbidden, "only Finance may apply a payment")
	}
	var p sales.Problems
	p.Text("key", in.Key, sales.MaxReference*2, true)
	p.Text("reference", in.Reference, sales.MaxReference, true)
	if _, err := time.ParseInLocation(time.DateOnly, in.ValueDate, sales.Beijing); err != nil {
		p.Add("value_date", "must be a date like 2026-12-31")
	}
	if in.Currency != r.s.Currency {
		p.Add("currency", "must be the order's currency %s", r.s.Currency)
	}
	if len(in.Shares) == 0 {
		p.Add("shares", "name at least one invoice")
	}
	seen := map[string]bool{}
	for i, sh := range in.Shares {
		f := fmt.Sprintf("shares[%d]", i)
		switch {
		case r.s.invoice(sh.InvoiceNo) == nil:
			p.Add(f+".invoice_no", "order %s has no invoice %q", r.s.OrderNo, sh.InvoiceNo)
		case seen[sh.InvoiceNo]:
			p.Add(f+".invoice_no", "invoice %s is named twice", sh.InvoiceNo)
		}
		if sh.Amount <= 0 || sh.Amount > sales.MaxAmount {
			p.Add(f+".amount_fen", "must be positive, at most %d", sales.MaxAmount)
		}
		seen[sh.InvoiceNo] = true
	}
	return invalid(p, "invalid payment application")
}

// applyPayment applies an order's share of a customer's receipt (BC6): each
// invoice takes at most what it still owes, and what it does not take is
// answered as unapplied (the cash application keeps it as the customer's
// unapplied cash). An invoice settled by it is paid on the value date: days
// late count to the day the money arrived, not to the day Finance typed it.
// A key applied before answers as then.
func (r *orderRun) applyPayment(ctx workflow.Context, in ApplyPaymentInput) (ApplyPaymentResult, error) {
	r.begin(in.Actor)
	s := r.s
	for _, rc := range s.Receipts {
		if rc.Key == in.Key {
			return ApplyPaymentResult{Applied: rc.Allocations, Unapplied: sharesTotal(in.Shares) - rc.Amount, Duplicate: true}, nil
		}
	}
	value, _ := time.ParseInLocation(time.DateOnly, in.ValueDate, sales.Beijing)
	var applied []sales.Allocation
	var total sales.Fen
	for _, sh := range in.Shares {
		inv := s.invoice(sh.InvoiceNo)
		pay := min(sh.Amount, max(inv.Outstanding(), 0))
		if pay == 0 {
			continue
		}
		inv.Paid += pay
		if !inv.Open() {
			paid := value
			inv.PaidAt = &paid
		}
		applied = append(applied, sales.Allocation{InvoiceNo: inv.No, Amount: pay})
		total += pay
	}
	res := ApplyPaymentResult{Applied: applied, Unapplied: sharesTotal(in.Shares) - total}
	if total == 0 {
		r.event("payment_not_applied", map[string]string{"key": in.Key, "reference": in.Reference})
		return res, nil
	}
	ref := strings.TrimSpace(in.Reference)
	if s.receipt(ref) != nil { // the same bank reference from another account
		ref += "#" + in.Key
	}
	// Received on the value date: the receivables record, the ageing and
	// the collections count the money from the day it arrived.
	s.Receipts = append(s.Receipts, sales.Receipt{Key: in.Key, Reference: ref, ValueDate: in.ValueDate, Amount: total,
		Currency: in.Currency, ReceivedAt: value, ConfirmedBy: in.Actor.UserID, Allocations: applied})
	r.event("payment_applied", map[string]string{"key": in.Key, "reference": in.Reference, "value_date": in.ValueDate,
		"amount": total.String(), "unapplied": res.Unapplied.String()})
	return res, nil
}

// paymentNow answers an applied payment with the order's progress as it
// stands (settled): the share that paid the last invoice answers remitted.
func (r *orderRun) paymentNow(res ApplyPaymentResult) ApplyPaymentResult {
	res.Progress = r.progress()
	return res
}

func sharesTotal(shares []sales.Allocation) sales.Fen {
	var t sales.Fen
	for _, sh := range shares {
		t += sh.Amount
	}
	return t
}
