package chaos

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"osb/sales"
)

// differences lists what the store holds otherwise than the workflow's
// record of the order: the header, each line, shipment, invoice and
// receipt. Times are compared to the microsecond, what PostgreSQL keeps.
func differences(store, wf sales.OrderSnapshot) []string {
	var d []string
	note := func(field string, s, w any) {
		if a, b := fmt.Sprint(s), fmt.Sprint(w); a != b {
			d = append(d, fmt.Sprintf("%s: store %s, workflow %s", field, a, b))
		}
	}
	note("version", store.Version, wf.Version)
	note("status", store.Status, wf.Status)
	note("step", store.Step, wf.Step)
	note("escalation level", store.Level, wf.Level)
	note("total", store.Total, wf.Total)
	note("unbilled", store.Unbilled, wf.Unbilled)
	note("outstanding", store.Outstanding, wf.Outstanding)
	note("hold reason", store.HoldReason, wf.HoldReason)
	note("closed at", stamp(store.ClosedAt), stamp(wf.ClosedAt))
	note("next deadline", stamp(store.NextDeadline), stamp(wf.NextDeadline))
	note("lines", each(store.Lines, lineText), each(wf.Lines, lineText))
	note("shipments", each(store.Shipments, shipmentText), each(wf.Shipments, shipmentText))
	note("invoices", each(store.Invoices, invoiceText), each(wf.Invoices, invoiceText))
	note("receipts", each(store.Receipts, receiptText), each(wf.Receipts, receiptText))
	return d
}

// each writes every item, sorted, so that the order they are kept in does not matter.
func each[T any](items []T, text func(T) string) string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = text(it)
	}
	slices.Sort(out)
	return "[" + strings.Join(out, " | ") + "]"
}

func lineText(l sales.Line) string {
	return fmt.Sprintf("%d %s ×%d @%d", l.LineNo, l.SKU, l.Quantity, l.UnitPrice)
}

func shipmentText(s sales.Shipment) string {
	return fmt.Sprintf("%s %v %s %s issued %s delivered %s short %v damaged %t invoice %s",
		s.No, s.Lines, s.Carrier, s.Waybill, stamp(&s.IssuedAt), stamp(s.DeliveredAt), s.Shortages, s.Damaged, s.InvoiceNo)
}

func invoiceText(i sales.Invoice) string {
	return fmt.Sprintf("%s of %s %d paid %d credited %d due %s ack %t disputed %t level %d paid at %s",
		i.No, i.ShipmentNo, i.Amount, i.Paid, i.Credited, stamp(&i.DueAt), i.Acknowledged, i.Disputed, i.Level, stamp(i.PaidAt))
}

func receiptText(r sales.Receipt) string {
	return fmt.Sprintf("%s %d %s at %s by %s %v excess %d",
		r.Reference, r.Amount, r.Currency, stamp(&r.ReceivedAt), r.ConfirmedBy, r.Allocations, r.Excess)
}

// stamp writes a time to the microsecond, "-" when there is none.
func stamp(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return t.UTC().Truncate(time.Microsecond).Format("2006-01-02T15:04:05.000000Z")
}

// The checks themselves: a store that lost a receipt's allocation, moved
// an invoice's payment or kept an older status is named field by field, and
// a record holding a goods issue twice is caught.
func TestDifferencesNameWhatTheStoreHoldsOtherwise(t *testing.T) {
	at := time.Date(2026, 3, 1, 9, 30, 0, 123456789, time.UTC)
	wf := sales.OrderSnapshot{
		Version: 12, Status: sales.StatusRemitted, Step: sales.BC7Close, Total: 5000,
		Lines:     []sales.Line{{LineNo: 1, SKU: "SKU-1001", Quantity: 2, UnitPrice: 2500}},
		Shipments: []sales.Shipment{{No: "SH-1", Waybill: "WB-1", IssuedAt: at, InvoiceNo: "IV-1", Lines: []sales.LineQty{{LineNo: 1, Quantity: 2}}}},
		Invoices:  []sales.Invoice{{No: "IV-1", ShipmentNo: "SH-1", Amount: 5000, Paid: 5000, IssuedAt: at, DueAt: at, PaidAt: &at}},
		Receipts:  []sales.Receipt{{Reference: "R1", Amount: 5000, ReceivedAt: at, Allocations: []sales.Allocation{{InvoiceNo: "IV-1", Amount: 5000}}}},
	}
	same := wf
	same.Shipments = []sales.Shipment{wf.Shipments[0]}
	same.Shipments[0].IssuedAt = at.Truncate(time.Microsecond) // what PostgreSQL keeps
	if d := differences(same, wf); len(d) != 0 {
		t.Errorf("an equal store differs: %v", d)
	}

	behind := wf
	behind.Version, behind.Status = 11, sales.StatusBilled
	behind.Invoices = []sales.Invoice{wf.Invoices[0]}
	behind.Invoices[0].Paid, behind.Invoices[0].PaidAt = 0, nil
	behind.Receipts = nil
	d := strings.Join(differences(behind, wf), "\n")
	for _, want := range []string{"version: store 11, workflow 12", "status: store billed, workflow remitted", "invoices:", "receipts: store [], workflow [R1"} {
		if !strings.Contains(d, want) {
			t.Errorf("differences do not name %q:\n%s", want, d)
		}
	}

	doubled := wf
	doubled.Shipments = append([]sales.Shipment{{No: "SH-2", Waybill: "WB-1", InvoiceNo: "IV-2"}}, wf.Shipments...)
	if got := twice(doubled); len(got) != 1 || got[0] != "waybill WB-1 twice" {
		t.Errorf("twice found %v, want the waybill of one goods issue twice", got)
	}
}
