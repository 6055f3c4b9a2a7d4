// Package worker hosts OSB's workflows and activities on a Temporal task
// queue.
package worker

import (
	"go.temporal.io/sdk/client"
	sdkworker "go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"osb/activities"
	"osb/workflows"
)

// Options tune a worker process.
type Options struct {
	// MaxConcurrentWorkflowTasks and MaxConcurrentActivities bound the work one
	// process takes on; zero keeps the SDK's defaults.
	MaxConcurrentWorkflowTasks int
	MaxConcurrentActivities    int
	// Pollers is how many long polls each process keeps open for workflow
	// and activity tasks (default DefaultPollers): with the SDK's 2, one
	// process waits on the server instead of working.
	Pollers int
}

// DefaultPollers is the number of task pollers of a worker process.
const DefaultPollers = 8

// New returns a worker on workflows.TaskQueue with the order workflow and its
// activities registered. Start it with Run or Start.
func New(c client.Client, acts *activities.Activities, o Options) sdkworker.Worker {
	pollers := o.Pollers
	if pollers <= 0 {
		pollers = DefaultPollers
	}
	w := sdkworker.New(c, workflows.TaskQueue, sdkworker.Options{
		MaxConcurrentWorkflowTaskPollers:        pollers,
		MaxConcurrentActivityTaskPollers:        pollers,
		MaxConcurrentWorkflowTaskExecutionSize:  o.MaxConcurrentWorkflowTasks,
		MaxConcurrentActivityExecutionSize:      o.MaxConcurrentActivities,
		MaxConcurrentLocalActivityExecutionSize: o.MaxConcurrentActivities,
	})
	Register(w, acts)
	return w
}

// Register registers the workflows and activities on any registry (a worker,
// a replayer, a test environment).
func Register(r sdkworker.Registry, acts *activities.Activities) {
	r.RegisterWorkflowWithOptions(workflows.Order, workflows.RegisterOptions())
	r.RegisterWorkflowWithOptions(workflows.MeetingPack, workflow.RegisterOptions{Name: workflows.MeetingPackWorkflowName})
	r.RegisterWorkflowWithOptions(workflows.CreditReview, workflow.RegisterOptions{Name: workflows.CreditReviewWorkflowName})
	r.RegisterWorkflowWithOptions(workflows.CreditAdjustment, workflow.RegisterOptions{Name: workflows.CreditAdjustmentWorkflowName})
	r.RegisterWorkflowWithOptions(workflows.ApplyReceipt, workflow.RegisterOptions{Name: workflows.ApplyReceiptWorkflowName})
	r.RegisterWorkflowWithOptions(workflows.Refund, workflow.RegisterOptions{Name: workflows.RefundWorkflowName})
	r.RegisterWorkflowWithOptions(workflows.ApplyStatement, workflow.RegisterOptions{Name: workflows.ApplyStatementWorkflowName})
	r.RegisterWorkflowWithOptions(workflows.MonthlyStatements, workflow.RegisterOptions{Name: workflows.MonthlyStatementsWorkflowName})
	r.RegisterWorkflowWithOptions(workflows.RefreshLadders, workflows.RefreshLaddersOptions())
	if acts != nil {
		acts.Register(r)
	}
}
