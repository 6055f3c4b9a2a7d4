package devserver

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
)

const testTaskQueue = "devserver-test"

var (
	orderNo         = temporal.NewSearchAttributeKeyKeyword("OrderNo")
	escalationLevel = temporal.NewSearchAttributeKeyInt64("EscalationLevel")
	testAttributes  = map[string]enums.IndexedValueType{
		orderNo.GetName():         enums.INDEXED_VALUE_TYPE_KEYWORD,
		escalationLevel.GetName(): enums.INDEXED_VALUE_TYPE_INT,
	}
)

// escalate marks the workflow as escalated order "X", as order workflows do.
func escalate(ctx workflow.Context) error {
	return workflow.UpsertTypedSearchAttributes(ctx, orderNo.ValueSet("X"), escalationLevel.ValueSet(2))
}

// waitThenGo sleeps, then waits for the "go" signal and returns its value.
func waitThenGo(ctx workflow.Context, sleep time.Duration) (string, error) {
	if err := workflow.Sleep(ctx, sleep); err != nil {
		return "", err
	}
	var v string
	workflow.GetSignalChannel(ctx, "go").Receive(ctx, &v)
	return v, nil
}

func TestUpsertedSearchAttributesAreQueryable(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{SearchAttributes: testAttributes})
	c, _ := connect(t, s, escalate)

	run, err := c.ExecuteWorkflow(t.Context(),
		client.StartWorkflowOptions{ID: "escalate", TaskQueue: testTaskQueue}, escalate)
	if err != nil {
		t.Fatal(err)
	}
	if err := run.Get(t.Context(), nil); err != nil {
		t.Fatal(err)
	}

	query := `OrderNo = "X" AND EscalationLevel >= 1`
	eventually(t, 10*time.Second, func() error {
		resp, err := c.ListWorkflow(t.Context(), &workflowservice.ListWorkflowExecutionsRequest{Namespace: s.Namespace(), Query: query})
		if err != nil {
			return err
		}
		if n := len(resp.GetExecutions()); n != 1 {
			return fmt.Errorf("query %s found %d workflows, want 1", query, n)
		}
		return nil
	})
}

func TestFileDatabaseKeepsWorkflowsAcrossRestarts(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "temporal.db")
	first := startServer(t, Options{DatabaseFile: file, SearchAttributes: testAttributes, Retention: 48 * time.Hour})
	c, disconnect := connect(t, first, waitThenGo)
	assertRetention(t, c, first.Namespace(), 48*time.Hour)
	_, err := c.ExecuteWorkflow(t.Context(),
		client.StartWorkflowOptions{ID: "order/SO-1", TaskQueue: testTaskQueue}, waitThenGo, 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	disconnect()
	first.Stop()
	// Visibility records have a file of their own.
	if _, err := os.Stat(filepath.Join(dir, "temporal-visibility.db")); err != nil {
		t.Fatalf("no visibility database beside the main one: %v", err)
	}

	// The same file again, with one more search attribute.
	attrs := map[string]enums.IndexedValueType{"Region": enums.INDEXED_VALUE_TYPE_KEYWORD}
	maps.Copy(attrs, testAttributes)
	second := startServer(t, Options{DatabaseFile: file, SearchAttributes: attrs})
	c, disconnect = connect(t, second)
	assertSearchAttributes(t, c, second.Namespace(), attrs)
	// An older namespace that kept closed workflows for less is raised.
	assertRetention(t, c, second.Namespace(), DefaultRetention)
	disconnect()
	second.Stop()

	// The SQLite plugin keeps its connection to a file open for the life of the
	// process, so a copy of the files is what a restarted process would read.
	copied := filepath.Join(dir, "copy.db")
	copyFile(t, file, copied)
	copyFile(t, file+"-wal", copied+"-wal")
	copyFile(t, visibilityFile(file), visibilityFile(copied))
	copyFile(t, visibilityFile(file)+"-wal", visibilityFile(copied)+"-wal")
	third := startServer(t, Options{DatabaseFile: copied, SearchAttributes: attrs})
	c, _ = connect(t, third, waitThenGo)
	listed, err := c.ListWorkflow(t.Context(), &workflowservice.ListWorkflowExecutionsRequest{Query: `WorkflowId = "order/SO-1"`})
	if err != nil || len(listed.Executions) != 1 {
		t.Fatalf("the waiting workflow is not in the visibility records after the restart: %v %v", listed, err)
	}
	if err := c.SignalWorkflow(t.Context(), "order/SO-1", "", "go", "done"); err != nil {
		t.Fatal(err)
	}
	var got string
	if err := c.GetWorkflow(t.Context(), "order/SO-1", "").Get(t.Context(), &got); err != nil {
		t.Fatal(err)
	}
	if got != "done" {
		t.Errorf("workflow returned %q, want %q", got, "done")
	}
}

func TestStartFailsClearlyWhenPortIsInUse(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	taken := l.Addr().(*net.TCPAddr).Port

	tests := []struct {
		name   string
		opts   Options
		envVar string
	}{
		{"frontend", Options{FrontendPort: taken}, "OSB_TEMPORAL_PORT"},
		{"ui", Options{UIPort: taken}, "OSB_UI_PORT"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Start(t.Context(), tt.opts)
			if err == nil {
				s.Stop()
				t.Fatal("Start succeeded on a port in use")
			}
			var inUse *PortInUseError
			if !errors.As(err, &inUse) {
				t.Fatalf("Start error = %v, want a PortInUseError", err)
			}
			want := fmt.Sprintf("port %d on 127.0.0.1 is already in use: stop the other Temporal server or set %s",
				taken, tt.envVar)
			if err.Error() != want {
				t.Errorf("Start error = %q, want %q", err, want)
			}
		})
	}
}

func TestWebUIServesAndStopIsIdempotent(t *testing.T) {
	t.Parallel()
	free, err := freePorts("127.0.0.1", 1)
	if err != nil {
		t.Fatal(err)
	}
	s := startServer(t, Options{UIPort: free[0]})
	want := fmt.Sprintf("http://127.0.0.1:%d", free[0])
	if s.UIAddress() != want {
		t.Errorf("UIAddress() = %q, want %q", s.UIAddress(), want)
	}
	resp, err := http.Get(s.UIAddress() + "/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "<html") {
		t.Errorf("GET / = %s, want the UI's HTML page", resp.Status)
	}
	s.Stop()
	s.Stop()
	if _, err := http.Get(s.UIAddress() + "/healthz"); err == nil {
		t.Error("the UI still answers after Stop")
	}
}

// startServer starts a server on free ports and stops it when the test ends.
func startServer(t testing.TB, o Options) *Server {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s, err := Start(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Stop)
	return s
}

// connect dials s and, given workflows, runs a worker for testTaskQueue. The
// returned disconnect stops both; the test's end calls it too.
func connect(t testing.TB, s *Server, workflows ...any) (c client.Client, disconnect func()) {
	t.Helper()
	c, err := client.Dial(client.Options{
		HostPort:  s.FrontendAddress(),
		Namespace: s.Namespace(),
		Logger:    sdklog.NewStructuredLogger(quietLogger()),
	})
	if err != nil {
		t.Fatal(err)
	}
	stops := []func(){c.Close}
	if len(workflows) > 0 {
		w := worker.New(c, testTaskQueue, worker.Options{})
		for _, wf := range workflows {
			w.RegisterWorkflow(wf)
		}
		if err := w.Start(); err != nil {
			c.Close()
			t.Fatal(err)
		}
		stops = append(stops, w.Stop)
	}
	disconnect = sync.OnceFunc(func() {
		for _, stop := range slices.Backward(stops) {
			stop()
		}
	})
	t.Cleanup(disconnect)
	return c, disconnect
}

// quietLogger logs warnings and errors only.
func quietLogger() *slog.Logger {
	return slog.New(minLevelHandler{Handler: slog.Default().Handler(), min: slog.LevelWarn})
}

func assertSearchAttributes(t *testing.T, c client.Client, namespace string, want map[string]enums.IndexedValueType) {
	t.Helper()
	resp, err := c.OperatorService().ListSearchAttributes(t.Context(),
		&operatorservice.ListSearchAttributesRequest{Namespace: namespace})
	if err != nil {
		t.Fatal(err)
	}
	for name, typ := range want {
		if got := resp.GetCustomAttributes()[name]; got != typ {
			t.Errorf("search attribute %s is %s, want %s", name, got, typ)
		}
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// eventually retries check until it passes or timeout ends, then fails with its last error.
func eventually(t *testing.T, timeout time.Duration, check func() error) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		err := check()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal(err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// A data folder from before the visibility records had a file of their own
// keeps them in its main file; a new one gets both files.
func TestVisibilityDatabaseOfOldAndNewDataFolders(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	old := filepath.Join(dir, "old.db")
	if err := ensureSchema(sqlConfig(Options{}, old), old); err != nil {
		t.Fatal(err)
	}
	dbs, err := prepareDatabase(Options{DatabaseFile: old, Namespace: "default", SearchAttributes: testAttributes})
	if err != nil {
		t.Fatal(err)
	}
	if dbs.visibility != dbs.main {
		t.Errorf("an old data folder got a new visibility database %s", dbs.visibility.DatabaseName)
	}
	fresh := filepath.Join(dir, "fresh.db")
	dbs, err = prepareDatabase(Options{DatabaseFile: fresh, Namespace: "default", SearchAttributes: testAttributes})
	if err != nil {
		t.Fatal(err)
	}
	if dbs.visibility.DatabaseName != filepath.Join(dir, "fresh-visibility.db") {
		t.Errorf("visibility database %s", dbs.visibility.DatabaseName)
	}
	if _, err := os.Stat(dbs.visibility.DatabaseName); err != nil {
		t.Errorf("visibility database not created: %v", err)
	}
}

// assertRetention fails t unless the namespace keeps closed workflows for want.
func assertRetention(t *testing.T, c client.Client, namespace string, want time.Duration) {
	t.Helper()
	ns, err := c.WorkflowService().DescribeNamespace(t.Context(), &workflowservice.DescribeNamespaceRequest{Namespace: namespace})
	if err != nil {
		t.Fatal(err)
	}
	if got := ns.GetConfig().GetWorkflowExecutionRetentionTtl().AsDuration(); got != want {
		t.Errorf("retention of %s: %s, want %s", namespace, got, want)
	}
}
