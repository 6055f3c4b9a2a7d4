package workflows

import (
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"
)

// TestReplaySavedHistories replays every history recorded from real runs
// (`OSB_RECORD_HISTORIES=1 go test ./e2e/` writes them): a change to the
// workflow that would break running orders fails here. Guard such changes
// with workflow.GetVersion and record new histories beside the old ones.
func TestReplaySavedHistories(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "histories", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 5 {
		t.Fatalf("found %d saved histories, want at least 5: record them with OSB_RECORD_HISTORIES=1 go test ./e2e/", len(files))
	}
	logger := sdklog.NewStructuredLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".json"), func(t *testing.T) {
			r := worker.NewWorkflowReplayer()
			r.RegisterWorkflowWithOptions(Order, RegisterOptions())
			if err := r.ReplayWorkflowHistoryFromJSONFile(logger, f); err != nil {
				t.Fatalf("replaying %s: %v", f, err)
			}
		})
	}
}
