package tracing

import (
	"go.temporal.io/sdk/interceptor"
	"go.temporal.io/sdk/workflow"
)

// spanKey is where the SDK's tracing interceptor keeps the current span in a
// workflow.Context; it is ours so that updateActivities can read and set it.
type spanKey struct{}

// updateActivities hangs the activities a workflow's main loop schedules in
// the workflow task that handled an update under that update's span, so that
// they join the trace of the request that sent it.
//
// The order workflow's update handlers change the state and return; the loop
// then writes the order (SyncOrder) and does what follows in the same
// workflow task. Without this, the SDK's interceptor would make those
// activities children of the RunWorkflow span, that is of the trace that
// started the order, not of the goods issue that caused them. Activities
// started inside a handler keep the handler's span. Only the span in the
// context changes: nothing reaches the workflow's commands or history, and
// during replay the SDK starts no spans.
type updateActivities struct {
	interceptor.InterceptorBase
}

// linkState is one workflow execution's: its own span, and the latest
// update handled with the history length of its workflow task.
type linkState struct {
	run     any
	update  any
	history int
}

// InterceptWorkflow wraps one workflow execution.
func (updateActivities) InterceptWorkflow(_ workflow.Context, next interceptor.WorkflowInboundInterceptor) interceptor.WorkflowInboundInterceptor {
	return &linkInbound{WorkflowInboundInterceptorBase: interceptor.WorkflowInboundInterceptorBase{Next: next}, state: &linkState{}}
}

type linkInbound struct {
	interceptor.WorkflowInboundInterceptorBase
	state *linkState
}

func (i *linkInbound) Init(out interceptor.WorkflowOutboundInterceptor) error {
	return i.Next.Init(&linkOutbound{WorkflowOutboundInterceptorBase: interceptor.WorkflowOutboundInterceptorBase{Next: out}, state: i.state})
}

func (i *linkInbound) ExecuteWorkflow(ctx workflow.Context, in *interceptor.ExecuteWorkflowInput) (any, error) {
	i.state.run = ctx.Value(spanKey{})
	return i.Next.ExecuteWorkflow(ctx, in)
}

func (i *linkInbound) ExecuteUpdate(ctx workflow.Context, in *interceptor.UpdateInput) (any, error) {
	out, err := i.Next.ExecuteUpdate(ctx, in)
	if span := ctx.Value(spanKey{}); span != nil && err == nil {
		i.state.update, i.state.history = span, workflow.GetInfo(ctx).GetCurrentHistoryLength()
	}
	return out, err
}

type linkOutbound struct {
	interceptor.WorkflowOutboundInterceptorBase
	state *linkState
}

// parent is ctx with the latest update's span when ctx carries the
// workflow's own span and that update was handled in this workflow task.
func (o *linkOutbound) parent(ctx workflow.Context) workflow.Context {
	s := o.state
	if s.update == nil || s.run == nil || ctx.Value(spanKey{}) != s.run ||
		workflow.GetInfo(ctx).GetCurrentHistoryLength() != s.history {
		return ctx
	}
	return workflow.WithValue(ctx, spanKey{}, s.update)
}

func (o *linkOutbound) ExecuteActivity(ctx workflow.Context, activityType string, args ...any) workflow.Future {
	return o.Next.ExecuteActivity(o.parent(ctx), activityType, args...)
}

func (o *linkOutbound) ExecuteLocalActivity(ctx workflow.Context, activityType string, args ...any) workflow.Future {
	return o.Next.ExecuteLocalActivity(o.parent(ctx), activityType, args...)
}
