package app

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"

	"osb/devserver"
	"osb/postgres/pgtest"
	"osb/sales"
	"osb/workflows"
)

// A namespace nobody prepared: `osb worker` and `osb api` refuse to start,
// naming `osb setup`; `osb setup` creates the namespace with the retention
// asked for and registers the search attributes; then both pass the check,
// and setup run again changes nothing.
func TestSetupPreparesTheNamespaceWorkersAndAPIsOnlyCheckIt(t *testing.T) {
	ctx := context.Background()
	// An embedded server whose namespace has none of OSB's attributes.
	srv, err := devserver.Start(ctx, devserver.Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Stop)
	c, err := client.Dial(client.Options{HostPort: srv.FrontendAddress(), Namespace: srv.Namespace()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)

	err = CheckNamespace(ctx, c, srv.Namespace())
	if err == nil || !strings.Contains(err.Error(), "run `osb setup` once") ||
		!strings.Contains(err.Error(), "OrderNo (Keyword)") || !strings.Contains(err.Error(), "EscalationLevel (Int)") {
		t.Errorf("a namespace without the attributes: %v", err)
	}
	env := map[string]string{
		"OSB_DATABASE_URL":       pgtest.NewDatabase(t),
		"OSB_TEMPORAL_ADDRESS":   srv.FrontendAddress(),
		"OSB_TEMPORAL_NAMESPACE": "osb-fresh",
		"OSB_HTTP_ADDR":          "127.0.0.1:0",
		"OSB_OPS_ADDR":           "",
	}
	for _, cmd := range []string{"worker", "api"} {
		if msg := runErr(t, env, cmd); !strings.Contains(msg, "namespace osb-fresh does not exist: run `osb setup` once") {
			t.Errorf("osb %s without a namespace: %q", cmd, msg)
		}
	}

	for k, v := range env {
		t.Setenv(k, v)
	}
	if err := (Program{Name: "osb"}).Run([]string{"setup", "-retention", "45d"}); err != nil {
		t.Fatalf("osb setup: %v", err)
	}
	desc, err := c.WorkflowService().DescribeNamespace(ctx, &workflowservice.DescribeNamespaceRequest{Namespace: "osb-fresh"})
	if err != nil {
		t.Fatal(err)
	}
	if got := desc.GetConfig().GetWorkflowExecutionRetentionTtl().AsDuration(); got != 45*sales.Day {
		t.Errorf("the namespace keeps closed workflows for %s, not 45 days", got)
	}
	if err := CheckNamespace(ctx, c, "osb-fresh"); err != nil {
		t.Errorf("after osb setup: %v", err)
	}
	// Again: nothing to do, nothing fails.
	if err := Setup(ctx, c, SetupOptions{Namespace: "osb-fresh", Retention: DefaultRetention}, slog.New(slog.DiscardHandler)); err != nil {
		t.Errorf("osb setup a second time: %v", err)
	}
	// The namespace the server made is prepared as well.
	if err := Setup(ctx, c, SetupOptions{Namespace: srv.Namespace(), Retention: DefaultRetention}, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	if err := CheckNamespace(ctx, c, srv.Namespace()); err != nil {
		t.Errorf("after setup of an existing namespace: %v", err)
	}
}

// On Temporal Cloud a missing namespace is not created: setup says where to
// create it.
func TestSetupOnTemporalCloudOnlyChecksTheNamespaceExists(t *testing.T) {
	srv, err := devserver.Start(context.Background(), devserver.Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Stop)
	c, err := client.Dial(client.Options{HostPort: srv.FrontendAddress(), Namespace: srv.Namespace()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err = Setup(ctx, c, SetupOptions{Namespace: "missing.a1b2c", Retention: DefaultRetention, Cloud: true}, slog.New(slog.DiscardHandler))
	if err == nil || !strings.Contains(err.Error(), "create it in the Cloud console") {
		t.Errorf("setup of a missing Cloud namespace: %v", err)
	}
	if _, err := c.WorkflowService().DescribeNamespace(ctx, &workflowservice.DescribeNamespaceRequest{Namespace: "missing.a1b2c"}); err == nil {
		t.Error("setup created a namespace on Temporal Cloud")
	}
}

func TestTemporalCloudIsRecognisedByAddressOrAPIKey(t *testing.T) {
	for addr, cloud := range map[string]bool{
		"my-ns.a1b2c.tmprl.cloud:7233":       true,
		"us-east-1.aws.api.temporal.io:7233": true,
		"temporal.internal:7233":             false,
		"127.0.0.1:7233":                     false,
	} {
		if got := (Config{TemporalAddress: addr}).TemporalCloud(); got != cloud {
			t.Errorf("%s: cloud %v", addr, got)
		}
	}
	if !(Config{TemporalAddress: "10.0.0.1:7233", TemporalAPIKey: "k"}).TemporalCloud() {
		t.Error("an API key is Temporal Cloud")
	}
	for v, want := range map[string]time.Duration{"30d": 30 * sales.Day, "720h": 30 * sales.Day} {
		if got, err := parseRetention(v); err != nil || got != want {
			t.Errorf("retention %s: %s, %v", v, got, err)
		}
	}
	for _, bad := range []string{"1h", "x", "-3d"} {
		if _, err := parseRetention(bad); err == nil {
			t.Errorf("retention %s accepted", bad)
		}
	}
}

// The README's production section lists what `osb setup` registers, for
// those who add the attributes by hand (Temporal Cloud).
func TestREADMEListsTheSearchAttributesSetupRegisters(t *testing.T) {
	readme := mustRead(t, "../../README.md")
	for name, typ := range workflows.SearchAttributes() {
		if !strings.Contains(readme, "`"+name+"`") {
			t.Errorf("the README does not name the search attribute %s (%s)", name, typeName(typ))
		}
	}
}
