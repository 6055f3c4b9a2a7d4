package console

import (
	"context"
	"slices"
	"time"

	"osb/sales"
)

// ReceiptsToConfirm are the open orders whose invoices are due or overdue,
// waiting for a payment confirmation (BC6), for whoever confirms receipts:
// Finance. One task per order: a transfer pays invoices of an order
// together, confirmed on the order's page.
type ReceiptsToConfirm struct{ Store Store }

// Tasks lists the orders with invoices due by the end of today (Beijing),
// the earliest due first; the deadline is the earliest due date, the level
// the highest dunning rung its invoices reached.
func (s ReceiptsToConfirm) Tasks(ctx context.Context, v Viewer, now time.Time) ([]Task, error) {
	if !owns(v.User.Role, sales.BC6Payment) || !v.User.May(sales.PermConfirmReceipt) {
		return nil, nil
	}
	list, err := s.Store.OverdueInvoices(ctx, v.Scope, endOfDay(now), taskLimit)
	if err != nil {
		return nil, err
	}
	var tasks []Task
	invoices := map[string]int{} // how many invoices each order's task names
	for _, inv := range list {
		n := invoices[inv.OrderNo]
		invoices[inv.OrderNo] = n + 1
		if n == 0 {
			due := inv.DueAt
			tasks = append(tasks, Task{Kind: "receipt", What: "mywork.task.receipt", Args: []any{inv.No}, OrderNo: inv.OrderNo,
				CustomerID: inv.CustomerID, CustomerName: inv.CustomerName, Amount: inv.Outstanding(), Currency: inv.Currency,
				Deadline: &due, Level: inv.Level, Link: orderLink(inv.OrderNo) + "#act-receipt"})
			continue
		}
		i := slices.IndexFunc(tasks, func(t Task) bool { return t.OrderNo == inv.OrderNo })
		t := &tasks[i]
		t.Amount += inv.Outstanding()
		t.Level = max(t.Level, inv.Level)
		t.What, t.Args = "mywork.task.receipts", []any{t.Args[0], n} // the earliest due and how many more
	}
	return tasks, nil
}

// endOfDay is the end of now's Beijing day.
func endOfDay(now time.Time) time.Time {
	d := now.In(sales.Beijing)
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, sales.Beijing).AddDate(0, 0, 1)
}
