package console

import (
	"context"
	"time"

	"osb/sales"
)

// VATInvoicesToRecord are the invoices without their official VAT invoice
// number, for Finance (BC1): the deadline is when the missing number makes
// the step late.
type VATInvoicesToRecord struct{ Store Store }

// Tasks lists them, the soonest late first.
func (s VATInvoicesToRecord) Tasks(ctx context.Context, v Viewer, _ time.Time) ([]Task, error) {
	if !v.User.May(sales.PermRecordVATInvoice) {
		return nil, nil
	}
	list, err := s.Store.InvoicesAwaiting(ctx, v.Scope, sales.WaitVATInvoice, taskLimit)
	if err != nil {
		return nil, err
	}
	tasks := make([]Task, 0, len(list))
	for _, inv := range list {
		tasks = append(tasks, Task{Kind: "vat_invoice", What: "mywork.task.vat_invoice", Args: []any{inv.No}, OrderNo: inv.OrderNo,
			CustomerID: inv.CustomerID, CustomerName: inv.CustomerName, Amount: inv.Amount, Currency: inv.Currency,
			Deadline: inv.VATDue, Link: orderLink(inv.OrderNo) + "#act-vat-invoice-" + inv.No})
	}
	return tasks, nil
}

// ExtensionsToDecide are the due-date extensions the FSF or Finance asked
// for, for the SLT: the deadline is when an undecided request escalates.
type ExtensionsToDecide struct {
	Store  Store
	Policy sales.Policy
}

// Tasks lists them, the oldest request first.
func (s ExtensionsToDecide) Tasks(ctx context.Context, v Viewer, _ time.Time) ([]Task, error) {
	if !v.User.May(sales.PermExtendDue) {
		return nil, nil
	}
	list, err := s.Store.InvoicesAwaiting(ctx, v.Scope, sales.WaitExtension, taskLimit)
	if err != nil {
		return nil, err
	}
	wait := s.Policy.ExtensionDecisionTime()
	tasks := make([]Task, 0, len(list))
	for _, inv := range list {
		ext := inv.Extension
		deadline := ext.RequestedAt.Add(wait)
		tasks = append(tasks, Task{Kind: "extension", What: "mywork.task.extension", Args: []any{inv.No, ext.DueDate}, OrderNo: inv.OrderNo,
			CustomerID: inv.CustomerID, CustomerName: inv.CustomerName, Amount: inv.Outstanding(), Currency: inv.Currency,
			Deadline: &deadline, Level: ext.Level, Link: orderLink(inv.OrderNo) + "#act-extension-decide-" + inv.No})
	}
	return tasks, nil
}
