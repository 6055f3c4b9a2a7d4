package console

import (
	"context"
	"slices"
	"strconv"
	"time"

	"osb/sales"
)

// RefundDecisions are the refunds above the limit waiting for the SLT, for
// whoever decides them, except the person who asked.
type RefundDecisions struct {
	Store  Store
	Policy sales.CashPolicy // the decision's deadline and ladder
}

// Tasks lists the waiting refunds, with the deadline of the rung they
// reached.
func (s RefundDecisions) Tasks(ctx context.Context, v Viewer, _ time.Time) ([]Task, error) {
	if !v.User.May(sales.PermDecideRefund) {
		return nil, nil
	}
	list, err := s.Store.ListRefunds(ctx, sales.RefundFilter{Status: sales.RefundRequested, Scope: v.Scope, Limit: taskLimit})
	if err != nil {
		return nil, err
	}
	names, err := customerNames(ctx, s.Store, v.Scope)
	if err != nil {
		return nil, err
	}
	var tasks []Task
	for _, f := range list {
		if f.RequestedBy == v.User.ID || !f.NeedsDecision {
			continue
		}
		deadline := refundDeadline(f, s.Policy)
		tasks = append(tasks, Task{Kind: "refund", What: "mywork.task.refund", Args: []any{f.ID},
			CustomerID: f.CustomerID, CustomerName: names[f.CustomerID], Amount: f.Amount, Currency: f.Currency,
			Deadline: &deadline, Level: f.Level, Link: refundLink(f.ID)})
	}
	return tasks, nil
}

// refundDeadline is when the rung a refund reached stops waiting, as the
// refund workflow counts it (workflows/refund.go deadline).
func refundDeadline(f sales.Refund, p sales.CashPolicy) time.Time {
	rung := max(slices.Index(p.RefundLadder, f.Level), 0)
	return f.RequestedAt.Add(time.Duration(p.RefundDecision) + time.Duration(rung)*time.Duration(p.RefundEscalateEvery))
}

func refundLink(id int64) string {
	return "/refunds#act-decide-refund-" + strconv.FormatInt(id, 10)
}

// ReceiptsApplying are the receipts whose orders have not all taken their
// shares yet, for Finance: a receipt is applied in seconds, so one still
// applying after ApplyingFor waits for an order workflow or a worker that
// does not answer.
type ReceiptsApplying struct{ Store Store }

// ApplyingFor is how long a receipt may stay applying before it is late.
const ApplyingFor = 15 * time.Minute

// Tasks lists the receipts still applying, the oldest first.
func (s ReceiptsApplying) Tasks(ctx context.Context, v Viewer, _ time.Time) ([]Task, error) {
	if !v.User.May(sales.PermRecordReceipt) {
		return nil, nil
	}
	list, err := s.Store.ListReceipts(ctx, sales.ReceiptFilter{Status: sales.ReceiptApplying, Scope: v.Scope, Limit: taskLimit})
	if err != nil {
		return nil, err
	}
	names, err := customerNames(ctx, s.Store, v.Scope)
	if err != nil {
		return nil, err
	}
	tasks := make([]Task, len(list))
	for i, r := range list {
		deadline := r.RecordedAt.Add(ApplyingFor)
		tasks[i] = Task{Kind: "receipt_applying", What: "mywork.task.receipt_applying", Args: []any{r.Reference},
			CustomerID: r.CustomerID, CustomerName: names[r.CustomerID], Amount: r.Amount, Currency: r.Currency,
			Deadline: &deadline, Link: "/receipts/" + strconv.FormatInt(r.ID, 10)}
	}
	return tasks, nil
}
