package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"google.golang.org/protobuf/types/known/durationpb"

	"osb/sales"
	"osb/worker"
	"osb/workflows"
)

// DefaultRetention is how long `osb setup` has a namespace it creates keep a
// closed workflow: a remitted order stays in the Web UI through its return
// window (30 days).
const DefaultRetention = 30 * sales.Day

// setupWait bounds how long Setup waits for a namespace it created, and for
// the search attributes it registered, to be served: the frontend learns of
// both within its namespace cache's refresh (10 s by default).
const setupWait = 2 * time.Minute

const setupUsage = "[-retention 30d]"

// SetupOptions says what Setup does to the namespace.
type SetupOptions struct {
	Namespace string
	// Retention is the retention of a namespace Setup creates; a namespace
	// that keeps less is reported, not changed.
	Retention time.Duration
	// Cloud is Temporal Cloud: a namespace is created in its console, never
	// by Setup, which only checks that it exists.
	Cloud bool
}

// runSetup is `osb setup`: it prepares the namespace at OSB_TEMPORAL_ADDRESS
// once, before the first worker and API process start.
func runSetup(ctx context.Context, cfg Config, log *slog.Logger, args []string) error {
	fs := flag.NewFlagSet("setup", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	retention := fs.String("retention", "30d", "retention of a namespace setup creates: days like 30d or a duration like 720h")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("usage: osb setup %s: %w", setupUsage, err)
	}
	keep, err := parseRetention(*retention)
	if err != nil {
		return err
	}
	if cfg.TemporalAddress == "" {
		return errors.New("OSB_TEMPORAL_ADDRESS is not set: point it at the Temporal cluster whose namespace OSB is to use")
	}
	c, err := DialTemporal(ctx, cfg, cfg.TemporalAddress, log)
	if err != nil {
		return err
	}
	defer c.Close()
	o := SetupOptions{Namespace: cfg.TemporalNS, Retention: keep, Cloud: cfg.TemporalCloud()}
	if err := Setup(ctx, c, o, log); err != nil {
		return err
	}
	fmt.Printf("namespace %s on %s is ready for OSB: search attributes %s\n",
		cfg.TemporalNS, cfg.TemporalAddress, strings.Join(slices.Sorted(maps.Keys(workflows.SearchAttributes())), ", "))
	return nil
}

// parseRetention reads days ("30d") or a Go duration ("720h"), at least a day.
func parseRetention(v string) (time.Duration, error) {
	var d time.Duration
	var err error
	if days, ok := strings.CutSuffix(v, "d"); ok {
		var n int
		n, err = strconv.Atoi(days)
		d = time.Duration(n) * sales.Day
	} else {
		d, err = time.ParseDuration(v)
	}
	if err != nil || d < sales.Day {
		return 0, fmt.Errorf("-retention must be days like 30d or a duration like 720h, at least a day, not %q", v)
	}
	return d, nil
}

// TemporalCloud reports whether OSB_TEMPORAL_ADDRESS is Temporal Cloud: a
// namespace endpoint (….tmprl.cloud) or a regional API-key endpoint
// (….api.temporal.io), or any address reached with an API key.
func (c Config) TemporalCloud() bool {
	host, _, err := net.SplitHostPort(c.TemporalAddress)
	if err != nil {
		host = c.TemporalAddress
	}
	return c.TemporalAPIKey != "" || strings.HasSuffix(host, ".tmprl.cloud") || strings.HasSuffix(host, ".api.temporal.io")
}

// Setup prepares namespace o.Namespace for OSB, once per namespace (it is
// idempotent): it creates the namespace when it is missing (on a
// self-hosted cluster) and registers the order workflow's search attributes,
// then waits until the frontend serves them, so that workers and API
// processes started next pass CheckNamespace.
func Setup(ctx context.Context, c client.Client, o SetupOptions, log *slog.Logger) error {
	if err := ensureNamespace(ctx, c, o, log); err != nil {
		return err
	}
	attrs := workflows.SearchAttributes()
	// A namespace created a moment ago is unknown to the frontend's cache
	// until its next refresh.
	err := retryWhile(ctx, isNamespaceNotFound, func(ctx context.Context) error {
		return worker.EnsureSearchAttributes(ctx, c, o.Namespace, attrs)
	})
	var denied *serviceerror.PermissionDenied
	var unimplemented *serviceerror.Unimplemented
	if errors.As(err, &denied) || errors.As(err, &unimplemented) {
		return fmt.Errorf("this client may not register search attributes in namespace %s (%w): add them where the namespace is administered (on Temporal Cloud its console or `tcld namespace search-attributes add`): %s",
			o.Namespace, err, attributeList(attrs))
	}
	if err != nil {
		return fmt.Errorf("registering the search attributes in namespace %s failed: %w", o.Namespace, err)
	}
	if err := retryWhile(ctx, func(error) bool { return true }, func(ctx context.Context) error {
		return CheckNamespace(ctx, c, o.Namespace)
	}); err != nil {
		return fmt.Errorf("the search attributes were registered but the frontend does not serve them yet: %w", err)
	}
	log.Info("namespace ready", "namespace", o.Namespace, "search_attributes", len(attrs))
	return nil
}

// ensureNamespace creates the namespace when it does not exist, or reports
// that it must be created in Temporal Cloud's console; an existing one that
// keeps closed workflows for less than o.Retention is reported, not changed.
func ensureNamespace(ctx context.Context, c client.Client, o SetupOptions, log *slog.Logger) error {
	desc, err := c.WorkflowService().DescribeNamespace(ctx, &workflowservice.DescribeNamespaceRequest{Namespace: o.Namespace})
	if err == nil {
		if have := desc.GetConfig().GetWorkflowExecutionRetentionTtl().AsDuration(); have < o.Retention {
			log.Warn("the namespace keeps closed workflows for less than the return window: remitted orders leave the Web UI early (returns still work); raise it with `temporal operator namespace update --retention`, or in Temporal Cloud's console",
				"namespace", o.Namespace, "retention", have, "wanted", o.Retention)
		}
		return nil
	}
	if !isNamespaceNotFound(err) {
		return fmt.Errorf("describing namespace %s failed: %w", o.Namespace, err)
	}
	if o.Cloud {
		return fmt.Errorf("namespace %s does not exist: on Temporal Cloud create it in the Cloud console (retention at least %s), then run `osb setup` again", o.Namespace, days(o.Retention))
	}
	_, err = c.WorkflowService().RegisterNamespace(ctx, &workflowservice.RegisterNamespaceRequest{
		Namespace:                        o.Namespace,
		Description:                      "OSB: Order–Shipment–Billing",
		WorkflowExecutionRetentionPeriod: durationpb.New(o.Retention),
	})
	var exists *serviceerror.NamespaceAlreadyExists
	if err != nil && !errors.As(err, &exists) {
		return fmt.Errorf("creating namespace %s failed: %w", o.Namespace, err)
	}
	log.Info("namespace created", "namespace", o.Namespace, "retention", o.Retention)
	return nil
}

// CheckNamespace checks that the namespace exists and holds the order
// workflow's search attributes with their types. Workers and API processes
// call it at start and refuse to start when it fails: its error names
// `osb setup`.
func CheckNamespace(ctx context.Context, c client.Client, ns string) error {
	resp, err := c.OperatorService().ListSearchAttributes(ctx, &operatorservice.ListSearchAttributesRequest{Namespace: ns})
	if isNamespaceNotFound(err) {
		return fmt.Errorf("namespace %s does not exist: run `osb setup` once (it creates it on a self-hosted cluster; on Temporal Cloud create it in the console first), then start again", ns)
	}
	if err != nil {
		return fmt.Errorf("listing the search attributes of namespace %s failed: %w", ns, err)
	}
	want := workflows.SearchAttributes()
	missing := map[string]enums.IndexedValueType{}
	var clash []string
	for name, typ := range want {
		got, ok := resp.GetCustomAttributes()[name]
		switch {
		case !ok:
			missing[name] = typ
		case got != typ:
			clash = append(clash, fmt.Sprintf("%s is %s, not %s", name, typeName(got), typeName(typ)))
		}
	}
	if len(clash) > 0 {
		slices.Sort(clash)
		return fmt.Errorf("namespace %s has search attributes of other types than OSB's: %s: use another namespace", ns, strings.Join(clash, "; "))
	}
	if len(missing) > 0 {
		return fmt.Errorf("namespace %s lacks the search attributes %s: run `osb setup` once with the same OSB_TEMPORAL_* settings, then start again", ns, attributeList(missing))
	}
	return nil
}

// attributeList is "CustomerID (Keyword), OrderNo (Keyword), …".
func attributeList(attrs map[string]enums.IndexedValueType) string {
	parts := make([]string, 0, len(attrs))
	for _, name := range slices.Sorted(maps.Keys(attrs)) {
		parts = append(parts, name+" ("+typeName(attrs[name])+")")
	}
	return strings.Join(parts, ", ")
}

// typeName is Keyword for INDEXED_VALUE_TYPE_KEYWORD, as the CLI names it.
func typeName(t enums.IndexedValueType) string {
	var b strings.Builder
	for word := range strings.SplitSeq(strings.TrimPrefix(t.String(), "INDEXED_VALUE_TYPE_"), "_") {
		b.WriteString(word[:1] + strings.ToLower(word[1:]))
	}
	return b.String()
}

func isNamespaceNotFound(err error) bool {
	var nf *serviceerror.NamespaceNotFound
	var notFound *serviceerror.NotFound
	return errors.As(err, &nf) || errors.As(err, &notFound)
}

// retryWhile calls try until it succeeds, fails with an error retry refuses,
// or setupWait passes.
func retryWhile(ctx context.Context, retry func(error) bool, try func(context.Context) error) error {
	ctx, cancel := context.WithTimeout(ctx, setupWait)
	defer cancel()
	for {
		err := try(ctx)
		if err == nil || !retry(err) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(500 * time.Millisecond):
		}
	}
}

func days(d time.Duration) string { return fmt.Sprintf("%d days", d/sales.Day) }
