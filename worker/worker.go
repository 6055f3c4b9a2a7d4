// Package worker hosts OSB's workflows and activities on a Temporal task
// queue.
package worker

import (
	"go.temporal.io/sdk/client"
	sdkworker "go.temporal.io/sdk/worker"

	"osb/activities"
	"osb/workflows"
)

// Options tune a worker process.
type Options struct {
	// MaxConcurrentWorkflowTasks and MaxConcurrentActivities bound the work one
	// process takes on; zero keeps the SDK's defaults.
	MaxConcurrentWorkflowTasks int
	MaxConcurrentActivities    int
}

// New returns a worker on workflows.TaskQueue with the order workflow and its
// activities registered. Start it with Run or Start.
func New(c client.Client, acts *activities.Activities, o Options) sdkworker.Worker {
	w := sdkworker.New(c, workflows.TaskQueue, sdkworker.Options{
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
	if acts != nil {
		acts.Register(r)
	}
}
