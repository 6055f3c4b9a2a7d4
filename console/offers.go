package console

import (
	"crypto/rand"
	"encoding/hex"
	"slices"

	"osb/sales"
)

// offers are the forms an order page shows its viewer: the actions
// sales.Permissions grants the viewer's role that make sense for the order
// in its state (the API decides in the end; a form it refuses shows why).
// posted, when set, replaces the offer it was posted from, with what was
// typed and its errors.
func offers(u sales.User, o sales.OrderSnapshot, returns []sales.Return, posted *form) []*form {
	var out []*form
	add := func(action, target string) {
		if !u.May(orderActions[action].Perm) {
			return
		}
		if posted != nil && posted.Action == action && posted.Target == target {
			posted.Idem = newIdem()
			out = append(out, posted)
			return
		}
		out = append(out, &form{Action: action, Target: target, Idem: newIdem()})
	}
	st := o.Status
	switch {
	case st == sales.StatusHeld:
		add("decide", "")
	case st == sales.StatusReleased && o.Step == sales.SP1Plan:
		add("acknowledge", "")
	}
	if (st == sales.StatusReleased || st == sales.StatusShipping) && o.Step != sales.SP1Plan && o.Step != sales.SP2Recheck && unshipped(o) {
		add("goods-issue", "")
	}
	delivered := false
	for _, s := range o.Shipments {
		if !s.Delivered() {
			add("delivery", s.No)
		}
		delivered = delivered || s.Delivered()
	}
	open := false
	for _, inv := range o.Invoices {
		if inv.VATNo == "" && st != sales.StatusCancelled && st != sales.StatusRejected {
			add("vat-invoice", inv.No)
		}
		if !inv.Open() {
			continue
		}
		open = true
		if !inv.Acknowledged {
			add("invoice-ack", inv.No)
		}
		if inv.Disputed {
			add("dispute-withdraw", inv.No)
		} else {
			add("dispute", inv.No)
		}
		if !creditAsked(returns, inv.No) {
			add("credit-note", inv.No)
		}
		if inv.Extension == nil {
			add("extension-request", inv.No)
		} else {
			add("extension-decide", inv.No)
		}
		add("extension", inv.No)
	}
	if open {
		add("receipt", "")
	}
	for _, r := range returns {
		switch {
		case r.Status == sales.ReturnRequested && r.RequestedBy != u.ID:
			add("return-decide", r.No)
		case r.Status == sales.ReturnApproved:
			add("return-receive", r.No)
		}
	}
	if delivered && st != sales.StatusCancelled && st != sales.StatusRejected {
		add("return", "")
	}
	if len(o.Shipments) > 0 && st == sales.StatusShipping && unshipped(o) {
		add("close-backorder", "")
	}
	if len(o.Shipments) == 0 && slices.Contains([]sales.OrderStatus{sales.StatusOpen, sales.StatusHeld, sales.StatusReleased}, st) {
		add("cancel", "")
	}
	return out
}

// creditAsked reports whether a credit note for a difference on invoice
// waits for its decision.
func creditAsked(returns []sales.Return, invoice string) bool {
	return slices.ContainsFunc(returns, func(r sales.Return) bool { return r.InvoiceNo == invoice && r.Open() })
}

// unshipped reports whether a line still has something to ship.
func unshipped(o sales.OrderSnapshot) bool {
	shipped := o.ShippedByLine()
	for _, l := range o.Lines {
		if shipped[l.LineNo] < l.Quantity {
			return true
		}
	}
	return false
}

// newIdem is a fresh idempotency key for a form.
func newIdem() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return "console-" + hex.EncodeToString(b)
}
