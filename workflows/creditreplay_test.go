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

// TestReplaySavedCreditHistories replays the credit workflows' histories
// recorded from real runs (`OSB_RECORD_HISTORIES=1 go test -run Credit
// ./e2e/` writes them): a change to the review or the adjustment workflow
// that would break running ones fails here.
func TestReplaySavedCreditHistories(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "credit-histories", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 3 {
		t.Fatalf("found %d saved credit histories, want at least 3: record them with OSB_RECORD_HISTORIES=1 go test -run Credit ./e2e/", len(files))
	}
	logger := sdklog.NewStructuredLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".json"), func(t *testing.T) {
			r := worker.NewWorkflowReplayer()
			r.RegisterWorkflowWithOptions(CreditReview, workflow.RegisterOptions{Name: CreditReviewWorkflowName})
			r.RegisterWorkflowWithOptions(CreditAdjustment, workflow.RegisterOptions{Name: CreditAdjustmentWorkflowName})
			if err := r.ReplayWorkflowHistoryFromJSONFile(logger, f); err != nil {
				t.Fatalf("replaying %s: %v", f, err)
			}
		})
	}
}
