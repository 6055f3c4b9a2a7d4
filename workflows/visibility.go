package workflows

import (
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/workflow"
)

// OrderMemo is the memo of an order's workflow, which the Web UI shows
// beside the search attributes: the starter sets it, the workflow keeps it
// current.
type OrderMemo struct {
	CustomerName string `json:"customer_name"`
	TotalFen     int64  `json:"total_fen"`
	Currency     string `json:"currency"`
}

// Fields is the memo as Temporal stores it, one field per attribute.
func (m OrderMemo) Fields() map[string]any {
	return map[string]any{"customer_name": m.CustomerName, "total_fen": m.TotalFen, "currency": m.Currency}
}

// startAttrs reads the search attributes and the memo the run started with,
// so that the first upsert writes only what changed since.
func startAttrs(ctx workflow.Context) (savedAttrs, *OrderMemo) {
	var sa savedAttrs
	attrs := workflow.GetTypedSearchAttributes(ctx)
	_, sa.Identity = attrs.GetKeyword(SAOrderNo)
	sa.Status, _ = attrs.GetKeyword(SAOrderStatus)
	sa.Step, _ = attrs.GetKeyword(SAStep)
	sa.Level, _ = attrs.GetInt64(SAEscalationLevel)
	sa.Outstanding, _ = attrs.GetInt64(SAAmountOutstanding)
	sa.Deadline, _ = attrs.GetTime(SANextDeadline)
	var m OrderMemo
	fields := workflow.GetInfo(ctx).Memo.GetFields()
	dc := converter.GetDefaultDataConverter()
	// Each key is decoded on its own: the order of iteration does not matter.
	//workflowcheck:ignore
	for key, into := range map[string]any{"customer_name": &m.CustomerName, "total_fen": &m.TotalFen, "currency": &m.Currency} {
		if p, ok := fields[key]; ok {
			_ = dc.FromPayload(p, into)
		}
	}
	if m.CustomerName == "" {
		return sa, nil
	}
	return sa, &m
}
