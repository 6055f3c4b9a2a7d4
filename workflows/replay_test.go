package workflows

import (
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
)

// TestReplaySavedHistories replays every history recorded from real runs
// (`OSB_RECORD_HISTORIES=1 go test ./e2e/` writes them, named after the
// release): a change to a workflow that would break running ones fails here.
// Guard such changes with workflow.GetVersion and record the new release's
// histories beside the old ones (docs/design.md, "Versioning").
func TestReplaySavedHistories(t *testing.T) {
	sets := []struct {
		dir      string
		min      int
		register func(worker.WorkflowReplayer)
	}{
		{"histories", 10, func(r worker.WorkflowReplayer) {
			r.RegisterWorkflowWithOptions(Order, RegisterOptions())
		}},
		{"credit-histories", 3, func(r worker.WorkflowReplayer) {
			r.RegisterWorkflowWithOptions(CreditReview, workflow.RegisterOptions{Name: CreditReviewWorkflowName})
			r.RegisterWorkflowWithOptions(CreditAdjustment, workflow.RegisterOptions{Name: CreditAdjustmentWorkflowName})
		}},
		{"pack-histories", 1, func(r worker.WorkflowReplayer) {
			r.RegisterWorkflowWithOptions(MeetingPack, workflow.RegisterOptions{Name: MeetingPackWorkflowName})
		}},
		{"finance-histories", 4, func(r worker.WorkflowReplayer) {
			r.RegisterWorkflowWithOptions(ApplyReceipt, workflow.RegisterOptions{Name: ApplyReceiptWorkflowName})
			r.RegisterWorkflowWithOptions(Refund, workflow.RegisterOptions{Name: RefundWorkflowName})
			r.RegisterWorkflowWithOptions(ApplyStatement, workflow.RegisterOptions{Name: ApplyStatementWorkflowName})
			r.RegisterWorkflowWithOptions(MonthlyStatements, workflow.RegisterOptions{Name: MonthlyStatementsWorkflowName})
		}},
	}
	logger := sdklog.NewStructuredLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	for _, set := range sets {
		files, err := filepath.Glob(filepath.Join("testdata", set.dir, "*.json"))
		if err != nil {
			t.Fatal(err)
		}
		current, err := filepath.Glob(filepath.Join("testdata", set.dir, Release+"-*.json"))
		if err != nil {
			t.Fatal(err)
		}
		if len(current) < set.min {
			t.Fatalf("found %d histories of release %s in testdata/%s, want at least %d: record them with OSB_RECORD_HISTORIES=1 go test ./e2e/", len(current), Release, set.dir, set.min)
		}
		for _, f := range files {
			t.Run(set.dir+"/"+strings.TrimSuffix(filepath.Base(f), ".json"), func(t *testing.T) {
				r := worker.NewWorkflowReplayer()
				set.register(r)
				if err := r.ReplayWorkflowHistoryFromJSONFile(logger, f); err != nil {
					t.Fatalf("replaying %s: %v", f, err)
				}
			})
		}
	}
}
