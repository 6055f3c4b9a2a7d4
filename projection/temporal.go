package projection

import (
	"context"
	"fmt"

	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"

	"osb/sales"
	"osb/workflows"
)

// Temporal is the Source of a Temporal namespace: every order workflow it
// lists, running or closed within its retention.
type Temporal struct {
	Client    client.Client
	Namespace string
}

// OrderNos lists the order numbers of every order workflow, each once (the
// latest run of a reopened order stands for it).
func (t Temporal) OrderNos(ctx context.Context) ([]string, error) {
	seen := map[string]bool{}
	var out []string
	var token []byte
	for {
		resp, err := t.Client.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{
			Namespace: t.Namespace, Query: fmt.Sprintf("WorkflowType = %q", workflows.OrderWorkflowName),
			PageSize: 1000, NextPageToken: token,
		})
		if err != nil {
			return nil, err
		}
		for _, e := range resp.GetExecutions() {
			no, ok := workflows.OrderNoOf(e.GetExecution().GetWorkflowId())
			if ok && !seen[no] {
				seen[no] = true
				out = append(out, no)
			}
		}
		if token = resp.GetNextPageToken(); len(token) == 0 {
			return out, nil
		}
	}
}

// Record asks the order's latest run for its whole record.
func (t Temporal) Record(ctx context.Context, orderNo string) (sales.OrderChanges, error) {
	var rec sales.OrderChanges
	v, err := t.Client.QueryWorkflow(ctx, workflows.WorkflowID(orderNo), "", workflows.QueryRecord)
	if err != nil {
		return rec, err
	}
	err = v.Get(&rec)
	return rec, err
}
