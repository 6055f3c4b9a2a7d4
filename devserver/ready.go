package devserver

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"go.temporal.io/api/enums/v1"
	namespacepb "go.temporal.io/api/namespace/v1"
	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"
	"google.golang.org/protobuf/types/known/durationpb"
)

// ready waits until the frontend serves the namespace, then registers the
// search attributes that an existing database does not have yet and raises
// its retention to at least retention.
func (s *Server) ready(ctx context.Context, attrs map[string]enums.IndexedValueType, retention time.Duration) error {
	var c client.Client
	err := poll(ctx, func(ctx context.Context) error {
		var err error
		c, err = client.DialContext(ctx, client.Options{
			HostPort:  s.frontend,
			Namespace: s.namespace,
			Logger:    sdklog.NewStructuredLogger(s.log),
		})
		return err
	})
	if err != nil {
		return fmt.Errorf("wait for temporal frontend at %s: %w", s.frontend, err)
	}
	defer c.Close()
	if s.namespaceLater {
		return nil
	}
	var ns *workflowservice.DescribeNamespaceResponse
	err = poll(ctx, func(ctx context.Context) error {
		var err error
		ns, err = c.WorkflowService().DescribeNamespace(ctx,
			&workflowservice.DescribeNamespaceRequest{Namespace: s.namespace})
		return err
	})
	if err != nil {
		return fmt.Errorf("wait for namespace %q: %w", s.namespace, err)
	}
	if have := ns.GetConfig().GetWorkflowExecutionRetentionTtl().AsDuration(); have < retention {
		s.log.Info("raising the namespace's retention", "namespace", s.namespace, "from", have, "to", retention)
		if _, err := c.WorkflowService().UpdateNamespace(ctx, &workflowservice.UpdateNamespaceRequest{
			Namespace: s.namespace,
			Config:    &namespacepb.NamespaceConfig{WorkflowExecutionRetentionTtl: durationpb.New(retention)},
		}); err != nil {
			return fmt.Errorf("raise the retention of namespace %q: %w", s.namespace, err)
		}
	}
	return addMissingSearchAttributes(ctx, c, s.namespace, attrs, s.log)
}

// addMissingSearchAttributes registers the attrs a namespace created by an
// earlier run lacks. It mirrors worker.EnsureSearchAttributes, which this
// package does not import so that worker tests can run a devserver.
func addMissingSearchAttributes(
	ctx context.Context, c client.Client, namespace string, attrs map[string]enums.IndexedValueType, log *slog.Logger,
) error {
	if len(attrs) == 0 {
		return nil
	}
	have, err := c.OperatorService().ListSearchAttributes(ctx,
		&operatorservice.ListSearchAttributesRequest{Namespace: namespace})
	if err != nil {
		return fmt.Errorf("list search attributes of namespace %q: %w", namespace, err)
	}
	missing := map[string]enums.IndexedValueType{}
	for name, want := range attrs {
		got, ok := have.GetCustomAttributes()[name]
		if !ok {
			missing[name] = want
			continue
		}
		if got != want {
			return fmt.Errorf("search attribute %s is %s in the database but %s is asked for: use a new database file",
				name, got, want)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	log.Info("adding search attributes", "namespace", namespace, "attributes", missing)
	_, err = c.OperatorService().AddSearchAttributes(ctx,
		&operatorservice.AddSearchAttributesRequest{Namespace: namespace, SearchAttributes: missing})
	if err != nil {
		return fmt.Errorf("add search attributes to namespace %q: %w", namespace, err)
	}
	return nil
}

// poll calls try until it succeeds or ctx ends, giving each try at most 5s.
func poll(ctx context.Context, try func(context.Context) error) error {
	for {
		tryCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
		err := try(tryCtx)
		cancel()
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w: %w", ctx.Err(), err)
		case <-time.After(50 * time.Millisecond):
		}
	}
}
